/**
 * Float64 reference twin of layers/attention.ts: textbook causal attention, one query at a time, no cache, no
 * blocking. RoPE as HF `apply_rotary_pos_emb` (rotate_half), GQA as `repeat_kv` (query head h uses kv head h / G).
 */
import type { AttentionWeights } from './layer';
import { linearRef } from '../../sim/runtime/reference/ops';

function ropeInPlace(v: Float64Array, off: number, hd: number, pos: number, theta: number): void {
  const half = hd / 2;
  for (let i = 0; i < half; i++) {
    const ang = pos * Math.pow(theta, (-2 * i) / hd);
    const c = Math.cos(ang);
    const s = Math.sin(ang);
    const a = v[off + i]!;
    const b = v[off + half + i]!;
    v[off + i] = a * c - b * s;
    v[off + half + i] = b * c + a * s;
  }
}

/** x: (b, l, dIn) row-major -> (b, l, dOut). */
export function attentionRef(w: AttentionWeights, x: Float64Array, b: number, l: number): Float64Array {
  const { dIn, dOut, nHeads: h, nKvHeads: kvh, headDim: hd, rope, ropeTheta, slidingWindow: win } = w.dims;
  const rows = b * l;
  const q = linearRef(x, rows, w.wq, w.bq); // (rows, H hd)
  const k = linearRef(x, rows, w.wk, w.bk); // (rows, KVH hd)
  const v = linearRef(x, rows, w.wv, w.bv);
  if (rope) {
    for (let r = 0; r < rows; r++) {
      const pos = r % l;
      for (let hh = 0; hh < h; hh++) ropeInPlace(q, r * h * hd + hh * hd, hd, pos, ropeTheta);
      for (let hh = 0; hh < kvh; hh++) ropeInPlace(k, r * kvh * hd + hh * hd, hd, pos, ropeTheta);
    }
  }
  const g = h / kvh;
  const o = new Float64Array(rows * h * hd);
  const scores = new Float64Array(l);
  for (let bb = 0; bb < b; bb++) {
    for (let hh = 0; hh < h; hh++) {
      const kh = Math.floor(hh / g);
      for (let i = 0; i < l; i++) {
        const j0 = win === null ? 0 : Math.max(0, i - win + 1);
        let m = -Infinity;
        for (let j = j0; j <= i; j++) {
          let s = 0;
          for (let t = 0; t < hd; t++) s += q[(bb * l + i) * h * hd + hh * hd + t]! * k[(bb * l + j) * kvh * hd + kh * hd + t]!;
          scores[j] = s / Math.sqrt(hd);
          m = Math.max(m, scores[j]!);
        }
        let z = 0;
        for (let j = j0; j <= i; j++) z += (scores[j] = Math.exp(scores[j]! - m));
        for (let j = j0; j <= i; j++) {
          const p = scores[j]! / z;
          for (let t = 0; t < hd; t++) o[(bb * l + i) * h * hd + hh * hd + t]! += p * v[(bb * l + j) * kvh * hd + kh * hd + t]!;
        }
      }
    }
  }
  const y = linearRef(o, rows, w.wo, w.bo);
  if (y.length !== rows * dOut || x.length !== rows * dIn) throw new Error('attentionRef: shape mismatch');
  return y;
}

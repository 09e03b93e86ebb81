/**
 * Float64 reference twin of layer.ts: textbook causal attention, one query at a time, no cache, no blocking. RoPE as
 * HF `apply_rotary_pos_emb` (rotate_half on the first rd dims of a head, the rest passed), GQA as `repeat_kv` (query
 * head h uses kv head h / G); the options as HF `modeling_qwen3_next.py` `Qwen3NextAttention`: q_proj rows per head
 * [query hd, gate hd], q/k RMSNorm per head before RoPE, output ·= sigmoid(gate) before o_proj.
 */
import { QK_NORM_EPS, type AttentionWeights } from './layer';
import type { Param } from '../../sim/runtime/params';
import { linearRef } from '../../sim/runtime/reference/ops';

/** RoPE in place on the first rd dims of the head at v[off..off+hd). */
function ropeInPlace(v: Float64Array, off: number, rd: number, pos: number, theta: number): void {
  const half = rd / 2;
  for (let i = 0; i < half; i++) {
    const ang = pos * Math.pow(theta, (-2 * i) / rd);
    const c = Math.cos(ang);
    const s = Math.sin(ang);
    const a = v[off + i]!;
    const b = v[off + half + i]!;
    v[off + i] = a * c - b * s;
    v[off + half + i] = b * c + a * s;
  }
}

/** RMSNorm in place over each run of hd values (one head), gain g. */
function headNormInPlace(v: Float64Array, hd: number, g: Param): void {
  for (let o = 0; o < v.length; o += hd) {
    let ss = 0;
    for (let t = 0; t < hd; t++) ss += v[o + t]! * v[o + t]!;
    const inv = 1 / Math.sqrt(ss / hd + QK_NORM_EPS);
    for (let t = 0; t < hd; t++) v[o + t] = v[o + t]! * inv * g.data[t]!;
  }
}

/** x: (b, l, dIn) row-major -> (b, l, dOut). */
export function attentionRef(w: AttentionWeights, x: Float64Array, b: number, l: number): Float64Array {
  const { dIn, dOut, nHeads: h, nKvHeads: kvh, headDim: hd, rope, ropeTheta, slidingWindow: win } = w.dims;
  const rd = w.dims.ropeDims ?? hd;
  const rows = b * l;
  const qAll = linearRef(x, rows, w.wq, w.bq); // (rows, H hd), or (rows, H 2hd) with the gate
  let q = qAll;
  let gate: Float64Array | null = null;
  if (w.dims.outputGate) {
    q = new Float64Array(rows * h * hd);
    gate = new Float64Array(rows * h * hd);
    for (let r = 0; r < rows; r++) {
      for (let hh = 0; hh < h; hh++) {
        const src = r * h * 2 * hd + hh * 2 * hd;
        q.set(qAll.subarray(src, src + hd), r * h * hd + hh * hd);
        gate.set(qAll.subarray(src + hd, src + 2 * hd), r * h * hd + hh * hd);
      }
    }
  }
  const k = linearRef(x, rows, w.wk, w.bk); // (rows, KVH hd)
  const v = linearRef(x, rows, w.wv, w.bv);
  if (w.qNorm) headNormInPlace(q, hd, w.qNorm);
  if (w.kNorm) headNormInPlace(k, hd, w.kNorm);
  if (rope) {
    for (let r = 0; r < rows; r++) {
      const pos = r % l;
      for (let hh = 0; hh < h; hh++) ropeInPlace(q, r * h * hd + hh * hd, rd, pos, ropeTheta);
      for (let hh = 0; hh < kvh; hh++) ropeInPlace(k, r * kvh * hd + hh * hd, rd, pos, ropeTheta);
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
  if (gate) for (let i = 0; i < o.length; i++) o[i] = o[i]! / (1 + Math.exp(-gate[i]!));
  const y = linearRef(o, rows, w.wo, w.bo);
  if (y.length !== rows * dOut || x.length !== rows * dIn) throw new Error('attentionRef: shape mismatch');
  return y;
}

/**
 * Float64 reference twin of layer.ts, in the NAIVE form of HF `modeling_deepseek_v3.py` / `modeling_kimi_linear.py`
 * (the layer decodes in the absorbed form, so the tests also check that the two agree):
 *   q = q_proj(x) or q_b_proj(RMSNorm(q_a_proj(x)));  per head [q_nope dn | q_pe dr]
 *   [c | k_pe] = kv_a_proj_with_mqa(x);  c = RMSNorm(c) (kv_a_layernorm)
 *   per head [k_nope dn | v dv] = kv_b_proj(c);  key = [k_nope | k_pe] (k_pe shared by the heads)
 *   RoPE (`apply_rotary_pos_emb`, rotate_half over the dr dims, theta^(-2i/dr)) on q_pe and k_pe, unless NoPE
 *   softmax(q·key / sqrt(dn + dr)) causal, o = Σ p v;  y = o_proj(o)
 * One query at a time, no cache, plain loops.
 */
import { linearRef } from '../../sim/runtime/reference/ops';
import type { Param } from '../../sim/runtime/params';
import { MLA_NORM_EPS, type MlaWeights } from './weights';

/** RMSNorm of each row of width n in place, gain g. */
function rmsRowsInPlace(v: Float64Array, n: number, g: Param): void {
  for (let o = 0; o < v.length; o += n) {
    let ss = 0;
    for (let i = 0; i < n; i++) ss += v[o + i]! * v[o + i]!;
    const inv = 1 / Math.sqrt(ss / n + MLA_NORM_EPS);
    for (let i = 0; i < n; i++) v[o + i] = v[o + i]! * inv * g.data[i]!;
  }
}

/** RoPE (rotate_half) in place on v[off .. off+dr) at position pos. */
function ropeInPlace(v: Float64Array, off: number, dr: number, pos: number, theta: number): void {
  const half = dr / 2;
  for (let i = 0; i < half; i++) {
    const ang = pos * Math.pow(theta, (-2 * i) / dr);
    const c = Math.cos(ang);
    const s = Math.sin(ang);
    const a = v[off + i]!;
    const b = v[off + half + i]!;
    v[off + i] = a * c - b * s;
    v[off + half + i] = b * c + a * s;
  }
}

/** x: (b, l, d) row-major -> (b, l, d). */
export function mlaRef(w: MlaWeights, x: Float64Array, b: number, l: number): Float64Array {
  const { dModel: d, nHeads: h, kvLoraRank: r, qLoraRank: rq, qkNopeHeadDim: dn, qkRopeHeadDim: dr, vHeadDim: dv, rope, ropeTheta } = w.dims;
  if (x.length !== b * l * d) throw new Error('mlaRef: shape mismatch');
  const rows = b * l;
  const dq = dn + dr;
  let q: Float64Array;
  if (rq === null) q = linearRef(x, rows, w.qProj!); // (rows, H dq)
  else {
    const qa = linearRef(x, rows, w.qAProj!); // (rows, rq)
    rmsRowsInPlace(qa, rq, w.qANorm!);
    q = linearRef(qa, rows, w.qBProj!);
  }
  const ckv = linearRef(x, rows, w.kvAProj); // (rows, r + dr)
  const c = new Float64Array(rows * r);
  const kpe = new Float64Array(rows * dr);
  for (let i = 0; i < rows; i++) {
    c.set(ckv.subarray(i * (r + dr), i * (r + dr) + r), i * r);
    kpe.set(ckv.subarray(i * (r + dr) + r, (i + 1) * (r + dr)), i * dr);
  }
  rmsRowsInPlace(c, r, w.kvANorm);
  const kv = linearRef(c, rows, w.kvBProj); // (rows, H (dn + dv))
  if (rope) {
    for (let i = 0; i < rows; i++) {
      const pos = i % l;
      for (let hh = 0; hh < h; hh++) ropeInPlace(q, i * h * dq + hh * dq + dn, dr, pos, ropeTheta);
      ropeInPlace(kpe, i * dr, dr, pos, ropeTheta);
    }
  }
  const scale = 1 / Math.sqrt(dq);
  const o = new Float64Array(rows * h * dv);
  const scores = new Float64Array(l);
  for (let bb = 0; bb < b; bb++) {
    for (let hh = 0; hh < h; hh++) {
      for (let i = 0; i < l; i++) {
        const qo = (bb * l + i) * h * dq + hh * dq;
        let m = -Infinity;
        for (let j = 0; j <= i; j++) {
          const ko = (bb * l + j) * h * (dn + dv) + hh * (dn + dv);
          let s = 0;
          for (let t = 0; t < dn; t++) s += q[qo + t]! * kv[ko + t]!;
          for (let t = 0; t < dr; t++) s += q[qo + dn + t]! * kpe[(bb * l + j) * dr + t]!;
          scores[j] = s * scale;
          m = Math.max(m, scores[j]!);
        }
        let z = 0;
        for (let j = 0; j <= i; j++) z += (scores[j] = Math.exp(scores[j]! - m));
        const oo = (bb * l + i) * h * dv + hh * dv;
        for (let j = 0; j <= i; j++) {
          const p = scores[j]! / z;
          const vo = (bb * l + j) * h * (dn + dv) + hh * (dn + dv) + dn;
          for (let t = 0; t < dv; t++) o[oo + t]! += p * kv[vo + t]!;
        }
      }
    }
  }
  return linearRef(o, rows, w.oProj);
}

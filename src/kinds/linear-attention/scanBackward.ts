/**
 * The linear-attention scan's backward: the reverse-time recurrence of scan.ts's forward (glossary in spec.ts), in
 * plain TypeScript, for the registered scan kernels' gradient (scanKernel.ts). Zero initial state (prefill).
 *
 * Forward, per batch row and value head h (key head kh = ⌊h / r⌋), token t, with S_0 = 0:
 *   D_t = α_t ⊙ S_{t−1}              (α a scalar per head, or one per key channel i, scaling row i of S)
 *   w_t = β_t (v_t − D_tᵀ k_t)        (delta rule; additive: w_t = v_t)
 *   S_t = D_t + k_t w_tᵀ,   y_t = S_tᵀ q_t
 * Backward, G = ∂L/∂S_t carried from t = l−1 down to 0 (G starts at the final state's gradient):
 *   G += q_t dy_tᵀ;  dq_t = S_t dy_t;  dw = Gᵀ k_t;  dk_t = G w_t;
 *   delta: u = v_t − D_tᵀ k_t, dβ_t = dw·u, du = β_t dw, dv_t = du, G −= k_t duᵀ, dk_t −= D_t du;  additive: dv_t = dw;
 *   dα_i = Σ_j G_ij S_{t−1,ij} (per channel; summed over i for a per-head α; over tokens and rows for a fixed one),
 *   d log α = α dα;  G ← α ⊙ G.
 * The states S_t are recomputed forward and kept per (row, head): (l + 1)·dk·dv floats at a time. Key-head gradients
 * sum over the r value heads that read the key head.
 */
import { alphaLayout, type LinearScanArrays, type LinearScanDims } from './scan';

/** Gradients of the scan's inputs (log α and β null when the scan has none). */
export interface LinearScanGrads {
  dq: Float32Array;
  dk: Float32Array;
  dv: Float32Array;
  dLogAlpha: Float32Array | null;
  dBeta: Float32Array | null;
}

/** ∂L/∂inputs from ∂L/∂y (b, l, nv, dv) and ∂L/∂(final state) (b, nv, dk, dv; null: zero). Zero initial state. */
export function linearScanBackward(dims: LinearScanDims, arrays: LinearScanArrays, dy: Float32Array, dState: Float32Array | null): LinearScanGrads {
  const { b, l, nk, nv, dk, dv } = dims;
  const r = nv / nk;
  const { q, k, v, beta } = arrays;
  const a = alphaLayout(arrays.decay, l, nv, dk);
  const kind = arrays.decay.kind;
  const dq = new Float32Array(q.length);
  const dkA = new Float32Array(k.length);
  const dvA = new Float32Array(v.length);
  const dLogAlpha = arrays.decay.logAlpha ? new Float32Array(arrays.decay.logAlpha.length) : null;
  const dBeta = beta ? new Float32Array(beta.length) : null;
  const sz = dk * dv;
  const hist = new Float32Array((l + 1) * sz); // S_0 … S_l of one (row, head)
  const writes = new Float32Array(l * dv); // w_t
  const resid = new Float32Array(l * dv); // u_t = v_t − D_tᵀ k_t (delta rule)
  const G = new Float64Array(sz);
  const dw = new Float64Array(dv);
  const du = new Float64Array(dv);
  const alphaAt = (bi: number, t: number, h: number, i: number) => a.data[bi * a.perBatch + t * a.perToken + h * a.perHead + i * a.perChannel]!;
  for (let bi = 0; bi < b; bi++) {
    for (let h = 0; h < nv; h++) {
      const kh = Math.floor(h / r);
      // forward again, keeping every state
      hist.fill(0, 0, sz);
      for (let t = 0; t < l; t++) {
        const kq = ((bi * l + t) * nk + kh) * dk;
        const vo = ((bi * l + t) * nv + h) * dv;
        const prev = t * sz;
        const cur = (t + 1) * sz;
        for (let i = 0; i < dk; i++) {
          const al = alphaAt(bi, t, h, i);
          for (let j = 0; j < dv; j++) hist[cur + i * dv + j] = hist[prev + i * dv + j]! * al;
        }
        if (beta) {
          const bt = beta[(bi * l + t) * nv + h]!;
          for (let j = 0; j < dv; j++) {
            let s = 0;
            for (let i = 0; i < dk; i++) s += hist[cur + i * dv + j]! * k[kq + i]!;
            const u = v[vo + j]! - s;
            resid[t * dv + j] = u;
            writes[t * dv + j] = bt * u;
          }
        } else {
          for (let j = 0; j < dv; j++) writes[t * dv + j] = v[vo + j]!;
        }
        for (let i = 0; i < dk; i++) {
          const ki = k[kq + i]!;
          for (let j = 0; j < dv; j++) hist[cur + i * dv + j] = hist[cur + i * dv + j]! + ki * writes[t * dv + j]!;
        }
      }
      // backward
      const so = (bi * nv + h) * sz;
      for (let e = 0; e < sz; e++) G[e] = dState ? dState[so + e]! : 0;
      for (let t = l - 1; t >= 0; t--) {
        const kq = ((bi * l + t) * nk + kh) * dk;
        const vo = ((bi * l + t) * nv + h) * dv;
        const prev = t * sz;
        const cur = (t + 1) * sz;
        // y_t = S_tᵀ q_t
        for (let i = 0; i < dk; i++) {
          let s = 0;
          const qi = q[kq + i]!;
          for (let j = 0; j < dv; j++) {
            const g = dy[vo + j]!;
            s += hist[cur + i * dv + j]! * g;
            G[i * dv + j] = G[i * dv + j]! + qi * g;
          }
          dq[kq + i] = dq[kq + i]! + s;
        }
        // S_t = D_t + k_t w_tᵀ
        dw.fill(0);
        for (let i = 0; i < dk; i++) {
          const ki = k[kq + i]!;
          let s = 0;
          for (let j = 0; j < dv; j++) {
            const g = G[i * dv + j]!;
            dw[j] = dw[j]! + ki * g;
            s += g * writes[t * dv + j]!;
          }
          dkA[kq + i] = dkA[kq + i]! + s;
        }
        if (beta && dBeta) {
          const bi_t = (bi * l + t) * nv + h;
          const bt = beta[bi_t]!;
          let db = 0;
          for (let j = 0; j < dv; j++) {
            db += dw[j]! * resid[t * dv + j]!;
            du[j] = bt * dw[j]!;
            dvA[vo + j] = du[j]!;
          }
          dBeta[bi_t] = db;
          // u = v − D_tᵀ k_t, D_t = S_t − k_t w_tᵀ
          for (let i = 0; i < dk; i++) {
            const ki = k[kq + i]!;
            let s = 0;
            for (let j = 0; j < dv; j++) {
              const d = hist[cur + i * dv + j]! - ki * writes[t * dv + j]!;
              s += d * du[j]!;
              G[i * dv + j] = G[i * dv + j]! - ki * du[j]!;
            }
            dkA[kq + i] = dkA[kq + i]! - s;
          }
        } else {
          for (let j = 0; j < dv; j++) dvA[vo + j] = dw[j]!;
        }
        // D_t = α ⊙ S_{t−1}
        let headSum = 0;
        for (let i = 0; i < dk; i++) {
          const al = alphaAt(bi, t, h, i);
          let s = 0;
          for (let j = 0; j < dv; j++) {
            s += G[i * dv + j]! * hist[prev + i * dv + j]!;
            G[i * dv + j] = G[i * dv + j]! * al;
          }
          if (kind === 'channel') dLogAlpha![((bi * l + t) * nv + h) * dk + i] = al * s;
          else headSum += al * s;
        }
        if (kind === 'head') dLogAlpha![(bi * l + t) * nv + h] = headSum;
        else if (kind === 'fixed') dLogAlpha![h] = dLogAlpha![h]! + headSum;
      }
    }
  }
  return { dq, dk: dkA, dv: dvA, dLogAlpha, dBeta };
}

/**
 * Float64 reference twin of `layers/hyena.ts`: StripedHyena's Hyena mixer in modal form, one token at a time, as
 * togethercomputer/stripedhyena `engine.py` `step_fir` + `step_iir` write it. One sequence, no tfjs.
 *
 * Per token: z = projections(u) (3d); FIR over the 3d channels with the last Ks-1 inputs (state) and the current
 * one; x2, x1, v = split(z); x1v = x1·v; s = p·s + x1v (complex, per channel and pole); y = x2·(Re Σ_s R·s + D·x1v);
 * out_filter_dense(y). This recurrence equals the long convolution with h[t] = Re Σ_s R_s p_s^t.
 */
import type { HyenaMixer } from './spec';
import type { HyenaWeights } from './weights';
import { linearRef } from '../../sim/runtime/reference/ops';

/** Recurrent state of one sequence: fir (3d, Ks-1) last inputs oldest first; iirRe, iirIm (d, S). */
export interface HyenaRefState {
  fir: Float64Array;
  iirRe: Float64Array;
  iirIm: Float64Array;
}

/** A zero state. */
export function hyenaRefZeroState(cfg: HyenaMixer, dModel: number): HyenaRefState {
  const S = cfg.stateSize;
  return { fir: new Float64Array(3 * dModel * (cfg.shortFilterLength - 1)), iirRe: new Float64Array(dModel * S), iirIm: new Float64Array(dModel * S) };
}

/** One token u (d) -> y (d); updates `state` in place. */
export function hyenaRefStep(w: HyenaWeights, cfg: HyenaMixer, dModel: number, u: Float64Array, state: HyenaRefState): Float64Array {
  const d = dModel;
  const K = cfg.shortFilterLength;
  const S = cfg.stateSize;
  const z = linearRef(u, 1, w.proj, w.projBias);
  const f = new Float64Array(3 * d);
  for (let c = 0; c < 3 * d; c++) {
    const o = c * (K - 1);
    let s = w.shortFilter.data[c * K + K - 1]! * z[c]! + (w.shortFilterBias ? w.shortFilterBias.data[c]! : 0);
    for (let k = 0; k < K - 1; k++) s += state.fir[o + k]! * w.shortFilter.data[c * K + k]!;
    f[c] = s;
    for (let k = 0; k < K - 2; k++) state.fir[o + k] = state.fir[o + k + 1]!;
    if (K > 1) state.fir[o + K - 2] = z[c]!;
  }
  const y = new Float64Array(d);
  for (let c = 0; c < d; c++) {
    const x2 = f[c]!;
    const x1v = f[d + c]! * f[2 * d + c]!;
    let acc = 0;
    for (let s = 0; s < S; s++) {
      const i = c * S + s;
      const pr = w.poles.data[2 * i]!;
      const pi = w.poles.data[2 * i + 1]!;
      const sr = state.iirRe[i]!;
      const si = state.iirIm[i]!;
      const nr = pr * sr - pi * si + x1v;
      const ni = pr * si + pi * sr;
      state.iirRe[i] = nr;
      state.iirIm[i] = ni;
      acc += w.residues.data[2 * i]! * nr - w.residues.data[2 * i + 1]! * ni;
    }
    y[c] = x2 * (acc + w.d.data[c]! * x1v);
  }
  return linearRef(y, 1, w.outDense, w.outDenseBias);
}

/** Prefill of one sequence x (l·d) from `state` (zero when omitted); the input state is not modified. */
export function hyenaRef(w: HyenaWeights, cfg: HyenaMixer, dModel: number, x: Float64Array, l: number, state?: HyenaRefState): { y: Float64Array; state: HyenaRefState } {
  const s = state ? { fir: state.fir.slice(), iirRe: state.iirRe.slice(), iirIm: state.iirIm.slice() } : hyenaRefZeroState(cfg, dModel);
  const y = new Float64Array(l * dModel);
  for (let t = 0; t < l; t++) y.set(hyenaRefStep(w, cfg, dModel, x.subarray(t * dModel, (t + 1) * dModel), s), t * dModel);
  return { y, state: s };
}

/** The long filter h_c[t] = Re Σ_s R_{c,s} p_{c,s}^t for t < l, (d, l): the convolution view of the same recurrence. */
export function hyenaLongFilterRef(w: HyenaWeights, l: number): Float64Array {
  const [d, S] = w.poles.shape as [number, number];
  const h = new Float64Array(d * l);
  for (let c = 0; c < d; c++) {
    for (let s = 0; s < S; s++) {
      const i = c * S + s;
      const mod = Math.hypot(w.poles.data[2 * i]!, w.poles.data[2 * i + 1]!);
      const ang = Math.atan2(w.poles.data[2 * i + 1]!, w.poles.data[2 * i]!);
      const rr = w.residues.data[2 * i]!;
      const ri = w.residues.data[2 * i + 1]!;
      for (let t = 0; t < l; t++) {
        const m = mod ** t;
        h[c * l + t] = h[c * l + t]! + rr * m * Math.cos(ang * t) - ri * m * Math.sin(ang * t);
      }
    }
  }
  return h;
}

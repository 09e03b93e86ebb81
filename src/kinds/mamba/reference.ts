/**
 * Float64 reference twin of `layers/mamba.ts`: the textbook sequential Mamba-1 mixer, one token at a time, exactly as
 * state-spaces `mamba_simple.py` `step` and `selective_scan_ref` write it (Jamba's inner RMSNorms from HF
 * `modeling_jamba.py`). One sequence (batch 1), row-major arrays, no tfjs.
 *
 * Per token: x, z = in_proj(u); conv state rolls left and takes x; x = SiLU(Σ_k conv·w + b); dt, B, C = x_proj(x)
 * (+ RMSNorm each when `innerNorms`); Δ = softplus(dt_proj(dt) + bias); A = -exp(A_log);
 * h = exp(Δ·A)·h + Δ·B·x (ZOH for A, Euler for B); y = C·h + D·x; y = y·SiLU(z); out_proj(y).
 */
import type { MambaMixer } from './spec';
import type { Param } from '../../sim/runtime/params';
import { MAMBA_INNER_NORM_EPS, mambaDInner, mambaDtRank, type MambaWeights } from './weights';
import { linearRef, siluRef } from '../../sim/runtime/reference/ops';

/** Recurrent state of one sequence: conv (di, K) holds the last K conv inputs, oldest first; ssm (di, N). */
export interface MambaRefState {
  conv: Float64Array;
  ssm: Float64Array;
}

/** softplus as torch computes it (threshold 20). */
export const softplusRef = (v: number): number => (v > 20 ? v : Math.log1p(Math.exp(v)));

/** RMSNorm of a slice in place (`JambaRMSNorm`). */
export function rmsNormInPlace(x: Float64Array, start: number, n: number, gain: Param, eps: number): void {
  let ss = 0;
  for (let i = 0; i < n; i++) ss += x[start + i]! ** 2;
  const inv = 1 / Math.sqrt(ss / n + eps);
  for (let i = 0; i < n; i++) x[start + i] = x[start + i]! * inv * gain.data[i]!;
}

/** Rolls a (channels, K) conv state left, appends `v[c]`, and returns Σ_k state·w (+ bias) per channel. */
export function convStepRef(state: Float64Array, w: Param, bias: Param | null, v: Float64Array, vOffset: number, channels: number): Float64Array {
  const K = w.shape[1]!;
  const out = new Float64Array(channels);
  for (let c = 0; c < channels; c++) {
    const o = c * K;
    for (let k = 0; k < K - 1; k++) state[o + k] = state[o + k + 1]!;
    state[o + K - 1] = v[vOffset + c]!;
    let s = bias ? bias.data[c]! : 0;
    for (let k = 0; k < K; k++) s += state[o + k]! * w.data[o + k]!;
    out[c] = s;
  }
  return out;
}

/** A zero state (what prefill starts from). */
export function mambaRefZeroState(cfg: MambaMixer, dModel: number): MambaRefState {
  const di = mambaDInner(cfg, dModel);
  return { conv: new Float64Array(di * cfg.dConv), ssm: new Float64Array(di * cfg.dState) };
}

/** One token u (d) -> y (d); updates `state` in place. */
export function mambaRefStep(w: MambaWeights, cfg: MambaMixer, dModel: number, u: Float64Array, state: MambaRefState): Float64Array {
  const di = mambaDInner(cfg, dModel);
  const r = mambaDtRank(cfg, dModel);
  const N = cfg.dState;
  const xz = linearRef(u, 1, w.inProj, w.inProjBias); // (2di)
  const xc = convStepRef(state.conv, w.convWeight, w.convBias, xz, 0, di);
  for (let c = 0; c < di; c++) xc[c] = siluRef(xc[c]!);
  const dbc = linearRef(xc, 1, w.xProj); // (r + 2N)
  if (w.dtNorm && w.bNorm && w.cNorm) {
    rmsNormInPlace(dbc, 0, r, w.dtNorm, MAMBA_INNER_NORM_EPS);
    rmsNormInPlace(dbc, r, N, w.bNorm, MAMBA_INNER_NORM_EPS);
    rmsNormInPlace(dbc, r + N, N, w.cNorm, MAMBA_INNER_NORM_EPS);
  }
  const delta = linearRef(dbc.subarray(0, r), 1, w.dtProj, w.dtProjBias); // (di)
  const y = new Float64Array(di);
  for (let c = 0; c < di; c++) {
    const dt = softplusRef(delta[c]!);
    const xv = xc[c]!;
    let acc = 0;
    for (let n = 0; n < N; n++) {
      const A = -Math.exp(w.aLog.data[c * N + n]!);
      const i = c * N + n;
      const h = Math.exp(dt * A) * state.ssm[i]! + dt * dbc[r + n]! * xv;
      state.ssm[i] = h;
      acc += h * dbc[r + N + n]!;
    }
    y[c] = (acc + w.d.data[c]! * xv) * siluRef(xz[di + c]!);
  }
  return linearRef(y, 1, w.outProj, w.outProjBias);
}

/**
 * Prefill of one sequence x (l·d) from `state` (zero when omitted): the sequential scan over all l tokens.
 * Returns y (l·d) and the state after the last token (a new object; the input state is not modified).
 */
export function mambaRef(w: MambaWeights, cfg: MambaMixer, dModel: number, x: Float64Array, l: number, state?: MambaRefState): { y: Float64Array; state: MambaRefState } {
  const s = state ? { conv: state.conv.slice(), ssm: state.ssm.slice() } : mambaRefZeroState(cfg, dModel);
  const y = new Float64Array(l * dModel);
  for (let t = 0; t < l; t++) y.set(mambaRefStep(w, cfg, dModel, x.subarray(t * dModel, (t + 1) * dModel), s), t * dModel);
  return { y, state: s };
}

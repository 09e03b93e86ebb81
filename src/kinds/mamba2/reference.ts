/**
 * Float64 reference twin of `layers/mamba2.ts`: the sequential Mamba-2 mixer, one token at a time, as state-spaces
 * `mamba2.py` `step` writes it (and as `ssd_minimal.py`'s recurrence defines the SSD). One sequence, no tfjs.
 *
 * Per token: z, xBC, dt = in_proj(u); conv state rolls and takes xBC; xBC = SiLU(conv); x, B, C = split(xBC);
 * Δ_h = softplus(dt_h + dt_bias_h); A_h = -exp(A_log_h); for head h in group g = h / (nh / ng):
 * s_h = exp(Δ_h·A_h)·s_h + Δ_h·x_h ⊗ B_g; y_h = s_h·C_g + D_h·x_h; y = RMSNorm_grouped(y·SiLU(z))·w
 * (RMSNormGated, norm_before_gate = False, group size di / ng); out_proj(y).
 */
import type { Mamba2Mixer } from './spec';
import { MAMBA2_NORM_EPS, mamba2Dims, type Mamba2Weights } from './weights';
import { convStepRef, softplusRef } from '../mamba/reference';
import { linearRef, siluRef } from '../../sim/runtime/reference/ops';

/** Recurrent state of one sequence: conv (convDim, K), ssm (nh, P, N). */
export interface Mamba2RefState {
  conv: Float64Array;
  ssm: Float64Array;
}

/** A zero state. */
export function mamba2RefZeroState(cfg: Mamba2Mixer, dModel: number): Mamba2RefState {
  const s = mamba2Dims(cfg, dModel);
  return { conv: new Float64Array(s.convDim * s.dConv), ssm: new Float64Array(s.nHeads * s.headDim * s.dState) };
}

/** One token u (d) -> y (d); updates `state` in place. */
export function mamba2RefStep(w: Mamba2Weights, cfg: Mamba2Mixer, dModel: number, u: Float64Array, state: Mamba2RefState): Float64Array {
  const { dInner: di, nHeads, headDim: P, nGroups, dState: N, convDim } = mamba2Dims(cfg, dModel);
  const zxbcdt = linearRef(u, 1, w.inProj, w.inProjBias);
  const xbc = convStepRef(state.conv, w.convWeight, w.convBias, zxbcdt, di, convDim);
  for (let c = 0; c < convDim; c++) xbc[c] = siluRef(xbc[c]!);
  const headsPerGroup = nHeads / nGroups;
  const y = new Float64Array(di);
  for (let h = 0; h < nHeads; h++) {
    const g = Math.floor(h / headsPerGroup);
    const dt = softplusRef(zxbcdt[di + convDim + h]! + w.dtBias.data[h]!);
    const dA = Math.exp(-dt * Math.exp(w.aLog.data[h]!));
    const bOff = di + g * N;
    const cOff = di + nGroups * N + g * N;
    for (let p = 0; p < P; p++) {
      const xv = xbc[h * P + p]!;
      let acc = 0;
      for (let n = 0; n < N; n++) {
        const i = (h * P + p) * N + n;
        const s = dA * state.ssm[i]! + dt * xv * xbc[bOff + n]!;
        state.ssm[i] = s;
        acc += s * xbc[cOff + n]!;
      }
      y[h * P + p] = acc + w.d.data[h]! * xv;
    }
  }
  for (let c = 0; c < di; c++) y[c] = y[c]! * siluRef(zxbcdt[c]!);
  const gs = di / nGroups;
  for (let g = 0; g < nGroups && w.normWeight; g++) {
    let ss = 0;
    for (let i = 0; i < gs; i++) ss += y[g * gs + i]! ** 2;
    const inv = 1 / Math.sqrt(ss / gs + MAMBA2_NORM_EPS);
    for (let i = 0; i < gs; i++) y[g * gs + i] = y[g * gs + i]! * inv * w.normWeight!.data[g * gs + i]!;
  }
  return linearRef(y, 1, w.outProj, w.outProjBias);
}

/** Prefill of one sequence x (l·d) from `state` (zero when omitted); the input state is not modified. */
export function mamba2Ref(w: Mamba2Weights, cfg: Mamba2Mixer, dModel: number, x: Float64Array, l: number, state?: Mamba2RefState): { y: Float64Array; state: Mamba2RefState } {
  const s = state ? { conv: state.conv.slice(), ssm: state.ssm.slice() } : mamba2RefZeroState(cfg, dModel);
  const y = new Float64Array(l * dModel);
  for (let t = 0; t < l; t++) y.set(mamba2RefStep(w, cfg, dModel, x.subarray(t * dModel, (t + 1) * dModel), s), t * dModel);
  return { y, state: s };
}

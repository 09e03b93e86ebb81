/**
 * Float64 reference twin of layer.ts: the plain sequential recurrence, one token at a time, as HF
 * `torch_recurrent_gated_delta_rule` (Qwen3-Next), `torch_recurrent_kda` (Kimi Linear) and MiniMax's lightning decode
 * step write it. One sequence, no tfjs. Glossary in spec.ts.
 *
 * Per token u: q, k, v = u·Wq, u·Wk, u·Wv; the conv window (convDim, K) rolls and takes q‖k‖v, conv = Σ taps;
 * q, k, v = SiLU(conv) (SiLU of the projections without a conv); delta rule: q, k = l2norm(q), l2norm(k);
 * q = q·dk^−½; per value head h reading key head ⌊h / r⌋: α from the decay (1; exp(−slope_h);
 * exp(−exp(A_log_h)·softplus(a_h + dt_bias_h)); per key channel exp(−exp(A_log_h)·softplus(f_{h,i} + dt_bias_{h,i}))
 * with f = (u·f_a)·f_b); S_h = α ⊙ S_h (row i of S_h is key channel i); additive: S_h += k vᵀ; delta:
 * β = sigmoid(u·Wb), S_h += β k (v − S_hᵀ k)ᵀ; o_h = S_hᵀ q. Output: RMSNorm (per head over dv, minimax over nv·dv)
 * × gain, × the gate act(u·Wg) or act((u·g_a)·g_b), then ·Wo.
 */
import type { LinearAttentionMixer } from './spec';
import { linearAttentionDims, linearGateActivation, linearNormSpan } from './spec';
import { LINEAR_L2_EPS, LINEAR_NORM_EPS, type LinearAttentionWeights } from './weights';
import { convStepRef, softplusRef } from '../mamba/reference';
import { linearRef, siluRef } from '../../sim/runtime/reference/ops';

const sigmoidRef = (v: number): number => 1 / (1 + Math.exp(-v));

/** Recurrent state of one sequence: conv (convDim, K), the last K conv inputs, oldest first; S (nv, dk, dv). */
export interface LinearRefState {
  conv: Float64Array;
  S: Float64Array;
}

export function linearRefZeroState(m: LinearAttentionMixer): LinearRefState {
  const s = linearAttentionDims(m);
  return { conv: new Float64Array(s.convDim * s.convSize), S: new Float64Array(s.nv * s.dk * s.dv) };
}

/** x · rsqrt(Σx² + eps) over [start, start + n), in place (HF `l2norm`). */
function l2normInPlace(x: Float64Array, start: number, n: number): void {
  let ss = 0;
  for (let i = 0; i < n; i++) ss += x[start + i]! ** 2;
  const inv = 1 / Math.sqrt(ss + LINEAR_L2_EPS);
  for (let i = 0; i < n; i++) x[start + i] = x[start + i]! * inv;
}

/** One token u (d) -> y (d); updates `state` in place. */
export function linearRefStep(w: LinearAttentionWeights, m: LinearAttentionMixer, dModel: number, u: Float64Array, state: LinearRefState): Float64Array {
  const s = linearAttentionDims(m);
  const { nv, dk, dv, ratio, keyDim, valueDim, convDim } = s;
  const proj = new Float64Array(convDim);
  proj.set(linearRef(u, 1, w.wq), 0);
  proj.set(linearRef(u, 1, w.wk), keyDim);
  proj.set(linearRef(u, 1, w.wv), 2 * keyDim);
  const feat = w.conv ? convStepRef(state.conv, w.conv, null, proj, 0, convDim) : proj;
  for (let c = 0; c < convDim; c++) feat[c] = siluRef(feat[c]!);
  const qOff = 0, kOff = keyDim, vOff = 2 * keyDim;
  if (m.update === 'delta') {
    for (let h = 0; h < s.nk; h++) {
      l2normInPlace(feat, qOff + h * dk, dk);
      l2normInPlace(feat, kOff + h * dk, dk);
    }
  }
  const scale = 1 / Math.sqrt(dk);
  for (let i = 0; i < keyDim; i++) feat[qOff + i] = feat[qOff + i]! * scale;

  const a = w.wa ? linearRef(u, 1, w.wa) : null; // (nv)
  const f = w.fa && w.fb ? linearRef(linearRef(u, 1, w.fa), 1, w.fb) : null; // (nv·dk)
  const b = w.wb ? linearRef(u, 1, w.wb) : null; // (nv)
  const alpha = (h: number, i: number): number => {
    switch (m.decay) {
      case 'none':
        return 1;
      case 'fixed':
        return Math.exp(-w.slopes![h]!);
      case 'head':
        return Math.exp(-Math.exp(w.aLog!.data[h]!) * softplusRef(a![h]! + w.dtBias!.data[h]!));
      case 'channel':
        return Math.exp(-Math.exp(w.aLog!.data[h]!) * softplusRef(f![h * dk + i]! + w.dtBias!.data[h * dk + i]!));
    }
  };

  const o = new Float64Array(valueDim);
  const kvMem = new Float64Array(dv);
  for (let h = 0; h < nv; h++) {
    const kh = Math.floor(h / ratio);
    const S = state.S.subarray(h * dk * dv, (h + 1) * dk * dv);
    for (let i = 0; i < dk; i++) {
      const ai = alpha(h, i);
      for (let j = 0; j < dv; j++) S[i * dv + j] = S[i * dv + j]! * ai;
    }
    const kk = (i: number) => feat[kOff + kh * dk + i]!;
    const vv = (j: number) => feat[vOff + h * dv + j]!;
    if (m.update === 'delta') {
      kvMem.fill(0);
      for (let i = 0; i < dk; i++) for (let j = 0; j < dv; j++) kvMem[j] = kvMem[j]! + S[i * dv + j]! * kk(i);
      const beta = sigmoidRef(b![h]!);
      for (let i = 0; i < dk; i++) for (let j = 0; j < dv; j++) S[i * dv + j] = S[i * dv + j]! + kk(i) * beta * (vv(j) - kvMem[j]!);
    } else {
      for (let i = 0; i < dk; i++) for (let j = 0; j < dv; j++) S[i * dv + j] = S[i * dv + j]! + kk(i) * vv(j);
    }
    for (let j = 0; j < dv; j++) {
      let acc = 0;
      for (let i = 0; i < dk; i++) acc += S[i * dv + j]! * feat[qOff + kh * dk + i]!;
      o[h * dv + j] = acc;
    }
  }

  if (w.norm) {
    const span = linearNormSpan(m);
    for (let g = 0; g < valueDim / span; g++) {
      let ss = 0;
      for (let i = 0; i < span; i++) ss += o[g * span + i]! ** 2;
      const inv = 1 / Math.sqrt(ss / span + LINEAR_NORM_EPS);
      for (let i = 0; i < span; i++) o[g * span + i] = o[g * span + i]! * inv * w.norm.data[i]!;
    }
  }
  const gateRaw = w.wg ? linearRef(u, 1, w.wg) : w.ga && w.gb ? linearRef(linearRef(u, 1, w.ga), 1, w.gb) : null;
  if (gateRaw) {
    const act = linearGateActivation(m) === 'silu' ? siluRef : sigmoidRef;
    for (let c = 0; c < valueDim; c++) o[c] = o[c]! * act(gateRaw[c]!);
  }
  return linearRef(o, 1, w.wo);
}

/** Prefill of one sequence x (l·d) from `state` (zero when omitted); the input state is not modified. */
export function linearAttentionRef(w: LinearAttentionWeights, m: LinearAttentionMixer, dModel: number, x: Float64Array, l: number, state?: LinearRefState): { y: Float64Array; state: LinearRefState } {
  const st = state ? { conv: state.conv.slice(), S: state.S.slice() } : linearRefZeroState(m);
  const y = new Float64Array(l * dModel);
  for (let t = 0; t < l; t++) y.set(linearRefStep(w, m, dModel, x.subarray(t * dModel, (t + 1) * dModel), st), t * dModel);
  return { y, state: st };
}

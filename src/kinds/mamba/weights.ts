/**
 * Mamba-1 mixer weights (state-spaces `mamba_simple.py`; Jamba's inner RMSNorms from HF `modeling_jamba.py`
 * JambaMambaMixer), as plain data shared by the tfjs layer (`layers/mamba.ts`) and its Float64 twin
 * (`reference/mamba.ts`). No tfjs here.
 *
 * Glossary: d = dModel, di = dInner = expand·d, N = dState, K = dConv, r = dtRank ("auto" = ceil(d / 16)).
 * Linear weights are stored (in, out) like every runtime `Param`; `mambaWeightEntries` gives torch's (out, in).
 */
import { mambaDtRank, mambaInner as mambaDInner, type MambaMixer } from './spec';
import { constParam, linearEntry, linearParam, randnParam, type Param, type WeightEntry } from '../../sim/runtime/params';
import type { Rng } from '../../sim/runtime/rng';

/** RMSNorm epsilon of Jamba's inner norms (`rms_norm_eps` 1e-6, HF `configuration_jamba.py`). */
export const MAMBA_INNER_NORM_EPS = 1e-6;

/** The inner sizes have one owner, the kind's spec; re-exported under the runtime's names. */
export { mambaDInner, mambaDtRank };

export interface MambaWeights {
  /** (d, 2di): x then z. */
  inProj: Param;
  /** (2di) when `projBias`. */
  inProjBias: Param | null;
  /** (di, K): depthwise causal conv taps, tap K-1 multiplies the current token (torch conv1d weight (di, 1, K)). */
  convWeight: Param;
  /** (di) when `convBias`. */
  convBias: Param | null;
  /** (di, r + 2N): dt, B, C. */
  xProj: Param;
  /** (r, di). */
  dtProj: Param;
  /** (di): dt bias, inverse softplus of the initial step sizes. */
  dtProjBias: Param;
  /** (di, N): A = -exp(A_log). */
  aLog: Param;
  /** (di): skip. */
  d: Param;
  /** (di, d). */
  outProj: Param;
  /** (d) when `projBias`. */
  outProjBias: Param | null;
  /** Jamba's RMSNorm gains on dt (r), B (N), C (N) when `innerNorms`. */
  dtNorm: Param | null;
  bNorm: Param | null;
  cNorm: Param | null;
}

/** Inverse of softplus: log(exp(y) - 1) = y + log(-expm1(-y)) (`mamba_simple.py` dt init). */
export function inverseSoftplus(y: number): number {
  return y + Math.log(-Math.expm1(-y));
}

/** Step sizes log-uniform in [dtMin, dtMax] as dt biases (`mamba_simple.py`, `mamba2.py`: dt_min 1e-3, dt_max 1e-1). */
export function dtBiasParam(rng: Rng, n: number, dtMin = 1e-3, dtMax = 1e-1): Param {
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const dt = Math.exp(rng.uniform(Math.log(dtMin), Math.log(dtMax)));
    data[i] = inverseSoftplus(Math.max(dt, 1e-4));
  }
  return { shape: [n], data };
}

/** A norm gain near 1, perturbed so a wrong mapping shows in tests. */
function gain(rng: Rng, n: number): Param {
  const p = randnParam(rng, [n], 0.1);
  for (let i = 0; i < n; i++) p.data[i] = 1 + p.data[i]!;
  return p;
}

/**
 * Seeded Mamba-1 weights, scaled as `mamba_simple.py` initialises them: A_log = log(1..N) per channel, dt bias from
 * dt log-uniform in [1e-3, 1e-1], dt_proj uniform in ±r^-0.5, D = 1, projections N(0, 1/sqrt(fan_in)), conv taps
 * N(0, 1/sqrt(K)). Biases, when asked for, are small random values so that tests see them.
 */
export function initMambaWeights(m: MambaMixer, dModel: number, rng: Rng): MambaWeights {
  const di = mambaDInner(m, dModel);
  const r = mambaDtRank(m, dModel);
  const N = m.dState;
  const K = m.dConv;
  const aLog = new Float32Array(di * N);
  for (let c = 0; c < di; c++) for (let n = 0; n < N; n++) aLog[c * N + n] = Math.log(n + 1);
  const dtStd = 1 / Math.sqrt(r);
  return {
    inProj: linearParam(rng.fork(1), dModel, 2 * di),
    inProjBias: m.projBias ? randnParam(rng.fork(2), [2 * di], 0.02) : null,
    convWeight: randnParam(rng.fork(3), [di, K], 1 / Math.sqrt(K)),
    convBias: m.convBias ? randnParam(rng.fork(4), [di], 0.1) : null,
    xProj: linearParam(rng.fork(5), di, r + 2 * N),
    dtProj: { shape: [r, di], data: rng.fork(6).uniforms(r * di, -dtStd, dtStd) },
    dtProjBias: dtBiasParam(rng.fork(7), di),
    aLog: { shape: [di, N], data: aLog },
    d: constParam([di], 1),
    outProj: linearParam(rng.fork(8), di, dModel),
    outProjBias: m.projBias ? randnParam(rng.fork(9), [dModel], 0.02) : null,
    dtNorm: m.innerNorms ? gain(rng.fork(10), r) : null,
    bNorm: m.innerNorms ? gain(rng.fork(11), N) : null,
    cNorm: m.innerNorms ? gain(rng.fork(12), N) : null,
  };
}

/**
 * The tensors of a Mamba-1 mixer under HF `JambaForCausalLM` names relative to `layers.N.mamba.` (HF
 * `modeling_jamba.py` JambaMambaMixer), in torch layout: linear weights (out, in), conv1d.weight (di, 1, K).
 */
export function mambaWeightEntries(w: MambaWeights): WeightEntry[] {
  const [di, K] = w.convWeight.shape as [number, number];
  const out: WeightEntry[] = [linearEntry('in_proj.weight', w.inProj)];
  if (w.inProjBias) out.push(['in_proj.bias', [...w.inProjBias.shape], w.inProjBias.data]);
  out.push(['conv1d.weight', [di, 1, K], w.convWeight.data]);
  if (w.convBias) out.push(['conv1d.bias', [di], w.convBias.data]);
  out.push(linearEntry('x_proj.weight', w.xProj));
  out.push(linearEntry('dt_proj.weight', w.dtProj));
  out.push(['dt_proj.bias', [di], w.dtProjBias.data]);
  out.push(['A_log', [...w.aLog.shape], w.aLog.data]);
  out.push(['D', [di], w.d.data]);
  out.push(linearEntry('out_proj.weight', w.outProj));
  if (w.outProjBias) out.push(['out_proj.bias', [...w.outProjBias.shape], w.outProjBias.data]);
  if (w.dtNorm) out.push(['dt_layernorm.weight', [...w.dtNorm.shape], w.dtNorm.data]);
  if (w.bNorm) out.push(['b_layernorm.weight', [...w.bNorm.shape], w.bNorm.data]);
  if (w.cNorm) out.push(['c_layernorm.weight', [...w.cNorm.shape], w.cNorm.data]);
  return out;
}

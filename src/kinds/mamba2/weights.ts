/**
 * Mamba-2 mixer weights (state-spaces `mamba_ssm/modules/mamba2.py`), plain data shared by `layers/mamba2.ts` and
 * `reference/mamba2.ts`. No tfjs here.
 *
 * Glossary: d = dModel, di = dInner (spec.ts `mamba2Inner`), N = dState, P = headDim, nh = di / P heads, g = nGroups (heads
 * h·g/nh .. share B and C), K = dConv, convDim = di + 2·g·N (x, B and C pass through the conv).
 */
import { mamba2Inner, type Mamba2Mixer } from './spec';
import { linearEntry, linearParam, randnParam, type Param, type WeightEntry } from '../../sim/runtime/params';
import type { Rng } from '../../sim/runtime/rng';
import { dtBiasParam } from '../mamba/weights';

/** Epsilon of the gated RMSNorm before out_proj (`mamba2.py`: RMSNormGated eps 1e-5). */
export const MAMBA2_NORM_EPS = 1e-5;

/** The derived sizes of a Mamba-2 mixer (`mamba2.py`). */
export interface Mamba2Dims {
  dInner: number;
  nHeads: number;
  headDim: number;
  nGroups: number;
  dState: number;
  dConv: number;
  /** dInner + 2·nGroups·dState. */
  convDim: number;
  /** in_proj width: z (di) + xBC (convDim) + dt (nh). */
  inProjDim: number;
}

/** Sizes of a Mamba-2 mixer; throws (naming the field) when headDim or nGroups do not divide. */
export function mamba2Dims(m: Mamba2Mixer, dModel: number): Mamba2Dims {
  const dInner = mamba2Inner(m, dModel);
  if (dInner % m.headDim !== 0) throw new Error(`mamba2.headDim ${m.headDim} must divide dInner ${dInner}`);
  const nHeads = dInner / m.headDim;
  if (nHeads % m.nGroups !== 0) throw new Error(`mamba2.nGroups ${m.nGroups} must divide the ${nHeads} heads`);
  const convDim = dInner + 2 * m.nGroups * m.dState;
  return { dInner, nHeads, headDim: m.headDim, nGroups: m.nGroups, dState: m.dState, dConv: m.dConv, convDim, inProjDim: dInner + convDim + nHeads };
}

export interface Mamba2Weights {
  /** (d, di + convDim + nh): z, then x, B, C, then dt. */
  inProj: Param;
  inProjBias: Param | null;
  /** (convDim, K), tap K-1 multiplies the current token. */
  convWeight: Param;
  convBias: Param | null;
  /** (nh). */
  dtBias: Param;
  /** (nh): A = -exp(A_log), one scalar decay per head. */
  aLog: Param;
  /** (nh): skip per head. */
  d: Param;
  /** (di): gated RMSNorm gain, normalised over groups of di / g channels; null without the norm (`gatedNorm` false). */
  normWeight: Param | null;
  /** (di, d). */
  outProj: Param;
  outProjBias: Param | null;
}

/**
 * Seeded Mamba-2 weights as `mamba2.py` initialises them: A uniform in [1, 16] stored as A_log, dt bias from dt
 * log-uniform in [1e-3, 1e-1], D = 1; projections N(0, 1/sqrt(fan_in)), conv taps N(0, 1/sqrt(K)); the norm gain is
 * perturbed around 1 so a wrong mapping shows in tests.
 */
export function initMamba2Weights(m: Mamba2Mixer, dModel: number, rng: Rng): Mamba2Weights {
  const s = mamba2Dims(m, dModel);
  const norm = randnParam(rng.fork(7), [s.dInner], 0.1);
  for (let i = 0; i < s.dInner; i++) norm.data[i] = 1 + norm.data[i]!;
  const aLog = new Float32Array(s.nHeads);
  const ar = rng.fork(5);
  for (let h = 0; h < s.nHeads; h++) aLog[h] = Math.log(ar.uniform(1, 16));
  const dSkip = randnParam(rng.fork(6), [s.nHeads], 0.1);
  for (let h = 0; h < s.nHeads; h++) dSkip.data[h] = 1 + dSkip.data[h]!;
  return {
    inProj: linearParam(rng.fork(1), dModel, s.inProjDim),
    inProjBias: m.projBias ? randnParam(rng.fork(2), [s.inProjDim], 0.02) : null,
    convWeight: randnParam(rng.fork(3), [s.convDim, s.dConv], 1 / Math.sqrt(s.dConv)),
    convBias: m.convBias ? randnParam(rng.fork(4), [s.convDim], 0.1) : null,
    dtBias: dtBiasParam(rng.fork(8), s.nHeads),
    aLog: { shape: [s.nHeads], data: aLog },
    d: dSkip,
    normWeight: m.gatedNorm === false ? null : norm,
    outProj: linearParam(rng.fork(9), s.dInner, dModel),
    outProjBias: m.projBias ? randnParam(rng.fork(10), [dModel], 0.02) : null,
  };
}

/** Tensors under `mamba2.py` names relative to the mixer, torch layout (linear (out, in), conv1d (convDim, 1, K)). */
export function mamba2WeightEntries(w: Mamba2Weights): WeightEntry[] {
  const [convDim, K] = w.convWeight.shape as [number, number];
  const out: WeightEntry[] = [linearEntry('in_proj.weight', w.inProj)];
  if (w.inProjBias) out.push(['in_proj.bias', [...w.inProjBias.shape], w.inProjBias.data]);
  out.push(['conv1d.weight', [convDim, 1, K], w.convWeight.data]);
  if (w.convBias) out.push(['conv1d.bias', [convDim], w.convBias.data]);
  out.push(['dt_bias', [...w.dtBias.shape], w.dtBias.data]);
  out.push(['A_log', [...w.aLog.shape], w.aLog.data]);
  out.push(['D', [...w.d.shape], w.d.data]);
  if (w.normWeight) out.push(['norm.weight', [...w.normWeight.shape], w.normWeight.data]);
  out.push(linearEntry('out_proj.weight', w.outProj));
  if (w.outProjBias) out.push(['out_proj.bias', [...w.outProjBias.shape], w.outProjBias.data]);
  return out;
}

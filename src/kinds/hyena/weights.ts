/**
 * Hyena mixer weights in StripedHyena's modal form (togethercomputer/stripedhyena `model.py`
 * ParallelGatedConvBlock + ParallelHyenaFilter, `engine.py` HyenaInferenceEngine), plain data shared by
 * `layers/hyena.ts` and `reference/hyena.ts`. No tfjs here.
 *
 * Glossary: d = dModel, Ks = shortFilterLength (FIR taps over the 3d projected channels), S = stateSize (poles per
 * channel). The long filter of channel c is h_c[t] = Re Σ_s R_{c,s} p_{c,s}^t (t = 0, 1, ...), one filter per
 * channel (hyena_filter_groups = d). `projBias` stands for the three biases (projections, short filter, out dense),
 * all on in the 7B config.
 */
import type { HyenaMixer } from './spec';
import { linearEntry, linearParam, randnParam, type Param, type WeightEntry } from '../../sim/runtime/params';
import type { Rng } from '../../sim/runtime/rng';

export interface HyenaWeights {
  /** (d, 3d): x2, x1, v (the split order of `engine.py` parallel_iir without column split). */
  proj: Param;
  projBias: Param | null;
  /** (3d, Ks): tap Ks-1 multiplies the current token (torch short_filter_weight (3d, 1, Ks)). */
  shortFilter: Param;
  shortFilterBias: Param | null;
  /** (d, S, 2): poles p as (re, im) pairs, |p| < 1 so the long filter decays. */
  poles: Param;
  /** (d, S, 2): residues R as (re, im) pairs. */
  residues: Param;
  /** (d): skip on x1·v. */
  d: Param;
  /** (d, d). */
  outDense: Param;
  outDenseBias: Param | null;
}

/**
 * Seeded Hyena weights: poles with modulus in [0.5, 0.98] and angle in [0, π] (inside the unit disk, so the filter
 * decays; some poles close to 1 give long memory), residues N(0, 0.3/√S), D N(0, 0.1), projections
 * N(0, 1/sqrt(fan_in)), short filter taps N(0, 1/sqrt(Ks)).
 */
export function initHyenaWeights(m: HyenaMixer, dModel: number, rng: Rng): HyenaWeights {
  const d = dModel;
  const S = m.stateSize;
  const K = m.shortFilterLength;
  const poles = new Float32Array(d * S * 2);
  const pr = rng.fork(5);
  for (let i = 0; i < d * S; i++) {
    const mod = pr.uniform(0.5, 0.98);
    const ang = pr.uniform(0, Math.PI);
    poles[2 * i] = mod * Math.cos(ang);
    poles[2 * i + 1] = mod * Math.sin(ang);
  }
  return {
    proj: linearParam(rng.fork(1), d, 3 * d),
    projBias: m.projBias ? randnParam(rng.fork(2), [3 * d], 0.02) : null,
    shortFilter: randnParam(rng.fork(3), [3 * d, K], 1 / Math.sqrt(K)),
    shortFilterBias: m.projBias ? randnParam(rng.fork(4), [3 * d], 0.05) : null,
    poles: { shape: [d, S, 2], data: poles },
    residues: randnParam(rng.fork(6), [d, S, 2], 0.3 / Math.sqrt(S)),
    d: randnParam(rng.fork(7), [d], 0.1),
    outDense: linearParam(rng.fork(8), d, d),
    outDenseBias: m.projBias ? randnParam(rng.fork(9), [d], 0.02) : null,
  };
}

/**
 * Tensors under StripedHyena names relative to the block (`model.py`): projections, filter.short_filter_weight
 * (3d, 1, Ks), filter.poles and filter.residues (d, S, 1, 2), filter.D, out_filter_dense; linear weights (out, in).
 */
export function hyenaWeightEntries(w: HyenaWeights): WeightEntry[] {
  const [c3, K] = w.shortFilter.shape as [number, number];
  const [d, S] = w.poles.shape as [number, number];
  const out: WeightEntry[] = [linearEntry('projections.weight', w.proj)];
  if (w.projBias) out.push(['projections.bias', [c3], w.projBias.data]);
  out.push(['filter.short_filter_weight', [c3, 1, K], w.shortFilter.data]);
  if (w.shortFilterBias) out.push(['filter.short_filter_bias', [c3], w.shortFilterBias.data]);
  out.push(['filter.poles', [d, S, 1, 2], w.poles.data]);
  out.push(['filter.residues', [d, S, 1, 2], w.residues.data]);
  out.push(['filter.D', [d], w.d.data]);
  out.push(linearEntry('out_filter_dense.weight', w.outDense));
  if (w.outDenseBias) out.push(['out_filter_dense.bias', [d], w.outDenseBias.data]);
  return out;
}

/** Mamba2: how it runs (layer.ts: the tfjs layer over every scan implementation; reference.ts: the Float64 twin). */
import { ALL_SCANS, type MixerRuntime } from '../runtimeKind';
import { Mamba2Layer } from './layer';
import { mamba2Ref } from './reference';
import { mamba2Inner, type Mamba2Mixer } from './spec';
import { mamba2WeightEntries, initMamba2Weights, type Mamba2Weights } from './weights';

/** The layer needs its config and dModel besides the weights. */
export interface Mamba2RuntimeWeights {
  mixer: Mamba2Mixer;
  dModel: number;
  weights: Mamba2Weights;
}

export const mamba2Runtime: MixerRuntime<Mamba2Mixer, Mamba2RuntimeWeights> = {
  init: (m, { dModel }, rng) => ({ mixer: m, dModel, weights: initMamba2Weights(m, dModel, rng) }),
  build: (w) => new Mamba2Layer(w.mixer, w.dModel, w.weights),
  reference: (w, x, l) => mamba2Ref(w.weights, w.mixer, w.dModel, x, l).y,
  entries: (w) => mamba2WeightEntries(w.weights),
  scans: ALL_SCANS,
  /** The in_proj output (about 2·di), and the scan's (L, di, min(N, 64)) terms. */
  footprint: (m, { design, scan }) => {
    const di = mamba2Inner(m, design.dModel);
    // The simd and js scans read their inputs back and never make the (L, di, N) terms.
    const readback = scan === 'simd' || scan === 'js';
    return { width: readback ? 2 * di : Math.max(2 * di, di * Math.min(m.dState, 64)), scoreBytes: 0 };
  },
  statePerChannel: (m) => m.dState,
};

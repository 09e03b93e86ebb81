/** Mamba: how it runs (layer.ts: the tfjs layer over every scan implementation; reference.ts: the Float64 twin). */
import { ALL_SCANS, type MixerRuntime } from '../runtimeKind';
import { MambaLayer } from './layer';
import { mambaRef } from './reference';
import { mambaInner, type MambaMixer } from './spec';
import { mambaWeightEntries, initMambaWeights, type MambaWeights } from './weights';

/** The layer needs its config and dModel besides the weights. */
export interface MambaRuntimeWeights {
  mixer: MambaMixer;
  dModel: number;
  weights: MambaWeights;
}

export const mambaRuntime: MixerRuntime<MambaMixer, MambaRuntimeWeights> = {
  init: (m, { dModel }, rng) => ({ mixer: m, dModel, weights: initMambaWeights(m, dModel, rng) }),
  build: (w) => new MambaLayer(w.mixer, w.dModel, w.weights),
  reference: (w, x, l) => mambaRef(w.weights, w.mixer, w.dModel, x, l).y,
  entries: (w) => mambaWeightEntries(w.weights),
  scans: ALL_SCANS,
  /** The in_proj output 2·di, and the scan's (L, di, min(N, 64)) discretised terms. */
  footprint: (m, { design, scan }) => {
    const di = mambaInner(m, design.dModel);
    // The simd and js scans read their inputs back and never make the (L, di, N) terms.
    const readback = scan === 'simd' || scan === 'js';
    return { width: readback ? 2 * di : Math.max(2 * di, di * Math.min(m.dState, 64)), scoreBytes: 0 };
  },
  statePerChannel: (m) => m.dState,
};

/** Hyena: how it runs (layer.ts: the tfjs layer over every scan implementation; reference.ts: the Float64 twin). */
import { ALL_SCANS, type MixerRuntime } from '../runtimeKind';
import { HyenaLayer } from './layer';
import { hyenaRef } from './reference';
import type { HyenaMixer } from './spec';
import { hyenaWeightEntries, initHyenaWeights, type HyenaWeights } from './weights';

/** The layer needs its config and dModel besides the weights. */
export interface HyenaRuntimeWeights {
  mixer: HyenaMixer;
  dModel: number;
  weights: HyenaWeights;
}

export const hyenaRuntime: MixerRuntime<HyenaMixer, HyenaRuntimeWeights> = {
  init: (m, { dModel }, rng) => ({ mixer: m, dModel, weights: initHyenaWeights(m, dModel, rng) }),
  build: (w) => new HyenaLayer(w.mixer, w.dModel, w.weights),
  reference: (w, x, l) => hyenaRef(w.weights, w.mixer, w.dModel, x, l).y,
  entries: (w) => hyenaWeightEntries(w.weights),
  scans: ALL_SCANS,
  /** The projections 3d, and the modal scan's (L, d, S) complex terms. */
  footprint: (m, { design }) => ({ width: Math.max(3 * design.dModel, design.dModel * m.stateSize * 2), scoreBytes: 0 }),
  statePerChannel: (m) => m.stateSize,
};

/** Linear attention: how it runs (layer.ts: the tfjs layer; reference.ts: its Float64 twin; scan.ts: the scans). */
import type { MixerRuntime } from '../runtimeKind';
import { LinearAttentionLayer } from './layer';
import { linearAttentionRef } from './reference';
import { LINEAR_SCANS } from './scan';
import { linearAttentionDims, type LinearAttentionMixer } from './spec';
import { initLinearAttentionWeights, linearAttentionEntries, type LinearAttentionWeights } from './weights';

/** The layer needs its config and dModel besides the weights. */
export interface LinearAttentionRuntimeWeights {
  mixer: LinearAttentionMixer;
  dModel: number;
  weights: LinearAttentionWeights;
}

export const linearAttentionRuntime: MixerRuntime<LinearAttentionMixer, LinearAttentionRuntimeWeights> = {
  init: (m, { dModel }, rng) => ({ mixer: m, dModel, weights: initLinearAttentionWeights(m, dModel, rng) }),
  build: (w) => new LinearAttentionLayer(w.mixer, w.dModel, w.weights),
  reference: (w, x, l) => linearAttentionRef(w.weights, w.mixer, w.dModel, x, l).y,
  entries: (w) => linearAttentionEntries(w.mixer, w.weights),
  /** naive, js and simd; `chunked` and `wgsl` fall back to simd (or js without WebAssembly SIMD), see scan.ts. */
  scans: LINEAR_SCANS,
  /** The fused input projection (2·nk·dk + 2·nv·dv + ...), and the per-channel decay (L, nv·dk). */
  footprint: (m) => {
    const s = linearAttentionDims(m);
    return { width: s.convDim + s.valueDim + 2 * s.nv + s.nv * s.dk, scoreBytes: 0 };
  },
  /** The state per value channel: dk (a column of the dk × dv state). */
  statePerChannel: (m) => m.keyHeadDim,
};

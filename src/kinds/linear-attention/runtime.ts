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
  /**
   * The widest per-token tensor of a prefill: a projection (nk·dk or nv·dv, one matMul each), the output (nv·dv), or
   * the per-channel decay (nv·dk). The scans keep no (L, state) terms: naive steps token by token, js and simd read
   * their inputs back.
   */
  footprint: (m) => {
    const s = linearAttentionDims(m);
    return { width: Math.max(s.keyDim, s.valueDim, m.decay === 'channel' ? s.nv * s.dk : 0), scoreBytes: 0 };
  },
  /** The state per value channel: dk (a column of the dk × dv state). */
  statePerChannel: (m) => m.keyHeadDim,
};

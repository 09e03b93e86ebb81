/**
 * Contracts between the runtime's layers and the model builder.
 *
 * Each block kind has: a plain-data weights object of Float32Arrays (made by `initXWeights(cfg, dims, rng)`),
 * a tfjs layer built from those weights (implements `RuntimeMixer` or `RuntimeFfn`), and a Float64 reference twin in
 * `reference/` that takes the same weights. Tensors never leave the runtime: results are plain numbers.
 */
import type * as tf from '@tensorflow/tfjs';
import type { MixerKind, FfnKind } from '../../models/schema';
import type { BackendName, KvCapacityPolicy, ScanImpl } from '../protocol';

/** A cache held between decode steps. `tensors()` lists every tensor held (byte accounting and disposal). */
export interface LayerCache {
  /**
   * 'kv' for attention KV caches, 'state' for recurrent state (conv + ssm, Hyena FIR + IIR), 'composite' for a cache
   * made of other caches (a parallel layer's branches), which it lists in `parts()`, each with its own role.
   */
  role: 'kv' | 'state' | 'composite';
  tensors(): tf.Tensor[];
  /** The sub-caches of a 'composite' cache (null where a part keeps none); absent on the others. */
  parts?(): readonly (LayerCache | null)[];
  dispose(): void;
}

/** The 'kv' and 'state' caches inside a cache, composites opened recursively (byte accounting reads these). */
export function leafCaches(c: LayerCache | null): LayerCache[] {
  if (!c) return [];
  if (c.role !== 'composite') return [c];
  return (c.parts?.() ?? []).flatMap(leafCaches);
}

export interface ForwardContext {
  backend: BackendName;
  scan: ScanImpl;
  /** The original token embeddings (b, l, d), for Zamba-style shared blocks that concatenate them. */
  embeddings?: tf.Tensor3D;
}

export interface RuntimeMixer {
  readonly kind: MixerKind;
  /**
   * Allocates the cache for `batch` sequences and `capacity` positions; null when the mixer keeps none. `policy`
   * sizes KV caches (`exact` when absent); recurrent state does not depend on it.
   */
  createCache(batch: number, capacity: number, policy?: KvCapacityPolicy): LayerCache | null;
  /** x: (b, l, d) -> (b, l, d). When `cache` is given it is filled with the state after the last token. */
  prefill(x: tf.Tensor3D, cache: LayerCache | null, ctx: ForwardContext): tf.Tensor3D;
  /**
   * x: (b, 1, d) at absolute position `pos` -> (b, 1, d); replaces the cache's tensors (old ones disposed). A KV
   * cache without room for `pos` grows to its next bucket first.
   */
  decode(x: tf.Tensor3D, cache: LayerCache, pos: number, ctx: ForwardContext): tf.Tensor3D;
  dispose(): void;
}

export interface RuntimeFfn {
  readonly kind: FfnKind;
  /** x: (b, l, d) -> (b, l, d), position-wise. */
  apply(x: tf.Tensor3D): tf.Tensor3D;
  dispose(): void;
}

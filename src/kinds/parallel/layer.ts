/**
 * The parallel layer in tfjs: every branch (a registry mixer's own tfjs layer) runs on the same normed input x, then
 *   sum:        y = y_1 + … + y_n                              (Falcon-H1, mlx `falcon_h1.py`)
 *   mean-norm:  y = (norm_1(y_1) + … + norm_n(y_n)) / n        (Hymba, NVlabs `barebones_hymba_block.py`)
 * Float64 twin: reference.ts. Glossary: n = number of branches, b = batch, l = positions, d = dModel.
 *
 * Cache: a `ParallelCache` (role 'composite') holding each branch's own cache in branch order (a KV cache for the
 * attention-side branch, recurrent state for the others; null where a branch keeps none). Byte accounting
 * (src/sim/runtime/builder.ts `ModelCaches.bytes()`) opens it into its parts and counts each under its own role.
 */
import * as tf from '@tensorflow/tfjs';
import type { KvCapacityPolicy } from '../../sim/protocol';
import type { NormLayer } from '../../sim/runtime/layers/norm';
import type { ForwardContext, LayerCache, RuntimeMixer } from '../../sim/runtime/types';
import type { ParallelCombine } from './spec';

/** The caches of a parallel layer's branches, in branch order. */
export class ParallelCache implements LayerCache {
  readonly role = 'composite' as const;
  constructor(private readonly held: readonly (LayerCache | null)[]) {}
  parts(): readonly (LayerCache | null)[] {
    return this.held;
  }
  /** Every tensor of every branch's cache (the branches replace theirs on each step; this reads them afresh). */
  tensors(): tf.Tensor[] {
    return this.held.flatMap((c) => (c ? c.tensors() : []));
  }
  dispose(): void {
    for (const c of this.held) c?.dispose();
  }
}

function asParallelCache(cache: LayerCache): ParallelCache {
  if (!(cache instanceof ParallelCache)) throw new Error('parallel layer: the cache was not made by this layer kind (expected a composite cache)');
  return cache;
}

/** The `parallel` mixer over its branches' tfjs layers; it owns them (and the mean-norm norms) until `dispose()`. */
export class ParallelLayer implements RuntimeMixer {
  readonly kind = 'parallel' as const;
  constructor(
    readonly branches: readonly RuntimeMixer[],
    /** One norm per branch for `mean-norm`, else null. */
    private readonly norms: readonly NormLayer[] | null,
    readonly combine: ParallelCombine,
  ) {
    if (combine === 'mean-norm' && norms?.length !== branches.length) throw new Error('parallel layer: mean-norm needs one norm per branch');
  }

  /** Each branch's own cache (KV caches sized by `policy`), in branch order. */
  createCache(batch: number, capacity: number, policy?: KvCapacityPolicy): LayerCache {
    const made: (LayerCache | null)[] = [];
    try {
      for (const b of this.branches) made.push(b.createCache(batch, capacity, policy));
    } catch (e) {
      for (const c of made) c?.dispose();
      throw e;
    }
    return new ParallelCache(made);
  }

  /** ys: one (b, l, d) output per branch -> (b, l, d); does not dispose ys. */
  private combineOutputs(ys: readonly tf.Tensor3D[]): tf.Tensor3D {
    return tf.tidy(() => {
      if (this.combine === 'sum') return ys.slice(1).reduce<tf.Tensor3D>((a, y) => tf.add(a, y), ys[0]!);
      const normed = ys.map((y, i) => this.norms![i]!.apply(y));
      return tf.mul(normed.slice(1).reduce<tf.Tensor3D>((a, y) => tf.add(a, y), normed[0]!), 1 / ys.length);
    });
  }

  /** Runs `step` for every branch with its cache part, then combines; every branch output is disposed. */
  private each(cache: LayerCache | null, step: (m: RuntimeMixer, c: LayerCache | null, i: number) => tf.Tensor3D): tf.Tensor3D {
    const parts = cache ? asParallelCache(cache).parts() : null;
    const ys: tf.Tensor3D[] = [];
    try {
      this.branches.forEach((m, i) => ys.push(step(m, parts ? (parts[i] ?? null) : null, i)));
      return this.combineOutputs(ys);
    } finally {
      tf.dispose(ys);
    }
  }

  prefill(x: tf.Tensor3D, cache: LayerCache | null, ctx: ForwardContext): tf.Tensor3D {
    return this.each(cache, (m, c) => m.prefill(x, c, ctx));
  }

  decode(x: tf.Tensor3D, cache: LayerCache, pos: number, ctx: ForwardContext): tf.Tensor3D {
    return this.each(cache, (m, c, i) => {
      if (!c) throw new Error(`parallel layer: branch ${i} (${m.kind}) keeps no cache, so it cannot decode`);
      return m.decode(x, c, pos, ctx);
    });
  }

  dispose(): void {
    for (const b of this.branches) b.dispose();
    for (const n of this.norms ?? []) n.dispose();
  }
}

/**
 * Float64 reference twin of layer.ts: each branch's own reference on the same input x (l·d), then the sum, or the
 * mean of the per-branch norms (Hymba's `pre_avg_layernorm`s) for `mean-norm`.
 */
import { normRef } from '../../sim/runtime/reference/norm';
import type { NormWeights } from '../../sim/runtime/layers/norm';
import type { ParallelCombine } from './spec';

/** ys: one (l·d) output per branch -> (l·d). */
export function parallelCombineRef(ys: readonly Float64Array[], combine: ParallelCombine, norms: readonly NormWeights[] | null, d: number): Float64Array {
  const parts = combine === 'sum' ? ys : ys.map((y, i) => normRef(norms![i]!, y, d));
  const out = new Float64Array(ys[0]!.length);
  for (const p of parts) for (let i = 0; i < out.length; i++) out[i]! += p[i]!;
  if (combine === 'mean-norm') for (let i = 0; i < out.length; i++) out[i]! /= ys.length;
  return out;
}

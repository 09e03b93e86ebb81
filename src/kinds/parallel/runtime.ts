/**
 * Parallel layer: how it runs (layer.ts: the tfjs layer over its branches' own layers; reference.ts: the Float64
 * combine). Each branch delegates to its kind's runtime entry, handed over by the runtime registry
 * (src/kinds/runtimes.ts `mixerRuntime`, a hoisted function: this file cannot import the registry, which imports it).
 */
import type { WeightEntry } from '../../sim/runtime/params';
import { NormLayer, initNormWeights, type NormWeights } from '../../sim/runtime/layers/norm';
import { ALL_SCANS, type MixerRuntime } from '../runtimeKind';
import { ParallelLayer } from './layer';
import { parallelCombineRef } from './reference';
import type { ParallelBranch, ParallelCombine, ParallelMixer } from './spec';

/** A branch's weights, tagged by its kind (made by that kind's runtime entry). */
export interface ParallelBranchWeights {
  kind: ParallelBranch['kind'];
  weights: unknown;
}

export interface ParallelWeights {
  combine: ParallelCombine;
  dModel: number;
  branches: ParallelBranchWeights[];
  /** One norm over d per branch for `mean-norm` (`pre_avg_layernorm{i+1}`), else null. */
  norms: NormWeights[] | null;
}

/** The runtime of a branch kind. */
export type BranchRuntime = (kind: ParallelBranch['kind']) => MixerRuntime<any, any>;

/** HF-style names of a norm's tensors. */
function normEntries(name: string, w: NormWeights): WeightEntry[] {
  return [[`${name}.weight`, [...w.weight.shape], w.weight.data], ...(w.bias ? [[`${name}.bias`, [...w.bias.shape], w.bias.data] as WeightEntry] : [])];
}

/** The parallel kind's runtime entry over the registry's branch runtimes. */
export function parallelRuntime(branchRuntime: BranchRuntime): MixerRuntime<ParallelMixer, ParallelWeights> {
  return {
    /** Branch i from fork 10 + i, its norm from fork 50 + i: adding a branch leaves the others' weights unchanged. */
    init: (m, ctx, rng) => ({
      combine: m.combine,
      dModel: ctx.dModel,
      branches: m.branches.map((b, i) => ({ kind: b.kind, weights: branchRuntime(b.kind).init(b, ctx, rng.fork(10 + i)) })),
      norms: m.combine === 'mean-norm' ? m.branches.map((_, i) => initNormWeights(ctx.design.norm, ctx.dModel, rng.fork(50 + i))) : null,
    }),
    build: (w, ctx) => {
      const built = [];
      try {
        for (const b of w.branches) built.push(branchRuntime(b.kind).build(b.weights, ctx));
      } catch (e) {
        for (const m of built) m.dispose();
        throw e;
      }
      return new ParallelLayer(built, w.norms ? w.norms.map((n) => new NormLayer(n)) : null, w.combine);
    },
    reference: (w, x, l, ctx) =>
      parallelCombineRef(
        w.branches.map((b) => branchRuntime(b.kind).reference(b.weights, x, l, ctx)),
        w.combine,
        w.norms,
        w.dModel,
      ),
    /** Each branch's tensors under `branches.{i}.`, then the mean-norm norms (names as cost.ts). */
    entries: (w) => [
      ...w.branches.flatMap((b, i) => branchRuntime(b.kind).entries(b.weights).map(([n, s, d]): WeightEntry => [`branches.${i}.${n}`, s, d])),
      ...(w.norms ?? []).flatMap((n, i) => normEntries(`pre_avg_layernorm${i + 1}`, n)),
    ],
    /** Its recurrent branches honour every scan (an attention-only pair ignores the choice). */
    scans: ALL_SCANS,
    /** The widest branch and the largest score blocks: the branches run one after the other. */
    footprint: (m, ctx) =>
      m.branches.reduce(
        (acc, b) => {
          const f = branchRuntime(b.kind).footprint(b, ctx);
          return { width: Math.max(acc.width, f.width), scoreBytes: Math.max(acc.scoreBytes, f.scoreBytes) };
        },
        { width: ctx.design.dModel, scoreBytes: 0 },
      ),
    statePerChannel: (m) => Math.max(0, ...m.branches.map((b) => branchRuntime(b.kind).statePerChannel(b))),
  };
}

/**
 * Parallel layer: what it costs. Each branch costs what its own kind costs (its kind's cost.ts, reached through the
 * cost registry's `costOfMixer`, handed over in the registry entry: this file cannot import src/kinds/costs.ts, which
 * imports it), its tensors listed under `branches.{i}.`; every branch runs for every token, so all are active.
 * `mean-norm` adds one norm over d per branch, named as Hymba names them (NVlabs `barebones_hymba_block.py`:
 * `pre_avg_layernorm1`, `pre_avg_layernorm2`, RMSNorm there; here the design's norm kind). The layer's single
 * `input_layernorm` is counted by the cost model, like any mixer's pre-norm (Falcon-H1, mlx `falcon_h1.py`).
 *
 * Caches: the KV cache of the one attention-side branch (Falcon-H1-7B: k and v [2, 128] per position per layer) and
 * the recurrent state of every other branch (conv_state, ssm_state of the Mamba-2 branch), named under the branch.
 */
import { normTensors, prefixed, sumMacs, sumParams, type MixerCost, type MixerCostContext } from '../../sim/cost/tensors';
import type { ParallelBranch, ParallelMixer } from './spec';

/** The parallel kind's cost over the registry's mixer costs. */
export function parallelCost(costOf: (m: ParallelBranch, ctx: MixerCostContext) => MixerCost): (m: ParallelMixer, ctx: MixerCostContext) => MixerCost {
  return (m, ctx) => {
    const parts = m.branches.map((b) => costOf(b, ctx));
    const under = (i: number) => `branches.${i}.`;
    const norms = m.combine === 'mean-norm' ? m.branches.flatMap((_, i) => normTensors(`pre_avg_layernorm${i + 1}`, ctx.dModel, ctx.norm)) : [];
    const tensors = [...parts.flatMap((p, i) => prefixed(under(i), p.tensors)), ...norms];
    const kvAt = parts.flatMap((p, i) => (p.kv ? [i] : []));
    if (kvAt.length > 1) throw new Error(`branches ${kvAt.join(' and ')} both keep a KV cache; a parallel layer holds at most one`);
    const kvPart = kvAt.length ? parts[kvAt[0]!]!.kv : null;
    const kv = kvPart ? { ...kvPart, tensors: kvPart.tensors.map((t) => ({ ...t, name: `${under(kvAt[0]!)}${t.name}` })) } : null;
    const normParams = sumParams(norms);
    return {
      tensors,
      params: parts.reduce((a, p) => a + p.params, 0) + normParams,
      activeParams: parts.reduce((a, p) => a + p.activeParams, 0) + normParams,
      macsPerToken: parts.reduce((a, p) => a + p.macsPerToken, 0) + sumMacs(norms),
      kv,
      state: parts.flatMap((p, i) => p.state.map((s) => ({ ...s, name: `${under(i)}${s.name}` }))),
      scanFlopsPerToken: parts.reduce((a, p) => a + p.scanFlopsPerToken, 0),
      scanIoElementsPerToken: parts.reduce((a, p) => a + (p.scanIoElementsPerToken ?? 0), 0),
      tpDims: parts.flatMap((p, i) => (p.tpDims ?? []).map((t) => ({ ...t, name: `branches[${i}].${t.name}` }))),
      routed: parts.flatMap((p) => p.routed ?? []),
      hasNorm: true,
      sharedBlockId: null,
    };
  };
}

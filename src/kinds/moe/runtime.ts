/** MoE: how it runs (layer.ts: the tfjs layer and its combine strategies; reference.ts: the Float64 twin). */
import { linearEntry, type WeightEntry } from '../../sim/runtime/params';
import type { FfnRuntime } from '../runtimeKind';
import { mlpEntries } from '../mlp/runtime';
import { MoeLayer, initMoeFromDesign, type MoeWeights } from './layer';
import { moeRef } from './reference';
import { sharedExpertWidth, type MoeFfn } from './spec';

/**
 * router.weight [E, d] and experts.{j}.{gate,up,down}_proj.weight (HF `modeling_jamba.py` JambaSparseMoeBlock), then
 * the options under the names of cost.ts: router.e_score_correction_bias [E], shared_experts.{gate,up,down}_proj.weight,
 * shared_expert_gate.weight [1, d].
 */
export function moeEntries(w: MoeWeights): WeightEntry[] {
  const out: WeightEntry[] = [linearEntry('router.weight', w.router)];
  if (w.routerBias) out.push(['router.e_score_correction_bias', [...w.routerBias.shape], w.routerBias.data]);
  w.experts.forEach((e, j) => out.push(...mlpEntries(e).map(([n, s, d]): WeightEntry => [`experts.${j}.${n}`, s, d])));
  if (w.shared) out.push(...mlpEntries(w.shared).map(([n, s, d]): WeightEntry => [`shared_experts.${n}`, s, d]));
  if (w.sharedGate) out.push(linearEntry('shared_expert_gate.weight', w.sharedGate));
  return out;
}

export const moeRuntime: FfnRuntime<MoeFfn, MoeWeights> = {
  init: (f, { dModel }, rng) => initMoeFromDesign(f, dModel, rng),
  build: (w, { moeCombine }) => new MoeLayer(w, moeCombine),
  reference: (w, x, rows) => moeRef(w, x, rows),
  entries: moeEntries,
  /**
   * The experts' rows: top-k per token where they gather their tokens (cpu, wasm), all E where they run densely;
   * the shared experts run beside them on every token.
   */
  width: (f, ctx) => (ctx?.backend === 'wasm' || ctx?.backend === 'cpu' ? f.topK : f.nExperts) * f.expertWidth + sharedExpertWidth(f),
};

/** MoE: how it runs (layer.ts: the tfjs layer and its combine strategies; reference.ts: the Float64 twin). */
import { linearEntry, type WeightEntry } from '../../sim/runtime/params';
import type { FfnRuntime } from '../runtimeKind';
import { mlpEntries } from '../mlp/runtime';
import { MoeLayer, initMoeFromDesign, type MoeWeights } from './layer';
import { moeRef } from './reference';
import type { MoeFfn } from './spec';

/** router.weight [E, d] and experts.{j}.{gate,up,down}_proj.weight (HF `modeling_jamba.py` JambaSparseMoeBlock). */
export function moeEntries(w: MoeWeights): WeightEntry[] {
  const out: WeightEntry[] = [linearEntry('router.weight', w.router)];
  w.experts.forEach((e, j) => out.push(...mlpEntries(e).map(([n, s, d]): WeightEntry => [`experts.${j}.${n}`, s, d])));
  return out;
}

export const moeRuntime: FfnRuntime<MoeFfn, MoeWeights> = {
  init: (f, { dModel }, rng) => initMoeFromDesign(f, dModel, rng),
  build: (w, { moeCombine }) => new MoeLayer(w, moeCombine),
  reference: (w, x, rows) => moeRef(w, x, rows),
  entries: moeEntries,
  width: (f) => f.expertWidth,
};

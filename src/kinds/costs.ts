/**
 * The cost registry: what each block kind costs (parameter tensors with HF-style names and shapes, KV and state
 * tensors, FLOPs), keyed by kind. Typed over the kinds of specs.ts: a kind without a cost is a compile error.
 * Pure: the cost model (src/sim/cost) reads it.
 */
import type { FfnOf, MixerOf } from '../models/schema';
import type { BlockCost, MixerCost, MixerCostContext } from '../sim/cost/tensors';
import type { FfnBlockKind, MixerBlockKind } from './specs';
import { attentionCost } from './attention/cost';
import { mlaCost } from './mla/cost';
import { mambaCost } from './mamba/cost';
import { mamba2Cost } from './mamba2/cost';
import { hyenaCost } from './hyena/cost';
import { linearAttentionCost } from './linear-attention/cost';
import { sharedCallCost } from './shared/cost';
import { parallelCost } from './parallel/cost';
import { mlpCost } from './mlp/cost';
import { moeCost } from './moe/cost';

export const MIXER_COSTS: { [K in MixerBlockKind]: (m: MixerOf<K>, ctx: MixerCostContext) => MixerCost } = {
  attention: attentionCost,
  mla: mlaCost,
  mamba: mambaCost,
  mamba2: mamba2Cost,
  hyena: hyenaCost,
  'linear-attention': linearAttentionCost,
  shared: sharedCallCost,
  parallel: parallelCost(costOfMixer),
};

export const FFN_COSTS: { [K in FfnBlockKind]: (f: FfnOf<K>, dModel: number) => BlockCost } = {
  mlp: mlpCost,
  moe: moeCost,
};

/**
 * Any registry mixer's cost, by its kind's entry. A function (hoisted), so a composite kind that nests mixers
 * (src/kinds/parallel) can be handed it in its own entry above without importing this module (an import cycle).
 */
export function costOfMixer(m: MixerOf<MixerBlockKind>, ctx: MixerCostContext): MixerCost {
  return (MIXER_COSTS[m.kind] as (m: MixerOf<MixerBlockKind>, ctx: MixerCostContext) => MixerCost)(m, ctx);
}

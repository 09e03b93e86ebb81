/**
 * Any block's cost, by its kind's entry in the cost registry (src/kinds/costs.ts). Each kind's formulas, with the
 * reference file they follow, live in src/kinds/<kind>/cost.ts; the shared vocabulary in tensors.ts.
 */
import type { Ffn, Mixer } from '../../models/schema';
import { FFN_COSTS, MIXER_COSTS } from '../../kinds/costs';
import { NO_COST, type BlockCost, type MixerCost, type MixerCostContext } from './tensors';

export * from './tensors';

/** Any mixer; `none` stores and costs nothing. */
export function mixerCost(m: Mixer, ctx: MixerCostContext): MixerCost {
  if (m.kind === 'none') return NO_COST;
  return (MIXER_COSTS[m.kind] as (m: Mixer, ctx: MixerCostContext) => MixerCost)(m, ctx);
}

/** Any FFN; `none` stores and costs nothing. */
export function ffnCost(f: Ffn, dModel: number): BlockCost {
  if (f.kind === 'none') return { tensors: [], params: 0, activeParams: 0, macsPerToken: 0 };
  return (FFN_COSTS[f.kind] as (f: Ffn, dModel: number) => BlockCost)(f, dModel);
}

/**
 * The cost-model figures the compare table, the test API and the charts show for one design, computed from one
 * analysis of the design (`analyzeDesign`), so that every place shows the same numbers.
 */
import type { Design } from '../../models/schema';
import { analyzeDesign } from '../../sim/cost/analyzeDesign';
import { costPointAt } from '../../sim/cost/costAt';
import { crossoverForCost } from '../../sim/cost/crossoverLength';
import { maxContextForCost } from '../../sim/cost/maxContextInBudget';
import type { CostOptions, CostPoint, DesignCost } from '../../sim/cost/types';

/** Sequence lengths the table reports at, in tokens. */
export const TABLE_LENGTHS = { kvShort: 32_768, kvLong: 262_144, flops: 4_096 } as const;

/** One design's headline figures (bytes, counts, tokens). */
export interface DesignSummary {
  name: string;
  paramsTotal: number;
  paramsActive: number;
  weightBytes: number;
  /** Recurrent state bytes, flat in sequence length. */
  stateBytes: number;
  kvBytesAt32K: number;
  kvBytesAt256K: number;
  /** Largest context with weights + KV + state within the budget; Infinity when the KV cache never outgrows it. */
  maxContext: number;
  budgetBytes: number;
  flopsPerTokenAt4K: number;
  /** Smallest L where the KV cache exceeds the state; null if it never does. */
  crossoverLength: number | null;
}

/** The headline figures of a design under a memory budget. */
export function summarizeDesign(design: Design, budgetBytes: number, opts: CostOptions = {}): DesignSummary {
  return summarizeCost(analyzeDesign(design, opts), budgetBytes);
}

/** The headline figures from an analysis already made. */
export function summarizeCost(cost: DesignCost, budgetBytes: number): DesignSummary {
  return {
    name: cost.name,
    paramsTotal: cost.params.total,
    paramsActive: cost.params.active,
    weightBytes: cost.weightBytes,
    stateBytes: cost.stateBytes,
    kvBytesAt32K: costPointAt(cost, TABLE_LENGTHS.kvShort).kvCacheBytes,
    kvBytesAt256K: costPointAt(cost, TABLE_LENGTHS.kvLong).kvCacheBytes,
    maxContext: maxContextForCost(cost, budgetBytes),
    budgetBytes,
    flopsPerTokenAt4K: costPointAt(cost, TABLE_LENGTHS.flops).flopsPerToken,
    crossoverLength: crossoverForCost(cost),
  };
}

/** The analytic curve of an analysis at each length (in the order given). */
export function curveOf(cost: DesignCost, seqLens: readonly number[]): CostPoint[] {
  return seqLens.map((L) => costPointAt(cost, L));
}

import type { Design } from '../../models/schema';
import { analyzeDesign } from './analyzeDesign';
import { largestSeqLenWithKvAtMost } from './maxContextInBudget';
import type { CostOptions, DesignCost } from './types';

/** Same as `crossoverLength`, from an analysis already made. */
export function crossoverForCost(cost: DesignCost): number | null {
  const L = largestSeqLenWithKvAtMost(cost, cost.stateBytes);
  return L === Infinity ? null : L + 1;
}

/**
 * The smallest sequence length at which the KV cache holds more bytes than the recurrent state; null if it never
 * does (no attention, or windows that cap the cache below the state). A design without state crosses at 1.
 */
export function crossoverLength(design: Design, opts: CostOptions = {}): number | null {
  return crossoverForCost(analyzeDesign(design, opts));
}

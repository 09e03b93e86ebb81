/**
 * The largest context that fits a memory budget, solved exactly from the piecewise-linear KV formula
 * KV(L) = Σ_layers bytesPerToken × min(L, window).
 */
import type { Design } from '../../models/schema';
import { analyzeDesign } from './analyzeDesign';
import { kvBytesAt } from './costAt';
import type { CostOptions, DesignCost } from './types';

/**
 * The largest integer L ≥ 0 with KV(L) ≤ `limitBytes`; Infinity when the KV cache never exceeds it (no attention,
 * or every attention layer windowed with a full cache that fits). `limitBytes` must be ≥ 0.
 */
export function largestSeqLenWithKvAtMost(cost: DesignCost, limitBytes: number): number {
  if (!(limitBytes >= 0)) throw new RangeError(`limitBytes must be a non-negative number, got ${limitBytes}`);
  // Breakpoints where a windowed group stops growing, ascending; between them KV(L) = fixed + slope · L.
  const windows = [...new Set(cost.kvGroups.map((g) => g.window).filter((w): w is number => w !== null))].sort((a, b) => a - b);
  let lo = 0;
  for (const hi of [...windows, Infinity]) {
    let slope = 0;
    let fixed = 0;
    for (const g of cost.kvGroups) {
      if (g.window !== null && g.window <= lo) fixed += g.bytesPerToken * g.window;
      else slope += g.bytesPerToken;
    }
    if (slope > 0 && (hi === Infinity || kvBytesAt(cost, hi) > limitBytes)) {
      // The answer lies in [lo, hi): solve fixed + slope·L ≤ limit, then settle float rounding by exact checks.
      let L = Math.max(lo, Math.floor((limitBytes - fixed) / slope));
      if (hi !== Infinity) L = Math.min(L, hi - 1);
      // Past 2^53 consecutive integers are no longer distinct doubles: the quotient is as exact as it gets.
      if (!Number.isSafeInteger(L + 1)) return L;
      while (kvBytesAt(cost, L + 1) <= limitBytes) L++;
      while (L > 0 && kvBytesAt(cost, L) > limitBytes) L--;
      return L;
    }
    lo = hi;
  }
  return Infinity;
}

/** Same as `maxContextInBudget`, from an analysis already made. */
export function maxContextForCost(cost: DesignCost, budgetBytes: number): number {
  if (!(budgetBytes >= 0) || !Number.isFinite(budgetBytes)) throw new RangeError(`budgetBytes must be a finite non-negative number, got ${budgetBytes}`);
  const fixedBytes = cost.weightBytes + cost.stateBytes;
  if (fixedBytes > budgetBytes) return 0;
  return largestSeqLenWithKvAtMost(cost, budgetBytes - fixedBytes);
}

/**
 * The largest sequence length L whose weights + KV cache + state fit in `budgetBytes`:
 * costAt(L).totalBytes ≤ budget < costAt(L + 1).totalBytes. Infinity when the KV cache never outgrows the budget
 * (no attention, or only sliding windows that fit); 0 when the weights and state alone exceed it.
 */
export function maxContextInBudget(design: Design, budgetBytes: number, opts: CostOptions = {}): number {
  return maxContextForCost(analyzeDesign(design, opts), budgetBytes);
}

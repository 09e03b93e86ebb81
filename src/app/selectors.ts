/**
 * Derived values, computed from the store by the pure core and memoised on the inputs' identity (never copied into
 * state). Module-scope selectors, as zustand v5 wants: the same inputs give the same object, so no render loops.
 */
import { expandLayers, type Design, type Layer } from '../models/schema';
import {
  analyzeDesign,
  costPointAt,
  crossoverForCost,
  explainCost,
  maxContextForCost,
  type CostExplanation,
  type CostPoint,
  type DesignCost,
} from '../sim/cost';
import type { AppState } from './slices/types';

const layersCache = new WeakMap<Design, Layer[]>();

/** The explicit layer list of the current design. */
export function selectLayers(s: Pick<AppState, 'design'>): Layer[] {
  let l = layersCache.get(s.design);
  if (!l) {
    l = expandLayers(s.design.layers);
    layersCache.set(s.design, l);
  }
  return l;
}

/** Everything the metrics panel and `window.hybridExplorer.getMetrics()` show for the current design. */
export interface Metrics {
  /** Dtype the byte figures use. */
  dtype: Design['dtype'];
  seqLen: number;
  budgetBytes: number;
  cost: DesignCost;
  /** Costs at `seqLen`. */
  at: CostPoint;
  /** Longest context whose weights + KV + state fit in `budgetBytes` (0 when the weights alone do not fit). */
  maxContext: number;
  /** Smallest length at which the KV cache outgrows the recurrent state, or null. */
  crossover: number | null;
  explain: CostExplanation;
}

let last: { design: Design; dtype: string; seqLen: number; budget: number; metrics: Metrics } | null = null;

/** The metrics of the current design at the chosen length, dtype and budget (memoised on those four). */
export function selectMetrics(s: Pick<AppState, 'design' | 'costDtype' | 'seqLen' | 'budgetBytes'>): Metrics {
  const dtype = s.costDtype ?? s.design.dtype;
  if (last && last.design === s.design && last.dtype === dtype && last.seqLen === s.seqLen && last.budget === s.budgetBytes) return last.metrics;
  const opts = { dtype };
  const cost = analyzeDesign(s.design, opts);
  const metrics: Metrics = {
    dtype,
    seqLen: s.seqLen,
    budgetBytes: s.budgetBytes,
    cost,
    at: costPointAt(cost, s.seqLen),
    maxContext: maxContextForCost(cost, s.budgetBytes),
    crossover: crossoverForCost(cost),
    explain: explainCost(s.design, s.seqLen, { ...opts, budgetBytes: s.budgetBytes }),
  };
  last = { design: s.design, dtype, seqLen: s.seqLen, budget: s.budgetBytes, metrics };
  return metrics;
}

const costCache = new WeakMap<Design, DesignCost>();

/** The cost analysis of the current design in its own dtype (for per-layer parameter shares). */
export function selectDesignCost(s: Pick<AppState, 'design'>): DesignCost {
  let c = costCache.get(s.design);
  if (!c) {
    c = analyzeDesign(s.design);
    costCache.set(s.design, c);
  }
  return c;
}

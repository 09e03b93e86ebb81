import { useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { Design } from '../../models/schema';
import { analyzeDesign } from '../../sim/cost';
import type { DesignCost } from '../../sim/cost';
import { useAppStore } from '../../app/store';
import { designKey } from '../../app/slices/designKey';
import { latestRun, type RunRecord } from '../../app/slices/runSlice';
import type { PinOrigin } from '../../app/slices/compareSlice';
import type { ChartSeries } from './chartData';
import { CURRENT_DESIGN_COLOR } from './seriesColors';

/** A design drawn on the charts: the current one (unless it is pinned) and every pinned design. */
export interface DesignSeries extends ChartSeries {
  design: Design;
  /** The design's stable key, under which its runs are stored. */
  key: string;
  origin: PinOrigin | 'current';
  /** True for the current design drawn without a pin. */
  unpinned: boolean;
  cost: DesignCost;
  /** The design's latest run (with points when any has them), or null. */
  run: RunRecord | null;
}

const costCache = new WeakMap<Design, Map<string, DesignCost>>();

/** The cost analysis of a design in a dtype, memoised per design object. */
export function cachedCost(design: Design, dtype: Design['dtype'] | null): DesignCost {
  let m = costCache.get(design);
  if (!m) {
    m = new Map();
    costCache.set(design, m);
  }
  const k = dtype ?? design.dtype;
  let c = m.get(k);
  if (!c) {
    c = analyzeDesign(design, { dtype: k });
    m.set(k, c);
  }
  return c;
}

/** Builds the series list: pinned designs in pin order, preceded by the current design when it is not pinned. */
export function buildSeries(
  design: Design | null,
  pinned: readonly { id: string; design: Design; color: string; origin: PinOrigin }[],
  runs: Record<string, RunRecord[]>,
  dtype: Design['dtype'] | null,
): DesignSeries[] {
  const out: DesignSeries[] = [];
  if (design) {
    const key = designKey(design);
    if (!pinned.some((p) => p.id === key)) {
      out.push({ id: `c${key}`, key, name: `${design.name} (current)`, color: CURRENT_DESIGN_COLOR, design, origin: 'current', unpinned: true, cost: cachedCost(design, dtype), run: latestRun(runs, key) });
    }
  }
  for (const p of pinned) {
    out.push({ id: `p${p.id}`, key: p.id, name: p.design.name, color: p.color, design: p.design, origin: p.origin, unpinned: false, cost: cachedCost(p.design, dtype), run: latestRun(runs, p.id) });
  }
  return out;
}

/** The designs the charts draw, memoised on the store values they come from. */
export function useChartSeries(): DesignSeries[] {
  const { design, pinned, runs, costDtype } = useAppStore(useShallow((s) => ({ design: s.design, pinned: s.pinned, runs: s.runs, costDtype: s.costDtype })));
  return useMemo(() => buildSeries(design, pinned, runs, costDtype), [design, pinned, runs, costDtype]);
}

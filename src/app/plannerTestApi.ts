/**
 * The planner's part of `window.hybridExplorer` (issue 12): `getPlanner()` returns the settings and, for every design
 * the charts draw, the figures the Hardware tab and the compare table show, so tests read exactly what is drawn.
 */
import { buildSeries } from '../components/charts/useChartSeries';
import { fitFor, gpusNeededFor } from '../components/planner/plannerModel';
import { GPU_COUNTS } from '../sim/planner/fitOnGpus';
import { selectLayerTimes } from './layerTimes';
import { plannerHardware, type PlannerSettings } from './slices/plannerSlice';
import { useAppStore } from './store';
import { registerTestGetter } from './testApi';

/** One design on one hardware entry at the settings' L, batch and GPUs. */
export interface PlannedView {
  design: string;
  designKey: string;
  hardware: string;
  fits: boolean;
  ttftSeconds: number | null;
  decodeTokensPerSec: number | null;
  maxConcurrency: number | null;
  memoryPerGpuBytes: number | null;
  /** Fewest of 1, 2, 4, 8 GPUs that hold the batch at L, null when none does. */
  gpusNeeded: number | null;
  /** Fits on 1, 2, 4, 8 GPUs (the fit table's ✓). */
  fitsOn: Record<number, boolean>;
}

export function getPlanner(): { settings: PlannerSettings; hardware: string[]; designs: PlannedView[]; layerShares: number[] | null } {
  const s = useAppStore.getState();
  const hardware = plannerHardware(s.plannerSettings, s.deviceProbe);
  const st = s.plannerSettings;
  const series = buildSeries(s.design, s.pinned, s.runs, s.costDtype);
  const designs: PlannedView[] = [];
  for (const d of series) {
    for (const hw of hardware) {
      const f = fitFor(d.design, d.cost, hw, st, st.gpus, st.seqLen);
      const p = f.point;
      const ok = !!p?.fits;
      designs.push({
        design: d.name,
        designKey: d.key,
        hardware: hw.id,
        fits: ok,
        ttftSeconds: ok ? p!.prefillSeconds : null,
        decodeTokensPerSec: ok ? p!.aggregateDecodeTokensPerSec : null,
        maxConcurrency: p ? (Number.isFinite(p.maxConcurrency) ? p.maxConcurrency : null) : null,
        memoryPerGpuBytes: p ? p.memoryPerGpuBytes : null,
        gpusNeeded: gpusNeededFor(d.design, d.cost, hw, st, st.seqLen)?.gpus ?? null,
        fitsOn: Object.fromEntries(GPU_COUNTS.map((g) => [g, !!fitFor(d.design, d.cost, hw, st, g, st.seqLen).point?.fits])),
      });
    }
  }
  return { settings: structuredClone(st), hardware: hardware.map((h) => h.id), designs, layerShares: selectLayerTimes(s)?.layers.map((l) => l.share) ?? null };
}

/** Adds `getPlanner` to `window.hybridExplorer`. */
export function registerPlannerTestApi(): void {
  registerTestGetter('getPlanner', getPlanner);
}

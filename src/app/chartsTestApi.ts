/**
 * The charts' part of `window.hybridExplorer` (issue 5): `getPinned()` and `getRuns()`, registered through the editor's
 * `registerTestGetter` so that tests read exactly what the charts and the compare table show.
 */
import type { Design } from '../models/schema';
import type { BackendName, BenchPoint, RunProfileSpec, ScanImpl } from '../sim/protocol';
import { summarizeDesign, type DesignSummary } from '../components/charts/designSummary';
import { designKey } from './slices/designKey';
import type { PinOrigin } from './slices/compareSlice';
import type { RunRecord } from './slices/runSlice';
import { useAppStore } from './store';
import { registerTestGetter } from './testApi';
import { comparisonLink } from '../components/charts/comparisonLink';

/** A pinned design with the cost-model figures the table shows for it. */
export interface PinnedView {
  id: string;
  name: string;
  color: string;
  origin: PinOrigin;
  design: Design;
  cost: DesignSummary;
}

/** The runs stored for one design. */
export interface DesignRuns {
  designKey: string;
  designName: string;
  /** True when this is the design currently in the editor. */
  isCurrent: boolean;
  runs: {
    id: string;
    status: RunRecord['status'];
    backend: BackendName | null;
    backendReason: string;
    /** CPU threads the run used (null: not reported yet, or stored before threads were recorded). */
    threads: number | null;
    threadsReason: string;
    scan: ScanImpl | null;
    profile: RunProfileSpec;
    seqLens: number[];
    points: BenchPoint[];
    error: string | null;
  }[];
}

/** The pinned designs, in pin order, with their costs under the current budget and cost dtype. */
export function getPinned(): PinnedView[] {
  const s = useAppStore.getState();
  return s.pinned.map((p) => ({
    id: p.id,
    name: p.design.name,
    color: p.color,
    origin: p.origin,
    design: structuredClone(p.design),
    cost: summarizeDesign(p.design, s.budgetBytes, s.costDtype ? { dtype: s.costDtype } : {}),
  }));
}

/** Every stored run, grouped by design, oldest first within a design. */
export function getRuns(): DesignRuns[] {
  const s = useAppStore.getState();
  const current = s.design ? designKey(s.design) : null;
  return Object.entries(s.runs).map(([key, list]) => ({
    designKey: key,
    designName: list.at(-1)?.designName ?? '',
    isCurrent: key === current,
    runs: list.map((r) => structuredClone({ id: r.id, status: r.status, backend: r.backend, backendReason: r.backendReason, threads: r.threads, threadsReason: r.threadsReason, scan: r.scan, profile: r.profile, seqLens: r.seqLens, points: r.points, error: r.error })),
  }));
}

/** Adds `getPinned` and `getRuns` to `window.hybridExplorer`. */
export function registerChartsTestApi(): void {
  registerTestGetter('getPinned', getPinned);
  registerTestGetter('getRuns', getRuns);
  registerTestGetter('getCompareLink', comparisonLink);
}

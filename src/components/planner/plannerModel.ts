/**
 * The planner's figures as the views show them: a design on a hardware entry with the settings of the Hardware tab
 * (GPUs, batch, precision, efficiency), memoised per design analysis so that the chart, the fit table, the compare rows
 * and the canvas share one computation. Pure: plain data in, plain data out.
 */
import type { Design } from '../../models/schema';
import type { DesignCost } from '../../sim/cost/types';
import type { DeploymentInput } from '../../sim/planner/deployment';
import { fitOnGpus, GPU_COUNTS, type GpuFit } from '../../sim/planner/fitOnGpus';
import type { HardwareSpec } from '../../sim/planner/hardware';
import { planDeployment, type DeploymentPoint } from '../../sim/planner/planDeployment';
import type { PlannerSettings } from '../../app/slices/plannerSlice';

/** The deployment fields the settings fix (the split comes from the GPU count). */
export function plannerInput(s: Pick<PlannerSettings, 'precision' | 'batch' | 'efficiency'>): Omit<DeploymentInput, 'tp' | 'pp'> {
  return { precision: s.precision, batch: s.batch, efficiency: s.efficiency };
}

const cache = new WeakMap<DesignCost, Map<string, unknown>>();

function memo<T>(cost: DesignCost, key: string, f: () => T): T {
  let m = cache.get(cost);
  if (!m) {
    m = new Map();
    cache.set(cost, m);
  }
  if (m.has(key)) return m.get(key) as T;
  const v = f();
  if (m.size > 400) m.clear();
  m.set(key, v);
  return v;
}

function keyOf(hw: HardwareSpec, s: Pick<PlannerSettings, 'precision' | 'batch' | 'efficiency'>, ...more: unknown[]): string {
  return JSON.stringify([hw, s.precision, s.batch, s.efficiency, ...more]);
}

/** A design on `gpus` GPUs of `hw` at L (the split that fits and decodes fastest; see `fitOnGpus`). */
export function fitFor(design: Design, cost: DesignCost, hw: HardwareSpec, s: Pick<PlannerSettings, 'precision' | 'batch' | 'efficiency'>, gpus: number, seqLen: number): GpuFit {
  return memo(cost, keyOf(hw, s, 'fit', gpus, seqLen), () => fitOnGpus(design, cost, hw, plannerInput(s), gpus, seqLen));
}

/** The fewest of 1, 2, 4, 8 GPUs that hold the batch at L, or null. */
export function gpusNeededFor(design: Design, cost: DesignCost, hw: HardwareSpec, s: Pick<PlannerSettings, 'precision' | 'batch' | 'efficiency'>, seqLen: number): GpuFit | null {
  for (const n of GPU_COUNTS) {
    const f = fitFor(design, cost, hw, s, n, seqLen);
    if (f.point?.fits) return f;
  }
  return null;
}

/** A point of a curve: the plan at L, or null where the batch does not fit (the line ends there). */
export interface CurvePoint {
  seqLen: number;
  point: DeploymentPoint | null;
}

/**
 * The plan along the lengths with the split chosen at the settings' L (so the line is one deployment); points where
 * the batch does not fit in memory are null. Null altogether when no split of that many GPUs is valid.
 */
export function curveFor(design: Design, cost: DesignCost, hw: HardwareSpec, s: Pick<PlannerSettings, 'precision' | 'batch' | 'efficiency' | 'gpus' | 'seqLen'>, seqLens: readonly number[]): { fit: GpuFit; points: CurvePoint[] } {
  return memo(cost, keyOf(hw, s, 'curve', s.gpus, s.seqLen, seqLens), () => {
    const fit = fitFor(design, cost, hw, s, s.gpus, s.seqLen);
    const dep = fit.deployment;
    const points = seqLens.map((L) => {
      if (!dep) return { seqLen: L, point: null };
      const p = planDeployment(cost, hw, dep, L);
      return { seqLen: L, point: p.fits ? p : null };
    });
    return { fit, points };
  });
}

/** "TP 2", "TP 4 × PP 2", "1 GPU". */
export function describeSplit(f: Pick<GpuFit, 'deployment' | 'gpus'>): string {
  const d = f.deployment;
  if (!d) return `${f.gpus} GPU${f.gpus > 1 ? 's' : ''}`;
  if (d.tp * d.pp === 1) return '1 GPU';
  return d.pp === 1 ? `TP ${d.tp}` : d.tp === 1 ? `PP ${d.pp}` : `TP ${d.tp} × PP ${d.pp}`;
}

/** Seconds with a unit that keeps three significant digits: 812 µs, 4.23 ms, 1.20 s, 3.1 min. */
export function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '—';
  if (s >= 120) return `${(s / 60).toFixed(1)} min`;
  if (s >= 1) return `${s.toPrecision(3)} s`;
  if (s >= 1e-3) return `${(s * 1e3).toPrecision(3)} ms`;
  return `${(s * 1e6).toPrecision(3)} µs`;
}

/** A rate with K / M: 812, 4.2K, 1.3M. */
export function formatRate(v: number): string {
  if (!Number.isFinite(v)) return '—';
  if (v >= 1e6) return `${(v / 1e6).toPrecision(3)}M`;
  if (v >= 1e4) return `${(v / 1e3).toPrecision(3)}K`;
  if (v >= 100) return v.toFixed(0);
  return v.toPrecision(3);
}

/** A short hardware label for legends: "H100 SXM", "RTX 4090". */
export function shortHardwareName(hw: HardwareSpec): string {
  return hw.name.replace(/^(NVIDIA|AMD Instinct|Apple)\s+(GeForce\s+)?/, '').replace(/\s+\d+GB$/, '').replace(/\s*\(.*\)$/, '');
}

/** One line naming the deployment: "batch 8 · weights bf16 · KV fp8 · state fp32 · 2 GPUs". */
export function describeDeployment(s: Pick<PlannerSettings, 'precision' | 'batch' | 'gpus'>): string {
  const p = s.precision;
  return `batch ${s.batch} · weights ${p.weights} · KV ${p.kv} · state ${p.state} · act ${p.activations} · ${s.gpus} GPU${s.gpus > 1 ? 's' : ''}`;
}

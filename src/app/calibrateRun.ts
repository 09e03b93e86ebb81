/**
 * The planner's prediction of a measured run (src/sim/planner/calibration.ts), for the throughput chart: the run's
 * design scaled by the run's profile exactly as the runtime scales it (`scaleDesign`, pure), planned on the probed
 * device with the run's batch and decode steps (RUN_DEFAULTS), set against the points measured.
 */
import type { Design } from '../models/schema';
import { analyzeDesign } from '../sim/cost/analyzeDesign';
import { calibrate, type CalibrationPoint, type DeviceProbe } from '../sim/planner/calibration';
import { scaleDesign } from '../sim/runtime/profile';
import { RUN_DEFAULTS } from './runController';
import type { RunRecord } from './slices/runSlice';

const cache = new WeakMap<RunRecord, { probe: DeviceProbe; points: CalibrationPoint[] }>();

/** Predicted vs measured for every point of `run` (of `design`), on the probed device; [] when it cannot be scaled. */
export function calibrateRun(design: Design, run: RunRecord, probe: DeviceProbe): CalibrationPoint[] {
  const hit = cache.get(run);
  if (hit && hit.probe === probe) return hit.points;
  let points: CalibrationPoint[] = [];
  try {
    const scaled = scaleDesign(design, run.profile).design;
    points = calibrate(analyzeDesign(scaled), probe, run.points, RUN_DEFAULTS.batch, RUN_DEFAULTS.decodeSteps);
  } catch {
    points = [];
  }
  cache.set(run, { probe, points });
  return points;
}

/** The median of the ratios (measured time / predicted time) over a run's points; NaN when there are none. */
export function medianRatio(values: readonly number[]): number {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (!v.length) return Number.NaN;
  const m = Math.floor(v.length / 2);
  return v.length % 2 ? v[m]! : (v[m - 1]! + v[m]!) / 2;
}

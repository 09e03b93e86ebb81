/**
 * "This device": a hardware entry from a short probe run where the measured runs run (matmul FLOP/s and memory
 * bandwidth on the run's tfjs backend), and the planner's prediction of a measured run of the scaled copy, so the
 * ratio measured / predicted shows how far a roofline is from a real run before it is trusted for an H100.
 *
 * The scaled copy runs in float32 (weights, caches, activations), one GPU, no efficiency discount: the probe's rates
 * are already achieved ones. A sweep point times prefill of L tokens and decode steps at contexts L .. L + steps − 1;
 * the prediction of a step is taken at their middle, L + steps / 2.
 */
import type { DesignCost } from '../cost/types';
import type { Deployment } from './deployment';
import type { HardwareSpec } from './hardware';
import { planDeployment } from './planDeployment';

/** What the probe measured (plain data: made in the worker or in Node, stored with the app's settings). */
export interface DeviceProbe {
  /** tfjs backend the probe ran on (`wasm`, `webgpu`, ...). */
  backend: string;
  /** Best achieved float32 matmul rate, FLOP/s (2·n³ per n×n by n×n product). */
  matmulFlopsPerSec: number;
  /** Size n of the matmul that achieved it. */
  matmulSize: number;
  /** Best achieved bandwidth of an elementwise add over large arrays, bytes/s (two reads and one write per element). */
  memBandwidth: number;
  /** Time of one tiny op, s: what each dispatched kernel costs besides its work. */
  dispatchSeconds: number;
  /** Memory assumed for this device, bytes (a browser cannot measure it; see `source`). */
  memBytes: number;
  /** ISO time of the probe. */
  measuredAt: string;
  /** How it was measured, in words. */
  method: string;
}

/** Id of the measured entry. */
export const THIS_DEVICE_ID = 'this-device';

/** The probe as a hardware entry: float32 rate only, no interconnect (one device). */
export function hardwareFromProbe(p: DeviceProbe): HardwareSpec {
  return {
    id: THIS_DEVICE_ID,
    name: `This device (${p.backend}, measured)`,
    peakFlops: { fp32: p.matmulFlopsPerSec },
    memBandwidth: p.memBandwidth,
    memBytes: p.memBytes,
    interconnect: null,
    source: `measured ${p.measuredAt} on tfjs ${p.backend}: ${p.method}`,
  };
}

/** How the measured runs run: float32 everything, one device, the probe's achieved rates taken as they are. */
export function runDeployment(batch = 1): Deployment {
  return {
    precision: { weights: 'fp32', kv: 'fp32', state: 'fp32', activations: 'fp32' },
    batch,
    tp: 1,
    pp: 1,
    efficiency: { compute: 1, memory: 1, interconnect: 1, capacity: 1 },
  };
}

/** The planner's prediction for a sweep point of the scaled copy. */
export interface ScaledPrediction {
  seqLen: number;
  prefillSeconds: number;
  prefillTokensPerSec: number;
  decodeMsPerToken: number;
}

/** Predicted prefill and decode of the scaled copy (`scaledCost`) on the probed device at each length. */
export function predictScaledRun(scaledCost: DesignCost, probe: DeviceProbe, seqLens: readonly number[], batch = 1, decodeSteps = 32): ScaledPrediction[] {
  const hw = hardwareFromProbe(probe);
  const dep = runDeployment(batch);
  return seqLens.map((L) => {
    const pre = planDeployment(scaledCost, hw, dep, L);
    const dec = planDeployment(scaledCost, hw, dep, L + Math.floor(decodeSteps / 2));
    return { seqLen: L, prefillSeconds: pre.prefillSeconds, prefillTokensPerSec: pre.prefillTokensPerSec, decodeMsPerToken: dec.decodeSecondsPerToken * 1000 };
  });
}

/** A measured sweep point as the calibration reads it (a `BenchPoint` has these fields). */
export interface MeasuredPoint {
  seqLen: number;
  prefillTokensPerSec: number;
  decodeMsPerToken: number;
  /** Kernels one decode step dispatched (tf.profile), when measured. */
  dispatchesPerDecodeStep?: number;
}

/** Predicted next to measured, and the ratio measured time / predicted time (> 1: slower than the roofline). */
export interface CalibrationPoint extends ScaledPrediction {
  measuredPrefillTokensPerSec: number;
  measuredDecodeMsPerToken: number;
  prefillRatio: number;
  decodeRatio: number;
  /** Roofline plus the step's dispatch count × the probe's per-dispatch time (ms), when the count was measured. */
  decodeMsWithDispatch: number | null;
  decodeRatioWithDispatch: number | null;
}

/** Measured against predicted for every point of a run. */
export function calibrate(scaledCost: DesignCost, probe: DeviceProbe, points: readonly MeasuredPoint[], batch = 1, decodeSteps = 32): CalibrationPoint[] {
  const pred = predictScaledRun(scaledCost, probe, points.map((p) => p.seqLen), batch, decodeSteps);
  return points.map((m, i) => {
    const p = pred[i]!;
    const withDispatch = m.dispatchesPerDecodeStep !== undefined && m.dispatchesPerDecodeStep > 0 ? p.decodeMsPerToken + m.dispatchesPerDecodeStep * probe.dispatchSeconds * 1000 : null;
    return {
      ...p,
      measuredPrefillTokensPerSec: m.prefillTokensPerSec,
      measuredDecodeMsPerToken: m.decodeMsPerToken,
      // tokens/s ratio inverted: measured time / predicted time = predicted rate / measured rate
      prefillRatio: p.prefillTokensPerSec / m.prefillTokensPerSec,
      decodeRatio: m.decodeMsPerToken / p.decodeMsPerToken,
      decodeMsWithDispatch: withDispatch,
      decodeRatioWithDispatch: withDispatch === null ? null : m.decodeMsPerToken / withDispatch,
    };
  });
}

/** Checks a stored or received probe; returns it typed, or null when any field is missing or out of range. */
export function sanitizeProbe(v: unknown): DeviceProbe | null {
  if (v === null || typeof v !== 'object') return null;
  const o = v as Record<string, unknown>;
  const pos = (k: string) => typeof o[k] === 'number' && Number.isFinite(o[k]) && (o[k] as number) > 0;
  if (typeof o.backend !== 'string' || !/^[a-z0-9]{1,16}$/.test(o.backend)) return null;
  if (!pos('matmulFlopsPerSec') || !pos('memBandwidth') || !pos('memBytes') || !pos('matmulSize') || !pos('dispatchSeconds')) return null;
  if (typeof o.measuredAt !== 'string' || o.measuredAt.length > 40 || typeof o.method !== 'string' || o.method.length > 400) return null;
  return {
    backend: o.backend,
    matmulFlopsPerSec: o.matmulFlopsPerSec as number,
    matmulSize: o.matmulSize as number,
    memBandwidth: o.memBandwidth as number,
    dispatchSeconds: o.dispatchSeconds as number,
    memBytes: o.memBytes as number,
    measuredAt: o.measuredAt,
    method: o.method,
  };
}

/**
 * "This device": a short probe of the backend the measured runs use, giving the planner a hardware entry
 * (src/sim/planner/calibration.ts) so it can predict the scaled copy's runs beside the measured points.
 *
 * - Matmul rate: square float32 products n×n · n×n (2·n³ FLOPs) at a few sizes; the best rate over sizes and trials.
 * - Bandwidth: an elementwise add of two large float32 arrays (two reads and one write of 4 bytes per element, 12 B),
 *   arrays larger than the caches of most machines; the best rate over trials.
 * - Dispatch: the time of one tiny add (1 element): what every kernel a step dispatches costs besides its work.
 * Timing as the benchmark does (tfjs-notes, "Measuring honestly"): the work is queued, then a one-element slice of the
 * last result is read back, which waits for everything before it; the reps divide the time. Every tensor is freed.
 */
import * as tf from '@tensorflow/tfjs';
import type { DeviceProbe } from '../planner/calibration';
import type { BackendChoice, BackendName, ProbeOptions } from '../protocol';
import { initBackend } from './backend';

/** Sizes per backend: small enough that the probe takes a second or two on each. */
const MATMUL_SIZES: Record<BackendName, number[]> = { cpu: [128, 256], wasm: [256, 512, 1024], webgl: [512, 1024, 2048], webgpu: [512, 1024, 2048] };
const ADD_ELEMENTS: Record<BackendName, number> = { cpu: 1 << 21, wasm: 1 << 22, webgl: 1 << 24, webgpu: 1 << 24 };
/** A browser cannot read its device's memory; this is what the fit table assumes for "this device". */
const ASSUMED_MEM_BYTES = 4 * 2 ** 30;

export interface ProbeResult {
  probe: DeviceProbe;
  backendReason: string;
}

const now = () => (typeof performance !== 'undefined' ? performance.now() : Date.now());

/** Waits for `t` (and all work queued before it) by reading one element back. */
async function sync(t: tf.Tensor): Promise<void> {
  const one = tf.tidy(() => tf.slice(tf.reshape(t, [-1]), [0], [1]));
  await one.data();
  one.dispose();
}

/** Seconds per call of `op`, best of `trials`, each trial repeating it for about `trialSeconds`. */
async function secondsPerOp(op: () => tf.Tensor, trials: number, trialSeconds: number): Promise<number> {
  const warm = op();
  await sync(warm);
  warm.dispose();
  let s = now();
  const once = op();
  await sync(once);
  once.dispose();
  const single = Math.max((now() - s) / 1000, 1e-7);
  const reps = Math.max(2, Math.min(400, Math.ceil(trialSeconds / single)));
  let best = Infinity;
  for (let t = 0; t < trials; t++) {
    s = now();
    let last: tf.Tensor | null = null;
    for (let i = 0; i < reps; i++) {
      const out = op();
      last?.dispose();
      last = out;
    }
    await sync(last!);
    last!.dispose();
    best = Math.min(best, (now() - s) / 1000 / reps);
  }
  return best;
}

/** Runs the probe on `backend` (initialised here, as a run would); about one to three seconds. */
export async function probeDevice(backend: BackendChoice, opts: ProbeOptions = {}): Promise<ProbeResult> {
  const info = await initBackend(backend);
  const trials = opts.trials ?? 3;
  const trialSeconds = opts.trialSeconds ?? 0.15;
  const sizes = opts.matmulSizes ?? MATMUL_SIZES[info.backend];
  const n = opts.addElements ?? ADD_ELEMENTS[info.backend];
  const keep: tf.Tensor[] = [];
  try {
    let matmul = { flops: 0, size: 0 };
    for (const size of sizes) {
      const a = tf.randomUniform([size, size], -1, 1, 'float32', 1); // (n, n)
      const b = tf.randomUniform([size, size], -1, 1, 'float32', 2); // (n, n)
      keep.push(a, b);
      const sec = await secondsPerOp(() => tf.matMul(a, b), trials, trialSeconds); // (n, n)
      const flops = (2 * size ** 3) / sec;
      if (flops > matmul.flops) matmul = { flops, size };
    }
    const x = tf.randomUniform([n], -1, 1, 'float32', 3); // (n)
    const y = tf.randomUniform([n], -1, 1, 'float32', 4); // (n)
    keep.push(x, y);
    const addSec = await secondsPerOp(() => tf.add(x, y), trials, trialSeconds); // (n)
    const one = tf.scalar(1);
    keep.push(one);
    const dispatchSec = await secondsPerOp(() => tf.add(one, one), trials, Math.min(trialSeconds, 0.05));
    const probe: DeviceProbe = {
      backend: info.backend,
      matmulFlopsPerSec: matmul.flops,
      matmulSize: matmul.size,
      memBandwidth: (12 * n) / addSec,
      dispatchSeconds: dispatchSec,
      memBytes: ASSUMED_MEM_BYTES,
      measuredAt: new Date().toISOString(),
      method:
        `float32 matMul of ${sizes.join(', ')}² (best ${matmul.size}²: ${(matmul.flops / 1e9).toFixed(2)} GFLOP/s), ` +
        `add of 2 × ${n.toLocaleString('en-US')} floats (12 B per element), tiny-op dispatch ${(dispatchSec * 1e6).toFixed(1)} µs; best of ${trials} trials; ` +
        `memory not measurable here: ${ASSUMED_MEM_BYTES / 2 ** 30} GiB assumed`,
    };
    return { probe, backendReason: info.reason };
  } finally {
    for (const t of keep) t.dispose();
  }
}

/**
 * The scan half of `npm run bench -- browser`: a module worker (served by Vite's dev server, created by the page) that
 * times the `simd` scans of the medium run profile's widths with the scan pool on `threads` threads, as the runtime
 * worker runs them (wasm backend, one readback, the kernels, one upload). Figures only.
 */
/// <reference lib="webworker" />
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/sim/runtime/backend';
import { Rng } from '../../src/sim/runtime/rng';
import { modalScanSimd, selectiveScanSimd, ssdSimd } from '../../src/sim/runtime/scan/scanSimd';
import { simdScanThreads, startSimdScanPool, stopSimdScanPool } from '../../src/sim/runtime/kernels/wasm/scanPool';
import { releaseSimdScanMemory } from '../../src/sim/runtime/kernels/wasm/simdScanKernels';

export type ScanProblem = 'selective' | 'ssd' | 'modal';
export interface ScanJob {
  problem: ScanProblem;
  L: number;
  threads: number;
  repeats: number;
}
export interface ScanTiming {
  problem: ScanProblem;
  L: number;
  threads: number;
  scanThreads: number;
  ms: number[];
}

/** Medium-profile widths: Mamba-1 dInner 512, N 16; Mamba-2 16 heads of 32, N 64, 8 groups; Hyena d 256, 2 poles. */
function inputs(problem: ScanProblem, l: number, rng: Rng): { run: () => tf.Tensor[]; dispose: () => void } {
  if (problem === 'selective') {
    const C = 512, N = 16;
    const t = {
      u: tf.tensor3d(rng.normals(l * C), [1, l, C]),
      delta: tf.tensor3d(rng.uniforms(l * C, 1e-3, 0.1), [1, l, C]),
      A: tf.tensor2d(new Float32Array(C * N).map((_, i) => -((i % N) + 1)), [C, N]),
      B: tf.tensor4d(rng.normals(l * N), [1, l, 1, N]),
      C: tf.tensor4d(rng.normals(l * N), [1, l, 1, N]),
    };
    return { run: () => Object.values(selectiveScanSimd({ ...t, h0: null })), dispose: () => tf.dispose(Object.values(t)) };
  }
  if (problem === 'ssd') {
    const nh = 16, P = 32, N = 64, ng = 8;
    const t = {
      x: tf.tensor4d(rng.normals(l * nh * P), [1, l, nh, P]),
      dt: tf.tensor3d(rng.uniforms(l * nh, 1e-3, 0.1), [1, l, nh]),
      A: tf.tensor1d(rng.uniforms(nh, -16, -1)),
      B: tf.tensor4d(rng.normals(l * ng * N), [1, l, ng, N]),
      C: tf.tensor4d(rng.normals(l * ng * N), [1, l, ng, N]),
    };
    return { run: () => Object.values(ssdSimd({ ...t, h0: null })), dispose: () => tf.dispose(Object.values(t)) };
  }
  const d = 256, S = 2;
  const mod = rng.uniforms(d * S, 0.5, 0.98);
  const ang = rng.uniforms(d * S, 0, Math.PI);
  const t = {
    x: tf.tensor3d(rng.normals(l * d), [1, l, d]),
    polesRe: tf.tensor2d(mod.map((m, i) => m * Math.cos(ang[i]!)), [d, S]),
    polesIm: tf.tensor2d(mod.map((m, i) => m * Math.sin(ang[i]!)), [d, S]),
    residuesRe: tf.tensor2d(rng.normals(d * S, 0.2), [d, S]),
    residuesIm: tf.tensor2d(rng.normals(d * S, 0.2), [d, S]),
  };
  return { run: () => Object.values(modalScanSimd({ ...t, stateRe: null, stateIm: null })), dispose: () => tf.dispose(Object.values(t)) };
}

async function time(job: ScanJob): Promise<ScanTiming> {
  await initBackend('wasm', { threads: job.threads });
  await startSimdScanPool(job.threads);
  const inst = inputs(job.problem, job.L, new Rng(job.L));
  const once = async () => {
    const t0 = performance.now();
    const outs = inst.run();
    await outs[0]!.data();
    const ms = performance.now() - t0;
    tf.dispose(outs);
    return ms;
  };
  try {
    await once();
    await once(); // warm-up: kernels assembled on every thread, memory grown
    const ms: number[] = [];
    for (let i = 0; i < job.repeats; i++) ms.push(await once());
    return { problem: job.problem, L: job.L, threads: job.threads, scanThreads: simdScanThreads(), ms };
  } finally {
    inst.dispose();
    stopSimdScanPool();
    releaseSimdScanMemory();
  }
}

const scope = self as unknown as DedicatedWorkerGlobalScope;
scope.onmessage = (ev: MessageEvent<ScanJob>) => {
  time(ev.data).then(
    (r) => scope.postMessage({ ok: true, result: r }),
    (e: unknown) => scope.postMessage({ ok: false, error: e instanceof Error ? e.message : String(e) }),
  );
};

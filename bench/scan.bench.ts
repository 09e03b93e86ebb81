/**
 * `npm run bench -- scan [--backend=wasm|cpu|both] [--seq=256,1024] [--only=<text in a problem name>]`: the per-token (`naive`) scans against the
 * `chunked` ones, the `js` loop (one readback, a TypedArray loop, one upload) and the `simd` WebAssembly kernel (one
 * readback, one kernel call, one upload), on the same backend and the same random inputs, for the three scan problems: the Mamba-1 selective
 * scan (dInner 128, dState 16), the Mamba-2 SSD (8 heads of 16, dState 16, 1 group, chunk 256), Hyena's modal scan
 * (d 128, 2 poles), and the linear-attention scans (src/kinds/linear-attention/scan.ts): the gated delta rule (Gated
 * DeltaNet at the small run profile of a Qwen3-Next-style design: 8 key heads, 16 value heads, dk = dv = 16) and the
 * additive rule with fixed decay (lightning, 8 heads of 16). The linear-attention kind has no chunked form (its runtime
 * lists naive, js and simd): its chunked column reads n/a. Prints the median time to the resolved output, the
 * speed-up and the kernels dispatched (tf.profile). Figures only: nothing here is asserted.
 */
import * as tf from '@tensorflow/tfjs';
import { cpus } from 'node:os';
import { initBackend } from '../src/sim/runtime/backend';
import { Rng } from '../src/sim/runtime/rng';
import { runModalScan, runSelectiveScan, runSsd } from '../src/sim/runtime/scan/runScan';
import { selectiveChunkLevels } from '../src/sim/runtime/scan/selectiveScanChunked';
import type { ScanImpl } from '../src/sim/protocol';
import { runLinearScan } from '../src/kinds/linear-attention/scan';

/** `chunked: false`: the problem has no chunked form (its column reads n/a). */
type Problem = { name: string; chunked?: false; make: (l: number, rng: Rng) => { run: (impl: ScanImpl) => tf.Tensor[]; dispose: () => void } };

const C = 128;
const N = 16;

const PROBLEMS: Problem[] = [
  {
    name: `mamba selective scan (C=${C}, N=${N})`,
    make: (l, rng) => {
      const t = {
        u: tf.tensor3d(rng.normals(l * C), [1, l, C]),
        delta: tf.tensor3d(rng.uniforms(l * C, 1e-3, 0.1), [1, l, C]),
        A: tf.tensor2d(new Float32Array(C * N).map((_, i) => -((i % N) + 1)), [C, N]),
        B: tf.tensor4d(rng.normals(l * N), [1, l, 1, N]),
        C: tf.tensor4d(rng.normals(l * N), [1, l, 1, N]),
      };
      return {
        run: (impl) => {
          const o = runSelectiveScan(impl, { ...t, h0: null });
          return [o.y, o.state];
        },
        dispose: () => tf.dispose(Object.values(t)),
      };
    },
  },
  {
    name: 'mamba2 SSD (8 heads x 16, N=16, chunk 256)',
    make: (l, rng) => {
      const nh = 8, P = 16;
      const t = {
        x: tf.tensor4d(rng.normals(l * nh * P), [1, l, nh, P]),
        dt: tf.tensor3d(rng.uniforms(l * nh, 1e-3, 0.1), [1, l, nh]),
        A: tf.tensor1d(rng.uniforms(nh, -16, -1)),
        B: tf.tensor4d(rng.normals(l * N), [1, l, 1, N]),
        C: tf.tensor4d(rng.normals(l * N), [1, l, 1, N]),
      };
      return {
        run: (impl) => {
          const o = runSsd(impl, { ...t, h0: null }, 256);
          return [o.y, o.state];
        },
        dispose: () => tf.dispose(Object.values(t)),
      };
    },
  },
  {
    name: 'hyena modal scan (d=128, S=2)',
    make: (l, rng) => {
      const d = 128, S = 2;
      const mod = rng.uniforms(d * S, 0.5, 0.98);
      const ang = rng.uniforms(d * S, 0, Math.PI);
      const t = {
        x: tf.tensor3d(rng.normals(l * d), [1, l, d]),
        polesRe: tf.tensor2d(mod.map((m, i) => m * Math.cos(ang[i]!)), [d, S]),
        polesIm: tf.tensor2d(mod.map((m, i) => m * Math.sin(ang[i]!)), [d, S]),
        residuesRe: tf.tensor2d(rng.normals(d * S, 0.2), [d, S]),
        residuesIm: tf.tensor2d(rng.normals(d * S, 0.2), [d, S]),
      };
      return {
        run: (impl) => {
          const o = runModalScan(impl, { ...t, stateRe: null, stateIm: null });
          return [o.y, o.stateRe, o.stateIm];
        },
        dispose: () => tf.dispose(Object.values(t)),
      };
    },
  },
  ...([true, false] as const).map((delta): Problem => {
    const nk = delta ? 8 : 16, nv = 16, dk = 16, dv = 16;
    return {
      name: delta ? `linear attn delta rule (GDN ${nk}/${nv} x ${dk})` : `linear attn additive, fixed (${nv} x ${dk})`,
      chunked: false,
      make: (l, rng) => {
        const t = {
          q: tf.tensor4d(rng.normals(l * nk * dk, 0.25), [1, l, nk, dk]),
          k: tf.tensor4d(rng.normals(l * nk * dk, 0.25), [1, l, nk, dk]),
          v: tf.tensor4d(rng.normals(l * nv * dv), [1, l, nv, dv]),
          beta: tf.tensor3d(rng.uniforms(l * nv, 0.05, 1), [1, l, nv]),
          logA: delta ? tf.tensor3d(rng.uniforms(l * nv, -0.5, -0.001), [1, l, nv]) : tf.tensor1d(rng.uniforms(nv, -0.5, -0.001)),
        };
        return {
          run: (impl) => {
            const o = runLinearScan(impl, {
              q: t.q, k: t.k, v: t.v, h0: null,
              beta: delta ? t.beta : null,
              decay: delta ? { kind: 'head', logAlpha: t.logA as tf.Tensor3D } : { kind: 'fixed', logAlpha: t.logA as tf.Tensor1D },
            });
            return [o.y, o.state];
          },
          dispose: () => tf.dispose(Object.values(t)),
        };
      },
    };
  }),
];

async function timeRun(run: () => tf.Tensor[], repeats: number): Promise<number> {
  const once = async () => {
    const t0 = performance.now();
    const outs = run();
    await outs[0]!.data();
    const ms = performance.now() - t0;
    tf.dispose(outs);
    return ms;
  };
  await once(); // warm-up
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) times.push(await once());
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

async function kernels(run: () => tf.Tensor[]): Promise<number> {
  let outs: tf.Tensor[] = [];
  const p = await tf.profile(() => {
    outs = run();
    return outs;
  });
  tf.dispose(outs);
  return p.kernels.length;
}

function arg(args: string[], name: string, fallback: string): string {
  const hit = args.find((a) => a.startsWith(`--${name}=`));
  return hit ? hit.slice(name.length + 3) : fallback;
}

/** Runs the scan benchmark; `args` are the `--name=value` flags after `npm run bench -- scan`. */
export async function run(args: string[]): Promise<void> {
  const which = arg(args, 'backend', 'both');
  const backends = (which === 'both' ? ['wasm', 'cpu'] : [which]) as ('wasm' | 'cpu')[];
  const seqs = arg(args, 'seq', '256,1024').split(',').map(Number);
  const only = arg(args, 'only', '');
  const problems = PROBLEMS.filter((p) => p.name.includes(only));
  if (!problems.length) throw new Error(`--only=${only} matches no problem; problems: ${PROBLEMS.map((p) => p.name).join('; ')}`);
  process.stdout.write(`machine: ${cpus()[0]?.model ?? 'unknown cpu'} x${cpus().length}, Node ${process.version}; median of 3 (naive) / 7 (chunked, js, simd) runs after warm-up\n`);
  for (const backend of backends) {
    const info = await initBackend(backend);
    process.stdout.write(`\nbackend ${info.backend}\n`);
    process.stdout.write('problem                                      |     L | naive ms | chunked ms | speed-up | js ms | speed-up | simd ms | speed-up | kernels naive / chunked\n');
    for (const p of problems) {
      for (const l of seqs) {
        const start = tf.memory().numTensors;
        const inst = p.make(l, new Rng(l));
        const naiveMs = await timeRun(() => inst.run('naive'), 3);
        const jsMs = await timeRun(() => inst.run('js'), 7);
        const simdMs = await timeRun(() => inst.run('simd'), 7);
        const chunkedMs = p.chunked === false ? NaN : await timeRun(() => inst.run('chunked'), 7);
        const kn = await kernels(() => inst.run('naive'));
        const kc = p.chunked === false ? 'n/a' : await kernels(() => inst.run('chunked'));
        const na = (x: number, digits: number, width: number) => (Number.isNaN(x) ? 'n/a' : x.toFixed(digits)).padStart(width);
        inst.dispose();
        if (tf.memory().numTensors !== start) throw new Error(`scan bench leaked ${tf.memory().numTensors - start} tensors`);
        process.stdout.write(
          `${p.name.padEnd(44)} | ${String(l).padStart(5)} | ${naiveMs.toFixed(1).padStart(8)} | ${na(chunkedMs, 1, 10)} | ${na(naiveMs / chunkedMs, 1, 7)}x | ${jsMs.toFixed(1).padStart(5)} | ${(naiveMs / jsMs).toFixed(1).padStart(7)}x | ${simdMs.toFixed(2).padStart(7)} | ${(naiveMs / simdMs).toFixed(1).padStart(7)}x | ${kn} / ${kc}\n`,
        );
      }
    }
  }
  process.stdout.write(`\nchunked selective scan recursion levels: ${seqs.map((l) => `L=${l}: ${selectiveChunkLevels(l)}`).join(', ')}\n`);
}

/**
 * `npm run bench -- matmul [--reps=200]`: batched products on the wasm backend (one thread, Node), tfjs 4.22's own
 * `BatchMatMul` against ours (src/sim/runtime/kernels/wasmBatchMatMul.ts, WebAssembly SIMD on the backend's heap):
 * median ms per `tf.matMul` call and GFLOP/s (2·batch·M·N·K flops), for the lab's attention shapes, the four
 * transpose combinations, and larger 2D products near the size limits. "ours" is measured with the kernel forced on
 * (plan limits ignored), so the table shows where the limits should lie. Figures only; the load average is printed.
 */
import * as tf from '@tensorflow/tfjs';
import { loadavg } from 'node:os';
import { initBackend } from '../src/sim/runtime/backend';
import * as bmm from '../src/sim/runtime/kernels/wasmBatchMatMul';

const load = () => loadavg().map((x) => x.toFixed(1)).join(' ');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface Case {
  batch: number;
  M: number;
  K: number;
  N: number;
  tA?: boolean;
  tB?: boolean;
}

const CASES: Case[] = [
  { batch: 64, M: 32, K: 16, N: 32 }, // attention scores (b·KVH, L, hd)·(hd, L)
  { batch: 64, M: 32, K: 32, N: 16 }, // weighted sum
  { batch: 64, M: 32, K: 16, N: 32, tB: true },
  { batch: 64, M: 32, K: 32, N: 16, tA: true },
  { batch: 64, M: 32, K: 32, N: 16, tA: true, tB: true },
  { batch: 64, M: 33, K: 17, N: 31 },
  { batch: 1, M: 1024, K: 32, N: 32 }, // projection of the lab (b·L, d)·(d, d)
  { batch: 1, M: 1024, K: 32, N: 96 },
  { batch: 1, M: 1024, K: 32, N: 128 },
  { batch: 1, M: 1024, K: 64, N: 64 },
  { batch: 1, M: 64, K: 64, N: 64 },
  { batch: 1, M: 128, K: 128, N: 128 },
  { batch: 8, M: 64, K: 64, N: 64 },
  { batch: 1, M: 256, K: 32, N: 256 },
  { batch: 1, M: 32, K: 1024, N: 32, tA: true }, // a projection's weight gradient xᵀ·dy
  { batch: 1, M: 1024, K: 32, N: 32, tB: true }, // its input gradient dy·Wᵀ
  { batch: 8, M: 256, K: 32, N: 256 }, // prefill scores at L = 256
  { batch: 64, M: 8, K: 8, N: 8 },
  { batch: 1, M: 2048, K: 16, N: 16 }, // the lab's RoPE rotate-half product (b·h·L, hd)·(hd, hd)
  { batch: 1, M: 1024, K: 32, N: 32, tA: true, tB: true },
  { batch: 1, M: 32, K: 1024, N: 260, tA: true }, // Mamba-2's in-projection weight gradient (B is 1 MiB)
  { batch: 1, M: 1024, K: 260, N: 32, tB: true },
  { batch: 1, M: 32, K: 256, N: 128, tA: true }, // B 128 KiB
  { batch: 1, M: 32, K: 512, N: 128, tA: true }, // B 256 KiB
  { batch: 1, M: 32, K: 512, N: 256, tA: true }, // B 512 KiB
  { batch: 1, M: 256, K: 512, N: 128 }, // B 256 KiB, plain
  { batch: 4, M: 64, K: 512, N: 128 }, // B 256 KiB, batched
  { batch: 512, M: 32, K: 16, N: 32 },
];

function time(f: () => tf.Tensor, reps: number): number {
  for (let i = 0; i < 50; i++) f().dispose();
  const ms: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    const y = f();
    y.dataSync();
    ms.push(performance.now() - t0);
    y.dispose();
  }
  return median(ms);
}

export async function run(args: string[]): Promise<void> {
  const reps = Number(args.find((a) => a.startsWith('--reps='))?.split('=')[1] ?? 200);
  await initBackend('wasm');
  if (!bmm.registerSimdBatchMatMul()) throw new Error('our batched matMul could not be registered (no WebAssembly SIMD?)');
  process.stdout.write(`\nbatched products on wasm (1 thread): tfjs's kernel vs ours, median ms per call; load ${load()}\n`);
  process.stdout.write('| batch × (M × K)·(K × N) | transposes | tfjs ms | tfjs GFLOP/s | tfjs, transposed first, ms | ours ms | ours GFLOP/s | ours taken by default |\n| --- | --- | --- | --- | --- | --- | --- | --- |\n');
  for (const c of CASES) {
    const { batch, M, K, N } = c;
    const tA = c.tA ?? false;
    const tB = c.tB ?? false;
    const aShape = [...(batch > 1 ? [batch] : []), ...(tA ? [K, M] : [M, K])];
    const bShape = [...(batch > 1 ? [batch] : []), ...(tB ? [N, K] : [K, N])];
    const a = tf.randomNormal(aShape);
    const b = tf.randomNormal(bShape);
    const taken = bmm.simdBatchMatMulPlan(aShape, bShape, tA, tB) !== null;
    bmm.setSimdBatchMatMulMode('off');
    const tfjsMs = time(() => tf.matMul(a, b, tA, tB), reps);
    const swap = (t: tf.Tensor) => tf.transpose(t, [...Array(t.rank - 2).keys(), t.rank - 1, t.rank - 2]);
    const tfjsTMs = tA || tB ? time(() => tf.tidy(() => tf.matMul(tA ? swap(a) : a, tB ? swap(b) : b)), reps) : NaN;
    bmm.setSimdBatchMatMulMode('force');
    const oursMs = time(() => tf.matMul(a, b, tA, tB), reps);
    bmm.setSimdBatchMatMulMode('auto');
    a.dispose();
    b.dispose();
    const gf = (ms: number) => ((2 * batch * M * N * K) / (ms * 1e6)).toFixed(2);
    process.stdout.write(`| ${batch} × (${M} × ${K})·(${K} × ${N}) | ${tA ? 'A' : ''}${tB ? 'B' : ''}${tA || tB ? 'ᵀ' : '–'} | ${tfjsMs.toFixed(3)} | ${gf(tfjsMs)} | ${Number.isNaN(tfjsTMs) ? '–' : tfjsTMs.toFixed(3)} | ${oursMs.toFixed(3)} | ${gf(oursMs)} | ${taken ? 'yes' : 'no'} |\n`);
  }
  process.stdout.write(`load after: ${load()}\n`);
}

/**
 * Our WebAssembly SIMD batched product (`wasm/batchMatMulSimd.ts`) as the wasm backend's `BatchMatMul` for the shapes
 * where it beats tfjs's own kernel; every other call goes to tfjs's kernel unchanged (kept from the registry, with its
 * setup function, so it still initialises with the backend).
 *
 * Glossary: batch = the product of the leading dims; M, N, K as in `batchMatMulSimd.ts`. Taken here when
 * (`simdBatchMatMulPlan`): both inputs float32, the same batch on both sides with no broadcasting (the product of the
 * broadcast batch shape equals each side's), 4 ≤ N ≤ MAX_N, K·N ≤ MAX_B_FLOATS, and, for a single product,
 * M·N·K ≤ MAX_PLAIN_MACS untransposed, K·N ≤ MAX_SINGLE_B_FLOATS transposed; with B transposed, M ≥
 * MIN_ROWS_TRANSPOSED_B (measured against tfjs 4.22's kernel with bench/matmul.bench.ts, figures in
 * docs/benchmarks.md "Quality lab"). Both transpose flags are handled in the kernel, so the `BatchMatMul` gradient
 * passes them on (`trainingKernels.ts`) instead of transposing first.
 *
 * The kernel module imports the backend's own memory (`backend.wasm.asm.memory`, or `wasmMemory` in the threaded
 * build), so it reads the inputs and writes the output in place. Where that memory cannot be found, or WebAssembly
 * SIMD is missing, nothing is registered and tfjs's kernel runs as before.
 */
import * as tf from '@tensorflow/tfjs';
import { instantiateBatchMatMul, type BmmFn, type BmmShape } from './wasm/batchMatMulSimd';
import { wasmSimdSupported } from './wasm/simdScanKernels';

/**
 * A plain (untransposed) single product larger than this many multiply-adds (M·N·K) stays with tfjs: XNNPACK's packed
 * GEMM is about as fast there (bench/matmul.bench.ts) and in the threaded build splits across threads, which ours
 * does not. Batched and transposed products have no such limit: tfjs runs those 5-15× slower than ours.
 */
export const MAX_PLAIN_MACS = 64 * 64 * 64;
/** Widest output row taken (the kernel's column loop is unrolled, so its code grows with N). */
export const MAX_N = 1024;
/**
 * Largest B block (K·N floats, 1 MiB) taken: B is re-read once per pair of output rows, so it should stay in cache
 * (a 1.04 MiB B, (32 × 1024)ᵀ·(1024 × 260), ran at 1.5-2 GFLOP/s, tfjs's batched path's speed).
 */
export const MAX_B_FLOATS = 262144;
/**
 * Largest B block (K·N floats, 128 KiB) of a single transposed product taken: above it, transposing first and
 * XNNPACK's packed GEMM was as fast or faster (bench/matmul.bench.ts: B of 256 KiB 0.20 vs 0.16 ms, 512 KiB equal).
 */
export const MAX_SINGLE_B_FLOATS = 32768;
/**
 * Fewest output rows for a transposed B: the kernel first copies B (K·N floats) per batch, which only pays over
 * enough rows. Attention decode's scores, 32 × (1 × 128)·(512 × 128)ᵀ, took 5.7 ms in ours vs 3.7 ms in tfjs's;
 * at M = 4 they were even (3.1 vs 3.0 ms, load 5).
 */
export const MIN_ROWS_TRANSPOSED_B = 8;

/** The parts of tfjs's `BackendWasm` used here. */
interface WasmBackendLike {
  wasm: { asm?: { memory?: WebAssembly.Memory }; wasmMemory?: WebAssembly.Memory; _malloc(bytes: number): number; _free(ptr: number): void };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  getMemoryOffset(dataId: unknown): number;
}

const sizeOf = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** The plan of one product: its specialised shape, batch and output shape; null when tfjs's kernel should run. */
export function simdBatchMatMulPlan(aShape: number[], bShape: number[], transposeA: boolean, transposeB: boolean, sizeLimits = true): { shape: BmmShape; batch: number; outShape: number[] } | null {
  const ra = aShape.length;
  const rb = bShape.length;
  if (ra < 2 || rb < 2) return null;
  const M = transposeA ? aShape[ra - 1]! : aShape[ra - 2]!;
  const Ka = transposeA ? aShape[ra - 2]! : aShape[ra - 1]!;
  const Kb = transposeB ? bShape[rb - 1]! : bShape[rb - 2]!;
  const N = transposeB ? bShape[rb - 2]! : bShape[rb - 1]!;
  if (Ka !== Kb) return null; // tfjs's kernel reports the mismatch
  const K = Ka;
  const outerA = aShape.slice(0, -2);
  const outerB = bShape.slice(0, -2);
  let outer: number[];
  try {
    outer = tf.backend_util.assertAndGetBroadcastShape(outerA, outerB);
  } catch {
    return null;
  }
  const batch = sizeOf(outer);
  if (batch !== sizeOf(outerA) || batch !== sizeOf(outerB)) return null; // broadcasting: tfjs's kernel
  if (batch < 1 || M < 1 || K < 1 || N < 4 || N > MAX_N || K * N > MAX_B_FLOATS) return null;
  if (sizeLimits && batch === 1 && (transposeA || transposeB ? K * N > MAX_SINGLE_B_FLOATS : M * N * K > MAX_PLAIN_MACS)) return null;
  if (sizeLimits && transposeB && M < MIN_ROWS_TRANSPOSED_B) return null;
  return { shape: { M, N, K, transposeA, transposeB }, batch, outShape: [...outer, M, N] };
}

/** Calls that took our kernel and that went to tfjs's (for tests and profiles). */
export const simdBatchMatMulCalls = { simd: 0, tfjs: 0 };

/**
 * `auto`: our kernel within the size limits (the default); `off`: tfjs's kernel always; `force`: ours for every shape
 * it can run, limits ignored (benchmarks and tests).
 */
export type SimdBatchMatMulMode = 'auto' | 'off' | 'force';
let mode: SimdBatchMatMulMode = 'auto';

/** Sets the mode (see `SimdBatchMatMulMode`). */
export function setSimdBatchMatMulMode(m: SimdBatchMatMulMode): void {
  mode = m;
}

let fallback: tf.KernelFunc | null = null;
let memory: WebAssembly.Memory | null = null;
const kernels = new Map<string, BmmFn>();
/** Distinct shapes kept compiled; past this the cache is emptied (a run uses a few dozen). */
const MAX_KERNELS = 256;

function kernelFor(s: BmmShape, mem: WebAssembly.Memory): BmmFn {
  if (mem !== memory) {
    kernels.clear();
    memory = mem;
  }
  const key = `${s.M},${s.N},${s.K},${+s.transposeA},${+s.transposeB}`;
  let k = kernels.get(key);
  if (!k) {
    if (kernels.size >= MAX_KERNELS) kernels.clear();
    k = instantiateBatchMatMul(s, mem);
    kernels.set(key, k);
  }
  return k;
}

function backendMemory(backend: WasmBackendLike): WebAssembly.Memory | null {
  const m = backend.wasm.asm?.memory ?? backend.wasm.wasmMemory;
  return m instanceof WebAssembly.Memory ? m : null;
}

function batchMatMul(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): tf.TensorInfo | tf.TensorInfo[] {
  const a = args.inputs.a!;
  const b = args.inputs.b!;
  const { transposeA, transposeB } = args.attrs as unknown as { transposeA: boolean; transposeB: boolean };
  const backend = args.backend as WasmBackendLike;
  const plan = mode !== 'off' && a.dtype === 'float32' && b.dtype === 'float32' ? simdBatchMatMulPlan(a.shape, b.shape, transposeA, transposeB, mode === 'auto') : null;
  const mem = plan ? backendMemory(backend) : null;
  if (!plan || !mem) {
    simdBatchMatMulCalls.tfjs++;
    return fallback!(args as Parameters<tf.KernelFunc>[0]);
  }
  let kernel: BmmFn;
  try {
    kernel = kernelFor(plan.shape, mem);
  } catch {
    // the module did not validate or link against this memory (an unexpected build of tfjs-wasm): tfjs from now on
    mode = 'off';
    simdBatchMatMulCalls.tfjs++;
    return fallback!(args as Parameters<tf.KernelFunc>[0]);
  }
  simdBatchMatMulCalls.simd++;
  const out = backend.makeOutput(plan.outShape, 'float32');
  const { K, N } = plan.shape;
  const scratch = transposeB ? backend.wasm._malloc(K * N * 4) : 0;
  try {
    kernel(plan.batch, backend.getMemoryOffset(a.dataId), backend.getMemoryOffset(b.dataId), backend.getMemoryOffset(out.dataId), scratch);
  } finally {
    if (scratch) backend.wasm._free(scratch);
  }
  return out;
}

let registered = false;

/**
 * Makes our kernel the wasm backend's `BatchMatMul` (tfjs's stays as the fallback); safe to call more than once, and
 * before or after the wasm backend initialises. Returns whether it is registered.
 */
export function registerSimdBatchMatMul(): boolean {
  if (registered) return true;
  const orig = tf.getKernel('BatchMatMul', 'wasm');
  if (!orig || typeof WebAssembly === 'undefined' || !wasmSimdSupported()) return false;
  registered = true;
  fallback = orig.kernelFunc;
  tf.unregisterKernel('BatchMatMul', 'wasm');
  tf.registerKernel({ ...orig, kernelFunc: batchMatMul as unknown as tf.KernelFunc });
  return true;
}

/**
 * Whether a `tf.matMul(a, b, transposeA, transposeB)` of these shapes runs our kernel on the active backend (then the
 * transposes cost nothing; elsewhere on host backends they take a slow path, see `trainingKernels.ts`).
 */
export function simdBatchMatMulTakes(aShape: number[], bShape: number[], transposeA: boolean, transposeB: boolean): boolean {
  if (!registered || mode === 'off' || tf.getBackend() !== 'wasm' || !backendMemory(tf.backend() as unknown as WasmBackendLike)) return false;
  return simdBatchMatMulPlan(aShape, bShape, transposeA, transposeB, mode === 'auto') !== null;
}

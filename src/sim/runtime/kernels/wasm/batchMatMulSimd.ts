/**
 * A WebAssembly SIMD (f32x4) batched matrix product for the small products that tfjs-wasm's own `BatchMatMul` runs
 * slowly: attention scores and weighted sums in the lab are 64 products of (32 × 16)·(16 × 32) per layer, which the
 * XNNPACK path took 1.8 ms for (0.58 GFLOP/s; docs/benchmarks.md, quality section). Written with `assembler.ts`,
 * assembled in memory on first use of a shape, and run directly on the tfjs wasm backend's heap (the kernel module
 * imports the backend's own memory), so nothing is copied in or out.
 *
 * Glossary: C[b] = op(A[b]) · op(B[b]) for b < batch, op(A) (M × K), op(B) (K × N), row-major float32; op transposes
 * when `transposeA` / `transposeB` is set (A stored (K × M), B stored (N × K)), as tfjs's `BatchMatMul` defines it
 * (`tfjs-core/src/ops/mat_mul.ts`).
 *
 * The kernel is specialised for one (M, N, K, transposeA, transposeB): columns are taken four at a time (f32x4), in
 * chunks of up to COL_VECTORS vectors, against ROWS rows of A at once (ROWS · COL_VECTORS accumulators kept in
 * locals), over a k loop with running pointers (unrolling k with constant offsets measured 2-5× slower in V8: the
 * long function's locals spill). When N is not a multiple of 4 the last
 * vector covers columns N − 4 … N − 1, overlapping the one before it (the same sums in the same order, so the
 * overlapping columns are written twice with equal values); N < 4 is left to tfjs. A transposed B is first copied to
 * scratch as (K × N), per batch; a transposed A only changes the stride of its scalar reads.
 */
import { assembleModule, FunctionBuilder, type Local } from './assembler';
import { SHARED_MAX_PAGES } from './simdScanKernels';

/** Rows of A per register block. */
export const ROWS = 2;
/** f32x4 column vectors per register block (ROWS · COL_VECTORS accumulators). */
export const COL_VECTORS = 4;

/** The shape a kernel is specialised for. */
export interface BmmShape {
  M: number;
  N: number;
  K: number;
  transposeA: boolean;
  transposeB: boolean;
}

/**
 * bmm(batch, pA, pB, pC, pScratch): the products for `batch` consecutive (A, B, C) blocks starting at byte offsets
 * pA, pB, pC; pScratch holds K · N floats when B is transposed (unused otherwise).
 */
export function batchMatMulKernel(s: BmmShape): FunctionBuilder {
  const { M, N, K, transposeA: tA, transposeB: tB } = s;
  if (![M, N, K].every((v) => Number.isInteger(v) && v >= 1) || N < 4) throw new Error(`batch matmul kernel: need integer M, K ≥ 1 and N ≥ 4, got M ${M}, N ${N}, K ${K}`);
  const f = new FunctionBuilder('bmm', ['i32', 'i32', 'i32', 'i32', 'i32']);
  const [batch, pA, pB, pC, pS] = f.params as [Local, Local, Local, Local, Local];
  const bi = f.local('i32'), i0 = f.local('i32'), j = f.local('i32'), k = f.local('i32');
  const aB = f.local('i32'), bB = f.local('i32'), cB = f.local('i32'), bRow = f.local('i32');
  const aRow = f.local('i32'), cRow = f.local('i32'), src = f.local('i32'), dst = f.local('i32');
  const kA = f.local('i32'), kB = f.local('i32');
  const accs = Array.from({ length: ROWS * COL_VECTORS }, () => f.local('v128'));
  const aVals = Array.from({ length: ROWS }, () => f.local('v128'));
  const bVals = Array.from({ length: COL_VECTORS }, () => f.local('v128'));
  // byte strides: of A between rows i and i + 1 and between k and k + 1 (as A is stored), of a B / C row
  const aRowStep = tA ? 4 : K * 4;
  const aKStep = tA ? M * 4 : 4;
  const rowBytes = N * 4;
  // the column vectors' starts: 0, 4, …, and N − 4 for a ragged end (overlapping)
  const starts: number[] = [];
  for (let c = 0; c + 4 <= N; c += 4) starts.push(c);
  if (N % 4 !== 0) starts.push(N - 4);
  const chunks: number[][] = [];
  for (let v = 0; v < starts.length; v += COL_VECTORS) chunks.push(starts.slice(v, v + COL_VECTORS));

  /** One block of `rows` rows whose A row 0 starts at local aRow and C row 0 at local cRow. */
  const rowBlock = (rows: number) => {
    for (const chunk of chunks) {
      const acc = (r: number, v: number) => accs[r * COL_VECTORS + v]!;
      for (let r = 0; r < rows; r++) for (let v = 0; v < chunk.length; v++) f.f32(0).f32x4Splat().set(acc(r, v));
      /** The multiply-adds of one k, A at local a + aOff bytes, B's row at local b + bOff bytes. */
      const step = (a: Local, aOff: number, b: Local, bOff: number) => {
        for (let r = 0; r < rows; r++) f.get(a).f32Load(aOff + r * aRowStep).f32x4Splat().set(aVals[r]!);
        chunk.forEach((c, v) => f.get(b).v128Load(bOff + c * 4).set(bVals[v]!));
        for (let r = 0; r < rows; r++) {
          for (let v = 0; v < chunk.length; v++) f.get(acc(r, v)).get(aVals[r]!).get(bVals[v]!).f32x4Mul().f32x4Add().set(acc(r, v));
        }
      };
      f.get(aRow).set(kA);
      f.get(bRow).set(kB);
      f.forRange(k, () => f.i32(0), () => f.i32(K), 1, () => {
        step(kA, 0, kB, 0);
        f.get(kA).i32(aKStep).i32Add().set(kA);
        f.get(kB).i32(rowBytes).i32Add().set(kB);
      });
      for (let r = 0; r < rows; r++) {
        chunk.forEach((c, v) => f.get(cRow).get(acc(r, v)).v128Store(r * rowBytes + c * 4));
      }
    }
  };

  const mMain = M - (M % ROWS);
  f.get(pA).set(aB);
  f.get(pB).set(bB);
  f.get(pC).set(cB);
  f.forRange(bi, () => f.i32(0), () => f.get(batch), 1, () => {
    if (tB) {
      // B[b] stored (N × K) → scratch (K × N): scratch[k·N + j] = B[j·K + k]
      f.get(bB).set(src);
      f.get(pS).set(dst);
      f.forRange(j, () => f.i32(0), () => f.i32(N), 1, () => {
        f.get(src).set(kA);
        f.get(dst).set(kB);
        f.forRange(k, () => f.i32(0), () => f.i32(K), 1, () => {
          f.get(kB).get(kA).f32Load().f32Store();
          f.get(kA).i32(4).i32Add().set(kA);
          f.get(kB).i32(rowBytes).i32Add().set(kB);
        });
        f.get(src).i32(K * 4).i32Add().set(src);
        f.get(dst).i32(4).i32Add().set(dst);
      });
      f.get(pS).set(bRow);
    } else {
      f.get(bB).set(bRow);
    }
    f.get(aB).set(aRow);
    f.get(cB).set(cRow);
    if (mMain > 0) {
      f.forRange(i0, () => f.i32(0), () => f.i32(mMain), ROWS, () => {
        rowBlock(ROWS);
        f.get(aRow).i32(ROWS * aRowStep).i32Add().set(aRow);
        f.get(cRow).i32(ROWS * rowBytes).i32Add().set(cRow);
      });
    }
    if (M % ROWS !== 0) rowBlock(M % ROWS);
    f.get(aB).i32(M * K * 4).i32Add().set(aB);
    f.get(bB).i32(K * N * 4).i32Add().set(bB);
    f.get(cB).i32(M * N * 4).i32Add().set(cB);
  });
  return f;
}

/** The exported kernel of one specialised module. */
export type BmmFn = (batch: number, pA: number, pB: number, pC: number, pScratch: number) => void;

/** A module holding the kernel for `s`, importing its memory (ordinary, or shared as tfjs's threaded build's). */
export function batchMatMulModuleBytes(s: BmmShape, shared: boolean): Uint8Array<ArrayBuffer> {
  return assembleModule([batchMatMulKernel(s)], shared ? { pages: 1, sharedMaxPages: SHARED_MAX_PAGES } : 1);
}

/** The kernel for `s` instantiated on `memory`. */
export function instantiateBatchMatMul(s: BmmShape, memory: WebAssembly.Memory): BmmFn {
  const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  const inst = new WebAssembly.Instance(new WebAssembly.Module(batchMatMulModuleBytes(s, shared)), { env: { memory } });
  return (inst.exports as unknown as { bmm: BmmFn }).bmm;
}

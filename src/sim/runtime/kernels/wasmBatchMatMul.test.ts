import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../rng';
import { relError, useTestBackend } from '../testBackend';
import { batchMatMulKernel } from './wasm/batchMatMulSimd';
import { registerTrainingKernels } from './trainingKernels';
import { MAX_N, MAX_PLAIN_MACS, MAX_SINGLE_B_FLOATS, registerSimdBatchMatMul, setSimdBatchMatMulMode, simdBatchMatMulCalls, simdBatchMatMulPlan, simdBatchMatMulTakes } from './wasmBatchMatMul';

/** op(A[b]) · op(B[b]) in float64 for every b of the broadcast batch (tfjs's matMul semantics, equal batch dims). */
function reference(a: Float32Array, b: Float32Array, batch: number, M: number, K: number, N: number, tA: boolean, tB: boolean): Float64Array {
  const out = new Float64Array(batch * M * N);
  for (let p = 0; p < batch; p++) {
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < N; j++) {
        let s = 0;
        for (let k = 0; k < K; k++) {
          const av = a[p * M * K + (tA ? k * M + i : i * K + k)]!;
          const bv = b[p * K * N + (tB ? j * K + k : k * N + j)]!;
          s += av * bv;
        }
        out[(p * M + i) * N + j] = s;
      }
    }
  }
  return out;
}

function randn(rng: Rng, n: number): Float32Array {
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = rng.normal();
  return v;
}

/** Runs tf.matMul on fresh random inputs; returns its values, the float64 reference and which kernel ran. */
async function check(rng: Rng, batchShape: number[], M: number, K: number, N: number, tA: boolean, tB: boolean) {
  const batch = batchShape.reduce((x, y) => x * y, 1);
  const av = randn(rng, batch * M * K);
  const bv = randn(rng, batch * K * N);
  const before = { ...simdBatchMatMulCalls };
  const y = tf.tidy(() => tf.matMul(tf.tensor(av, [...batchShape, ...(tA ? [K, M] : [M, K])]), tf.tensor(bv, [...batchShape, ...(tB ? [N, K] : [K, N])]), tA, tB));
  const got = (await y.data()) as Float32Array;
  const shape = y.shape;
  y.dispose();
  return { got, want: reference(av, bv, batch, M, K, N, tA, tB), shape, simd: simdBatchMatMulCalls.simd - before.simd, tfjs: simdBatchMatMulCalls.tfjs - before.tfjs };
}

const FLAGS: [boolean, boolean][] = [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
];

describe('our WebAssembly SIMD batched matMul on wasm', () => {
  let baseline = 0;
  beforeAll(async () => {
    await useTestBackend('wasm');
    expect(registerSimdBatchMatMul()).toBe(true);
    registerTrainingKernels(); // the lab's BatchMatMul gradient, which passes the transposes to our kernel
  });
  afterEach(() => {
    setSimdBatchMatMulMode('auto');
    expect(tf.memory().numTensors).toBe(baseline);
  });

  it('matches a float64 reference for every transpose combination, odd sizes, batch 1 and many', async () => {
    baseline = tf.memory().numTensors;
    const rng = new Rng(11);
    setSimdBatchMatMulMode('force'); // every shape below on our kernel (the size rules are tested further down)
    // (batch shape, M, K, N): sizes not multiples of 4 (the ragged last column vector), an odd row count (the tail
    // row block), N = 4 exactly, K = 1, a 2-D product and a rank-4 batch
    const shapes: [number[], number, number, number][] = [
      [[], 5, 7, 9],
      [[1], 1, 1, 4],
      [[3], 33, 17, 31],
      [[2, 3], 7, 5, 6],
      [[64], 32, 16, 32],
      [[4], 3, 70, 37],
    ];
    for (const [batchShape, M, K, N] of shapes) {
      for (const [tA, tB] of FLAGS) {
        const r = await check(rng, batchShape, M, K, N, tA, tB);
        expect(r.shape, `${batchShape} ${M}×${K}×${N} ${tA} ${tB}`).toEqual([...batchShape, M, N]);
        expect(r.simd, 'our kernel ran').toBe(1);
        expect(r.tfjs).toBe(0);
        expect(relError(r.got, r.want), `${batchShape} ${M}×${K}×${N} tA ${tA} tB ${tB}`).toBeLessThan(2e-6);
      }
    }
  });

  it('agrees with tfjs’s own kernel and with the reference on wide rows and long inner sizes (forced)', async () => {
    baseline = tf.memory().numTensors;
    const rng = new Rng(12);
    setSimdBatchMatMulMode('force');
    for (const [tA, tB] of FLAGS) {
      // N = 130: nine column chunks, ragged end; K = 300
      const r = await check(rng, [2], 9, 300, 130, tA, tB);
      expect(r.simd).toBe(1);
      expect(relError(r.got, r.want)).toBeLessThan(1e-5);
    }
  });

  it('leaves to tfjs what it should: broadcast batches, N < 4, large plain 2-D products, off', async () => {
    baseline = tf.memory().numTensors;
    const rng = new Rng(13);
    // a 2-D operand broadcast against a batch: tfjs's kernel (and the right answer through it). (tfjs 4.22's wasm
    // kernel gets a broadcast in a middle batch dim wrong, e.g. (2, 1, …)·(1, 3, …): research/tfjs-notes.md.)
    const a = randn(rng, 3 * 4);
    const b = randn(rng, 2 * 4 * 5);
    const before = simdBatchMatMulCalls.tfjs;
    const simdBefore = simdBatchMatMulCalls.simd;
    const y = tf.tidy(() => tf.matMul(tf.tensor(a, [3, 4]), tf.tensor(b, [2, 4, 5])));
    expect(y.shape).toEqual([2, 3, 5]);
    const got = (await y.data()) as Float32Array;
    y.dispose();
    const want = new Float64Array(2 * 3 * 5);
    for (let j = 0; j < 2; j++) want.set(reference(a, b.subarray(j * 20, (j + 1) * 20), 1, 3, 4, 5, false, false), j * 15);
    expect(relError(got, want)).toBeLessThan(2e-6);
    expect(simdBatchMatMulCalls.tfjs - before).toBe(1);
    expect(simdBatchMatMulCalls.simd - simdBefore).toBe(0);
    // N < 4
    const narrow = await check(rng, [3], 8, 8, 3, false, false);
    expect([narrow.simd, narrow.tfjs]).toEqual([0, 1]);
    expect(relError(narrow.got, narrow.want)).toBeLessThan(2e-6);
    // a plain single product above MAX_PLAIN_MACS: tfjs (XNNPACK); the same transposed or batched: ours
    expect(128 * 64 * 64).toBeGreaterThan(MAX_PLAIN_MACS);
    const big = await check(rng, [], 128, 64, 64, false, false);
    expect([big.simd, big.tfjs]).toEqual([0, 1]);
    expect(relError(big.got, big.want)).toBeLessThan(2e-6);
    const bigT = await check(rng, [], 128, 64, 64, true, false);
    expect([bigT.simd, bigT.tfjs]).toEqual([1, 0]);
    expect(relError(bigT.got, bigT.want)).toBeLessThan(2e-6);
    // a single transposed product whose B exceeds MAX_SINGLE_B_FLOATS: tfjs; batched: ours
    expect(300 * 120).toBeGreaterThan(MAX_SINGLE_B_FLOATS);
    const wideT = await check(rng, [], 8, 300, 120, false, true);
    expect([wideT.simd, wideT.tfjs]).toEqual([0, 1]);
    expect(relError(wideT.got, wideT.want)).toBeLessThan(2e-6);
    const wideB = await check(rng, [2], 8, 300, 120, false, true);
    expect([wideB.simd, wideB.tfjs]).toEqual([1, 0]);
    expect(relError(wideB.got, wideB.want)).toBeLessThan(2e-6);
    // a transposed B with few output rows (attention decode's scores): tfjs
    const decode = await check(rng, [4], 1, 16, 40, false, true);
    expect([decode.simd, decode.tfjs]).toEqual([0, 1]);
    expect(relError(decode.got, decode.want)).toBeLessThan(2e-6);
    const decodeA = await check(rng, [4], 1, 16, 40, true, false);
    expect([decodeA.simd, decodeA.tfjs]).toEqual([1, 0]);
    // 'off': tfjs's kernel for everything
    setSimdBatchMatMulMode('off');
    const off = await check(rng, [4], 8, 8, 8, false, false);
    expect([off.simd, off.tfjs]).toEqual([0, 1]);
    expect(relError(off.got, off.want)).toBeLessThan(2e-6);
  });

  it('plans only equal batches without broadcasting, N within 4 … MAX_N, and says when a product is taken', () => {
    expect(simdBatchMatMulPlan([2, 3, 4], [2, 4, 5], false, false)).toMatchObject({ batch: 2, outShape: [2, 3, 5], shape: { M: 3, K: 4, N: 5 } });
    expect(simdBatchMatMulPlan([1, 2, 3, 4], [2, 4, 5], false, false)).toMatchObject({ batch: 2, outShape: [1, 2, 3, 5] });
    expect(simdBatchMatMulPlan([2, 1, 3, 4], [1, 2, 4, 5], false, false)).toBeNull(); // broadcasts to (2, 2)
    expect(simdBatchMatMulPlan([3, 4], [2, 4, 5], false, false)).toBeNull(); // broadcasts a 2-D operand
    expect(simdBatchMatMulPlan([2, 3, 4], [2, 5, 5], false, false)).toBeNull(); // inner sizes differ
    expect(simdBatchMatMulPlan([2, 3, 4], [2, 4, 3], false, false)).toBeNull(); // N < 4
    expect(simdBatchMatMulPlan([2, 3, 4], [2, 4, MAX_N + 1], false, false)).toBeNull();
    expect(simdBatchMatMulPlan([0, 3, 4], [0, 4, 5], false, false)).toBeNull(); // empty batch
    expect(simdBatchMatMulPlan([4, 9], [5, 4], true, true)).toMatchObject({ batch: 1, outShape: [9, 5], shape: { M: 9, K: 4, N: 5, transposeA: true, transposeB: true } });
    expect(simdBatchMatMulTakes([64, 32, 16], [64, 32, 16], false, true)).toBe(true);
    expect(simdBatchMatMulTakes([64, 1, 16], [64, 32, 16], false, true)).toBe(false); // M < MIN_ROWS_TRANSPOSED_B
    setSimdBatchMatMulMode('off');
    expect(simdBatchMatMulTakes([64, 32, 16], [64, 32, 16], false, true)).toBe(false);
  });

  it('refuses shapes it cannot run with a clear error', () => {
    expect(() => batchMatMulKernel({ M: 2, N: 3, K: 2, transposeA: false, transposeB: false })).toThrow(/N ≥ 4/);
    expect(() => batchMatMulKernel({ M: 0, N: 8, K: 2, transposeA: false, transposeB: false })).toThrow(/M, K ≥ 1/);
  });

  it('differentiates through our kernel: the gradients of sum(R ⊙ op(A)·op(B)) match the float64 reference', async () => {
    baseline = tf.memory().numTensors;
    const rng = new Rng(14);
    const [batch, M, K, N] = [3, 9, 6, 7];
    for (const [tA, tB] of FLAGS) {
      const av = randn(rng, batch * M * K);
      const bv = randn(rng, batch * K * N);
      const rv = randn(rng, batch * M * N);
      const before = simdBatchMatMulCalls.simd;
      const [ga, gb] = tf.tidy(() => {
        const r = tf.tensor(rv, [batch, M, N]);
        const f = (x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(r, tf.matMul(x, y, tA, tB)));
        return tf.grads(f)([tf.tensor(av, [batch, ...(tA ? [K, M] : [M, K])]), tf.tensor(bv, [batch, ...(tB ? [N, K] : [K, N])])]);
      }) as [tf.Tensor, tf.Tensor];
      const gaV = (await ga.data()) as Float32Array;
      const gbV = (await gb.data()) as Float32Array;
      tf.dispose([ga, gb]);
      // forward and both gradient products ran our kernel (a product it leaves, e.g. a transposed B over 7 rows, is
      // transposed first by the gradient and then taken)
      expect(simdBatchMatMulCalls.simd - before).toBe(3);
      // dA[i, k] = Σ_j R[i, j] B[k, j] (as op(A) = A or Aᵀ); dB[k, j] = Σ_i A[i, k] R[i, j]
      const wantA = new Float64Array(av.length);
      const wantB = new Float64Array(bv.length);
      for (let p = 0; p < batch; p++) {
        for (let i = 0; i < M; i++) {
          for (let k = 0; k < K; k++) {
            const ai = p * M * K + (tA ? k * M + i : i * K + k);
            for (let j = 0; j < N; j++) {
              const bi = p * K * N + (tB ? j * K + k : k * N + j);
              const rr = rv[(p * M + i) * N + j]!;
              wantA[ai]! += rr * bv[bi]!;
              wantB[bi]! += av[ai]! * rr;
            }
          }
        }
      }
      expect(relError(gaV, wantA), `dA tA ${tA} tB ${tB}`).toBeLessThan(2e-6);
      expect(relError(gbV, wantB), `dB tA ${tA} tB ${tB}`).toBeLessThan(2e-6);
    }
  });
});

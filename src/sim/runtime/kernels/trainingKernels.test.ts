import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../rng';
import { relError, useTestBackend } from '../testBackend';
import { registerTrainingKernels } from './trainingKernels';

/** The gradient of sum(r ⊙ f(x)) with respect to x, read back. */
async function gradOf(f: (x: tf.Tensor) => tf.Tensor, x: Float32Array, shape: number[], r: Float32Array): Promise<Float32Array> {
  const g = tf.tidy(() => tf.grad((t: tf.Tensor) => tf.sum(tf.mul(f(t), tf.tensor(r, f(t).shape))))(tf.tensor(x, shape)));
  const out = (await g.data()) as Float32Array;
  g.dispose();
  return out;
}

/** Central differences of sum(r ⊙ f(x)) in float64 arithmetic over a float32 forward: a few entries of x. */
async function fdOf(f: (x: tf.Tensor) => tf.Tensor, x: Float32Array, shape: number[], r: Float32Array, at: number[], eps = 1e-2): Promise<number[]> {
  const val = async (v: Float32Array) => {
    const y = tf.tidy(() => f(tf.tensor(v, shape)));
    const d = await y.data();
    y.dispose();
    let s = 0;
    for (let i = 0; i < d.length; i++) s += d[i]! * r[i]!;
    return s;
  };
  const out: number[] = [];
  for (const i of at) {
    const p = Float32Array.from(x);
    const m = Float32Array.from(x);
    p[i]! += eps;
    m[i]! -= eps;
    out.push(((await val(p)) - (await val(m))) / (2 * eps));
  }
  return out;
}

describe.each(['wasm', 'cpu'] as const)('training kernels on %s', (backend) => {
  let baseline = 0;
  beforeAll(async () => {
    await useTestBackend(backend);
    registerTrainingKernels();
  });
  afterEach(() => expect(tf.memory().numTensors).toBe(baseline));

  it('the gradient of an embedding lookup (gather) sums the upstream rows per id, repeated ids included', async () => {
    baseline = tf.memory().numTensors;
    const rng = new Rng(1);
    const V = 7;
    const d = 3;
    const ids = [2, 5, 2, 0, 6, 2];
    const table = rng.normals(V * d);
    const r = rng.normals(ids.length * d);
    const g = await gradOf((t) => tf.gather(t, tf.tensor1d(ids, 'int32')), table, [V, d], r);
    const want = new Float32Array(V * d);
    ids.forEach((id, i) => {
      for (let j = 0; j < d; j++) want[id * d + j]! += r[i * d + j]!;
    });
    expect(relError(g, want)).toBeLessThan(1e-6);
  });

  it('gathers along axis 1 with (b, l) indices, as a row selection does', async () => {
    baseline = tf.memory().numTensors;
    const rng = new Rng(2);
    const x = rng.normals(2 * 5 * 3);
    const idx = tf.tensor2d([[4, 0], [1, 1]], [2, 2], 'int32');
    const f = (t: tf.Tensor) => tf.gather(t, idx, 1);
    const r = rng.normals(2 * 2 * 2 * 3);
    const g = await gradOf(f, x, [2, 5, 3], r);
    const fd = await fdOf(f, x, [2, 5, 3], r, [0, 3, 4, 12, 14, 29]);
    expect(relError([0, 3, 4, 12, 14, 29].map((i) => g[i]!), fd)).toBeLessThan(1e-3);
    idx.dispose();
  });

  it.each([
    ['valid, stride 1, multiplier 2', 1, 'valid' as const, 2],
    ['same, stride 2, multiplier 2', 2, 'same' as const, 2],
    ['valid, stride 1, multiplier 1 (the causal conv over tokens)', 1, 'valid' as const, 1],
  ])('depthwiseConv2d gradients (%s) match central differences', async (_n, stride, pad, cm) => {
    baseline = tf.memory().numTensors;
    const rng = new Rng(3);
    const xShape = [2, 1, 9, 4];
    const fShape = [1, 3, 4, cm];
    const x = rng.normals(2 * 9 * 4);
    const f = rng.normals(3 * 4 * cm);
    const outOf = (xt: tf.Tensor, ft: tf.Tensor) => tf.depthwiseConv2d(xt as tf.Tensor4D, ft as tf.Tensor4D, stride, pad);
    const yShape = tf.tidy(() => outOf(tf.tensor(x, xShape), tf.tensor(f, fShape)).shape);
    const r = rng.normals(yShape.reduce((a, b) => a * b, 1));
    const ft = tf.tensor(f, fShape);
    const xt = tf.tensor(x, xShape);
    const gx = await gradOf((t) => outOf(t, ft), x, xShape, r);
    const gf = await gradOf((t) => outOf(xt, t), f, fShape, r);
    const atX = [0, 5, 17, 40, 71];
    const atF = [0, 3, 9, 11, 3 * 4 * cm - 1];
    expect(relError(atX.map((i) => gx[i]!), await fdOf((t) => outOf(t, ft), x, xShape, r, atX))).toBeLessThan(2e-3);
    expect(relError(atF.map((i) => gf[i]!), await fdOf((t) => outOf(xt, t), f, fShape, r, atF))).toBeLessThan(2e-3);
    tf.dispose([ft, xt]);
  });

  it.each([
    [[4, 4], 0, false, false],
    [[2, 6, 3], 1, false, false],
    [[2, 6, 3], 1, true, false],
    [[2, 6, 3], 1, false, true],
    [[3, 5], 1, true, true],
  ] as [number[], number, boolean, boolean][])('the cumsum gradient is right on shape %j, axis %i (exclusive %s, reverse %s)', async (shape, axis, exclusive, reverse) => {
    baseline = tf.memory().numTensors;
    const rng = new Rng(4);
    const n = shape.reduce((a, b) => a * b, 1);
    const x = rng.normals(n);
    const r = rng.normals(n);
    const f = (t: tf.Tensor) => tf.cumsum(t, axis, exclusive, reverse);
    const g = await gradOf(f, x, shape, r);
    const all = Array.from({ length: n }, (_, i) => i);
    expect(relError(g, await fdOf(f, x, shape, r, all))).toBeLessThan(1e-3);
  });
});

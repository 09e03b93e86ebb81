import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend';
import { Rng } from '../rng';
import { attentionRef } from '../../../kinds/attention/reference';
import { mlpRef } from '../../../kinds/mlp/reference';
import { moeRef } from '../../../kinds/moe/reference';
import { normRef } from '../reference/norm';
import { f64 } from '../reference/ops';
import { maxRelErr, take } from '../testing/compare';
import { AttentionLayer, initAttentionWeights, type AttentionDims, type KvCache } from '../../../kinds/attention/layer';
import { EmbeddingLayer, initEmbeddingWeights } from './embedding';
import { MlpLayer, initMlpWeights } from '../../../kinds/mlp/layer';
import { MoeLayer, initMoeWeights } from '../../../kinds/moe/layer';
import { NormLayer, initNormWeights } from './norm';

const TOL = 1e-4;
const ctx = { backend: 'cpu', scan: 'chunked' } as const;

describe.each(['cpu', 'wasm'] as const)('runtime layers vs Float64 reference twins on %s', (backend) => {
  let base = 0;
  let seed = 1;
  const rng = () => new Rng(Date.now() ^ (seed++ * 7919));
  beforeAll(async () => {
    await initBackend(backend);
    base = tf.memory().numTensors;
  });
  afterAll(() => {
    expect(tf.memory().numTensors).toBe(base);
  });

  it.each(['rmsnorm', 'layernorm'] as const)('%s', async (kind) => {
    const r = rng();
    const w = initNormWeights(kind, 24, r);
    const x = r.normals(5 * 24, 3);
    const layer = new NormLayer(w);
    const xt = tf.tensor2d(x, [5, 24]);
    const y = await take(layer.apply(xt));
    xt.dispose();
    layer.dispose();
    expect(maxRelErr(y, normRef(w, f64(x), 24))).toBeLessThan(TOL);
  });

  it.each([
    ['swiglu', false],
    ['gelu', true],
  ] as const)('mlp %s (bias %s)', async (act, bias) => {
    const r = rng();
    const w = initMlpWeights(act, 16, 40, bias, r);
    const x = r.normals(2 * 3 * 16, 1);
    const layer = new MlpLayer(w);
    const xt = tf.tensor3d(x, [2, 3, 16]);
    const y = await take(layer.apply(xt));
    xt.dispose();
    layer.dispose();
    expect(maxRelErr(y, mlpRef(w, f64(x), 6))).toBeLessThan(TOL);
  });

  it.each(['gather', 'dense'] as const)('moe, %s combine, 6 experts top-2', async (combine) => {
    const r = rng();
    const w = initMoeWeights('swiglu', 16, 6, 2, 24, r);
    const x = r.normals(2 * 9 * 16, 1);
    const layer = new MoeLayer(w, combine);
    const xt = tf.tensor3d(x, [2, 9, 16]);
    const y = await take(layer.apply(xt));
    xt.dispose();
    layer.dispose();
    expect(maxRelErr(y, moeRef(w, f64(x), 18))).toBeLessThan(TOL);
  });

  it('embedding lookup and tied / untied LM head', async () => {
    const r = rng();
    for (const tied of [true, false]) {
      const w = initEmbeddingWeights(50, 8, tied, r);
      const layer = new EmbeddingLayer(w);
      const ids = tf.tensor2d([[3, 49, 0]], [1, 3], 'int32');
      const e = await take(layer.embed(ids));
      ids.dispose();
      expect(Array.from(e.slice(8, 16))).toEqual(Array.from(w.table.data.slice(49 * 8, 50 * 8)));
      const h = r.normals(8, 1);
      const ht = tf.tensor2d(h, [1, 8]);
      const logits = await take(layer.logits(ht));
      ht.dispose();
      layer.dispose();
      const want = new Float64Array(50);
      for (let v = 0; v < 50; v++) for (let i = 0; i < 8; i++) want[v] = want[v]! + h[i]! * (tied ? w.table.data[v * 8 + i]! : w.lmHead!.data[i * 50 + v]!);
      expect(maxRelErr(logits, want)).toBeLessThan(TOL);
    }
  });

  const attnCases: [string, Partial<AttentionDims>, boolean, number][] = [
    ['MHA + RoPE', { nHeads: 4, nKvHeads: 4, rope: true }, false, 300],
    ['GQA + RoPE + sliding window 7', { nHeads: 4, nKvHeads: 2, rope: true, slidingWindow: 7 }, false, 40],
    ['MQA, no positional, biases', { nHeads: 4, nKvHeads: 1, rope: false }, true, 23],
    // several query blocks (PREFILL_QUERY_BLOCK = 256): grouped heads, and a window that starts keys mid-sequence
    ['GQA + RoPE over 3 query blocks', { nHeads: 4, nKvHeads: 2, rope: true }, false, 530],
    ['MQA + sliding window 300 over 3 query blocks', { nHeads: 4, nKvHeads: 1, rope: true, slidingWindow: 300 }, false, 600],
  ];
  it.each(attnCases)('attention %s: prefill and prefill-then-decode', async (_name, dimsPart, bias, l) => {
    const r = rng();
    const dims: AttentionDims = { dIn: 16, dOut: 16, nHeads: 4, nKvHeads: 4, headDim: 8, rope: false, ropeTheta: 10_000, slidingWindow: null, ...dimsPart };
    const w = initAttentionWeights(dims, bias, r);
    const b = 2;
    const x = r.normals(b * l * 16, 1);
    const want = attentionRef(w, f64(x), b, l);
    const layer = new AttentionLayer(w);
    const xt = tf.tensor3d(x, [b, l, 16]);
    const full = await take(layer.prefill(xt, null, ctx));
    expect(maxRelErr(full, want)).toBeLessThan(TOL);

    // Prefill l0 tokens into a cache of capacity l, then decode the rest one token at a time.
    const l0 = Math.max(1, l - 9);
    const cache = layer.createCache(b, l) as KvCache;
    const shape = cache.k.shape.slice();
    const xs = tf.split(xt, [l0, ...Array(l - l0).fill(1)], 1) as tf.Tensor3D[];
    const got: Float32Array[] = [await take(layer.prefill(xs[0]!, cache, ctx))];
    for (let p = l0; p < l; p++) got.push(await take(layer.decode(xs[p - l0 + 1]!, cache, p, ctx)));
    expect(cache.k.shape).toEqual(shape);
    // Reassemble (b, l, d) from the pieces (each piece is (b, n, d)).
    const joined = new Float64Array(b * l * 16);
    let off = 0;
    for (const g of got) {
      const n = g.length / (b * 16);
      for (let bb = 0; bb < b; bb++) joined.set(g.subarray(bb * n * 16, (bb + 1) * n * 16), (bb * l + off) * 16);
      off += n;
    }
    expect(maxRelErr(joined, want)).toBeLessThan(TOL);
    for (const t of xs) t.dispose();
    xt.dispose();
    cache.dispose();
    layer.dispose();
  });
});

/**
 * KV-cache capacity buckets (layers/attention.ts): `exact` and `pow2` sizing, growth to the next power-of-two bucket
 * when a decode step runs past the capacity, the window cap, byte accounting, and no tensor left behind.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DesignSchema, FORMAT, type Design } from '../../models/schema';
import type { KvCapacityPolicy } from '../protocol';
import { initBackend } from './backend';
import { RuntimeModel, initModelWeights, type ModelCaches } from './builder';
import { AttentionLayer, KV_MIN_BUCKET, KvCache, initAttentionWeights, kvBucket, kvCacheSlots, type AttentionDims } from '../../kinds/attention/layer';
import { attentionRef } from '../../kinds/attention/reference';
import { referenceLogits } from './reference/model';
import { f64 } from './reference/ops';
import { Rng } from './rng';
import { maxRelErr, take } from './testing/compare';

const TOL = 1e-4;
const ctx = { backend: 'cpu', scan: 'chunked' } as const;

describe('KV-cache capacity policy', () => {
  it.each([
    [1, 16],
    [15, 16],
    [16, 16],
    [17, 32],
    [32, 32],
    [33, 64],
    [1000, 1024],
    [1024, 1024],
    [1025, 2048],
  ])('kvBucket(%i) = %i', (n, want) => {
    expect(kvBucket(n)).toBe(want);
  });

  it.each<[number | null, number, KvCapacityPolicy, number]>([
    [null, 43, 'exact', 43],
    [null, 43, 'pow2', 64],
    [null, 3, 'pow2', KV_MIN_BUCKET],
    [24, 43, 'exact', 24],
    [24, 43, 'pow2', 24],
    [24, 10, 'exact', 10],
    [24, 10, 'pow2', 16],
    [100, 40, 'pow2', 64],
  ])('window %s, capacity %i, %s -> %i slots', (slidingWindow, capacity, policy, want) => {
    expect(kvCacheSlots({ slidingWindow }, capacity, policy)).toBe(want);
  });
});

describe('KV-cache growth on cpu', () => {
  let base = 0;
  let seed = 1;
  const rng = () => new Rng(Date.now() ^ (seed++ * 7919));
  beforeAll(async () => {
    await initBackend('cpu');
    base = tf.memory().numTensors;
  });
  afterAll(() => expect(tf.memory().numTensors).toBe(base));

  // [name, dims, policy, first capacity, prefill length, total length, slots expected after each position]
  const cases: [string, Partial<AttentionDims>, KvCapacityPolicy, number, number, number, (positions: number) => number][] = [
    ['GQA + RoPE, pow2 from 16', { nHeads: 4, nKvHeads: 2, rope: true }, 'pow2', 5, 9, 70, (n) => kvBucket(n)],
    ['MQA, exact 12 then buckets', { nHeads: 4, nKvHeads: 1, rope: true }, 'exact', 12, 7, 40, (n) => (n <= 12 ? 12 : kvBucket(n))],
    ['sliding window 20, pow2: 16 then the window', { nHeads: 4, nKvHeads: 2, rope: true, slidingWindow: 20 }, 'pow2', 4, 6, 50, (n) => (n <= 16 ? 16 : 20)],
    ['sliding window 20, exact 5: 5, 16, then the window', { nHeads: 4, nKvHeads: 4, rope: false, slidingWindow: 20 }, 'exact', 5, 3, 45, (n) => (n <= 5 ? 5 : n <= 16 ? 16 : 20)],
  ];
  it.each(cases)('%s: decode across bucket boundaries equals the full forward; shapes constant between growths', async (_n, part, policy, capacity, l0, l, slotsAfter) => {
    const r = rng();
    const dims: AttentionDims = { dIn: 16, dOut: 16, nHeads: 4, nKvHeads: 4, headDim: 8, rope: false, ropeTheta: 10_000, slidingWindow: null, ...part };
    const w = initAttentionWeights(dims, false, r);
    const b = 2;
    const x = r.normals(b * l * 16, 1);
    const want = attentionRef(w, f64(x), b, l);
    const layer = new AttentionLayer(w);
    const xt = tf.tensor3d(x, [b, l, 16]);
    const full = await take(layer.prefill(xt, null, ctx));
    expect(maxRelErr(full, want)).toBeLessThan(TOL);

    const cache = layer.createCache(b, capacity, policy) as KvCache;
    expect(cache.slots).toBe(kvCacheSlots(dims, capacity, policy));
    const xs = tf.split(xt, [l0, ...Array(l - l0).fill(1)], 1) as tf.Tensor3D[];
    const got: Float32Array[] = [await take(layer.prefill(xs[0]!, cache, ctx))];
    const seen = [cache.slots];
    expect(cache.slots).toBe(slotsAfter(l0));
    const held = tf.memory().numTensors;
    for (let p = l0; p < l; p++) {
      got.push(await take(layer.decode(xs[p - l0 + 1]!, cache, p, ctx)));
      expect(cache.slots).toBe(slotsAfter(p + 1));
      expect(cache.k.shape).toEqual([b, dims.nKvHeads, cache.slots, 8]);
      expect(cache.v.shape).toEqual(cache.k.shape);
      // Growth swaps the two tensors for bigger ones and disposes the old ones: the count never moves.
      expect(tf.memory().numTensors).toBe(held);
      if (seen[seen.length - 1] !== cache.slots) seen.push(cache.slots);
      expect(cache.positions).toBe(p + 1);
      expect(cache.heldBytes()).toBe(2 * b * dims.nKvHeads * cache.slots * 8 * 4);
      expect(cache.filledBytes()).toBe(2 * b * dims.nKvHeads * Math.min(p + 1, cache.slots) * 8 * 4);
    }
    // Each bucket appears once, in order: a growth per boundary, never a per-token resize.
    const expected = [...new Set(Array.from({ length: l - l0 + 1 }, (_, i) => slotsAfter(l0 + i)))];
    expect(seen).toEqual(expected);
    expect(seen.length).toBeGreaterThan(1);
    if (dims.slidingWindow !== null) expect(Math.max(...seen)).toBeLessThanOrEqual(dims.slidingWindow);

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
    expect(tf.memory().numTensors).toBe(base);
  });

  it.each([
    ['exact', null, 37, 64],
    ['pow2', null, 16, 16],
    ['pow2', 24, 37, 24],
  ] as const)('a %s cache of capacity 4 (window %s) prefilled with %i tokens moves straight to %i slots', async (policy, slidingWindow, l, want) => {
    const r = rng();
    const dims: AttentionDims = { dIn: 16, dOut: 16, nHeads: 4, nKvHeads: 2, headDim: 8, rope: true, ropeTheta: 10_000, slidingWindow };
    const layer = new AttentionLayer(initAttentionWeights(dims, false, r));
    const cache = layer.createCache(1, 4, policy) as KvCache;
    const xt = tf.tensor3d(r.normals(l * 16, 1), [1, l, 16]);
    await take(layer.prefill(xt, cache, ctx));
    expect(cache.slots).toBe(want);
    expect(cache.positions).toBe(l);
    expect(cache.filledSlots).toBe(Math.min(l, want));
    xt.dispose();
    cache.dispose();
    layer.dispose();
    expect(tf.memory().numTensors).toBe(base);
  });
});

/** Attention without and with a window, and a Zamba shared block called twice (each call its own KV cache). */
const design: Design = DesignSchema.parse({
  format: FORMAT,
  name: 'kv growth design',
  vocabSize: 61,
  dModel: 16,
  maxContext: 4096,
  sharedBlocks: [{ id: 's', attention: { kind: 'attention', nHeads: 4, nKvHeads: 2, headDim: 4 }, ffn: { kind: 'mlp', width: 24 } }],
  layers: [
    { mixer: { kind: 'attention', nHeads: 4, nKvHeads: 2, headDim: 4 }, ffn: { kind: 'mlp', width: 32 } },
    { mixer: { kind: 'shared', blockId: 's' }, ffn: { kind: 'none' } },
    { mixer: { kind: 'attention', nHeads: 2, nKvHeads: 1, headDim: 8, slidingWindow: 20 }, ffn: { kind: 'none' } },
    { mixer: { kind: 'shared', blockId: 's' }, ffn: { kind: 'mlp', width: 24 } },
  ],
});

/** Slots of each KV layer, in layer order. */
const slotsOf = (c: ModelCaches) => c.layers.map((l) => (l instanceof KvCache ? l.slots : null));

describe('model caches grow on cpu (attention, sliding window, Zamba shared block)', () => {
  let base = 0;
  beforeAll(async () => {
    await initBackend('cpu');
    base = tf.memory().numTensors;
  });
  afterAll(() => expect(tf.memory().numTensors).toBe(base));

  it.each<[KvCapacityPolicy, number, number[][]]>([
    // [policy, first capacity, the distinct per-layer slots in order (attention, shared, windowed, shared)]
    [
      'pow2',
      6,
      [
        [16, 16, 16, 16],
        [32, 32, 20, 32],
        [64, 64, 20, 64],
      ],
    ],
    [
      'exact',
      12,
      [
        [12, 12, 12, 12],
        [16, 16, 16, 16],
        [32, 32, 20, 32],
        [64, 64, 20, 64],
      ],
    ],
  ])('%s, capacity %i: prefill then decode past 16 and 32 equals one full forward at every step', async (policy, capacity, wantSlots) => {
    const seed = (Date.now() & 0xffff) + 1;
    const weights = initModelWeights(design, seed);
    const model = new RuntimeModel(weights, { backend: 'cpu', scan: 'chunked' });
    const V = design.vocabSize;
    const tokens = Array.from({ length: 36 }, (_, i) => (i * 37 + seed) % V);
    const l0 = 5;
    const caches = model.createCaches(1, capacity, policy);
    const ids0 = tf.tensor2d(tokens.slice(0, l0), [1, l0], 'int32');
    await take(model.prefill(ids0, caches));
    ids0.dispose();
    const held = tf.memory().numTensors;
    const seen = [slotsOf(caches)];
    let last: Float32Array | null = null;
    for (let p = l0; p < tokens.length; p++) {
      const one = tf.tensor2d([tokens[p]!], [1, 1], 'int32');
      const step = await take(model.decode(one, caches, p));
      one.dispose();
      expect(tf.memory().numTensors).toBe(held);
      const prefix = tf.tensor2d(tokens.slice(0, p + 1), [1, p + 1], 'int32');
      const full = await take(model.prefill(prefix, null));
      prefix.dispose();
      expect(maxRelErr(step, full)).toBeLessThan(TOL);
      const s = slotsOf(caches);
      if (JSON.stringify(s) !== JSON.stringify(seen[seen.length - 1])) seen.push(s);
      last = step;
    }
    expect(maxRelErr(last!, referenceLogits(weights, tokens))).toBeLessThan(TOL);
    expect(seen).toEqual(wantSlots);
    expect(caches.kvCapacity()).toBe(64);
    // Bytes: what is held (the allocated tensors) and what is filled (36 positions; the window layer its last 20).
    const perPos = (kvh: number, hd: number) => 2 * kvh * hd * 4;
    const bytes = caches.bytes();
    expect(bytes.kvCacheBytes).toBe(perPos(2, 4) * 64 * 3 + perPos(1, 8) * 20);
    expect(bytes.kvFilledBytes).toBe(perPos(2, 4) * 36 * 3 + perPos(1, 8) * 20);
    expect(bytes.stateBytes).toBe(0);
    caches.dispose();
    model.dispose();
    expect(tf.memory().numTensors).toBe(base);
  });
});

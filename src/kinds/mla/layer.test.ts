/**
 * MLA layer vs its Float64 reference twin on fresh random inputs (1e-4) on cpu and wasm: prefill (naive form),
 * prefill-then-decode (absorbed form) against the full forward, with and without a q LoRA, with and without RoPE;
 * the cache holds the latent and the rope key only, in exact / pow2 capacity buckets that grow like attention's; no
 * tensor is left behind.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KvCapacityPolicy } from '../../sim/protocol';
import { kvBucket, kvCacheSlots } from '../attention/layer';
import { f64 } from '../../sim/runtime/reference/ops';
import { Rng } from '../../sim/runtime/rng';
import { maxRelErr, take } from '../../sim/runtime/testing/compare';
import { useTestBackend } from '../../sim/runtime/testBackend';
import { MlaCache, MlaLayer } from './layer';
import { mlaRef } from './reference';
import { MlaSchema, type MlaMixer } from './spec';
import { initMlaWeights, mlaDims, mlaEntries } from './weights';

const TOL = 1e-4;
const D = 16;
const ctx = { backend: 'cpu', scan: 'chunked' } as const;

const mla = (over: Partial<MlaMixer>): MlaMixer =>
  MlaSchema.parse({ kind: 'mla', nHeads: 3, kvLoraRank: 6, qkNopeHeadDim: 4, qkRopeHeadDim: 4, vHeadDim: 5, ...over });

// [name, mixer, sequence length]
const CASES: [string, MlaMixer, number][] = [
  ['RoPE, plain q_proj', mla({}), 23],
  ['RoPE, q LoRA rank 7', mla({ qLoraRank: 7 }), 23],
  ['NoPE (Kimi Linear), plain q_proj', mla({ positional: 'none', qkRopeHeadDim: 3 }), 23],
  ['NoPE, q LoRA rank 5, theta 500', mla({ positional: 'none', qLoraRank: 5, ropeTheta: 500 }), 23],
  ['RoPE theta 500, q LoRA, over 2 query blocks', mla({ qLoraRank: 7, ropeTheta: 500, nHeads: 2 }), 300],
];

/** (b, l, d) from pieces of (b, n, d) in order. */
function join(pieces: Float32Array[], b: number, l: number, d: number): Float64Array {
  const out = new Float64Array(b * l * d);
  let off = 0;
  for (const g of pieces) {
    const n = g.length / (b * d);
    for (let bb = 0; bb < b; bb++) out.set(g.subarray(bb * n * d, (bb + 1) * n * d), (bb * l + off) * d);
    off += n;
  }
  return out;
}

describe.each(['cpu', 'wasm'] as const)('MlaLayer vs the Float64 reference on %s', (backend) => {
  let base = 0;
  let seed = 1;
  const rng = () => new Rng(Date.now() ^ (seed++ * 7919));
  beforeAll(async () => {
    await useTestBackend(backend);
    base = tf.memory().numTensors;
  });
  afterAll(() => {
    expect(tf.memory().numTensors).toBe(base);
  });

  it.each(CASES)('%s: prefill, and prefill then decode, equal the full forward', async (_name, m, l) => {
    const r = rng();
    const w = initMlaWeights(mlaDims(m, D), r);
    const b = 2;
    const x = r.normals(b * l * D, 1);
    const want = mlaRef(w, f64(x), b, l);
    const layer = new MlaLayer(w);
    const xt = tf.tensor3d(x, [b, l, D]);
    expect(maxRelErr(await take(layer.prefill(xt, null, ctx)), want)).toBeLessThan(TOL);

    // Prefill l0 tokens into a cache of capacity l, then decode the rest one token at a time (absorbed form).
    const l0 = Math.max(1, l - 9);
    const cache = layer.createCache(b, l);
    expect(cache.latent.shape).toEqual([b, 1, l, m.kvLoraRank]);
    expect(cache.ropeKey.shape).toEqual([b, 1, l, m.qkRopeHeadDim]);
    const xs = tf.split(xt, [l0, ...Array(l - l0).fill(1)], 1) as tf.Tensor3D[];
    const got: Float32Array[] = [await take(layer.prefill(xs[0]!, cache, ctx))];
    const held = tf.memory().numTensors;
    for (let p = l0; p < l; p++) {
      got.push(await take(layer.decode(xs[p - l0 + 1]!, cache, p, ctx)));
      expect(tf.memory().numTensors).toBe(held);
    }
    expect(maxRelErr(join(got, b, l, D), want)).toBeLessThan(TOL);
    // The cache holds the latent and the rope key only: (r + dr) floats per position per sequence.
    expect(cache.tensors().reduce((a, t) => a + t.size, 0)).toBe(b * l * (m.kvLoraRank + m.qkRopeHeadDim));
    expect(cache.heldBytes()).toBe(b * l * (m.kvLoraRank + m.qkRopeHeadDim) * 4);
    expect(cache.filledBytes()).toBe(cache.heldBytes());
    for (const t of xs) t.dispose();
    xt.dispose();
    cache.dispose();
    layer.dispose();
    expect(tf.memory().numTensors).toBe(base);
  });

  // [policy, first capacity, prefill length, total length, slots expected after n positions]
  const growth: [KvCapacityPolicy, number, number, number, (n: number) => number][] = [
    ['pow2', 5, 9, 40, (n) => kvBucket(n)],
    ['exact', 12, 7, 36, (n) => (n <= 12 ? 12 : kvBucket(n))],
  ];
  it.each(growth)('a %s cache of capacity %i grows in power-of-two buckets while decoding; outputs still equal the reference', async (policy, capacity, l0, l, slotsAfter) => {
    const r = rng();
    const m = mla({ qLoraRank: 5 });
    const w = initMlaWeights(mlaDims(m, D), r);
    const b = 1;
    const x = r.normals(b * l * D, 1);
    const want = mlaRef(w, f64(x), b, l);
    const layer = new MlaLayer(w);
    const cache = layer.createCache(b, capacity, policy);
    expect(cache.slots).toBe(kvCacheSlots({ slidingWindow: null }, capacity, policy));
    const xt = tf.tensor3d(x, [b, l, D]);
    const xs = tf.split(xt, [l0, ...Array(l - l0).fill(1)], 1) as tf.Tensor3D[];
    const got: Float32Array[] = [await take(layer.prefill(xs[0]!, cache, ctx))];
    expect(cache.slots).toBe(slotsAfter(l0));
    const seen = [cache.slots];
    const held = tf.memory().numTensors;
    for (let p = l0; p < l; p++) {
      got.push(await take(layer.decode(xs[p - l0 + 1]!, cache, p, ctx)));
      expect(cache.slots).toBe(slotsAfter(p + 1));
      expect(cache.latent.shape).toEqual([b, 1, cache.slots, m.kvLoraRank]);
      expect(cache.ropeKey.shape).toEqual([b, 1, cache.slots, m.qkRopeHeadDim]);
      expect(tf.memory().numTensors).toBe(held); // growth swaps the two tensors, never adds
      expect(cache.filledBytes()).toBe(b * (p + 1) * (m.kvLoraRank + m.qkRopeHeadDim) * 4);
      if (seen[seen.length - 1] !== cache.slots) seen.push(cache.slots);
    }
    expect(seen).toEqual([...new Set(Array.from({ length: l - l0 + 1 }, (_, i) => slotsAfter(l0 + i)))]);
    expect(seen.length).toBeGreaterThan(1);
    expect(maxRelErr(join(got, b, l, D), want)).toBeLessThan(TOL);
    for (const t of xs) t.dispose();
    xt.dispose();
    cache.dispose();
    layer.dispose();
    expect(tf.memory().numTensors).toBe(base);
  });

  it('the batched prefill path (webgl, webgpu) and the per-head path (cpu, wasm) agree over 2 query blocks', async () => {
    const r = rng();
    const [b, h, l, dq, dv] = [2, 3, 300, 6, 5];
    const q = tf.tensor4d(r.normals(b * h * l * dq, 0.5), [b, h, l, dq]);
    const k = tf.tensor4d(r.normals(b * h * l * dq, 0.5), [b, h, l, dq]);
    const v = tf.tensor4d(r.normals(b * h * l * dv, 1), [b, h, l, dv]);
    const batched = await take(tf.tidy(() => MlaLayer.attendBatched(q, k, v)));
    const perHead = await take(tf.tidy(() => MlaLayer.attendPerHead(q, k, v)));
    expect(maxRelErr(batched, f64(perHead))).toBeLessThan(TOL);
    // Causal: position 0 sees only itself, so its output is its own value row.
    expect(maxRelErr(perHead.subarray(0, dv), f64((await v.data()).subarray(0, dv)))).toBeLessThan(TOL);
    tf.dispose([q, k, v]);
    expect(tf.memory().numTensors).toBe(base);
  });

  it('a cache of capacity 4 prefilled with 37 tokens moves straight to the bucket that holds them', async () => {
    const r = rng();
    const layer = new MlaLayer(initMlaWeights(mlaDims(mla({}), D), r));
    const cache = layer.createCache(1, 4, 'exact');
    const xt = tf.tensor3d(r.normals(37 * D, 1), [1, 37, D]);
    await take(layer.prefill(xt, cache, ctx));
    expect(cache.slots).toBe(64);
    expect(cache.positions).toBe(37);
    expect(cache).toBeInstanceOf(MlaCache);
    xt.dispose();
    cache.dispose();
    layer.dispose();
    expect(tf.memory().numTensors).toBe(base);
  });
});

describe('mlaEntries', () => {
  it('lists the DeepseekV3Attention / KimiLinearAttention tensors in torch layout', () => {
    const plain = mlaEntries(initMlaWeights(mlaDims(mla({}), D), new Rng(3)));
    expect(plain.map(([n, s]) => [n, s])).toEqual([
      ['q_proj.weight', [3 * 8, D]],
      ['kv_a_proj_with_mqa.weight', [6 + 4, D]],
      ['kv_a_layernorm.weight', [6]],
      ['kv_b_proj.weight', [3 * (4 + 5), 6]],
      ['o_proj.weight', [D, 3 * 5]],
    ]);
    const lora = mlaEntries(initMlaWeights(mlaDims(mla({ qLoraRank: 7 }), D), new Rng(3)));
    expect(lora.slice(0, 3).map(([n, s]) => [n, s])).toEqual([
      ['q_a_proj.weight', [7, D]],
      ['q_a_layernorm.weight', [7]],
      ['q_b_proj.weight', [3 * 8, 7]],
    ]);
  });
});

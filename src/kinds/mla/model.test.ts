/**
 * MLA inside a model: a Kimi-Linear-like hybrid (Mamba-2 standing in for KDA, MLA every 4th layer) runs a bench
 * sweep on wasm whose measured KV bytes equal the cost model's (exact and pow2 capacities); a whole model decodes
 * past its cache buckets and still equals the full forward and the Float64 reference model; no tensor is left.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DesignSchema, FORMAT, type Design } from '../../models/schema';
import { costAt } from '../../sim/cost';
import type { BenchRequest, KvCapacityPolicy } from '../../sim/protocol';
import { estimateRunMemory, runBench } from '../../sim/runtime/bench';
import { RuntimeModel, initModelWeights } from '../../sim/runtime/builder';
import { getRunProfile } from '../../sim/runtime/profile';
import { referenceLogits } from '../../sim/runtime/reference/model';
import { maxRelErr, take } from '../../sim/runtime/testing/compare';
import { useTestBackend } from '../../sim/runtime/testBackend';
import { kvBucket } from '../attention/layer';
import { MlaCache } from './layer';
import type { MlaMixer } from './spec';

const KIMI_MLA = { kind: 'mla', nHeads: 32, kvLoraRank: 512, qkNopeHeadDim: 128, qkRopeHeadDim: 64, vHeadDim: 128, positional: 'none' } as const;
const MAMBA2 = { kind: 'mamba2', dState: 128, headDim: 64, nGroups: 1, dConv: 4, expand: 2 } as const;

/** Kimi-Linear-like: 3 recurrent layers then MLA (with a q LoRA in the second period), MLP FFNs. */
const kimiLike: Design = DesignSchema.parse({
  format: FORMAT,
  name: 'kimi-like',
  vocabSize: 1000,
  dModel: 2304,
  maxContext: 1 << 20,
  layers: [
    ...[MAMBA2, MAMBA2, MAMBA2, KIMI_MLA].map((mixer) => ({ mixer, ffn: { kind: 'mlp', width: 9216 } })),
    ...[MAMBA2, MAMBA2, MAMBA2, { ...KIMI_MLA, qLoraRank: 768, positional: 'rope' }].map((mixer) => ({ mixer, ffn: { kind: 'mlp', width: 9216 } })),
  ],
});

function request(over: Partial<BenchRequest> = {}): BenchRequest {
  return {
    design: kimiLike,
    seqLens: [16, 40],
    backend: 'wasm',
    scan: 'auto',
    profile: getRunProfile('tiny')!,
    seed: 11,
    batch: 2,
    decodeSteps: 3,
    repeats: 1,
    memoryBudgetBytes: 2 ** 30,
    ...over,
  };
}

describe('MLA in a bench sweep on wasm', () => {
  let base = 0;
  beforeAll(async () => {
    await useTestBackend('wasm');
    base = tf.memory().numTensors;
  });
  afterAll(() => expect(tf.memory().numTensors).toBe(base));

  it.each([
    ['exact', (n: number) => n],
    ['pow2', (n: number) => kvBucket(n)],
  ] as const)('%s capacity: measured KV bytes = the cost model at the capacity; latent + rope key only', async (policy, capOf) => {
    const res = await runBench(request({ kvCapacity: policy }));
    expect(res.cancelled).toBe(false);
    const scaled = res.scaledDesign;
    const mlas = scaled.layers.flatMap((l) => ('mixer' in l && l.mixer.kind === 'mla' ? [l.mixer as MlaMixer] : []));
    expect(mlas).toHaveLength(2);
    const perPos = mlas.reduce((a, m) => a + (m.kvLoraRank + m.qkRopeHeadDim) * 4, 0); // float32, per sequence
    const fp32 = { dtype: 'fp32', cacheDtype: 'fp32', batch: 2 } as const;
    for (const p of res.points) {
      const cap = capOf(p.seqLen + 3);
      expect(p.kvCacheCapacity).toBe(cap);
      expect(p.kvCacheBytes).toBe(2 * cap * perPos);
      expect(p.kvCacheBytes).toBe(costAt(scaled, cap, fp32).kvCacheBytes);
      expect(p.kvCacheFilledBytes).toBe(costAt(scaled, p.seqLen, fp32).kvCacheBytes);
      expect(estimateRunMemory(scaled, p.seqLen, 3, 2, policy).kvCacheBytes).toBe(p.kvCacheBytes);
      if (policy === 'exact') expect(p.kvCacheBytes).toBe(p.predictedKvCacheBytes);
      expect(p.stateBytes).toBe(p.predictedStateBytes);
      expect(p.decodeMsPerToken).toBeGreaterThan(0);
    }
    expect(tf.memory().numTensors).toBe(base);
  });
});

describe('MLA as a branch of a parallel layer (Falcon-H1-style, MLA ∥ Mamba-2) beside gated attention, on wasm', () => {
  let base = 0;
  beforeAll(async () => {
    await useTestBackend('wasm');
    base = tf.memory().numTensors;
  });
  afterAll(() => expect(tf.memory().numTensors).toBe(base));

  const design: Design = DesignSchema.parse({
    format: FORMAT,
    name: 'parallel mla',
    vocabSize: 1000,
    dModel: 2304,
    maxContext: 1 << 20,
    layers: [
      { mixer: { kind: 'parallel', branches: [KIMI_MLA, MAMBA2], combine: 'sum' }, ffn: { kind: 'mlp', width: 4096 } },
      { mixer: { kind: 'attention', nHeads: 16, nKvHeads: 2, headDim: 128, outputGate: true, qkNorm: true, ropeFraction: 0.25 }, ffn: { kind: 'mlp', width: 4096 } },
    ],
  });

  it.each(['exact', 'pow2'] as const)('%s capacity: measured KV and state bytes = the cost model', async (policy) => {
    const res = await runBench(request({ design, seqLens: [16, 40], kvCapacity: policy, batch: 2 }));
    const fp32 = { dtype: 'fp32', cacheDtype: 'fp32', batch: 2 } as const;
    for (const p of res.points) {
      const cap = policy === 'pow2' ? kvBucket(p.seqLen + 3) : p.seqLen + 3;
      expect(p.kvCacheCapacity).toBe(cap);
      expect(p.kvCacheBytes).toBe(costAt(res.scaledDesign, cap, fp32).kvCacheBytes);
      expect(p.kvCacheFilledBytes).toBe(costAt(res.scaledDesign, p.seqLen, fp32).kvCacheBytes);
      if (policy === 'exact') expect(p.kvCacheBytes).toBe(p.predictedKvCacheBytes);
      expect(p.stateBytes).toBe(p.predictedStateBytes);
      expect(p.stateBytes).toBeGreaterThan(0);
    }
    expect(tf.memory().numTensors).toBe(base);
  });
});

describe.each(['cpu', 'wasm'] as const)('a model with MLA layers on %s', (backend) => {
  let base = 0;
  beforeAll(async () => {
    await useTestBackend(backend);
    base = tf.memory().numTensors;
  });
  afterAll(() => expect(tf.memory().numTensors).toBe(base));

  const small: Design = DesignSchema.parse({
    format: FORMAT,
    name: 'mla model',
    vocabSize: 53,
    dModel: 16,
    maxContext: 4096,
    layers: [
      { mixer: { kind: 'mla', nHeads: 2, kvLoraRank: 6, qkNopeHeadDim: 4, qkRopeHeadDim: 4, vHeadDim: 4 }, ffn: { kind: 'mlp', width: 24 } },
      { mixer: { kind: 'mamba2', dState: 4, headDim: 8, nGroups: 1, dConv: 4, expand: 2 }, ffn: { kind: 'none' } },
      { mixer: { kind: 'mla', nHeads: 3, kvLoraRank: 5, qLoraRank: 7, qkNopeHeadDim: 2, qkRopeHeadDim: 3, vHeadDim: 6, positional: 'none' }, ffn: { kind: 'none' } },
    ],
  });

  it.each<[KvCapacityPolicy, number]>([
    ['pow2', 6],
    ['exact', 12],
  ])('%s, capacity %i: prefill then decode past 16 and 32 equals the full forward (checked every 7th step and at the end) and the reference model', async (policy, capacity) => {
    const seed = (Date.now() & 0xffff) + 1;
    const weights = initModelWeights(small, seed);
    const model = new RuntimeModel(weights, { backend, scan: 'chunked' });
    const tokens = Array.from({ length: 36 }, (_, i) => (i * 31 + seed) % small.vocabSize);
    const l0 = 5;
    const caches = model.createCaches(1, capacity, policy);
    expect(caches.layers.filter((c) => c instanceof MlaCache)).toHaveLength(2);
    const ids0 = tf.tensor2d(tokens.slice(0, l0), [1, l0], 'int32');
    await take(model.prefill(ids0, caches));
    ids0.dispose();
    const held = tf.memory().numTensors;
    let last: Float32Array | null = null;
    for (let p = l0; p < tokens.length; p++) {
      const one = tf.tensor2d([tokens[p]!], [1, 1], 'int32');
      last = await take(model.decode(one, caches, p));
      one.dispose();
      expect(tf.memory().numTensors).toBe(held);
      if (p % 7 === 0 || p === tokens.length - 1) {
        const prefix = tf.tensor2d(tokens.slice(0, p + 1), [1, p + 1], 'int32');
        expect(maxRelErr(last, await take(model.prefill(prefix, null)))).toBeLessThan(1e-4);
        prefix.dispose();
      }
    }
    expect(maxRelErr(last!, referenceLogits(weights, tokens))).toBeLessThan(1e-4);
    expect(caches.kvCapacity()).toBe(64);
    const bytes = caches.bytes();
    expect(bytes.kvCacheBytes).toBe(64 * ((6 + 4) + (5 + 3)) * 4);
    expect(bytes.kvFilledBytes).toBe(36 * ((6 + 4) + (5 + 3)) * 4);
    caches.dispose();
    model.dispose();
    expect(tf.memory().numTensors).toBe(base);
  });
});

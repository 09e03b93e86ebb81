import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { getPreset } from '../../models/presets';
import { DesignSchema, FORMAT, type Design } from '../../models/schema';
import type { BenchRequest } from '../protocol';
import { costAt } from '../cost';
import { checkMemoryBudget, estimateRunMemory, runBench, spreadOf } from './bench';
import { kvBucket } from '../../kinds/attention/layer';
import { initBackend } from './backend';
import { getRunProfile, scaleDesign } from './profile';

const windowed: Design = DesignSchema.parse({
  format: FORMAT,
  name: 'windowed',
  vocabSize: 1000,
  dModel: 256,
  maxContext: 4096,
  layers: [
    { mixer: { kind: 'attention', nHeads: 4, nKvHeads: 2, headDim: 64, slidingWindow: 24 }, ffn: { kind: 'mlp', width: 512 } },
    { mixer: { kind: 'attention', nHeads: 4, nKvHeads: 1, headDim: 64 }, ffn: { kind: 'none' } },
  ],
});

function request(design: Design, over: Partial<BenchRequest> = {}): BenchRequest {
  return {
    design,
    seqLens: [16, 40],
    backend: 'wasm',
    scan: 'auto',
    profile: getRunProfile('tiny')!,
    seed: 7,
    batch: 1,
    decodeSteps: 3,
    repeats: 2,
    memoryBudgetBytes: 2 ** 30,
    ...over,
  };
}

describe('spreadOf', () => {
  it('gives median, extremes and quartiles', () => {
    expect(spreadOf([5, 1, 3, 2, 4])).toEqual({ median: 3, min: 1, max: 5, q1: 2, q3: 4 });
    expect(spreadOf([1, 2]).median).toBe(1.5);
  });
});

describe('benchmark sweep on wasm', () => {
  let base = 0;
  beforeAll(async () => {
    await initBackend('wasm');
    base = tf.memory().numTensors;
  });

  it.each([
    ['jamba-v0.1', () => getPreset('jamba-v0.1')!.design],
    ['zamba-7b', () => getPreset('zamba-7b')!.design],
    ['stripedhyena-7b', () => getPreset('stripedhyena-7b')!.design],
    ['mamba2-hybrid-8b', () => getPreset('mamba2-hybrid-8b')!.design],
    ['sliding-window design (cache capped at the window)', () => windowed],
  ])('%s: measured KV-cache and state bytes equal the cost model; no tensor left behind', async (_n, make) => {
    const points: number[] = [];
    const res = await runBench(request(make(), { batch: 2 }), { onPoint: (p) => points.push(p.seqLen) });
    expect(res.cancelled).toBe(false);
    expect(points).toEqual([16, 40]);
    for (const p of res.points) {
      expect(p.kvCacheBytes).toBe(p.predictedKvCacheBytes);
      expect(p.stateBytes).toBe(p.predictedStateBytes);
      expect(p.kvCacheBytes + p.stateBytes).toBeGreaterThan(0);
      expect(p.prefillTokensPerSec).toBeGreaterThan(0);
      expect(p.decodeMsPerToken).toBeGreaterThan(0);
      expect(p.dispatchesPerDecodeStep).toBeGreaterThan(0);
      expect(p.prefillMs.min).toBeLessThanOrEqual(p.prefillMs.median);
      expect(p.prefillMs.median).toBeLessThanOrEqual(p.prefillMs.max);
    }
    expect(res.backend).toBe('wasm');
    expect(tf.memory().numTensors).toBe(base);
  });

  it('the window caps the KV cache: at L = 40 (+3 steps) the windowed layer holds 24 positions', async () => {
    const res = await runBench(request(windowed, { seqLens: [40] }));
    const scaled = res.scaledDesign;
    const attn = scaled.layers.map((l) => ('mixer' in l && l.mixer.kind === 'attention' ? l.mixer : null));
    const [a0, a1] = attn;
    const perPos = (a: typeof a0) => 2 * a!.nKvHeads * a!.headDim * 4;
    expect(res.points[0]!.kvCacheBytes).toBe(perPos(a0) * 24 + perPos(a1) * 43);
    expect(tf.memory().numTensors).toBe(base);
  });

  it.each([
    ['exact', (n: number) => n],
    ['pow2', (n: number) => kvBucket(n)],
  ] as const)('KV policy %s: the bytes held are the cost model at the capacity; filled bytes at L; exact keeps measured = predicted', async (policy, capOf) => {
    const res = await runBench(request(windowed, { kvCapacity: policy }));
    const scaled = res.scaledDesign;
    const fp32 = { dtype: 'fp32', cacheDtype: 'fp32', batch: 1 } as const;
    expect(res.points.map((p) => p.kvCacheCapacity)).toEqual([capOf(16 + 3), capOf(40 + 3)]);
    for (const p of res.points) {
      const cap = capOf(p.seqLen + 3);
      expect(p.kvCacheBytes).toBe(costAt(scaled, cap, fp32).kvCacheBytes);
      expect(estimateRunMemory(scaled, p.seqLen, 3, 1, policy).kvCacheBytes).toBe(p.kvCacheBytes);
      expect(p.kvCacheFilledBytes).toBe(costAt(scaled, p.seqLen, fp32).kvCacheBytes);
      expect(p.predictedKvCacheBytes).toBe(costAt(scaled, p.seqLen + 3, fp32).kvCacheBytes);
      if (policy === 'exact') expect(p.kvCacheBytes).toBe(p.predictedKvCacheBytes);
      else expect(p.kvCacheBytes).toBeGreaterThan(p.predictedKvCacheBytes);
    }
    expect(tf.memory().numTensors).toBe(base);
  });

  it('cancels between runs, returns the points so far and frees every tensor', async () => {
    const ac = new AbortController();
    const res = await runBench(request(getPreset('jamba-v0.1')!.design, { seqLens: [16, 32, 64] }), {
      signal: ac.signal,
      onPoint: () => ac.abort(),
    });
    expect(res.cancelled).toBe(true);
    expect(res.points.map((p) => p.seqLen)).toEqual([16]);
    expect(tf.memory().numTensors).toBe(base);

    const ac2 = new AbortController();
    const res2 = await runBench(request(getPreset('zamba-7b')!.design), {
      signal: ac2.signal,
      onProgress: (p) => p.phase === 'decode' && ac2.abort(),
    });
    expect(res2.cancelled).toBe(true);
    expect(res2.points).toEqual([]);
    expect(tf.memory().numTensors).toBe(base);
  });

  it('an error in the middle of a sweep propagates and frees every tensor', async () => {
    const run = runBench(request(getPreset('jamba-v0.1')!.design), {
      onPoint: () => {
        throw new Error('consumer failed');
      },
    });
    await expect(run).rejects.toThrow('consumer failed');
    expect(tf.memory().numTensors).toBe(base);
  });

  it('refuses an oversize run before allocating anything, naming the length and the budget', async () => {
    const before = tf.memory().numTensors;
    const req = request(getPreset('jamba-v0.1')!.design, { seqLens: [64, 1 << 20], memoryBudgetBytes: 64 * 2 ** 20 });
    await expect(runBench(req)).rejects.toThrow(/run refused: seqLen 1048576 needs an estimated .* above the memory budget of 64.0 MiB/);
    expect(tf.memory().numTensors).toBe(before);
    const scaled = scaleDesign(req.design, req.profile).design;
    expect(() => checkMemoryBudget(scaled, { ...req, seqLens: [64] })).not.toThrow();
  });

  it('rejects bad requests naming the field', async () => {
    await expect(runBench(request(windowed, { seqLens: [0] }))).rejects.toThrow(/seqLens\[0\] must be an integer/);
    await expect(runBench(request(windowed, { decodeSteps: 0 }))).rejects.toThrow(/decodeSteps/);
    await expect(runBench(request(windowed, { kvCapacity: 'pow3' as 'pow2' }))).rejects.toThrow(/kvCapacity must be 'exact' or 'pow2'/);
    await expect(runBench(request(windowed, { profile: { ...getRunProfile('tiny')!, headDim: 7 } }))).rejects.toThrow(/profile.headDim/);
    await expect(runBench(request(windowed, { threads: 0 }))).rejects.toThrow('threads must be an integer in [1, 1024], got 0');
    await expect(runBench(request(windowed, { threads: 2.5 }))).rejects.toThrow(/threads must be an integer/);
  });

  it('records its thread count, and returns the first prefill logits when asked (the same for the same seed)', async () => {
    const design = getPreset('mamba-2.8b')!.design;
    const plain = await runBench(request(design, { seqLens: [12] }));
    expect(plain.logits).toBeUndefined();
    expect(plain).toMatchObject({ threads: 1, threadsReason: expect.stringMatching(/Node/) });
    const a = await runBench(request(design, { seqLens: [12, 20], returnLogits: true, threads: 4 }));
    const b = await runBench(request(design, { seqLens: [12], returnLogits: true }));
    expect(a.threads).toBe(1); // Node has no wasm threads: 4 asked, 1 used, and said so
    expect(a.threadsReason).toMatch(/4 asked, 1 available/);
    expect(a.logits).toHaveLength(getRunProfile('tiny')!.vocabSize);
    expect(a.logits!.every(Number.isFinite)).toBe(true);
    expect(a.logits).toEqual(b.logits);
    expect(tf.memory().numTensors).toBe(base);
  });
});

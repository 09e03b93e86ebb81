import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DesignSchema, FORMAT, type Design } from '../../models/schema';
import type { BenchRequest, ScanImpl } from '../../sim/protocol';
import { initBackend } from '../../sim/runtime/backend';
import { runBench } from '../../sim/runtime/bench';
import { RuntimeModel, initModelWeights } from '../../sim/runtime/builder';
import { getRunProfile, scaleDesign } from '../../sim/runtime/profile';
import { referenceLogits } from '../../sim/runtime/reference/model';
import { maxRelErr, take } from '../../sim/runtime/testing/compare';

const TOL = 1e-4;

/** A Qwen3-Next-style stack: 3 × (Gated DeltaNet → MoE) then 1 × (attention → MoE), twice (d 2048, as §7). */
const qwen3NextStyle: Design = DesignSchema.parse({
  format: FORMAT,
  name: 'Qwen3-Next-style 3:1',
  vocabSize: 151936,
  dModel: 2048,
  maxContext: 262144,
  layers: [
    {
      repeat: 2,
      layers: [
        ...Array.from({ length: 3 }, () => ({
          mixer: { kind: 'linear-attention', nKeyHeads: 16, nValueHeads: 32, keyHeadDim: 128, valueHeadDim: 128, layout: 'qwen3-next' },
          ffn: { kind: 'moe', nExperts: 16, topK: 2, expertWidth: 512 },
        })),
        { mixer: { kind: 'attention', nHeads: 16, nKvHeads: 2, headDim: 256 }, ffn: { kind: 'moe', nExperts: 16, topK: 2, expertWidth: 512 } },
      ],
    },
  ],
});

/** Kimi-style (KDA : attention 3 : 1) and MiniMax-style (lightning, one attention layer) small designs. */
const mixedVariants: Design = DesignSchema.parse({
  format: FORMAT,
  name: 'KDA + lightning + attention',
  vocabSize: 61,
  dModel: 16,
  maxContext: 4096,
  layers: [
    { mixer: { kind: 'linear-attention', nKeyHeads: 2, nValueHeads: 2, keyHeadDim: 8, valueHeadDim: 8, decay: 'channel', outputGate: 'lowrank', lowRank: 4, layout: 'kimi' }, ffn: { kind: 'mlp', width: 32 } },
    { mixer: { kind: 'linear-attention', nKeyHeads: 2, nValueHeads: 2, keyHeadDim: 4, valueHeadDim: 4, update: 'additive', decay: 'fixed', convSize: 0, layout: 'minimax' }, ffn: { kind: 'mlp', width: 32 } },
    { mixer: { kind: 'attention', nHeads: 2, nKvHeads: 1, headDim: 8 }, ffn: { kind: 'mlp', width: 32 } },
  ],
});

/** Linear attention as a branch of the parallel kind (Hymba-style: attention ∥ a recurrent mixer, normed then averaged). */
const parallelBranch: Design = DesignSchema.parse({
  format: FORMAT,
  name: 'attention ∥ GDN',
  vocabSize: 53,
  dModel: 16,
  maxContext: 4096,
  layers: [
    {
      mixer: {
        kind: 'parallel',
        combine: 'mean-norm',
        branches: [
          { kind: 'attention', nHeads: 2, nKvHeads: 1, headDim: 8 },
          { kind: 'linear-attention', nKeyHeads: 1, nValueHeads: 2, keyHeadDim: 8, valueHeadDim: 8 },
        ],
      },
      ffn: { kind: 'mlp', width: 32 },
    },
    { mixer: { kind: 'linear-attention', nKeyHeads: 2, nValueHeads: 4, keyHeadDim: 4, valueHeadDim: 4, layout: 'qwen3-next' }, ffn: { kind: 'mlp', width: 32 } },
  ],
});

const tiny = scaleDesign(qwen3NextStyle, getRunProfile('tiny')!).design;

describe.each(['cpu', 'wasm'] as const)('linear-attention designs in the model builder on %s', (backend) => {
  let base = 0;
  beforeAll(async () => {
    await initBackend(backend);
    base = tf.memory().numTensors;
  });
  afterAll(() => expect(tf.memory().numTensors).toBe(base));

  const cases: [string, Design, ScanImpl][] = [
    ['Qwen3-Next-style 3:1 GDN:attention stack, tiny profile, simd scan', tiny, 'simd'],
    ['Qwen3-Next-style 3:1 stack, tiny profile, naive scan', tiny, 'naive'],
    ['KDA + lightning + attention, js scan', mixedVariants, 'js'],
    ['linear attention as a parallel branch beside attention, simd scan', parallelBranch, 'simd'],
  ];
  // cpu costs ~100 µs per op: it runs one scan of the 3:1 stack; wasm runs every case.
  it.each(backend === 'cpu' ? [cases[0]!, cases[2]!, cases[3]!] : cases)('%s: logits match the Float64 reference model; prefill-then-decode matches full forwards', async (_n, design, scan) => {
    const seed = (Date.now() & 0xffff) + 1;
    const weights = initModelWeights(design, seed);
    const model = new RuntimeModel(weights, { backend, scan });
    const V = design.vocabSize;
    const tokens = Array.from({ length: 10 }, (_, i) => (i * 37 + seed) % V);
    // prefill returns the last position's logits
    const lastLogits = async (l: number) => {
      const ids = tf.tensor2d(tokens.slice(0, l), [1, l], 'int32');
      const out = await take(model.prefill(ids, null));
      ids.dispose();
      return out;
    };
    const full = await lastLogits(tokens.length);
    expect(maxRelErr(full, referenceLogits(weights, tokens))).toBeLessThan(TOL);
    const l0 = 7;
    const caches = model.createCaches(1, tokens.length);
    const ids0 = tf.tensor2d(tokens.slice(0, l0), [1, l0], 'int32');
    await take(model.prefill(ids0, caches));
    ids0.dispose();
    for (let p = l0; p < tokens.length; p++) {
      const one = tf.tensor2d([tokens[p]!], [1, 1], 'int32');
      const step = await take(model.decode(one, caches, p));
      one.dispose();
      expect(maxRelErr(step, await lastLogits(p + 1))).toBeLessThan(TOL);
    }
    caches.dispose();
    model.dispose();
  });
});

describe('benchmark sweep of linear-attention designs on wasm', () => {
  let base = 0;
  beforeAll(async () => {
    await initBackend('wasm');
    base = tf.memory().numTensors;
  });

  const request = (design: Design, scan: BenchRequest['scan']): BenchRequest => ({
    design,
    seqLens: [16, 40],
    backend: 'wasm',
    scan,
    profile: getRunProfile('tiny')!,
    seed: 7,
    batch: 2,
    decodeSteps: 3,
    repeats: 2,
    memoryBudgetBytes: 2 ** 30,
  });

  it.each([
    ['Qwen3-Next-style 3:1 stack, auto scan', qwen3NextStyle, 'auto'],
    ['KDA + lightning + attention, naive scan', mixedVariants, 'naive'],
    ['linear attention as a parallel branch beside attention, js scan', parallelBranch, 'js'],
  ] as const)('%s: measured state and KV bytes equal the cost model; no tensor left behind', async (_n, design, scan) => {
    const res = await runBench(request(design, scan));
    expect(res.cancelled).toBe(false);
    expect(res.points.map((p) => p.seqLen)).toEqual([16, 40]);
    for (const p of res.points) {
      expect(p.stateBytes).toBe(p.predictedStateBytes);
      expect(p.kvCacheBytes).toBe(p.predictedKvCacheBytes);
      expect(p.stateBytes).toBeGreaterThan(0);
    }
    // the recurrent state does not grow with L
    expect(res.points[0]!.stateBytes).toBe(res.points[1]!.stateBytes);
    expect(tf.memory().numTensors).toBe(base);
  });
});

import * as tf from '@tensorflow/tfjs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DesignSchema, FORMAT, MixerSchema, expandLayers, type Design } from '../../models/schema';
import type { ScanImpl } from '../../sim/protocol';
import { costAt } from '../../sim/cost';
import { RuntimeModel, initModelWeights } from '../../sim/runtime/builder';
import { decodeErrors, prefillErrors } from '../../sim/runtime/layers/stateLayerChecks';
import { referenceLogits } from '../../sim/runtime/reference/model';
import { Rng } from '../../sim/runtime/rng';
import { getRunProfile, scaleDesign } from '../../sim/runtime/profile';
import { maxRelErr, take } from '../../sim/runtime/testing/compare';
import { useTestBackend } from '../../sim/runtime/testBackend';
import { KvCache } from '../attention/layer';
import { MIXER_RUNTIMES } from '../runtimes';
import { MIXER_SPECS } from '../specs';
import { ParallelCache } from './layer';
import type { ParallelMixer } from './spec';

const D = 16;
const design = (d: number, norm: 'rmsnorm' | 'layernorm' = 'rmsnorm'): Design =>
  DesignSchema.parse({ format: FORMAT, name: 'p', vocabSize: 53, dModel: d, norm, maxContext: 4096, layers: [{ mixer: { kind: 'none' }, ffn: { kind: 'none' } }] });
const parallel = (m: unknown) => MixerSchema.parse(m) as ParallelMixer;

const att = { kind: 'attention', nHeads: 4, nKvHeads: 2, headDim: 4 };
const CONFIGS: [string, ParallelMixer, 'rmsnorm' | 'layernorm'][] = [
  ['attention ∥ Mamba-2, sum (Falcon-H1)', parallel({ kind: 'parallel', branches: [att, { kind: 'mamba2', dState: 4, headDim: 4, nGroups: 2, dConv: 4, expand: 2, chunkSize: 8 }] }), 'rmsnorm'],
  [
    'windowed attention ∥ Mamba ∥ Hyena, mean-norm (Hymba) with layernorms',
    parallel({
      kind: 'parallel',
      combine: 'mean-norm',
      branches: [
        { ...att, slidingWindow: 5, positional: 'none' },
        { kind: 'mamba', dState: 4, dConv: 3, expand: 2 },
        { kind: 'hyena', shortFilterLength: 3, stateSize: 2 },
      ],
    }),
    'layernorm',
  ],
  ['Mamba-2 ∥ Mamba, mean-norm, no KV cache', parallel({ kind: 'parallel', combine: 'mean-norm', branches: [{ kind: 'mamba2', dState: 6, headDim: 8, nGroups: 1, dConv: 4, expand: 2 }, { kind: 'mamba', dState: 4, dConv: 4, expand: 1 }] }), 'rmsnorm'],
];
const SCANS: ScanImpl[] = ['chunked', 'simd'];

const entry = MIXER_RUNTIMES.parallel;

describe.each(['cpu', 'wasm'] as const)('parallel layer on %s', (backend) => {
  let baseline = 0;
  beforeAll(async () => {
    await useTestBackend(backend);
  });
  afterEach(() => {
    expect(tf.memory().numTensors).toBe(baseline);
  });

  describe.each(CONFIGS)('%s', (_name, cfg, norm) => {
    const ctx = { design: design(D, norm), dModel: D };
    it.each(SCANS.flatMap((s) => [1, 9].map((l) => [s, l] as const)))('prefill (%s scan, l=%i) matches the Float64 reference on fresh random inputs', async (scan, l) => {
      baseline = tf.memory().numTensors;
      const w = entry.init(cfg, ctx, new Rng(Date.now() & 0xffff));
      const layer = entry.build(w, { moeCombine: 'gather', sharedTensors: new Map() });
      const e = await prefillErrors(layer, (x, n) => ({ y: entry.reference(w, Float64Array.from(x), n, { dModel: D, emb: new Float64Array(0), sharedWeights: [] }), state: [] }), D, l, 2, scan, new Rng(700 + l));
      expect(e.y).toBeLessThan(1e-4);
      layer.dispose();
    });

    it.each(SCANS.flatMap((s) => [1, 6].map((k) => [s, k] as const)))('prefill then decode (%s scan, split at %i) equals the full forward, output and every cache tensor', async (scan, split) => {
      baseline = tf.memory().numTensors;
      const layer = entry.build(entry.init(cfg, ctx, new Rng(31)), { moeCombine: 'gather', sharedTensors: new Map() });
      const e = await decodeErrors(layer, D, 10, split, 2, scan, new Rng(800 + split));
      expect(e.y).toBeLessThan(1e-4);
      expect(e.state).toBeLessThan(1e-4);
      layer.dispose();
    });
  });

  it('the cache is composite: one part per branch, each with its own role', () => {
    baseline = tf.memory().numTensors;
    const cfg = CONFIGS[1]![1];
    const layer = entry.build(entry.init(cfg, { design: design(D, 'layernorm'), dModel: D }, new Rng(3)), { moeCombine: 'gather', sharedTensors: new Map() });
    const cache = layer.createCache(1, 12, 'exact');
    expect(cache).toBeInstanceOf(ParallelCache);
    const parts = cache!.parts!();
    expect(parts.map((p) => p?.role)).toEqual(['kv', 'state', 'state']);
    expect(parts[0]).toBeInstanceOf(KvCache);
    expect((parts[0] as KvCache).slots).toBe(5); // the window caps the slots
    expect(cache!.tensors().length).toBe(parts.reduce((a, p) => a + (p ? p.tensors().length : 0), 0));
    cache!.dispose();
    layer.dispose();
  });
});

/** A small model with parallel layers among plain ones, layernorm, tied embeddings. */
const model: Design = DesignSchema.parse({
  format: FORMAT,
  name: 'parallel model',
  vocabSize: 61,
  dModel: 16,
  norm: 'layernorm',
  tiedEmbeddings: true,
  maxContext: 4096,
  layers: [
    { mixer: { kind: 'parallel', branches: [att, { kind: 'mamba2', dState: 4, headDim: 4, nGroups: 1, dConv: 4, expand: 2 }] }, ffn: { kind: 'mlp', width: 32 } },
    { mixer: { kind: 'mamba', dState: 4, dConv: 4, expand: 2 }, ffn: { kind: 'none' } },
    { mixer: { kind: 'parallel', combine: 'mean-norm', branches: [{ kind: 'hyena', shortFilterLength: 3, stateSize: 2 }, { ...att, nKvHeads: 1, slidingWindow: 6 }] }, ffn: { kind: 'mlp', width: 24, activation: 'gelu' } },
  ],
});

describe.each(['cpu', 'wasm'] as const)('a model with parallel layers on %s', (backend) => {
  let base = 0;
  beforeAll(async () => {
    await useTestBackend(backend);
    base = tf.memory().numTensors;
  });
  afterAll(() => expect(tf.memory().numTensors).toBe(base));

  it('logits match the Float64 reference model; prefill-then-decode matches full forwards', async () => {
    const seed = (Date.now() & 0xffff) + 1;
    const weights = initModelWeights(model, seed);
    const m = new RuntimeModel(weights, { backend, scan: 'simd' });
    const tokens = Array.from({ length: 11 }, (_, i) => (i * 29 + seed) % model.vocabSize);
    const ids = tf.tensor2d(tokens, [1, tokens.length], 'int32');
    expect(maxRelErr(await take(m.prefill(ids, null)), referenceLogits(weights, tokens))).toBeLessThan(1e-4);
    ids.dispose();
    const caches = m.createCaches(1, tokens.length);
    const l0 = 7;
    const head = tf.tensor2d(tokens.slice(0, l0), [1, l0], 'int32');
    await take(m.prefill(head, caches));
    head.dispose();
    for (let p = l0; p < tokens.length; p++) {
      const one = tf.tensor2d([tokens[p]!], [1, 1], 'int32');
      const step = await take(m.decode(one, caches, p));
      one.dispose();
      expect(maxRelErr(step, referenceLogits(weights, tokens.slice(0, p + 1)))).toBeLessThan(1e-4);
    }
    caches.dispose();
    m.dispose();
  });

  it.each([1, 2])('measured KV and state bytes (batch %i) equal the cost model at float32, and the KV capacity reads through the composite cache', async (batch) => {
    const m = new RuntimeModel(initModelWeights(model, 9), { backend, scan: 'chunked' });
    const L = 13;
    const caches = m.createCaches(batch, L);
    const ids = tf.tensor2d(Array.from({ length: batch * L }, (_, i) => (i * 7) % model.vocabSize), [batch, L], 'int32');
    await take(m.prefill(ids, caches));
    ids.dispose();
    const cost = costAt(model, L, { dtype: 'fp32', cacheDtype: 'fp32', batch });
    const held = caches.bytes();
    expect(held.kvCacheBytes).toBe(cost.kvCacheBytes);
    expect(held.stateBytes).toBe(cost.stateBytes);
    expect(held.kvCacheBytes).toBeGreaterThan(0);
    expect(held.stateBytes).toBeGreaterThan(0);
    expect(caches.kvCapacity()).toBe(L);
    caches.dispose();
    m.dispose();
  });
});

describe('a Falcon-H1-style design at the tiny run profile', () => {
  beforeAll(async () => {
    await useTestBackend('wasm');
  });
  it('each branch is scaled by its own kind, and the scaled model matches its reference', async () => {
    const full = DesignSchema.parse({
      format: FORMAT,
      name: 'falcon-ish',
      vocabSize: 1000,
      dModel: 3072,
      maxContext: 4096,
      layers: [{ repeat: 3, layers: [{ mixer: MIXER_SPECS.parallel.defaults(3072), ffn: { kind: 'mlp', width: 12288 } }] }],
    });
    const small = scaleDesign(full, getRunProfile('tiny')!).design;
    const [a, m2] = (expandLayers(small.layers)[0]!.mixer as ParallelMixer).branches;
    expect(a).toMatchObject({ kind: 'attention', headDim: 8, nHeads: 8 });
    expect(m2).toMatchObject({ kind: 'mamba2', dState: 16, headDim: 8, nHeads: 8 }); // di / d = 1 kept; N capped at 16
    const base = tf.memory().numTensors;
    const weights = initModelWeights(small, 4);
    const m = new RuntimeModel(weights, { backend: 'wasm', scan: 'simd' });
    const tokens = [3, 141, 59, 26, 5, 35];
    const ids = tf.tensor2d(tokens, [1, tokens.length], 'int32');
    expect(maxRelErr(await take(m.prefill(ids, null)), referenceLogits(weights, tokens))).toBeLessThan(1e-4);
    ids.dispose();
    m.dispose();
    expect(tf.memory().numTensors).toBe(base);
  });
});

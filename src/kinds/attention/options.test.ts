/**
 * The attention options of 2025-2026 models (output gate, q/k norm, partial rotary): the tfjs layer vs the Float64
 * reference on fresh random inputs (1e-4) on cpu and wasm, prefill then decode against the full forward, for each
 * option alone and together; cost tensor by tensor against Qwen3-Next's gated attention; the rules with messages
 * naming the field; run-profile scaling; the Zamba shared block with the options; no tensor left behind.
 *
 * Source of the Qwen3-Next shapes: transformers `configuration_qwen3_next.py` / `modeling_qwen3_next.py`
 * `Qwen3NextAttention` and mlx `qwen3_next.py`, as ../shared/research/hybrids-2026.md §7 gives them: hidden 2048,
 * 16 query / 2 KV heads of 256, q_proj [2·16·256, d], k_proj / v_proj [2·256, d], o_proj [d, 4096], q_norm / k_norm
 * [256], RoPE on 64 of 256 dims (`partial_rotary_factor` 0.25); KV 12 × 2 × 2 × 256 = 24,576 B/token in bf16.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DesignSchema, FORMAT, type Design } from '../../models/schema';
import { exportHfConfig } from '../../models/hf';
import { formatIssues, validateDesign } from '../../models/validate';
import { analyzeDesign, costAt } from '../../sim/cost';
import { runBench } from '../../sim/runtime/bench';
import { RuntimeModel, initModelWeights } from '../../sim/runtime/builder';
import { RUN_PROFILES, getRunProfile } from '../../sim/runtime/profile';
import { referenceLogits } from '../../sim/runtime/reference/model';
import { f64 } from '../../sim/runtime/reference/ops';
import { Rng } from '../../sim/runtime/rng';
import { maxRelErr, take } from '../../sim/runtime/testing/compare';
import { useTestBackend } from '../../sim/runtime/testBackend';
import { attentionCost } from './cost';
import { AttentionLayer, attentionDims, initAttentionWeights, type AttentionDims, type KvCache } from './layer';
import { attentionRef } from './reference';
import { attentionEntries } from './runtime';
import { AttentionSchema, attentionSpec, ropeDims, type AttentionMixer } from './spec';

const TOL = 1e-4;
const ctx = { backend: 'cpu', scan: 'chunked' } as const;

/** Qwen3-Next-80B-A3B's gated attention (hybrids-2026 §7). */
const QWEN3_NEXT_ATTN: AttentionMixer = AttentionSchema.parse({
  kind: 'attention',
  nHeads: 16,
  nKvHeads: 2,
  headDim: 256,
  ropeTheta: 1e7,
  outputGate: true,
  qkNorm: true,
  ropeFraction: 0.25,
});

describe.each(['cpu', 'wasm'] as const)('attention options vs the Float64 reference on %s', (backend) => {
  let base = 0;
  let seed = 1;
  const rng = () => new Rng(Date.now() ^ (seed++ * 104_729));
  beforeAll(async () => {
    await useTestBackend(backend);
    base = tf.memory().numTensors;
  });
  afterAll(() => expect(tf.memory().numTensors).toBe(base));

  // [name, dims over a 16-wide GQA 4/2 × 8 base with RoPE, biases, length]
  const cases: [string, Partial<AttentionDims>, boolean, number][] = [
    ['output gate', { outputGate: true }, false, 21],
    ['output gate with biases (q_proj bias is 2·H·hd)', { outputGate: true }, true, 21],
    ['q/k norm', { qkNorm: true }, false, 21],
    ['partial rotary 2 of 8 dims (0.25)', { ropeDims: 2 }, false, 21],
    ['partial rotary 4 of 8 dims (0.5), MQA', { ropeDims: 4, nKvHeads: 1 }, false, 21],
    ['all three (Qwen3-Next shaped), theta 1e7', { outputGate: true, qkNorm: true, ropeDims: 2, ropeTheta: 1e7 }, false, 21],
    ['all three without RoPE (NoPE), MHA', { outputGate: true, qkNorm: true, rope: false, nKvHeads: 4 }, false, 21],
    ['all three, sliding window 7', { outputGate: true, qkNorm: true, ropeDims: 4, slidingWindow: 7 }, false, 30],
    ['all three over 2 query blocks', { outputGate: true, qkNorm: true, ropeDims: 2 }, false, 300],
  ];
  it.each(cases)('%s: prefill, and prefill then decode, equal the full forward', async (_n, part, bias, l) => {
    const r = rng();
    const dims: AttentionDims = { dIn: 16, dOut: 16, nHeads: 4, nKvHeads: 2, headDim: 8, rope: true, ropeTheta: 10_000, slidingWindow: null, ...part };
    const w = initAttentionWeights(dims, bias, r);
    const b = 2;
    const x = r.normals(b * l * 16, 1);
    const want = attentionRef(w, f64(x), b, l);
    const layer = new AttentionLayer(w);
    const xt = tf.tensor3d(x, [b, l, 16]);
    expect(maxRelErr(await take(layer.prefill(xt, null, ctx)), want)).toBeLessThan(TOL);
    const l0 = Math.max(1, l - 9);
    const cache = layer.createCache(b, 3, 'pow2') as KvCache; // grows while decoding
    const xs = tf.split(xt, [l0, ...Array(l - l0).fill(1)], 1) as tf.Tensor3D[];
    const got: Float32Array[] = [await take(layer.prefill(xs[0]!, cache, ctx))];
    for (let p = l0; p < l; p++) got.push(await take(layer.decode(xs[p - l0 + 1]!, cache, p, ctx)));
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

  it('each option changes the output (the tests above can tell them apart)', async () => {
    const r = rng();
    const x = r.normals(9 * 16, 1);
    const plain: AttentionDims = { dIn: 16, dOut: 16, nHeads: 4, nKvHeads: 2, headDim: 8, rope: true, ropeTheta: 10_000, slidingWindow: null };
    const seedW = 77;
    const ref = (d: AttentionDims) => attentionRef(initAttentionWeights(d, false, new Rng(seedW)), f64(x), 1, 9);
    const y0 = ref(plain);
    for (const part of [{ outputGate: true }, { qkNorm: true }, { ropeDims: 2 }] as Partial<AttentionDims>[]) {
      expect(maxRelErr(ref({ ...plain, ...part }), y0)).toBeGreaterThan(1e-3);
    }
  });
});

describe('attention options: tensors and cost', () => {
  it('Qwen3-Next gated attention (hybrids-2026 §7): q_proj [2·16·256, d], k/v_proj [2·256, d], o_proj [d, 4096], q_norm/k_norm [256], RoPE on 64 of 256 dims', () => {
    const c = attentionCost(QWEN3_NEXT_ATTN, { dModel: 2048 });
    expect(c.tensors.map((t) => [t.name, t.shape])).toEqual([
      ['q_proj.weight', [2 * 16 * 256, 2048]],
      ['k_proj.weight', [2 * 256, 2048]],
      ['v_proj.weight', [2 * 256, 2048]],
      ['o_proj.weight', [2048, 4096]],
      ['q_norm.weight', [256]],
      ['k_norm.weight', [256]],
    ]);
    expect(c.params).toBe(8192 * 2048 + 2 * 512 * 2048 + 2048 * 4096 + 2 * 256);
    expect(c.macsPerToken).toBe(c.params - 512); // the norm gains are elementwise
    expect(ropeDims(QWEN3_NEXT_ATTN)).toBe(64);
    expect(attentionDims(QWEN3_NEXT_ATTN, 2048, 2048).ropeDims).toBe(64);
    expect(c.kv!.tensors.map((t) => [t.name, t.shape])).toEqual([
      ['k_cache', [2, 256]],
      ['v_cache', [2, 256]],
    ]);
  });

  it('a Qwen3-Next-shaped 3:1 stack keeps 12 × 2 × 2 × 256 = 24,576 B of KV per token in bf16 (§7)', () => {
    const d = DesignSchema.parse({
      format: FORMAT,
      name: 'qwen3-next attention',
      vocabSize: 151_936,
      dModel: 2048,
      maxContext: 262_144,
      dtype: 'bf16',
      layers: Array.from({ length: 48 }, (_, i) => ({ mixer: (i + 1) % 4 ? { kind: 'none' } : QWEN3_NEXT_ATTN, ffn: { kind: 'none' } })),
    });
    expect(analyzeDesign(d).kvGroups).toEqual([{ window: null, bytesPerToken: 24_576, layers: 12 }]);
    expect(costAt(d, 262_144).kvCacheBytes).toBe(24_576 * 262_144); // 6.0 GiB
  });

  it('the exported tensors: q_proj rows per head [query, gate], q_norm and k_norm', () => {
    const dims = attentionDims(AttentionSchema.parse({ kind: 'attention', nHeads: 4, nKvHeads: 2, headDim: 8, outputGate: true, qkNorm: true, ropeFraction: 0.5 }), 16, 16);
    const w = initAttentionWeights(dims, false, new Rng(4));
    expect(attentionEntries(w).map(([n, s]) => [n, s])).toEqual([
      ['q_proj.weight', [2 * 4 * 8, 16]],
      ['k_proj.weight', [16, 16]],
      ['v_proj.weight', [16, 16]],
      ['o_proj.weight', [16, 32]],
      ['q_norm.weight', [8]],
      ['k_norm.weight', [8]],
    ]);
    // The options take their own seeds: wk, wv, wo are those of the plain layer.
    const plain = initAttentionWeights({ ...dims, outputGate: false, qkNorm: false }, false, new Rng(4));
    expect(w.wk.data).toEqual(plain.wk.data);
    expect(w.wo.data).toEqual(plain.wo.data);
  });

  it('a Jamba config refuses the options it cannot express, naming the field', () => {
    const jamba = (mixer: Record<string, unknown>) =>
      DesignSchema.parse({
        format: FORMAT,
        name: 'j',
        vocabSize: 100,
        dModel: 64,
        maxContext: 4096,
        layers: [
          { mixer: { kind: 'mamba', dState: 16, dConv: 4, expand: 2, innerNorms: true }, ffn: { kind: 'mlp', width: 128 } },
          { mixer: { kind: 'attention', nHeads: 4, nKvHeads: 2, headDim: 16, positional: 'none', ...mixer }, ffn: { kind: 'mlp', width: 128 } },
        ],
      });
    expect(exportHfConfig(jamba({})).ok).toBe(true);
    expect(exportHfConfig(jamba({ outputGate: true }))).toMatchObject({ ok: false, issues: [{ path: 'layers[1].mixer.outputGate' }] });
    expect(exportHfConfig(jamba({ qkNorm: true }))).toMatchObject({ ok: false, issues: [{ path: 'layers[1].mixer.qkNorm' }] });
  });
});

describe('attention options: rules and run-profile scaling', () => {
  const design = (mixer: Record<string, unknown>) =>
    validateDesign({ format: FORMAT, name: 'r', vocabSize: 10, dModel: 2048, maxContext: 4096, layers: [{ mixer: { kind: 'attention', nHeads: 16, nKvHeads: 2, headDim: 256, ...mixer }, ffn: { kind: 'none' } }] });
  it.each([
    [{ ropeFraction: 0.3 }, /ropeFraction 0.3 rotates 76.8 of the 256 head dims; RoPE needs an even whole number of them/],
    [{ ropeFraction: 0.01171875 }, /rotates 3 of the 256 head dims/], // 3 dims: odd
    [{ ropeFraction: 0 }, /greater than 0/],
    [{ ropeFraction: 1.5 }, /at most 1/],
    [{ ropeFraction: 'half' }, /number/],
    [{ outputGate: 'yes' }, /expected true or false/],
    [{ qkNorm: 1 }, /expected true or false/],
  ])('%j is refused, naming the field', (over, message) => {
    const r = design(over);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const key = Object.keys(over)[0]!;
    const own = r.issues.find((i) => i.path === `layers[0].mixer.${key}`);
    expect(own, formatIssues(r.issues)).toBeDefined();
    expect(own!.message).toMatch(message);
  });

  it('accepts Qwen3-Next 0.25 and Bamba 0.5; a fraction that rotates odd dims is fine without RoPE', () => {
    expect(design({ ropeFraction: 0.25, outputGate: true, qkNorm: true }).ok).toBe(true);
    expect(design({ ropeFraction: 0.5 }).ok).toBe(true);
    expect(design({ ropeFraction: 0.3, positional: 'none' }).ok).toBe(true);
  });

  it('documents without the options keep their exact JSON (and design key) and mean no gate, no q/k norm, full rotary', () => {
    const old = AttentionSchema.parse({ kind: 'attention', nHeads: 4, nKvHeads: 4, headDim: 8 });
    expect(Object.keys(old).sort()).toEqual(['bias', 'headDim', 'kind', 'nHeads', 'nKvHeads', 'positional', 'slidingWindow']);
    const explicit = AttentionSchema.parse({ ...old, outputGate: false, qkNorm: false, ropeFraction: 1 });
    expect(attentionCost(old, { dModel: 32 })).toEqual(attentionCost(explicit, { dModel: 32 }));
    expect(attentionDims(old, 32, 32)).toMatchObject({ ropeDims: 8 });
    expect(attentionSpec.summary(old)).toBe(attentionSpec.summary(explicit));
  });

  it.each(Object.values(RUN_PROFILES).map((p) => [p.name, p] as const))('the %s profile keeps the flags and the rotary share as an even number of dims', (_n, p) => {
    const s = attentionSpec.scale(QWEN3_NEXT_ATTN, { dFull: 2048, profile: p });
    expect(s).toMatchObject({ outputGate: true, qkNorm: true, headDim: p.headDim, ropeFraction: 0.25 });
    expect(ropeDims(s)).toBe(p.headDim / 4);
    const tiny = attentionSpec.scale({ ...QWEN3_NEXT_ATTN, ropeFraction: 0.0625 }, { dFull: 2048, profile: p }); // 16 of 256
    expect(ropeDims(tiny) % 2).toBe(0);
    expect(ropeDims(tiny)).toBe(Math.max(2, 2 * Math.round((0.0625 * p.headDim) / 2)));
    expect(AttentionSchema.safeParse(tiny).success).toBe(true);
    expect(attentionSpec.scale({ ...QWEN3_NEXT_ATTN, ropeFraction: 1 }, { dFull: 2048, profile: p }).ropeFraction).toBe(1);
  });

  it('summary names the options', () => {
    expect(attentionSpec.summary(QWEN3_NEXT_ATTN)).toBe('Attention GQA 16/2 gated qk-norm RoPE 64/256');
  });
});

describe('models with the options on wasm: a Qwen3-Next-like stack and a Zamba shared block', () => {
  let base = 0;
  beforeAll(async () => {
    await useTestBackend('wasm');
    base = tf.memory().numTensors;
  });
  afterAll(() => expect(tf.memory().numTensors).toBe(base));

  const gated = { kind: 'attention', nHeads: 4, nKvHeads: 2, headDim: 4, outputGate: true, qkNorm: true, ropeFraction: 0.5 } as const;
  const zamba: Design = DesignSchema.parse({
    format: FORMAT,
    name: 'options + shared block',
    vocabSize: 47,
    dModel: 16,
    maxContext: 4096,
    sharedBlocks: [{ id: 's', attention: { ...gated, headDim: 8, positional: 'rope' }, ffn: { kind: 'mlp', width: 24 } }],
    layers: [
      { mixer: { kind: 'mamba2', dState: 4, headDim: 8, nGroups: 1, dConv: 4, expand: 2 }, ffn: { kind: 'none' } },
      { mixer: { kind: 'shared', blockId: 's' }, ffn: { kind: 'none' } },
      { mixer: gated, ffn: { kind: 'mlp', width: 32 } },
      { mixer: { kind: 'shared', blockId: 's' }, ffn: { kind: 'none' } },
    ],
  });

  it('prefill then decode past a bucket equals the full forward and the Float64 reference model', async () => {
    const seed = (Date.now() & 0xffff) + 3;
    const weights = initModelWeights(zamba, seed);
    const model = new RuntimeModel(weights, { backend: 'wasm', scan: 'chunked' });
    const tokens = Array.from({ length: 21 }, (_, i) => (i * 13 + seed) % zamba.vocabSize);
    const caches = model.createCaches(1, 4, 'pow2');
    const ids0 = tf.tensor2d(tokens.slice(0, 6), [1, 6], 'int32');
    await take(model.prefill(ids0, caches));
    ids0.dispose();
    let last: Float32Array | null = null;
    for (let p = 6; p < tokens.length; p++) {
      const one = tf.tensor2d([tokens[p]!], [1, 1], 'int32');
      last = await take(model.decode(one, caches, p));
      one.dispose();
    }
    const all = tf.tensor2d(tokens, [1, tokens.length], 'int32');
    expect(maxRelErr(last!, await take(model.prefill(all, null)))).toBeLessThan(TOL);
    all.dispose();
    expect(maxRelErr(last!, referenceLogits(weights, tokens))).toBeLessThan(TOL);
    caches.dispose();
    model.dispose();
    expect(tf.memory().numTensors).toBe(base);
  });

  it('a bench sweep (tiny profile) measures the KV bytes the cost model predicts', async () => {
    const res = await runBench({
      design: zamba,
      seqLens: [16, 24],
      backend: 'wasm',
      scan: 'auto',
      profile: getRunProfile('tiny')!,
      seed: 5,
      batch: 1,
      decodeSteps: 2,
      repeats: 1,
      memoryBudgetBytes: 2 ** 30,
    });
    for (const p of res.points) {
      expect(p.kvCacheBytes).toBe(p.predictedKvCacheBytes);
      expect(p.kvCacheBytes).toBeGreaterThan(0);
    }
    const scaledGated = res.scaledDesign.layers.flatMap((l) => ('mixer' in l && l.mixer.kind === 'attention' ? [l.mixer] : []));
    expect(scaledGated[0]).toMatchObject({ outputGate: true, qkNorm: true });
    expect(tf.memory().numTensors).toBe(base);
  });
});

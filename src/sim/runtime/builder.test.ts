import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getPreset } from '../../models/presets';
import { DesignSchema, FORMAT, type Design } from '../../models/schema';
import { initBackend } from './backend';
import { RuntimeModel, initModelWeights } from './builder';
import { getRunProfile, scaleDesign } from './profile';
import { referenceLogits } from './reference/model';
import { maxRelErr, take } from './testing/compare';

const TOL = 1e-4;

/** A small design that uses every non-SSM kind: GQA + window, MQA + bias, shared block with MoE, none mixer, gelu MLP. */
const mixed: Design = DesignSchema.parse({
  format: FORMAT,
  name: 'mixed test design',
  vocabSize: 97,
  dModel: 32,
  norm: 'layernorm',
  tiedEmbeddings: true,
  maxContext: 4096,
  sharedBlocks: [{ id: 's', attention: { kind: 'attention', nHeads: 8, nKvHeads: 4, headDim: 8 }, ffn: { kind: 'moe', nExperts: 4, topK: 2, expertWidth: 48 } }],
  layers: [
    { mixer: { kind: 'attention', nHeads: 4, nKvHeads: 2, headDim: 8, slidingWindow: 6 }, ffn: { kind: 'mlp', width: 64, activation: 'gelu', bias: true } },
    { mixer: { kind: 'shared', blockId: 's' }, ffn: { kind: 'none' } },
    { mixer: { kind: 'none' }, ffn: { kind: 'moe', nExperts: 4, topK: 1, expertWidth: 40 } },
    { mixer: { kind: 'attention', nHeads: 4, nKvHeads: 1, headDim: 8, positional: 'none', bias: true }, ffn: { kind: 'mlp', width: 48 } },
    { mixer: { kind: 'shared', blockId: 's' }, ffn: { kind: 'mlp', width: 48 } },
  ],
});

const tiny = (id: string) => scaleDesign(getPreset(id)!.design, getRunProfile('tiny')!).design;

const cases: [string, () => Design][] = [
  ['mixed attention / shared / MoE / none design', () => mixed],
  ['mixtral-8x7b tiny profile', () => tiny('mixtral-8x7b')],
  ['mistral-7b tiny profile', () => tiny('mistral-7b')],
  ['jamba-v0.1 tiny profile', () => tiny('jamba-v0.1')],
  ['zamba-7b tiny profile', () => tiny('zamba-7b')],
  ['stripedhyena-7b tiny profile', () => tiny('stripedhyena-7b')],
  ['mamba2-hybrid-8b tiny profile', () => tiny('mamba2-hybrid-8b')],
];

describe.each(['cpu', 'wasm'] as const)('model builder on %s', (backend) => {
  let base = 0;
  beforeAll(async () => {
    await initBackend(backend);
    base = tf.memory().numTensors;
  });
  afterAll(() => expect(tf.memory().numTensors).toBe(base));

  // The cpu backend costs ~100 µs per op, so it runs the attention-only designs and Jamba; wasm runs every case.
  it.each(backend === 'cpu' ? cases.slice(0, 4) : cases)('%s: prefill logits match the Float64 reference model; prefill-then-decode matches full forwards', async (_n, make) => {
    const design = make();
    const seed = (Date.now() & 0xffff) + 1;
    const weights = initModelWeights(design, seed);
    const model = new RuntimeModel(weights, { backend, scan: 'chunked' });
    const V = design.vocabSize;
    const tokens = Array.from({ length: 14 }, (_, i) => (i * 37 + seed) % V);
    const l0 = 9;
    // Full forward of every prefix length l0..14, on the tfjs model and the reference model.
    for (const l of [l0, tokens.length]) {
      const ids = tf.tensor2d(tokens.slice(0, l), [1, l], 'int32');
      const got = await take(model.prefill(ids, null));
      ids.dispose();
      expect(maxRelErr(got, referenceLogits(weights, tokens.slice(0, l)))).toBeLessThan(TOL);
    }
    const caches = model.createCaches(1, tokens.length);
    const ids0 = tf.tensor2d(tokens.slice(0, l0), [1, l0], 'int32');
    const first = await take(model.prefill(ids0, caches));
    ids0.dispose();
    const full0 = tf.tensor2d(tokens.slice(0, l0), [1, l0], 'int32');
    expect(maxRelErr(first, await take(model.prefill(full0, null)))).toBeLessThan(TOL);
    full0.dispose();
    for (let p = l0; p < tokens.length; p++) {
      const one = tf.tensor2d([tokens[p]!], [1, 1], 'int32');
      const step = await take(model.decode(one, caches, p));
      one.dispose();
      const prefix = tf.tensor2d(tokens.slice(0, p + 1), [1, p + 1], 'int32');
      const full = await take(model.prefill(prefix, null));
      prefix.dispose();
      expect(maxRelErr(step, full)).toBeLessThan(TOL);
    }
    caches.dispose();
    model.dispose();
  });

  it('batch of 2 sequences: each row equals its own single-sequence forward', async () => {
    const weights = initModelWeights(mixed, 5);
    const model = new RuntimeModel(weights, { backend, scan: 'chunked' });
    const a = [1, 5, 9, 13, 2, 7];
    const b = [4, 4, 8, 90, 11, 3];
    const both = tf.tensor2d([...a, ...b], [2, 6], 'int32');
    const got = await take(model.prefill(both, null));
    both.dispose();
    model.dispose();
    expect(maxRelErr(got.subarray(0, 97), referenceLogits(weights, a))).toBeLessThan(TOL);
    expect(maxRelErr(got.subarray(97), referenceLogits(weights, b))).toBeLessThan(TOL);
  });

  it('the same seed gives the same weights; another seed does not', () => {
    const a = initModelWeights(mixed, 3);
    const b = initModelWeights(mixed, 3);
    const c = initModelWeights(mixed, 4);
    expect(a.embedding.table.data).toEqual(b.embedding.table.data);
    expect(a.embedding.table.data).not.toEqual(c.embedding.table.data);
  });
});

import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DesignSchema, FORMAT, type Design } from '../../models/schema';
import { analyzeDesign } from '../../sim/cost/analyzeDesign';
import { initBackend } from '../../sim/runtime/backend';
import { RuntimeModel, initModelWeights } from '../../sim/runtime/builder';
import { referenceLogits } from '../../sim/runtime/reference/model';
import { Rng } from '../../sim/runtime/rng';
import { maxRelErr, take } from '../../sim/runtime/testing/compare';
import { mergeLowRank } from './layer';
import { sharedRuntime } from './runtime';

/** A Zamba2-shaped toy: two shared blocks used ABAB, adapters on the MLP (and on q, k, v in block b). */
function zamba2Toy(adapters: boolean): Design {
  const block = (id: string, attention: boolean) => ({
    id,
    attention: { kind: 'attention', nHeads: 4, nKvHeads: 4, headDim: 16, positional: 'none' },
    ffn: { kind: 'mlp', width: 48, activation: 'swiglu' },
    ...(adapters ? { adapters: { rank: 4, mlp: true, attention } } : {}),
  });
  const mamba = { mixer: { kind: 'mamba2', dState: 8, headDim: 8, nGroups: 1, dConv: 4, expand: 2, chunkSize: 16 }, ffn: { kind: 'none' } };
  const call = (id: string) => ({ mixer: { kind: 'shared', blockId: id }, ffn: { kind: 'none' } });
  return DesignSchema.parse({
    format: FORMAT,
    name: 'zamba2 toy',
    vocabSize: 61,
    dModel: 32,
    tiedEmbeddings: true,
    maxContext: 1024,
    sharedBlocks: [block('a', false), block('b', true)],
    layers: [mamba, call('a'), mamba, call('b'), mamba, call('a'), mamba],
  });
}

describe('Zamba2 low-rank adapters', () => {
  it('mergeLowRank: x (W + A B) equals x W + (x A) B on random inputs', () => {
    const rng = new Rng(11);
    const [dIn, dOut, r] = [7, 5, 3];
    const w = { shape: [dIn, dOut], data: rng.normals(dIn * dOut, 1) };
    const a = { shape: [dIn, r], data: rng.normals(dIn * r, 1) };
    const b = { shape: [r, 2 * dOut], data: rng.normals(r * 2 * dOut, 1) };
    const x = Array.from(rng.normals(dIn, 1));
    for (const col0 of [0, dOut]) {
      const merged = mergeLowRank(w, { a, b }, col0);
      for (let j = 0; j < dOut; j++) {
        let direct = 0;
        for (let i = 0; i < dIn; i++) direct += x[i]! * w.data[i * dOut + j]!;
        for (let k = 0; k < r; k++) {
          let xa = 0;
          for (let i = 0; i < dIn; i++) xa += x[i]! * a.data[i * r + k]!;
          direct += xa * b.data[k * 2 * dOut + col0 + j]!;
        }
        let viaMerged = 0;
        for (let i = 0; i < dIn; i++) viaMerged += x[i]! * merged.data[i * dOut + j]!;
        expect(Math.abs(viaMerged - direct)).toBeLessThan(1e-4 * Math.max(1, Math.abs(direct)));
      }
    }
  });

  it('cost: each call stores its adapters with HF modeling_zamba2.py shapes (gate_up 2f; q, k, v in and out 2d)', () => {
    const c = analyzeDesign(zamba2Toy(true));
    const callA = c.layers[1]!.tensors.map((t) => `${t.name} ${t.shape.join('x')}`);
    expect(callA).toEqual(['mixer.linear.weight 32x32', 'mixer.feed_forward.gate_up_proj_adapter.0.weight 4x32', 'mixer.feed_forward.gate_up_proj_adapter.1.weight 96x4']);
    const callB = c.layers[3]!.tensors.map((t) => t.name);
    expect(callB).toContain('mixer.self_attn.linear_q_adapter.0.weight');
    expect(c.layers[3]!.tensors.find((t) => t.name === 'mixer.self_attn.linear_v_adapter.0.weight')!.shape).toEqual([4, 64]);
    expect(c.layers[3]!.tensors.find((t) => t.name === 'mixer.self_attn.linear_v_adapter.1.weight')!.shape).toEqual([64, 4]);
    const without = analyzeDesign(zamba2Toy(false));
    // Two calls of a: 2 × (4·32 + 96·4); one call of b: that plus 3 × (4·64 + 64·4).
    expect(c.params.total - without.params.total).toBe(3 * (4 * 32 + 96 * 4) + 3 * (4 * 64 + 64 * 4));
  });

  it('an MoE block cannot carry MLP adapters', () => {
    const d = JSON.parse(JSON.stringify(zamba2Toy(true))) as { sharedBlocks: { ffn: unknown }[] };
    d.sharedBlocks[0]!.ffn = { kind: 'moe', nExperts: 4, topK: 2, expertWidth: 16 };
    const r = DesignSchema.safeParse(d);
    expect(r.success).toBe(false);
  });

  describe.each(['wasm', 'cpu'] as const)('runtime on %s', (backend) => {
    let base = 0;
    beforeAll(async () => {
      await initBackend(backend);
      base = tf.memory().numTensors;
    });
    afterAll(() => expect(tf.memory().numTensors).toBe(base));

    it('prefill matches the Float64 reference; decode matches prefill; adapters change the output', async () => {
      const design = zamba2Toy(true);
      const weights = initModelWeights(design, 5);
      const model = new RuntimeModel(weights, { backend, scan: 'chunked' });
      const tokens = [3, 14, 15, 9, 26, 5, 35];
      const ids = tf.tensor2d(tokens, [1, tokens.length], 'int32');
      const got = await take(model.prefill(ids, null));
      ids.dispose();
      expect(maxRelErr(got, referenceLogits(weights, tokens))).toBeLessThan(1e-4);
      // Without the adapters (same seed, same other weights) the logits differ.
      const plain = { ...weights, layers: weights.layers.map((l) => (l.mixer.kind === 'shared' ? { ...l, mixer: { kind: 'shared' as const, weights: { ...l.mixer.weights, adapters: null } } } : l)) };
      expect(maxRelErr(got, referenceLogits(plain, tokens))).toBeGreaterThan(1e-3);
      const caches = model.createCaches(1, tokens.length);
      const head = tf.tensor2d(tokens.slice(0, 6), [1, 6], 'int32');
      (await take(model.prefill(head, caches)));
      head.dispose();
      const one = tf.tensor2d([tokens[6]!], [1, 1], 'int32');
      const step = await take(model.decode(one, caches, 6));
      one.dispose();
      expect(maxRelErr(step, got)).toBeLessThan(1e-4);
      caches.dispose();
      model.dispose();
    });
  });

  it('export entries: the per-call tensors the cost model counts, in torch (out, in) layout', () => {
    const design = zamba2Toy(true);
    const w = initModelWeights(design, 2);
    const call = w.layers[3]!.mixer;
    if (call.kind !== 'shared') throw new Error('layer 3 calls block b');
    const entries = sharedRuntime.entries(call.weights);
    const cost = analyzeDesign(design).layers[3]!.tensors.filter((t) => t.name.startsWith('mixer.'));
    expect(entries.map(([n, s]) => `mixer.${n} ${s.join('x')}`)).toEqual(cost.map((t) => `${t.name} ${t.shape.join('x')}`));
  });
});

import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../sim/runtime/rng';
import { f64, linearRef, softmaxRowsRef } from '../../sim/runtime/reference/ops';
import { maxRelErr, take } from '../../sim/runtime/testing/compare';
import { useTestBackend } from '../../sim/runtime/testBackend';
import { MlpLayer, initMlpWeights, type Activation } from '../mlp/layer';
import { mlpRef } from '../mlp/reference';
import { FFN_ACTIVATIONS } from '../mlp/spec';
import { MoeLayer, initMoeFromDesign, initMoeWeights, type MoeCombine, type MoeWeights } from './layer';
import { moeRef } from './reference';
import { MoeSchema, type MoeFfn } from './spec';
import { moeEntries } from './runtime';

const TOL = 1e-4;
const D = 16;
const fresh = () => new Rng((Date.now() ^ (Math.random() * 0x7fffffff)) >>> 0);

/** The MoE option sets of the 2025-2026 models, at test size (8 experts, top-3). */
const OPTIONS: [string, Partial<MoeFfn>][] = [
  ['Jamba: softmax, no renormalisation', { normTopK: false }],
  ['Mixtral: softmax, renormalised', {}],
  ['Qwen3-Next: softmax, renormalised, one shared expert with a sigmoid gate', { sharedExperts: 1, sharedExpertGate: true }],
  ['Kimi / DeepSeek-V3: sigmoid + selection bias, renormalised, routed scale 2.446, shared experts fused', { router: 'sigmoid', routerBias: true, routedScale: 2.446, sharedExperts: 2 }],
  ['Nemotron-3: relu² experts, sigmoid + bias, shared width 2f', { activation: 'relu2', router: 'sigmoid', routerBias: true, sharedExperts: 1, sharedExpertWidth: 48 }],
  ['GeGLU experts, sigmoid, not renormalised', { activation: 'geglu', router: 'sigmoid', normTopK: false }],
];
const moe = (o: Partial<MoeFfn>): MoeFfn => MoeSchema.parse({ kind: 'moe', nExperts: 8, topK: 3, expertWidth: 24, ...o });

describe.each(['cpu', 'wasm'] as const)('FFN options vs their Float64 references on %s', (backend) => {
  let baseline = 0;
  beforeAll(async () => {
    await useTestBackend(backend);
  });
  afterEach(() => {
    expect(tf.memory().numTensors).toBe(baseline);
  });

  it.each(FFN_ACTIVATIONS.flatMap((a) => [false, true].map((bias) => [a, bias] as const)))('mlp %s (bias %s)', async (act, bias) => {
    baseline = tf.memory().numTensors;
    const r = fresh();
    const w = initMlpWeights(act as Activation, D, 40, bias, r);
    const x = r.normals(2 * 5 * D, 1);
    const layer = new MlpLayer(w);
    const xt = tf.tensor3d(x, [2, 5, D]);
    const y = await take(layer.apply(xt));
    xt.dispose();
    layer.dispose();
    expect(maxRelErr(y, mlpRef(w, f64(x), 10))).toBeLessThan(TOL);
  });

  describe.each(['gather', 'dense'] as MoeCombine[])('moe, %s combine', (combine) => {
    it.each(OPTIONS)('%s', async (_name, o) => {
      baseline = tf.memory().numTensors;
      const r = fresh();
      const w = initMoeFromDesign(moe(o), D, r);
      const x = r.normals(2 * 9 * D, 1);
      const layer = new MoeLayer(w, combine);
      const xt = tf.tensor3d(x, [2, 9, D]);
      const y = await take(layer.apply(xt));
      xt.dispose();
      layer.dispose();
      expect(maxRelErr(y, moeRef(w, f64(x), 18))).toBeLessThan(TOL);
    });
  });
});

/** One token through the reference, against the routing rules written out by hand. */
describe('MoE reference semantics', () => {
  const x = f64(new Rng(5).normals(D));
  const scores = (w: MoeWeights, kind: 'softmax' | 'sigmoid') => {
    const l = linearRef(x, 1, w.router);
    return kind === 'softmax' ? softmaxRowsRef(l, l.length) : l.map((v) => 1 / (1 + Math.exp(-v)));
  };
  const expertSum = (w: MoeWeights, weights: Map<number, number>) => {
    const y = new Float64Array(D);
    for (const [e, p] of weights) mlpRef(w.experts[e]!, x, 1).forEach((v, i) => (y[i]! += p * v));
    return y;
  };

  it('sigmoid router, all experts, no renormalisation: y = Σ σ(x·r_e) · expert_e(x)', () => {
    const w = initMoeWeights('swiglu', D, 5, 5, 12, new Rng(1), { router: 'sigmoid', normTopK: false });
    const s = scores(w, 'sigmoid');
    expect(maxRelErr(moeRef(w, x, 1), expertSum(w, new Map(Array.from(s, (p, e) => [e, p]))))).toBeLessThan(1e-12);
  });

  it('the selection bias picks the experts, the unbiased scores weight them (renormalised over the chosen, × routed scale)', () => {
    const w = initMoeWeights('relu2', D, 6, 2, 12, new Rng(2), { router: 'sigmoid', routerBias: true, routedScale: 2.446 });
    const s = scores(w, 'sigmoid');
    // Push expert 5 far up: it must be chosen whatever its score; its weight is still its own score.
    w.routerBias!.data.fill(0);
    w.routerBias!.data[5] = 100;
    const best = [0, 1, 2, 3, 4].sort((a, b) => s[b]! - s[a]!)[0]!;
    const total = s[5]! + s[best]!;
    const want = expertSum(w, new Map([[5, (2.446 * s[5]!) / total], [best, (2.446 * s[best]!) / total]]));
    expect(maxRelErr(moeRef(w, x, 1), want)).toBeLessThan(1e-12);
  });

  it('a gated shared expert adds σ(x·g) · shared(x) to the routed sum', () => {
    const w = initMoeWeights('swiglu', D, 4, 1, 12, new Rng(3), { sharedWidth: 20, sharedGate: true, normTopK: false });
    const s = scores(w, 'softmax');
    const top = [0, 1, 2, 3].sort((a, b) => s[b]! - s[a]!)[0]!;
    const g = 1 / (1 + Math.exp(-linearRef(x, 1, w.sharedGate!)[0]!));
    const want = expertSum(w, new Map([[top, s[top]!]]));
    mlpRef(w.shared!, x, 1).forEach((v, i) => (want[i]! += g * v));
    expect(maxRelErr(moeRef(w, x, 1), want)).toBeLessThan(1e-12);
  });

  it('a design without the options keeps its router and expert weights (same forks as before)', () => {
    const plain = initMoeWeights('swiglu', D, 4, 2, 12, new Rng(9));
    const withShared = initMoeWeights('swiglu', D, 4, 2, 12, new Rng(9), { sharedWidth: 12, routerBias: true });
    expect(withShared.router.data).toEqual(plain.router.data);
    expect(withShared.experts[3]!.down.data).toEqual(plain.experts[3]!.down.data);
  });

  it('exports the options under the cost model’s names, torch layout', () => {
    const w = initMoeFromDesign(moe({ sharedExperts: 1, sharedExpertGate: true, routerBias: true, activation: 'relu2' }), D, new Rng(4));
    const names = moeEntries(w).map(([n, s]) => `${n} ${s.join('x')}`);
    expect(names.filter((n) => !n.startsWith('experts.'))).toEqual([
      'router.weight 8x16',
      'router.e_score_correction_bias 8',
      'shared_experts.up_proj.weight 24x16',
      'shared_experts.down_proj.weight 16x24',
      'shared_expert_gate.weight 1x16',
    ]);
    expect(names.filter((n) => n.startsWith('experts.0.'))).toEqual(['experts.0.up_proj.weight 24x16', 'experts.0.down_proj.weight 16x24']);
  });
});

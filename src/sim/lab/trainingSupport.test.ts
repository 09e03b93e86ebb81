import { describe, expect, it } from 'vitest';
import { getPreset } from '../../models/presets';
import { initModelWeights } from '../runtime/builder';
import type { Param } from '../runtime/params';
import { Rng } from '../runtime/rng';
import { DEFAULT_LAB_OPTIONS, labDesign } from './labProfile';
import { applyLabInit, constrainWeights, decayedParams, gradientPaths } from './trainingSupport';

const std = (p: Param) => Math.sqrt(p.data.reduce((s, v) => s + v * v, 0) / p.data.length);

describe('lab init and training support over a whole model', () => {
  const lab = labDesign(getPreset('jamba-v0.1')!.design, 512, { ...DEFAULT_LAB_OPTIONS, ffn: true }).design;

  it('initialises embeddings, attention branches and the other branches at their own scales', () => {
    const w = initModelWeights(lab, 1);
    applyLabInit(w, { embedStd: 0.02, outProjStd: 0.002, attentionOutProjStd: 0.02 }, new Rng(2));
    expect(std(w.embedding.table)).toBeCloseTo(0.02, 2);
    const attn = w.layers[4]!.mixer;
    const mamba = w.layers[0]!.mixer;
    expect(attn.kind === 'attention' && std(attn.weights.wo)).toBeCloseTo(0.02, 2);
    expect(mamba.kind === 'mamba' && std(mamba.weights.weights.outProj)).toBeCloseTo(0.002, 3);
    const moe = w.layers[1]!.ffn;
    expect(moe.kind === 'moe' && std(moe.weights.experts[0]!.down)).toBeCloseTo(0.002, 3);
    // the in-projections keep the runtime's 1/sqrt(fan-in) scale
    expect(mamba.kind === 'mamba' && std(mamba.weights.weights.inProj)).toBeCloseTo(1 / Math.sqrt(32), 1);
  });

  it('decays projection matrices only, and names each kind’s gradient path', () => {
    const w = initModelWeights(lab, 1);
    const decayed = decayedParams(w);
    const mamba = w.layers[0]!.mixer;
    if (mamba.kind !== 'mamba') throw new Error('expected a Mamba layer');
    expect(decayed.has(mamba.weights.weights.inProj)).toBe(true);
    expect(decayed.has(mamba.weights.weights.aLog)).toBe(false);
    expect(decayed.has(mamba.weights.weights.d)).toBe(false);
    expect(decayed.has(w.embedding.table)).toBe(true);
    expect(gradientPaths(w, 'simd').map((g) => g.kind)).toEqual(['mamba', 'mlp', 'moe', 'attention']);
    expect(gradientPaths(w, 'chunked')[0]!.path).toMatch(/^selective scan: chunked tf-op form/);
  });

  it('keeps Hyena poles inside the unit circle after a step', () => {
    const hyena = labDesign(getPreset('stripedhyena-7b')!.design, 512).design;
    const w = initModelWeights(hyena, 1);
    const h = w.layers.find((l) => l.mixer.kind === 'hyena')!.mixer;
    if (h.kind !== 'hyena') throw new Error('expected a Hyena layer');
    h.weights.weights.poles.data[0] = 1.5;
    h.weights.weights.poles.data[1] = 0.5;
    constrainWeights(w);
    expect(Math.hypot(h.weights.weights.poles.data[0]!, h.weights.weights.poles.data[1]!)).toBeCloseTo(0.999, 6);
  });
});

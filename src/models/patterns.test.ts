import { describe, expect, it } from 'vitest';
import { alternate, applyRatio, attentionPositions, defaultSharedBlock, megatronHybridPattern, ratioVariants, sharedEvery } from './patterns';
import { getPreset, makeTemplate } from './presets';
import { expandLayers, type Design, type Layer } from './schema';
import { validateDesign } from './validate';

const layersOf = (d: Design): Layer[] => expandLayers(d.layers);
const where = (ls: Layer[], f: (l: Layer) => boolean) => ls.flatMap((l, i) => (f(l) ? [i] : []));
const isAttn = (l: Layer) => l.mixer.kind === 'attention';
const valid = (d: Design) => {
  const r = validateDesign(JSON.parse(JSON.stringify(d)));
  return r.ok ? 'ok' : r.issues;
};
const base = makeTemplate('mamba', { dModel: 256, nLayers: 32, vocabSize: 1000 });

describe('megatronHybridPattern', () => {
  it('reproduces Mamba-2-Hybrid 8B (56 layers, 0.08 attention, 0.5 MLP)', () => {
    const s = megatronHybridPattern(56, 0.08, 0.5).map((k) => (k === 'mamba' ? 'M' : k === 'attention' ? '*' : '-')).join('');
    expect(s).toBe('M-M-M--M-M*-M-M-M-M--M*-M-M-M-M-M*--M-M-M-M-M*-M--M-M-M-');
  });
  it('starts and ends with Mamba when it places attention', () => {
    for (const n of [8, 13, 24, 48]) {
      const k = megatronHybridPattern(n, 0.25, 0);
      expect(k[0]).toBe('mamba');
      expect(k[n - 1]).toBe('mamba');
      expect(k.filter((x) => x === 'attention')).toHaveLength(Math.round(n * 0.25));
    }
  });
  it('rejects ratios that sum above 1', () => {
    expect(() => megatronHybridPattern(8, 0.6, 0.6)).toThrow(/ratios/);
  });
});

describe('applyRatio', () => {
  it('1:7 over 32 layers with period placement puts 4 attention layers at Jamba offsets', () => {
    const d = applyRatio(base, { attn: 1, other: 7, nLayers: 32, placement: 'period', otherMixer: 'mamba' });
    expect(where(layersOf(d), isAttn)).toEqual([4, 12, 20, 28]);
    expect(valid(d)).toBe('ok');
  });
  it('1:1 gives 16 attention layers of 32', () => {
    const d = applyRatio(base, { attn: 1, other: 1, nLayers: 32, placement: 'period', otherMixer: 'mamba' });
    expect(where(layersOf(d), isAttn)).toHaveLength(16);
  });
  it('2:6 with offset 3 puts two adjacent attention layers per period', () => {
    const d = applyRatio(base, { attn: 2, other: 6, nLayers: 16, placement: 'period', offset: 3, otherMixer: 'mamba' });
    expect(where(layersOf(d), isAttn)).toEqual([3, 4, 11, 12]);
  });
  it('a period offset wrapping past the end of the period wraps around', () => {
    const pos = attentionPositions({ attn: 2, other: 2, nLayers: 8, placement: 'period', offset: 3 });
    expect(pos.flatMap((a, i) => (a ? [i] : []))).toEqual([0, 3, 4, 7]);
  });
  it('even spread: 1:3 over 24 layers gives 6 attention layers, gaps differing by at most one', () => {
    const at = where(layersOf(applyRatio(base, { attn: 1, other: 3, nLayers: 24, placement: 'even', otherMixer: 'mamba2' })), isAttn);
    expect(at).toHaveLength(6);
    const gaps = at.slice(1).map((v, i) => v - at[i]!);
    expect(Math.max(...gaps) - Math.min(...gaps)).toBeLessThanOrEqual(1);
    expect(at[0]).toBeGreaterThan(0);
    expect(at[5]).toBeLessThan(23);
  });
  it("every-k is the seed's rule: attention where (i + 1) % 8 == 0", () => {
    const at = where(layersOf(applyRatio(base, { attn: 1, other: 7, nLayers: 72, placement: 'every-k', otherMixer: 'mamba' })), isAttn);
    expect(at).toEqual([7, 15, 23, 31, 39, 47, 55, 63, 71]);
  });
  it('MoE every 2 with offset 1, experts and top-k as asked', () => {
    const d = applyRatio(makeTemplate('1:7', { dModel: 256, nLayers: 16, vocabSize: 1000 }), { attn: 1, other: 7, nLayers: 16, placement: 'period', otherMixer: 'mamba', moe: { every: 2, offset: 1, nExperts: 8, topK: 2 } });
    const ls = layersOf(d);
    expect(where(ls, (l) => l.ffn.kind === 'moe')).toEqual([1, 3, 5, 7, 9, 11, 13, 15]);
    // The template's dense width is the MLP kind's default for d 256: 2/3 · 4 · 256 = 682, rounded up to 768.
    expect(ls[1]!.ffn).toMatchObject({ kind: 'moe', nExperts: 8, topK: 2, expertWidth: 768 });
    expect(ls[0]!.ffn).toMatchObject({ kind: 'mlp', width: 768 });
    expect(valid(d)).toBe('ok');
  });
  it('MoE every 4 with offset 3 takes expert width from existing MoE layers', () => {
    const jamba = getPreset('jamba-v0.1')!.design;
    const ls = layersOf(applyRatio(jamba, { attn: 1, other: 3, nLayers: 32, placement: 'period', otherMixer: 'mamba', moe: { every: 4, offset: 3, nExperts: 4, topK: 1 } }));
    expect(where(ls, (l) => l.ffn.kind === 'moe')).toEqual([3, 7, 11, 15, 19, 23, 27, 31]);
    expect(ls[3]!.ffn).toMatchObject({ expertWidth: 14336, nExperts: 4, topK: 1 });
    expect(ls[1]!.ffn).toMatchObject({ kind: 'mlp', width: 14336 });
  });
  it('MoE with the first k layers dense (Kimi first_k_dense_replace 1): layer 0 keeps a dense MLP', () => {
    const d = applyRatio(makeTemplate('1:7', { dModel: 256, nLayers: 12, vocabSize: 1000 }), { attn: 1, other: 3, nLayers: 12, placement: 'period', otherMixer: 'mamba2', moe: { every: 1, offset: 0, nExperts: 8, topK: 2, firstDense: 1 } });
    const ls = layersOf(d);
    expect(where(ls, (l) => l.ffn.kind === 'moe')).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(ls[0]!.ffn).toMatchObject({ kind: 'mlp', width: 768 });
    expect(valid(d)).toBe('ok');
    const three = layersOf(applyRatio(d, { attn: 1, other: 3, nLayers: 12, placement: 'period', otherMixer: 'mamba2', moe: { every: 2, offset: 0, nExperts: 8, topK: 2, firstDense: 3 } }));
    expect(where(three, (l) => l.ffn.kind === 'moe')).toEqual([4, 6, 8, 10]);
  });
  it('a new MoE keeps the design’s MoE routing and shared experts', () => {
    const d = applyRatio(makeTemplate('1:7', { dModel: 256, nLayers: 8, vocabSize: 1000 }), { attn: 1, other: 3, nLayers: 8, placement: 'period', otherMixer: 'mamba', moe: { every: 2, offset: 1, nExperts: 8, topK: 2 } });
    const layers = layersOf(d).map((l) => (l.ffn.kind === 'moe' ? { ...l, ffn: { ...l.ffn, router: 'sigmoid' as const, sharedExperts: 1, routedScale: 2.5 } } : l));
    const ls = layersOf(applyRatio({ ...d, layers }, { attn: 1, other: 3, nLayers: 8, placement: 'period', otherMixer: 'mamba', moe: { every: 4, offset: 3, nExperts: 16, topK: 4 } }));
    expect(ls[3]!.ffn).toMatchObject({ kind: 'moe', nExperts: 16, topK: 4, router: 'sigmoid', sharedExperts: 1, routedScale: 2.5 });
  });
  it('moe: null keeps the MoE placement by index and reuses existing mixer parameters', () => {
    const jamba = getPreset('jamba-v0.1')!.design;
    const old = layersOf(jamba);
    const ls = layersOf(applyRatio(jamba, { attn: 1, other: 3, nLayers: 32, placement: 'period', otherMixer: 'mamba', moe: null }));
    expect(ls.map((l) => l.ffn)).toEqual(old.map((l) => l.ffn));
    expect(ls.find(isAttn)!.mixer).toEqual(old.find(isAttn)!.mixer);
    expect(ls.find((l) => l.mixer.kind === 'mamba')!.mixer).toEqual(old.find((l) => l.mixer.kind === 'mamba')!.mixer);
  });
  it('rejects an offset outside the period, naming it', () => {
    expect(() => applyRatio(base, { attn: 1, other: 7, nLayers: 8, placement: 'period', offset: 8, otherMixer: 'mamba' })).toThrow(/offset 8/);
    expect(() => applyRatio(base, { attn: 0, other: 0, nLayers: 8, placement: 'period', otherMixer: 'mamba' })).toThrow(/attn \+ other/);
    expect(() => applyRatio(base, { attn: 1, other: 1, nLayers: 8, placement: 'period', otherMixer: 'mamba', moe: { every: 2, offset: 0, nExperts: 2, topK: 3 } })).toThrow(/topK 3 exceeds/);
    expect(() => applyRatio(base, { attn: 1, other: 1, nLayers: 8, placement: 'period', otherMixer: 'mamba', moe: { every: 2, offset: 0, nExperts: 4, topK: 2, firstDense: -1 } })).toThrow(/moe.firstDense must be an integer >= 0/);
    expect(() => applyRatio(base, { attn: 1, other: 1, nLayers: 8, placement: 'period', otherMixer: 'mamba', moe: { every: 2, offset: 0, nExperts: 4, topK: 2, firstDense: 9 } })).toThrow(/moe.firstDense 9 exceeds the 8 layers/);
    expect(() => applyRatio(base, { attn: 1, other: 1, nLayers: 5000, placement: 'even', otherMixer: 'mamba' })).toThrow(/nLayers 5000/);
    expect(() => applyRatio(base, { attn: 1.5, other: 1, nLayers: 8, placement: 'even', otherMixer: 'mamba' })).toThrow(/attn must be an integer/);
  });
  it('uses defaults derived from dModel for kinds the design lacks', () => {
    const ls = layersOf(applyRatio(base, { attn: 1, other: 1, nLayers: 4, placement: 'period', otherMixer: 'hyena' }));
    expect(ls[1]!.mixer).toMatchObject({ kind: 'attention', nHeads: 2, nKvHeads: 2, headDim: 128 });
    expect(ls[0]!.mixer).toMatchObject({ kind: 'hyena', shortFilterLength: 3, stateSize: 2 });
  });
});

describe('ratioVariants', () => {
  it('gives 1:1, 1:3, 1:7, pure attention and pure Mamba at the same depth, keeping MoE placement', () => {
    const jamba = getPreset('jamba-v0.1')!.design;
    const moeAt = where(layersOf(jamba), (l) => l.ffn.kind === 'moe');
    const v = ratioVariants(jamba);
    expect(v.map((x) => x.label)).toEqual(['1:1', '1:3', '1:7', 'pure attention', 'pure Mamba']);
    const attnCounts = v.map((x) => where(layersOf(x.design), isAttn).length);
    expect(attnCounts).toEqual([16, 8, 4, 32, 0]);
    for (const x of v) {
      const ls = layersOf(x.design);
      expect(ls).toHaveLength(32);
      expect(where(ls, (l) => l.ffn.kind === 'moe')).toEqual(moeAt);
      expect(x.design.dModel).toBe(4096);
      expect(valid(x.design)).toBe('ok');
    }
    expect(layersOf(v[2]!.design)).toEqual(layersOf(jamba));
  });
});

describe('sharedEvery', () => {
  it('inserts a Zamba-style shared call before every 6th layer', () => {
    const d = sharedEvery(base, { every: 6, offset: 2 });
    const ls = layersOf(d);
    expect(ls.filter((l) => l.mixer.kind === 'mamba')).toHaveLength(32);
    let seen = 0;
    const before: number[] = [];
    for (const l of ls) {
      if (l.mixer.kind === 'shared') before.push(seen);
      else seen++;
    }
    expect(before).toEqual([2, 8, 14, 20, 26]);
    expect(d.sharedBlocks).toEqual([defaultSharedBlock(256)]);
    expect(valid(d)).toBe('ok');
  });
  it('replaces existing calls instead of stacking them', () => {
    const twice = sharedEvery(sharedEvery(base, { every: 4 }), { every: 8 });
    expect(layersOf(twice).filter((l) => l.mixer.kind === 'shared')).toHaveLength(4);
  });
});

describe('alternate', () => {
  it('StripedHyena alternation: hyena at even, attention at odd indices', () => {
    const ls = layersOf(alternate(base, { nLayers: 8, other: 'hyena' }));
    expect(ls.map((l) => l.mixer.kind)).toEqual(['hyena', 'attention', 'hyena', 'attention', 'hyena', 'attention', 'hyena', 'attention']);
    const first = layersOf(alternate(base, { nLayers: 4, other: 'mamba', attentionFirst: true }));
    expect(first.map((l) => l.mixer.kind)).toEqual(['attention', 'mamba', 'attention', 'mamba']);
  });
});

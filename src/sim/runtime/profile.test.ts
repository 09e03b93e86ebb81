import { describe, expect, it } from 'vitest';
import { PRESETS, getPreset } from '../../models/presets';
import { expandLayers, type Layer } from '../../models/schema';
import { RUN_PROFILES, findLayerPeriod, getRunProfile, scaleDesign } from './profile';

const sig = (l: Layer) => `${l.mixer.kind}${l.mixer.kind === 'shared' ? `:${l.mixer.blockId}` : ''}/${l.ffn.kind}`;
const L = (kinds: string) => kinds.split('').map((c): Layer => (c === 'a' ? { mixer: { kind: 'attention', nHeads: 2, nKvHeads: 1, headDim: 4, positional: 'rope', slidingWindow: null, bias: false }, ffn: { kind: 'none' } } : { mixer: { kind: 'none' }, ffn: { kind: 'none' } }));

describe('findLayerPeriod', () => {
  it.each([
    ['mmmmammm', { prefix: 0, period: 8 }],
    ['amamamam', { prefix: 0, period: 2 }],
    ['mmmm', { prefix: 0, period: 1 }],
    ['aammammamm', { prefix: 1, period: 3 }],
    ['mmammmammma', { prefix: 0, period: 4 }],
    ['mmmmammmm', { prefix: 0, period: 9 }],
  ])('%s', (kinds, want) => {
    expect(findLayerPeriod(L(kinds))).toEqual(want);
  });
});

describe('scaleDesign keeps the layer pattern', () => {
  it.each(PRESETS.map((p) => [p.id] as const))('%s at every built-in profile', (id) => {
    const full = getPreset(id)!.design;
    const all = expandLayers(full.layers);
    for (const name of Object.keys(RUN_PROFILES)) {
      const prof = getRunProfile(name)!;
      const { design: s, notes } = scaleDesign(full, prof);
      const kept = expandLayers(s.layers);
      // Same kinds in the same order: the scaled list is a prefix of the full one made of whole periods.
      expect(kept.map(sig)).toEqual(all.slice(0, kept.length).map(sig));
      const { prefix, period } = findLayerPeriod(all);
      expect(kept.length === all.length || (kept.length - prefix) % period === 0).toBe(true);
      expect(kept.length).toBeGreaterThanOrEqual(Math.min(all.length, prefix + period));
      expect(s.dModel).toBe(prof.dModel);
      expect(s.vocabSize).toBe(prof.vocabSize);
      expect(s.dtype).toBe('fp32');
      expect(notes[0]).toMatch(/^layers: kept/);
      kept.forEach((l, i) => {
        const f = all[i]!;
        if (l.mixer.kind === 'attention' && f.mixer.kind === 'attention') {
          expect(l.mixer.headDim).toBe(prof.headDim);
          // The width H·hd keeps its ratio to dModel to the nearest whole head (Nemotron-Nano-9B-v2: 5120 / 4480).
          const target = (f.mixer.nHeads * f.mixer.headDim * prof.dModel) / full.dModel;
          expect(Math.abs(l.mixer.nHeads * l.mixer.headDim - target)).toBeLessThanOrEqual(prof.headDim / 2);
          if (f.mixer.nKvHeads === f.mixer.nHeads) expect(l.mixer.nKvHeads).toBe(l.mixer.nHeads);
          if (f.mixer.nKvHeads === 1) expect(l.mixer.nKvHeads).toBe(1);
          expect(l.mixer.nHeads % l.mixer.nKvHeads).toBe(0);
        }
        if (l.ffn.kind === 'moe' && f.ffn.kind === 'moe') {
          expect(l.ffn.nExperts).toBe(Math.min(f.ffn.nExperts, prof.maxExperts));
          expect(l.ffn.topK).toBe(Math.min(f.ffn.topK, l.ffn.nExperts));
        }
        if (l.mixer.kind === 'mamba' && f.mixer.kind === 'mamba') expect(l.mixer.dState).toBe(Math.min(f.mixer.dState, prof.maxDState ?? Infinity));
      });
    }
  });

  it('Jamba tiny: one period of 8 with attention at 4 and MoE on odd layers; Zamba keeps two shared-block calls', () => {
    const j = expandLayers(scaleDesign(getPreset('jamba-v0.1')!.design, getRunProfile('tiny')!).design.layers);
    expect(j.map(sig)).toEqual(['mamba/mlp', 'mamba/moe', 'mamba/mlp', 'mamba/moe', 'attention/mlp', 'mamba/moe', 'mamba/mlp', 'mamba/moe']);
    const z = expandLayers(scaleDesign(getPreset('zamba-7b')!.design, getRunProfile('tiny')!).design.layers);
    expect(z.filter((l) => l.mixer.kind === 'shared')).toHaveLength(2);
  });

  it('refuses a bad profile naming the field', () => {
    const d = getPreset('jamba-v0.1')!.design;
    expect(() => scaleDesign(d, { ...getRunProfile('tiny')!, headDim: 6 })).toThrow(/profile.headDim must be an even integer >= 2 dividing dModel 64/);
    expect(() => scaleDesign(d, { ...getRunProfile('tiny')!, maxExperts: 0 })).toThrow(/profile.maxExperts/);
    expect(() => scaleDesign(d, { ...getRunProfile('tiny')!, dModel: 4.5 })).toThrow(/profile.dModel/);
  });
});

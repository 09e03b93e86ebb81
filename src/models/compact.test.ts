import { describe, expect, it } from 'vitest';
import { canonicalJson, compactLayers, withLayers } from './compact';
import { PRESETS } from './presets';
import { expandLayers, isRepeat, type Layer } from './schema';
import { validateDesign } from './validate';
import { MOE_DEFAULT_OPTIONS } from '../kinds/moe/spec';

const A: Layer = { mixer: { kind: 'attention', nHeads: 4, nKvHeads: 2, headDim: 16, positional: 'rope', slidingWindow: null, bias: false }, ffn: { kind: 'mlp', width: 128, activation: 'swiglu', bias: false } };
const M: Layer = { mixer: { kind: 'mamba', dState: 16, dConv: 4, expand: 2, dtRank: 'auto', convBias: true, projBias: false, innerNorms: false }, ffn: { kind: 'none' } };
const E: Layer = { ...M, ffn: { kind: 'moe', nExperts: 4, topK: 2, expertWidth: 64, activation: 'swiglu', ...MOE_DEFAULT_OPTIONS } };
const H: Layer = { mixer: { kind: 'hyena', shortFilterLength: 3, stateSize: 2, projBias: true }, ffn: { kind: 'mlp', width: 128, activation: 'gelu', bias: true } };

/** Mulberry32: a small seeded generator, so a failing case can be replayed from its seed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('compactLayers', () => {
  it('finds the shortest repeating block', () => {
    const out = compactLayers([M, A, M, A, M, A]);
    expect(out).toEqual([{ repeat: 3, layers: [M, A] }]);
  });
  it('ignores key order when comparing layers', () => {
    const reordered = JSON.parse(`{"ffn":${JSON.stringify(M.ffn)},"mixer":${canonicalJson(M.mixer)}}`) as Layer;
    expect(compactLayers([M, reordered])).toEqual([{ repeat: 2, layers: [M] }]);
  });
  it('leaves explicit layers when nothing repeats', () => {
    expect(compactLayers([M, A, H, E])).toEqual([M, A, H, E]);
  });
  it('compresses runs when the whole list is not periodic', () => {
    expect(compactLayers([M, M, M, A, H, H])).toEqual([{ repeat: 3, layers: [M] }, A, { repeat: 2, layers: [H] }]);
  });
  it('does not share objects with its input', () => {
    const input = [M, M];
    const out = compactLayers(input);
    expect(isRepeat(out[0]!) && out[0].layers[0] !== M).toBe(true);
  });
  it('expandLayers(compactLayers(x)) equals x on random layer lists (property, 300 seeds)', () => {
    const alphabet = [A, M, E, H];
    for (let seed = 1; seed <= 300; seed++) {
      const r = rng(seed);
      const n = 1 + Math.floor(r() * 40);
      // Half the cases are periodic with a random block, the rest random (with runs).
      let xs: Layer[];
      if (r() < 0.5) {
        const p = 1 + Math.floor(r() * 5);
        const block = Array.from({ length: p }, () => alphabet[Math.floor(r() * alphabet.length)]!);
        xs = Array.from({ length: p * (1 + Math.floor(r() * 6)) }, (_, i) => block[i % p]!);
      } else xs = Array.from({ length: n }, () => alphabet[Math.floor(r() * (r() < 0.3 ? 1 : alphabet.length))]!);
      const c = compactLayers(xs);
      expect(expandLayers(c), `seed ${seed}`).toEqual(xs);
      expect(c.length).toBeLessThanOrEqual(xs.length);
    }
  });
});

describe('round trips', () => {
  it.each(PRESETS.map((p) => [p.id, p] as const))('%s: explicit list -> withLayers -> JSON -> validate is lossless', (_id, p) => {
    const explicit = expandLayers(p.design.layers);
    const rewritten = withLayers(p.design, explicit);
    const r = validateDesign(JSON.parse(JSON.stringify(rewritten)));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).toEqual(rewritten);
    expect(expandLayers(r.value.layers)).toEqual(explicit);
  });
  it('uniform stacks come back as one repeat item', () => {
    const llama = PRESETS.find((p) => p.id === 'llama-2-7b')!.design;
    const c = withLayers(llama, expandLayers(llama.layers));
    expect(c.layers).toHaveLength(1);
    expect(c.layers[0]).toMatchObject({ repeat: 32 });
  });
});

import { describe, expect, it } from 'vitest';
import { zambaHybridIndices } from './patterns';
import { getPreset, makeTemplate, PRESET_IDS, PRESETS, SEED_RULE_PRESET, TEMPLATE_KINDS } from './presets';
import { RECENT_PRESETS } from './presetsRecent';
import { expandLayers, type Design, type Layer } from './schema';
import { validateDesign } from './validate';

const layersOf = (d: Design): Layer[] => expandLayers(d.layers);
const count = (ls: Layer[], f: (l: Layer) => boolean) => ls.filter(f).length;
const idx = (ls: Layer[], f: (l: Layer) => boolean) => ls.flatMap((l, i) => (f(l) ? [i] : []));
const isAttn = (l: Layer) => l.mixer.kind === 'attention';
const isMoe = (l: Layer) => l.ffn.kind === 'moe';

describe('presets', () => {
  it('has exactly the ids the CLI and tests use: the ten of 2023-2024, then the recent hybrids', () => {
    expect(PRESET_IDS.slice(0, 10)).toEqual(['jamba-v0.1', 'jamba-1.5-mini', 'jamba-1.5-large', 'zamba-7b', 'stripedhyena-7b', 'mamba-2.8b', 'mamba2-hybrid-8b', 'llama-2-7b', 'mistral-7b', 'mixtral-8x7b']);
    expect(PRESET_IDS.slice(10)).toEqual(RECENT_PRESETS.map((p) => p.id));
  });

  it.each([...PRESETS, SEED_RULE_PRESET].map((p) => [p.id, p] as const))('%s is valid, cited and survives a JSON round trip', (_id, p) => {
    expect(p.source).toMatch(/https?:\/\/|seed/);
    expect(p.name.length).toBeGreaterThan(0);
    const r = validateDesign(JSON.parse(JSON.stringify(p.design)));
    expect(r.ok ? 'ok' : r.issues).toBe('ok');
    if (r.ok) expect(r.value).toEqual(p.design);
    expect(getPreset(p.id)).toBe(p);
  });

  it('returns undefined for an unknown id', () => {
    expect(getPreset('gpt-5')).toBeUndefined();
  });

  it.each([
    ['jamba-v0.1', 32, 4, 16, [4, 12, 20, 28]],
    ['jamba-1.5-mini', 32, 4, 16, [4, 12, 20, 28]],
    ['jamba-1.5-large', 72, 9, 36, [4, 12, 20, 28, 36, 44, 52, 60, 68]],
  ] as const)('%s: %i layers, %i attention, %i MoE, attention at i %% 8 == 4', (id, n, nAttn, nMoe, at) => {
    const ls = layersOf(getPreset(id)!.design);
    expect(ls).toHaveLength(n);
    expect(count(ls, isAttn)).toBe(nAttn);
    expect(count(ls, isMoe)).toBe(nMoe);
    expect(idx(ls, isAttn)).toEqual(at);
    expect(idx(ls, isMoe).every((i) => i % 2 === 1)).toBe(true);
    expect(count(ls, (l) => l.mixer.kind === 'mamba')).toBe(n - nAttn);
    const m = ls[0]!.mixer;
    expect(m.kind === 'mamba' && m.innerNorms).toBe(true);
  });

  it('Jamba-1.5-Large is d 8192 with 64 heads and 8 KV heads', () => {
    const d = getPreset('jamba-1.5-large')!.design;
    expect(d.dModel).toBe(8192);
    const a = layersOf(d).find(isAttn)!.mixer;
    expect(a).toMatchObject({ nHeads: 64, nKvHeads: 8, headDim: 128 });
  });

  it('Zamba-7B: 76 Mamba layers, 13 shared calls just before Mamba layers 2, 7, 13, ..., 73', () => {
    const d = getPreset('zamba-7b')!.design;
    const ls = layersOf(d);
    expect(count(ls, (l) => l.mixer.kind === 'mamba')).toBe(76);
    expect(count(ls, (l) => l.mixer.kind === 'shared')).toBe(13);
    expect(ls.every((l) => l.ffn.kind === 'none')).toBe(true);
    const hybrid = [2, 7, 13, 19, 25, 31, 37, 43, 49, 55, 61, 67, 73];
    expect(zambaHybridIndices(76, 6, 4)).toEqual(hybrid);
    // Which Mamba layer (by Mamba index) each shared call precedes.
    let mambaSeen = 0;
    const before: number[] = [];
    for (const l of ls) {
      if (l.mixer.kind === 'shared') before.push(mambaSeen);
      else mambaSeen++;
    }
    expect(before).toEqual(hybrid);
    expect(d.sharedBlocks).toHaveLength(1);
    expect(d.sharedBlocks[0]).toMatchObject({ id: 'zamba-shared', concatEmbedding: true, perCallLinear: true, attention: { nHeads: 16, nKvHeads: 16, headDim: 464 }, ffn: { kind: 'mlp', width: 14848 } });
    expect(d).toMatchObject({ dModel: 3712, vocabSize: 32000, tiedEmbeddings: true });
  });

  it('StripedHyena-7B alternates hyena (even) and attention (odd)', () => {
    const ls = layersOf(getPreset('stripedhyena-7b')!.design);
    expect(ls).toHaveLength(32);
    ls.forEach((l, i) => expect(l.mixer.kind).toBe(i % 2 === 0 ? 'hyena' : 'attention'));
    expect(ls[0]!.mixer).toMatchObject({ shortFilterLength: 3, stateSize: 2 });
    expect(ls[1]!.mixer).toMatchObject({ nHeads: 32, nKvHeads: 8 });
    expect(ls.every((l) => l.ffn.kind === 'mlp' && l.ffn.width === 14336)).toBe(true);
  });

  it('Mamba-2.8B: 64 Mamba layers without MLP, vocab padded to 50280, tied', () => {
    const d = getPreset('mamba-2.8b')!.design;
    const ls = layersOf(d);
    expect(ls).toHaveLength(64);
    expect(ls.every((l) => l.mixer.kind === 'mamba' && l.ffn.kind === 'none')).toBe(true);
    expect(d).toMatchObject({ vocabSize: 50280, dModel: 2560, tiedEmbeddings: true });
  });

  it('Mamba-2-Hybrid 8B follows Megatron allocation: attention at 10, 22, 33, 45; 24 Mamba-2; 28 MLP-only', () => {
    const ls = layersOf(getPreset('mamba2-hybrid-8b')!.design);
    expect(ls).toHaveLength(56);
    expect(idx(ls, isAttn)).toEqual([10, 22, 33, 45]);
    expect(count(ls, (l) => l.mixer.kind === 'mamba2' && l.ffn.kind === 'none')).toBe(24);
    expect(count(ls, (l) => l.mixer.kind === 'none' && l.ffn.kind === 'mlp' && l.ffn.activation === 'gelu' && l.ffn.width === 16384)).toBe(28);
  });

  it.each([
    ['llama-2-7b', 32, 32, 11008, null],
    ['mistral-7b', 32, 8, 14336, 4096],
  ] as const)('%s: dense attention stack', (id, n, kvh, f, window) => {
    const ls = layersOf(getPreset(id)!.design);
    expect(ls).toHaveLength(n);
    for (const l of ls) {
      expect(l.mixer).toMatchObject({ kind: 'attention', nHeads: 32, nKvHeads: kvh, headDim: 128, slidingWindow: window });
      expect(l.ffn).toMatchObject({ kind: 'mlp', width: f, activation: 'swiglu' });
    }
  });

  it('Mixtral-8x7B has MoE (8 experts, top-2) in every layer', () => {
    const ls = layersOf(getPreset('mixtral-8x7b')!.design);
    expect(ls).toHaveLength(32);
    expect(ls.every((l) => l.ffn.kind === 'moe' && l.ffn.nExperts === 8 && l.ffn.topK === 2 && l.ffn.expertWidth === 14336)).toBe(true);
  });

  it('seed rule puts attention + MoE at (i + 1) % 8 == 0 over 72 layers and is named as simplified', () => {
    const ls = layersOf(SEED_RULE_PRESET.design);
    expect(ls).toHaveLength(72);
    const at = idx(ls, isAttn);
    expect(at).toEqual(Array.from({ length: 9 }, (_, k) => 8 * k + 7));
    expect(idx(ls, isMoe)).toEqual(at);
    expect(SEED_RULE_PRESET.name).toMatch(/seed rule \(simplified\)/i);
  });
});

describe('makeTemplate', () => {
  const size = { dModel: 512, nLayers: 16, vocabSize: 1000 };
  it.each(TEMPLATE_KINDS.map((k) => [k]))('%s is a valid design of the chosen size', (k) => {
    const d = makeTemplate(k, size);
    expect(validateDesign(JSON.parse(JSON.stringify(d))).ok).toBe(true);
    expect(layersOf(d)).toHaveLength(16);
    expect(d.dModel).toBe(512);
  });
  it.each([
    ['attention', 16],
    ['mamba', 0],
    ['1:1', 8],
    ['1:3', 4],
    ['1:7', 2],
  ] as const)('%s has %i attention layers out of 16', (k, n) => {
    expect(count(layersOf(makeTemplate(k, size)), isAttn)).toBe(n);
  });
  it('1:7 places attention like Jamba (offset 4)', () => {
    expect(idx(layersOf(makeTemplate('1:7', size)), isAttn)).toEqual([4, 12]);
  });
});

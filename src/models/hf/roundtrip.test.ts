import { describe, expect, it } from 'vitest';
import { analyzeDesign } from '../../sim/cost/analyzeDesign';
import { exportHfConfig, exportHfConfigAs, hfExportOptions, importHfConfig } from '../hf';
import { PRESETS, getPreset } from '../presets';
import { expandLayers, type Design, type Layer } from '../schema';

const layersOf = (d: Design): Layer[] => expandLayers(d.layers);
function ok<T>(r: { ok: true; value: T } | { ok: false; issues: { path: string; message: string }[] }): T {
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.value;
}
/** Import of the export: the same layers, the same design fields and the same cost. */
function expectRoundTrip(design: Design, family: string) {
  const config = ok(exportHfConfigAs(design, family));
  const back = ok(importHfConfig(JSON.parse(JSON.stringify(config))));
  expect(layersOf(back), `${design.name} as ${family}`).toEqual(layersOf(design));
  expect(back.sharedBlocks).toEqual(design.sharedBlocks);
  expect({ d: back.dModel, v: back.vocabSize, t: back.tiedEmbeddings, c: back.maxContext, n: back.norm }).toEqual({ d: design.dModel, v: design.vocabSize, t: design.tiedEmbeddings, c: design.maxContext, n: design.norm });
  expect(analyzeDesign(back).params).toEqual(analyzeDesign(design).params);
  return config;
}

describe('HF export -> import is the identity on every expressible preset', () => {
  it.each(PRESETS.map((p) => [p.id, p] as const))('%s', (_id, p) => {
    const options = hfExportOptions(p.design).filter((o) => o.result.ok);
    for (const o of options) expectRoundTrip(p.design, o.family);
  });
});

describe('the automatic family choice', () => {
  it.each([
    ['llama-2-7b', 'llama'],
    ['mistral-7b', 'mistral'],
    ['mixtral-8x7b', 'mixtral'],
    ['jamba-v0.1', 'jamba'],
  ])('%s exports as %s', (id, family) => {
    expect(ok(exportHfConfig(getPreset(id)!.design)).model_type).toBe(family);
  });
  it('a design no family expresses gets the reason of the family that fitted furthest', () => {
    const r = exportHfConfig(getPreset('stripedhyena-7b')!.design);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues[0]!.message).toMatch(/"hyena" is not one of .* \(closest family: \w+\)/);
  });
  it('an unknown family is refused by name', () => {
    const r = exportHfConfigAs(getPreset('llama-2-7b')!.design, 'gpt2');
    expect(!r.ok && r.issues[0]).toMatchObject({ path: 'family', message: expect.stringContaining('unknown family "gpt2"') as unknown });
  });
});

describe('mamba2 and llama/mistral/mixtral exports', () => {
  it('an imported mamba2 config exports to the same keys and back', () => {
    const cfg = { model_type: 'mamba2', hidden_size: 768, num_hidden_layers: 24, expand: 2, num_heads: 24, head_dim: 64, state_size: 128, n_groups: 1, vocab_size: 50288, tie_word_embeddings: true };
    const d = ok(importHfConfig(cfg));
    const out = expectRoundTrip(d, 'mamba2');
    expect(out).toMatchObject(cfg);
  });
  it.each([
    ['mistral-7b', 'llama', 'layers[0].mixer.slidingWindow'],
    ['mixtral-8x7b', 'llama', 'layers[0].ffn'],
    ['jamba-v0.1', 'llama', 'layers[0].mixer.kind'],
    ['zamba-7b', 'mamba2', 'layers[0].mixer.kind'],
    ['mamba2-hybrid-8b', 'mamba2', 'layers[1].ffn.kind'],
  ])('%s is refused as %s at %s', (id, family, path) => {
    const r = exportHfConfigAs(getPreset(id)!.design, family);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.issues[0]!.path).toBe(path);
      expect(r.issues[0]!.message).not.toContain('\n');
    }
  });
});

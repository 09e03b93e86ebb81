import { describe, expect, it } from 'vitest';
import { expandLayers, type LayerItem } from './schema';
import { validateDesign } from './validate';

const mamba = { mixer: { kind: 'mamba', dState: 16, dConv: 4, expand: 2 }, ffn: { kind: 'mlp', width: 128 } } as const;

describe('expandLayers', () => {
  it('applies period/offset rules in order (Jamba layout)', () => {
    const r = validateDesign({
      format: 'hybrid-arch/1', name: 'j', vocabSize: 100, dModel: 64, maxContext: 1024,
      layers: [{ pattern: { count: 16, base: mamba, rules: [
        { period: 8, offset: 4, mixer: { kind: 'attention', nHeads: 4, nKvHeads: 2, headDim: 16 } },
        { period: 2, offset: 1, ffn: { kind: 'moe', nExperts: 4, topK: 2, expertWidth: 32 } },
      ] } }],
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const layers = expandLayers(r.value.layers);
    expect(layers.map((l) => l.mixer.kind === 'attention' ? 'A' : 'M').join('')).toBe('MMMMAMMMMMMMAMMM');
    expect(layers.map((l) => l.ffn.kind === 'moe' ? 'E' : 'D').join('')).toBe('DEDEDEDEDEDEDEDE');
  });
  it('repeats blocks', () => {
    const items = [{ repeat: 3, layers: [mamba, mamba] }] as unknown as LayerItem[];
    expect(expandLayers(items)).toHaveLength(6);
  });
});

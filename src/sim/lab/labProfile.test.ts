import { describe, expect, it } from 'vitest';
import { getPreset } from '../../models/presets';
import { expandLayers, type Design } from '../../models/schema';
import { DEFAULT_LAB_OPTIONS, controlDesign, labDesign, sampleLayers } from './labProfile';

const preset = (id: string) => getPreset(id)!.design;
const pattern = (d: Design) => expandLayers(d.layers).map((l) => ({ attention: 'A', mla: 'L', mamba: 'M', mamba2: '2', hyena: 'H', 'linear-attention': 'G', shared: 'S', parallel: 'P', none: '.' })[l.mixer.kind]).join('');

describe('labDesign', () => {
  it('keeps Jamba’s 1:7 period in 8 layers at d = 32, FFNs off, the task vocabulary', () => {
    const r = labDesign(preset('jamba-v0.1'), 512);
    expect(pattern(r.design)).toBe('MMMMAMMM');
    expect(r.profile).toMatchObject({ name: 'lab', dModel: 32, layers: 8, vocabSize: 512, ffn: false, outProjStd: 0.002, embedStd: 0.02, headDim: 16 });
    expect(r.design.vocabSize).toBe(512);
    expect(expandLayers(r.design.layers).every((l) => l.ffn.kind === 'none')).toBe(true);
    expect(r.notes.join('\n')).toMatch(/FFNs off/);
  });

  it('keeps the FFNs (MoE placement included) when asked', () => {
    const r = labDesign(preset('jamba-v0.1'), 512, { ...DEFAULT_LAB_OPTIONS, ffn: true });
    expect(expandLayers(r.design.layers).map((l) => l.ffn.kind)).toEqual(['mlp', 'moe', 'mlp', 'moe', 'mlp', 'moe', 'mlp', 'moe']);
  });

  it('a shallow design trains at d = 64; the width can be forced', () => {
    const one: Design = { ...preset('llama-2-7b'), layers: [expandLayers(preset('llama-2-7b').layers)[0]!] };
    expect(labDesign(one, 512).profile.dModel).toBe(64);
    expect(labDesign(preset('jamba-v0.1'), 512, { ...DEFAULT_LAB_OPTIONS, dModel: 64 }).profile.dModel).toBe(64);
    expect(() => labDesign(one, 512, { ...DEFAULT_LAB_OPTIONS, dModel: 20 })).toThrow('lab.dModel must be a multiple of 8 in [16, 256], got 20');
  });

  it('reads the pattern from the mixers when FFNs are off: Mamba-2-Hybrid 8B’s MLP-only layers drop out, a period of 6 remains', () => {
    const r = labDesign(preset('mamba2-hybrid-8b'), 512);
    expect(pattern(r.design)).toBe('22222A');
    expect(r.profile).toMatchObject({ layers: 6, dModel: 32 });
  });

  it('samples a stack with no repeating pattern that fits: 8 layers evenly, every mixer kind kept', () => {
    const m2 = { mixer: { kind: 'mamba2', dState: 16, headDim: 64, nGroups: 1, dConv: 4, expand: 2 }, ffn: { kind: 'none' } };
    const at = { mixer: { kind: 'attention', nHeads: 8, nKvHeads: 8, headDim: 64 }, ffn: { kind: 'none' } };
    const d = { ...preset('llama-2-7b'), layers: Array.from({ length: 20 }, (_, i) => (i === 3 || i === 16 ? at : m2)) } as unknown as Design;
    const r = labDesign(d, 512);
    expect(r.profile.layers).toBe(8);
    expect(pattern(r.design).split('A').length - 1).toBeGreaterThanOrEqual(1);
    expect(r.notes[0]).toMatch(/no repeating pattern fits in 8 layers, so 8 of 20 were sampled evenly, each mixer kind kept/);
  });

  it('sampleLayers spaces layers evenly and keeps every mixer kind', () => {
    const m = { mixer: { kind: 'mamba2' }, ffn: { kind: 'none' } } as never;
    const a = { mixer: { kind: 'attention' }, ffn: { kind: 'none' } } as never;
    const all = Array.from({ length: 40 }, (_, i) => (i === 13 ? a : m));
    const s = sampleLayers(all, 8);
    expect(s.indices).toHaveLength(8);
    expect(s.indices).toContain(13);
    expect(s.layers.filter((l) => l.mixer.kind === 'attention')).toHaveLength(1);
  });

  it('controls have the design’s width and depth', () => {
    const d = preset('jamba-v0.1');
    const depth = labDesign(d, 512).profile.layers;
    for (const kind of ['attention', 'ssm'] as const) {
      const c = labDesign(controlDesign(d, kind), 512, { ...DEFAULT_LAB_OPTIONS, layers: depth });
      expect(c.profile).toMatchObject({ layers: 8, dModel: 32 });
      expect(pattern(c.design)).toBe(kind === 'attention' ? 'AAAAAAAA' : 'MMMMMMMM');
    }
    expect(controlDesign(d, 'ssm').name).toBe('Jamba-v0.1 (pure Mamba control)');
  });
});

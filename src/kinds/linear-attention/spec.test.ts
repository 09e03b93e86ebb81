import { describe, expect, it } from 'vitest';
import { FORMAT } from '../../models/schema';
import { validateDesign } from '../../models/validate';
import { getRunProfile, scaleDesign } from '../../sim/runtime/profile';
import { linearAttentionSpec, type LinearAttentionMixer } from './spec';

const GDN = { kind: 'linear-attention', nKeyHeads: 16, nValueHeads: 32, keyHeadDim: 128, valueHeadDim: 128, layout: 'qwen3-next' };
const KDA = { kind: 'linear-attention', nKeyHeads: 32, nValueHeads: 32, keyHeadDim: 128, valueHeadDim: 128, decay: 'channel', outputGate: 'lowrank', layout: 'kimi' };
const LIGHTNING = { kind: 'linear-attention', nKeyHeads: 64, nValueHeads: 64, keyHeadDim: 128, valueHeadDim: 128, update: 'additive', decay: 'fixed', convSize: 0, layout: 'minimax' };

function design(mixer: Record<string, unknown>, dModel = 2048) {
  return { format: FORMAT, name: 't', vocabSize: 1000, dModel, maxContext: 4096, layers: [{ mixer, ffn: { kind: 'none' } }] };
}

function issues(mixer: Record<string, unknown>, dModel = 2048): string[] {
  const r = validateDesign(design(mixer, dModel));
  return r.ok ? [] : r.issues.map((i) => `${i.path}: ${i.message}`);
}

describe('linear-attention spec', () => {
  it('accepts the three makers\' layers and the defaults at several widths', () => {
    expect(issues(GDN)).toEqual([]);
    expect(issues(KDA, 2304)).toEqual([]);
    expect(issues(LIGHTNING, 6144)).toEqual([]);
    for (const d of [64, 96, 768, 2048, 4096, 5120]) expect(issues(linearAttentionSpec.defaults(d) as unknown as Record<string, unknown>, d)).toEqual([]);
  });

  it.each([
    ['value heads not a multiple of key heads', { ...GDN, nValueHeads: 24 }, 'layers[0].mixer.nValueHeads: nValueHeads 24 is not a multiple of nKeyHeads 16'],
    ['a low rank wider than the model', { ...KDA, lowRank: 4096 }, 'layers[0].mixer.lowRank: lowRank 4096 is larger than the width dModel 2048'],
    ['qwen3-next with the additive rule', { ...GDN, update: 'additive' }, 'layers[0].mixer.update: layout "qwen3-next" (Qwen3-Next Gated DeltaNet) uses update "delta", got "additive"'],
    ['qwen3-next with a per-channel decay', { ...GDN, decay: 'channel' }, 'layers[0].mixer.decay: layout "qwen3-next" (Qwen3-Next Gated DeltaNet) uses decay "head"'],
    ['qwen3-next without conv', { ...GDN, convSize: 0 }, 'layers[0].mixer.convSize: layout "qwen3-next" (Qwen3-Next Gated DeltaNet) always has a short causal conv'],
    ['qwen3-next without its z gate', { ...GDN, outputGate: 'none' }, 'layers[0].mixer.outputGate: layout "qwen3-next" (Qwen3-Next Gated DeltaNet) has outputGate "full", got "none"'],
    ['kimi with a full-rank gate', { ...KDA, outputGate: 'full' }, 'layers[0].mixer.outputGate: layout "kimi" (Kimi Delta Attention) has outputGate "lowrank"'],
    ['kimi with separate key and value head counts', { ...KDA, nKeyHeads: 16 }, 'layers[0].mixer.nValueHeads: layout "kimi" (Kimi Delta Attention) has one head count for keys and values'],
    ['kimi without output norm', { ...KDA, outputNorm: false }, 'layers[0].mixer.outputNorm: layout "kimi" (Kimi Delta Attention) always normalises the output'],
    ['minimax with a conv', { ...LIGHTNING, convSize: 4 }, 'layers[0].mixer.convSize: layout "minimax" (MiniMax lightning attention) has no short conv'],
    ['minimax with the delta rule', { ...LIGHTNING, update: 'delta' }, 'layers[0].mixer.update: layout "minimax" (MiniMax lightning attention) uses update "additive"'],
    ['minimax with different head dims', { ...LIGHTNING, valueHeadDim: 64 }, 'layers[0].mixer.valueHeadDim: layout "minimax" (MiniMax lightning attention) has one head dim'],
    ['a conv wider than 64 taps', { ...GDN, convSize: 65 }, 'layers[0].mixer.convSize: must be at most 64, got 65'],
    ['a negative conv', { ...GDN, convSize: -1 }, 'layers[0].mixer.convSize: must be at least 0, got -1'],
    ['an unknown update rule', { ...GDN, update: 'hebbian' }, 'layers[0].mixer.update: expected "additive" or "delta", got "hebbian"'],
    ['an unknown layout', { ...GDN, layout: 'gla' }, 'layers[0].mixer.layout: expected one of "qwen3-next", "kimi", "minimax", "generic", got "gla"'],
    ['zero key heads', { ...GDN, nKeyHeads: 0 }, 'layers[0].mixer.nKeyHeads: must be at least 1, got 0'],
  ])('refuses %s, naming the field', (_n, mixer, want) => {
    const got = issues(mixer, 2048);
    expect(got.some((g) => g.startsWith(want)), got.join('\n')).toBe(true);
  });

  it('the generic layout takes any combination', () => {
    expect(issues({ ...GDN, layout: 'generic', update: 'additive', decay: 'channel', convSize: 0, outputGate: 'lowrank', outputNorm: false })).toEqual([]);
  });

  it('summaries name the variant', () => {
    const s = (m: Record<string, unknown>) => linearAttentionSpec.summary(validated(m));
    expect(s(GDN)).toBe('GDN 16/32×128');
    expect(s(KDA)).toBe('KDA 32×128');
    expect(s(LIGHTNING)).toBe('Lightning 64×128');
  });

  it.each([
    ['GDN', GDN, 2048],
    ['KDA', KDA, 2304],
    ['lightning', LIGHTNING, 6144],
  ] as const)('a run profile keeps the %s variant (layout, update, decay, conv, gate) and stays valid', (_n, mixer, dModel) => {
    const d = validateDesign(design(mixer, dModel));
    if (!d.ok) throw new Error(d.issues[0]!.message);
    for (const name of ['tiny', 'small', 'medium'] as const) {
      const p = getRunProfile(name)!;
      const scaled = scaleDesign(d.value, p).design;
      const layer = scaled.layers[0] as { mixer: LinearAttentionMixer };
      const m = layer.mixer;
      const src = validated(mixer);
      expect([m.layout, m.update, m.decay, m.convSize, m.outputGate, m.outputNorm]).toEqual([src.layout, src.update, src.decay, src.convSize, src.outputGate, src.outputNorm]);
      expect(m.valueHeadDim).toBe(p.headDim);
      // value width / d kept; GQA ratio kept
      expect((m.nValueHeads * m.valueHeadDim) / p.dModel).toBeCloseTo((src.nValueHeads * src.valueHeadDim) / dModel, 0);
      expect(m.nValueHeads / m.nKeyHeads).toBe(src.nValueHeads / src.nKeyHeads);
    }
  });
});

function validated(m: Record<string, unknown>): LinearAttentionMixer {
  return linearAttentionSpec.schema.parse(m);
}

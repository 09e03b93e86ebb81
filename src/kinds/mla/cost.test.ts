/**
 * MLA cost tensor by tensor against the makers' shapes, its KV cache (latent + rope key) and FLOPs, its rules with
 * messages naming the field, its defaults and its run-profile scaling.
 *
 * Sources: Kimi Linear 48B-A3B (transformers `configuration_kimi_linear.py` / `modeling_kimi_linear.py`
 * `KimiLinearAttention`; ../shared/research/hybrids-2026.md §8: hidden 2304, 32 heads, kv_lora_rank 512,
 * q_lora_rank None, qk_nope/qk_rope/v_head_dim 128/64/128, MLA at 7 of 27 layers, `mla_use_nope`); DeepSeek-V3
 * (`config.json` of deepseek-ai/DeepSeek-V3: hidden 7168, 128 heads, q_lora_rank 1536, kv_lora_rank 512, 128/64/128;
 * shapes as transformers `modeling_deepseek_v3.py` `DeepseekV3Attention.__init__` builds them).
 */
import { describe, expect, it } from 'vitest';
import { FORMAT, type Design } from '../../models/schema';
import { formatIssues, validateDesign } from '../../models/validate';
import { analyzeDesign, costAt, explainCost } from '../../sim/cost';
import { RUN_PROFILES, scaleDesign } from '../../sim/runtime/profile';
import { mlaCost, mlaKv } from './cost';
import { MlaSchema, defaultMla, mlaSpec, type MlaMixer } from './spec';

const KIMI_MLA: MlaMixer = MlaSchema.parse({ kind: 'mla', nHeads: 32, kvLoraRank: 512, qLoraRank: null, qkNopeHeadDim: 128, qkRopeHeadDim: 64, vHeadDim: 128, positional: 'none' });
const DSV3_MLA: MlaMixer = MlaSchema.parse({ kind: 'mla', nHeads: 128, kvLoraRank: 512, qLoraRank: 1536, qkNopeHeadDim: 128, qkRopeHeadDim: 64, vHeadDim: 128 });

function design(dModel: number, layers: unknown[]): ReturnType<typeof validateDesign> {
  return validateDesign({ format: FORMAT, name: 'mla test', vocabSize: 1000, dModel, maxContext: 1 << 20, dtype: 'bf16', layers });
}
function valid(dModel: number, layers: unknown[]): Design {
  const r = design(dModel, layers);
  if (!r.ok) throw new Error(formatIssues(r.issues));
  return r.value;
}

describe('MLA cost against the makers\' shapes', () => {
  it('Kimi Linear 48B (hybrids-2026 §8): q_proj [32·192, d], kv_a_proj_with_mqa [512+64, d], kv_a_layernorm [512], kv_b_proj [32·(128+128), 512], o_proj [d, 4096]', () => {
    const c = mlaCost(KIMI_MLA, { dModel: 2304 });
    expect(c.tensors.map((t) => [t.name, t.shape])).toEqual([
      ['q_proj.weight', [32 * 192, 2304]],
      ['kv_a_proj_with_mqa.weight', [512 + 64, 2304]],
      ['kv_a_layernorm.weight', [512]],
      ['kv_b_proj.weight', [32 * (128 + 128), 512]],
      ['o_proj.weight', [2304, 4096]],
    ]);
    const params = 6144 * 2304 + 576 * 2304 + 512 + 8192 * 512 + 2304 * 4096;
    expect(c.params).toBe(params);
    expect(c.params).toBe(29_114_880);
    expect(c.macsPerToken).toBe(params - 512); // every matrix, not the norm gain
    expect(c.kv!.tensors.map((t) => [t.name, t.shape])).toEqual([
      ['kv_cache', [512]],
      ['pe_cache', [64]],
    ]);
    // Absorbed form (DeepSeek-V3 inference/model.py): 2·H·(2r + dr) per position attended.
    expect(c.kv!.flopsPerContextToken).toBe(2 * 32 * (2 * 512 + 64));
    expect(c.kv!.heads).toBe(1); // the latent is shared by all heads: replicated under tensor parallelism
    expect(c.kv!.window).toBeNull();
    expect(c.tpDims).toEqual([{ name: 'nHeads', size: 32 }]);
  });

  it('DeepSeek-V3 with q LoRA: q_a_proj [1536, 7168], q_a_layernorm [1536], q_b_proj [128·192, 1536], kv_b_proj [128·256, 512], o_proj [7168, 16384]', () => {
    const c = mlaCost(DSV3_MLA, { dModel: 7168 });
    expect(c.tensors.map((t) => [t.name, t.shape])).toEqual([
      ['q_a_proj.weight', [1536, 7168]],
      ['q_a_layernorm.weight', [1536]],
      ['q_b_proj.weight', [128 * 192, 1536]],
      ['kv_a_proj_with_mqa.weight', [576, 7168]],
      ['kv_a_layernorm.weight', [512]],
      ['kv_b_proj.weight', [128 * 256, 512]],
      ['o_proj.weight', [7168, 128 * 128]],
    ]);
    // 187,107,328 MLA parameters per DeepSeek-V3 layer, summed by hand from the shapes above.
    expect(c.params).toBe(1536 * 7168 + 1536 + 24576 * 1536 + 576 * 7168 + 512 + 32768 * 512 + 7168 * 16384);
    expect(c.params).toBe(187_107_328);
  });

  it('a Kimi-Linear-shaped stack: 7 MLA layers of 27 cache 7 × (512 + 64) = 4,032 elements = 8,064 B per token in bf16 (§8)', () => {
    const mlaAt = new Set([3, 7, 11, 15, 19, 23, 26]);
    const d = valid(
      2304,
      Array.from({ length: 27 }, (_, i) => ({ mixer: mlaAt.has(i) ? KIMI_MLA : { kind: 'none' }, ffn: { kind: 'none' } })),
    );
    const cost = analyzeDesign(d);
    expect(cost.kvGroups).toEqual([{ window: null, bytesPerToken: 8064, layers: 7 }]);
    expect(costAt(d, 262_144).kvCacheBytes).toBe(8064 * 262_144);
    // Each MLA layer's per-position attention FLOPs in the decode at L.
    expect(cost.attnFlopGroups).toEqual([{ window: null, flopsPerContextToken: 7 * 2 * 32 * 1088 }]);
    // Against GQA with the same 32 query heads of 128 and 8 KV heads: 2·8·128 = 2,048 per layer, 3.6× the MLA cache.
    expect(mlaKv(KIMI_MLA).tensors.reduce((a, t) => a + t.elements, 0)).toBe(576);
    // The explanation spells the latent cache out (not as k and v heads) and states the FLOPs per position.
    const e = explainCost(d, 262_144);
    expect(e.kvCacheBytes).toBe('KV = 7 attn layers × (kv_cache 512 + pe_cache 64) × 262,144 tokens × 2 B (bf16) × batch 1 = 1.97 GiB');
    expect(e.flopsPerToken).toContain('attention 69,632 per position × 262,144 positions × 7 layers');
  });
});

describe('MLA rules name the field', () => {
  const layer = (m: Record<string, unknown>) => [{ mixer: { ...KIMI_MLA, ...m }, ffn: { kind: 'none' } }];
  it.each([
    [{ kvLoraRank: 4096 }, 'layers[0].mixer.kvLoraRank', /kvLoraRank 4096 is larger than the width dModel 2304/],
    [{ qLoraRank: 3000 }, 'layers[0].mixer.qLoraRank', /qLoraRank 3000 is larger than the width dModel 2304/],
    [{ positional: 'rope', qkRopeHeadDim: 63 }, 'layers[0].mixer.qkRopeHeadDim', /qkRopeHeadDim 63 must be even with RoPE/],
    [{ qkNopeHeadDim: 2000, qkRopeHeadDim: 64 }, 'layers[0].mixer.qkNopeHeadDim', /qkNopeHeadDim 2000 \+ qkRopeHeadDim 64 = 2064: a query\/key head may be at most 2048 wide/],
    [{ nHeads: 0 }, 'layers[0].mixer.nHeads', /at least 1/],
    [{ kvLoraRank: 1.5 }, 'layers[0].mixer.kvLoraRank', /integer/],
    [{ vHeadDim: -4 }, 'layers[0].mixer.vHeadDim', /at least 1/],
    [{ positional: 'alibi' }, 'layers[0].mixer.positional', /rope|none/],
  ])('%j is refused at %s', (over, path, message) => {
    const r = design(2304, layer(over));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const own = r.issues.find((i) => i.path === path);
    expect(own, formatIssues(r.issues)).toBeDefined();
    expect(own!.message).toMatch(message);
  });

  it('odd rope dims are fine without RoPE (NoPE keeps k_pe as is), and a latent equal to the width is allowed', () => {
    expect(design(2304, layer({ positional: 'none', qkRopeHeadDim: 63 })).ok).toBe(true);
    expect(design(2304, layer({ kvLoraRank: 2304, qLoraRank: 2304 })).ok).toBe(true);
  });
});

describe('MLA defaults and run-profile scaling', () => {
  it.each([64, 100, 768, 2304, 4096, 7168])('defaults at d = %i are valid and compress (r <= d, RoPE dims even)', (d) => {
    const m = defaultMla(d);
    expect(valid(d, [{ mixer: m, ffn: { kind: 'none' } }]).layers).toHaveLength(1);
    expect(m.kvLoraRank).toBeLessThanOrEqual(d);
    expect(m.qkRopeHeadDim % 2).toBe(0);
  });

  it('defaults at d = 2304 are Kimi-Linear-like: 128/64/128 heads, r = 512, plain q_proj', () => {
    expect(defaultMla(2304)).toMatchObject({ kvLoraRank: 512, qLoraRank: null, qkNopeHeadDim: 128, qkRopeHeadDim: 64, vHeadDim: 128, nHeads: 18 });
  });

  it.each(Object.values(RUN_PROFILES).map((p) => [p.name, p] as const))('the %s profile shrinks Kimi and DeepSeek MLA into valid blocks keeping their ratios', (_n, p) => {
    for (const [m, dFull] of [
      [KIMI_MLA, 2304],
      [DSV3_MLA, 7168],
    ] as const) {
      const s = mlaSpec.scale(m, { dFull, profile: p });
      expect(s.vHeadDim).toBe(p.headDim);
      expect(s.qkNopeHeadDim).toBe(p.headDim); // dn : dv = 1
      expect(s.qkRopeHeadDim).toBe(p.headDim / 2); // dr : dv = 1/2
      expect(s.kvLoraRank).toBe(Math.round((512 / dFull) * p.dModel));
      expect(s.qLoraRank).toBe(m.qLoraRank === null ? null : Math.round((m.qLoraRank / dFull) * p.dModel));
      expect(s.positional).toBe(m.positional);
      expect(s.nHeads).toBe(Math.max(1, Math.round(((m.nHeads * 128) / dFull) * (p.dModel / p.headDim))));
      expect(valid(p.dModel, [{ mixer: s, ffn: { kind: 'none' } }]).layers).toHaveLength(1);
    }
  });

  it('scaleDesign keeps the MLA layers of a hybrid and sizes their caches', () => {
    const d = valid(2304, [
      { mixer: { kind: 'mamba2', dState: 128, headDim: 64, nGroups: 1, dConv: 4, expand: 2 }, ffn: { kind: 'none' } },
      { mixer: KIMI_MLA, ffn: { kind: 'mlp', width: 9216 } },
    ]);
    const scaled = scaleDesign(d, RUN_PROFILES.tiny).design;
    const m = scaled.layers.map((l) => ('mixer' in l ? l.mixer : null)).find((x) => x?.kind === 'mla') as MlaMixer;
    expect(m).toMatchObject({ kind: 'mla', vHeadDim: 8, qkNopeHeadDim: 8, qkRopeHeadDim: 4, kvLoraRank: 14, positional: 'none' });
    expect(analyzeDesign(scaled).kvGroups[0]!.bytesPerToken).toBe((14 + 4) * 4);
  });

  it('summary and style', () => {
    expect(mlaSpec.summary(KIMI_MLA)).toBe('MLA 32h r512 NoPE');
    expect(mlaSpec.summary(DSV3_MLA)).toBe('MLA 128h r512 q1536');
    expect(mlaSpec.ratioSide).toBe('attention');
    expect(mlaSpec.group).toBe('attention');
  });
});

/**
 * MLA (multi-head latent attention): what the kind is. DeepSeek-V2/V3 and Kimi Linear attention (HF
 * `modeling_deepseek_v3.py` `DeepseekV3Attention`, `modeling_kimi_linear.py` `KimiLinearAttention`): keys and values
 * are expanded per head from a shared low-rank latent c = RMSNorm(x W_DKV) of kvLoraRank dims, and a small key part
 * k_pe of qkRopeHeadDim dims, shared by all heads, carries the position (RoPE, or nothing in Kimi Linear's NoPE MLA,
 * `mla_use_nope`). The cache holds c and k_pe only: (kvLoraRank + qkRopeHeadDim) elements per token per layer.
 * Queries come from q_proj, or through a low-rank q_a_proj -> q_a_layernorm -> q_b_proj when qLoraRank is set.
 *
 * Glossary: H = nHeads, r = kvLoraRank, rq = qLoraRank, dn = qkNopeHeadDim, dr = qkRopeHeadDim, dv = vHeadDim,
 * d = dModel. Query and key heads are dn + dr wide, value heads dv.
 */
import { z } from 'zod';
import { LIMITS, int } from '../../models/schemaKit';
import { mixerSpec, type ScaleContext, type SpecIssue } from '../kindSpec';

export const MlaSchema = z
  .strictObject({
    kind: z.literal('mla'),
    nHeads: int(LIMITS.heads),
    /** r: the width of the cached latent (`kv_lora_rank`; DeepSeek-V3 and Kimi Linear 512). */
    kvLoraRank: int(LIMITS.dModel),
    /** rq: low-rank query (`q_lora_rank`, DeepSeek-V3 1536), or null for a plain q_proj (Kimi Linear, DeepSeek-V2-Lite). */
    qLoraRank: int(LIMITS.dModel).nullable().default(null),
    /** dn: the per-head query/key dims expanded from the latent (`qk_nope_head_dim`, 128). */
    qkNopeHeadDim: int(LIMITS.headDim),
    /** dr: the shared position-carrying key dims, cached beside the latent (`qk_rope_head_dim`, 64). */
    qkRopeHeadDim: int(LIMITS.headDim),
    /** dv: value head dims (`v_head_dim`, 128). */
    vHeadDim: int(LIMITS.headDim),
    /** 'none' is Kimi Linear's NoPE MLA (`mla_use_nope`): the k_pe part is kept and cached but not rotated. */
    positional: z.enum(['rope', 'none']).default('rope'),
    ropeTheta: z.number().positive().max(1e9).optional(),
  })
  .refine((m) => m.positional !== 'rope' || m.qkRopeHeadDim % 2 === 0, {
    error: (iss) => `qkRopeHeadDim ${(iss.input as { qkRopeHeadDim: number }).qkRopeHeadDim} must be even with RoPE (rotate_half pairs dims), or set positional to "none"`,
    path: ['qkRopeHeadDim'],
  })
  .refine((m) => m.qkNopeHeadDim + m.qkRopeHeadDim <= LIMITS.headDim, {
    error: (iss) => {
      const m = iss.input as { qkNopeHeadDim: number; qkRopeHeadDim: number };
      return `qkNopeHeadDim ${m.qkNopeHeadDim} + qkRopeHeadDim ${m.qkRopeHeadDim} = ${m.qkNopeHeadDim + m.qkRopeHeadDim}: a query/key head may be at most ${LIMITS.headDim} wide`;
    },
    path: ['qkNopeHeadDim'],
  });

export type MlaMixer = z.infer<typeof MlaSchema>;

/** Query/key head width dn + dr (`qk_head_dim`). */
export function mlaQkHeadDim(m: Pick<MlaMixer, 'qkNopeHeadDim' | 'qkRopeHeadDim'>): number {
  return m.qkNopeHeadDim + m.qkRopeHeadDim;
}

/** Cached elements per token: the latent r and the rope key dr (the cache holds nothing else). */
export function mlaCacheWidth(m: Pick<MlaMixer, 'kvLoraRank' | 'qkRopeHeadDim'>): number {
  return m.kvLoraRank + m.qkRopeHeadDim;
}

/**
 * MLA sized for a width, after Kimi Linear / DeepSeek-V2-Lite: head dims dn = dv = 128 where 128 divides the width
 * (else 64, else the width), dr = dn / 2 (64 for 128; even, at least 2), H = width / dn, latent r = min(512, d / 4),
 * plain q_proj, RoPE.
 */
export function defaultMla(dModel: number): MlaMixer {
  const hd = dModel % 128 === 0 ? 128 : dModel % 64 === 0 ? 64 : dModel;
  return {
    kind: 'mla',
    nHeads: Math.max(1, Math.floor(dModel / hd)),
    kvLoraRank: Math.max(1, Math.min(512, Math.floor(dModel / 4))),
    qLoraRank: null,
    qkNopeHeadDim: hd,
    qkRopeHeadDim: Math.max(2, 2 * Math.floor(hd / 4)),
    vHeadDim: hd,
    positional: 'rope',
  };
}

/** Rules that need the width: a latent (kv or q) wider than the input compresses nothing. */
function check(m: MlaMixer, { dModel }: { dModel: number }): SpecIssue[] {
  const out: SpecIssue[] = [];
  if (m.kvLoraRank > dModel) {
    out.push({ path: ['kvLoraRank'], message: `kvLoraRank ${m.kvLoraRank} is larger than the width dModel ${dModel}; the KV latent must compress the input` });
  }
  if (m.qLoraRank !== null && m.qLoraRank > dModel) {
    out.push({ path: ['qLoraRank'], message: `qLoraRank ${m.qLoraRank} is larger than the width dModel ${dModel}; use null for a plain q_proj` });
  }
  return out;
}

/**
 * MLA at a run profile: keeps the width H·dv / d at the profile's head dim (dv = profile head dim, as attention
 * does), the ratios dn : dv and dr : dv (dr even, at least 2, with RoPE), and the latent ranks as shares of the width
 * (at least 1, at most the new width).
 */
export function scaleMla(m: MlaMixer, { dFull, profile: p }: ScaleContext): MlaMixer {
  const nHeads = Math.max(1, Math.round(((m.nHeads * m.vHeadDim) / dFull) * (p.dModel / p.headDim)));
  const per = (x: number) => Math.max(1, Math.round((x / m.vHeadDim) * p.headDim));
  const rope = m.positional === 'rope' ? Math.max(2, 2 * Math.round((m.qkRopeHeadDim / m.vHeadDim) * (p.headDim / 2))) : per(m.qkRopeHeadDim);
  const rank = (r: number) => Math.min(p.dModel, Math.max(1, Math.round((r / dFull) * p.dModel)));
  return {
    ...m,
    nHeads,
    kvLoraRank: rank(m.kvLoraRank),
    qLoraRank: m.qLoraRank === null ? null : rank(m.qLoraRank),
    qkNopeHeadDim: per(m.qkNopeHeadDim),
    qkRopeHeadDim: rope,
    vHeadDim: p.headDim,
  };
}

export const mlaSpec = mixerSpec({
  kind: 'mla',
  role: 'mixer',
  group: 'attention',
  ratioSide: 'attention',
  preNorm: true,
  style: { color: '#e03131', letter: 'C', label: 'MLA', ink: '#ffffff' },
  tradeoff: 'Compressed KV cache: one latent + rope key per token (Kimi: 576 numbers vs GQA 2·KVH·hd); exact retrieval, more FLOPs per position.',
  schema: MlaSchema,
  defaults: defaultMla,
  summary: (m) => `MLA ${m.nHeads}h r${m.kvLoraRank}${m.qLoraRank === null ? '' : ` q${m.qLoraRank}`}${m.positional === 'none' ? ' NoPE' : ''}`,
  check,
  scale: scaleMla,
});

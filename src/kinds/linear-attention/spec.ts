/**
 * Linear attention: what the kind is. One kind with variants, a matrix state per value head updated token by token:
 * Gated DeltaNet (Qwen3-Next, HF `modeling_qwen3_next.py` `Qwen3NextGatedDeltaNet`), Kimi Delta Attention (Kimi
 * Linear, `modeling_kimi_linear.py` / mlx `kimi_linear.py`), lightning attention (MiniMax-01, `MiniMaxText01
 * LightningAttention`), GLA and RetNet-style decays (fla `layers/gla.py`, `layers/multiscale_retention.py`).
 *
 * Glossary (the makers' names in brackets):
 * - nk = nKeyHeads [linear_num_key_heads], nv = nValueHeads [linear_num_value_heads], r = nv / nk value heads per key
 *   head (value head h reads key head ⌊h / r⌋, as Qwen3-Next's `repeat_interleave`); dk = keyHeadDim, dv =
 *   valueHeadDim; keyDim = nk·dk, valueDim = nv·dv; K = convSize [linear_conv_kernel_dim]; R = lowRank (null: dk).
 * - State per value head S (dk × dv). Per token, with α the decay, β the write strength:
 *   additive: S = α ⊙ S + k vᵀ;  delta: S = α ⊙ S;  S = S + β k (v − Sᵀk)ᵀ;  output o = Sᵀ q.
 * - decay: none (α = 1); fixed (α_h = exp(−slope_h), ALiBi slopes, MiniMax's `slope_rate`); head (GDN:
 *   α = exp(−exp(A_log)·softplus(a + dt_bias)), one per value head and token); channel (KDA: the same per key channel,
 *   from the low-rank f_a/f_b projection).
 * - Features φ: SiLU after the short causal conv on q, k, v (GDN, KDA), or on the projections when there is no conv
 *   (MiniMax `self.act(self.qkv_proj(x))`). The delta rule L2-normalises q and k (`use_qk_l2norm_in_kernel=True`);
 *   q is scaled by dk^−½ (both HF recurrences).
 * - Output: RMSNorm (per value head over dv, shared gain [dv]; MiniMax: one norm over all nv·dv channels), times the
 *   output gate: SiLU(z) for qwen3-next (`Qwen3NextRMSNormGated`), sigmoid otherwise (KDA's `o_norm` activation
 *   "sigmoid", MiniMax `sigmoid(output_gate(x))`).
 */
import { z } from 'zod';
import { LIMITS, int } from '../../models/schemaKit';
import { largestDivisorAtMost, mixerSpec, type CheckContext, type ScaleContext, type SpecIssue } from '../kindSpec';

export const LINEAR_UPDATES = ['additive', 'delta'] as const;
export const LINEAR_DECAYS = ['none', 'fixed', 'head', 'channel'] as const;
export const LINEAR_OUTPUT_GATES = ['none', 'full', 'lowrank'] as const;
export const LINEAR_LAYOUTS = ['qwen3-next', 'kimi', 'minimax', 'generic'] as const;

export const LinearAttentionSchema = z.strictObject({
  kind: z.literal('linear-attention'),
  /** Key (and query) heads nk. */
  nKeyHeads: int(LIMITS.heads),
  /** Value heads nv, a multiple of nk: each key head serves nv / nk value heads (Qwen3-Next 16 / 32). */
  nValueHeads: int(LIMITS.heads),
  keyHeadDim: int(LIMITS.headDim),
  valueHeadDim: int(LIMITS.headDim),
  /** How a token writes the state: added (lightning, RetNet, GLA) or by the delta rule (Gated DeltaNet, KDA). */
  update: z.enum(LINEAR_UPDATES).default('delta'),
  /** How the state forgets: not at all, a fixed slope per head, data-dependent per value head or per key channel. */
  decay: z.enum(LINEAR_DECAYS).default('head'),
  /** Taps of the short causal depthwise conv on q, k and v; 0: no conv. */
  convSize: int(LIMITS.dConv, 0).default(4),
  /** Output gate: none, a full d → nv·dv projection, or KDA's low-rank g_a/g_b pair. */
  outputGate: z.enum(LINEAR_OUTPUT_GATES).default('full'),
  /** RMSNorm of the output before the gate. */
  outputNorm: z.boolean().default(true),
  /** Rank R of the low-rank decay (f_a/f_b) and gate (g_a/g_b) projections; null: keyHeadDim (KDA). */
  lowRank: int(LIMITS.dModel).nullable().default(null),
  /** Tensor names and fusing as the maker's code writes them; a layout refuses what its maker cannot express. */
  layout: z.enum(LINEAR_LAYOUTS).default('generic'),
});

export type LinearAttentionMixer = z.infer<typeof LinearAttentionSchema>;
export type LinearLayout = LinearAttentionMixer['layout'];

/** The derived sizes of a linear-attention mixer; the one owner of them. */
export interface LinearAttentionDims {
  nk: number;
  nv: number;
  dk: number;
  dv: number;
  /** nv / nk value heads per key head. */
  ratio: number;
  /** nk·dk. */
  keyDim: number;
  /** nv·dv. */
  valueDim: number;
  /** Channels through the short conv: q, k, v = 2·nk·dk + nv·dv (HF `conv_dim`). */
  convDim: number;
  /** K (0: no conv). */
  convSize: number;
  /** R = lowRank ?? dk. */
  rank: number;
}

export function linearAttentionDims(m: LinearAttentionMixer): LinearAttentionDims {
  const keyDim = m.nKeyHeads * m.keyHeadDim;
  const valueDim = m.nValueHeads * m.valueHeadDim;
  return {
    nk: m.nKeyHeads,
    nv: m.nValueHeads,
    dk: m.keyHeadDim,
    dv: m.valueHeadDim,
    ratio: m.nValueHeads / m.nKeyHeads,
    keyDim,
    valueDim,
    convDim: 2 * keyDim + valueDim,
    convSize: m.convSize,
    rank: m.lowRank ?? m.keyHeadDim,
  };
}

/** The output gate's activation: SiLU in Qwen3-Next's gated norm, sigmoid in KDA, MiniMax and the generic layout. */
export function linearGateActivation(m: Pick<LinearAttentionMixer, 'layout'>): 'silu' | 'sigmoid' {
  return m.layout === 'qwen3-next' ? 'silu' : 'sigmoid';
}

/** Channels one output RMSNorm spans: all nv·dv for MiniMax (`norm [H·hd]`), one value head (dv) otherwise. */
export function linearNormSpan(m: LinearAttentionMixer): number {
  return m.layout === 'minimax' ? m.nValueHeads * m.valueHeadDim : m.valueHeadDim;
}

/** The variant's usual name: GDN, KDA, lightning, GLA, ... (node labels, the scaled-design note). */
export function linearVariantName(m: Pick<LinearAttentionMixer, 'update' | 'decay'>): string {
  if (m.update === 'delta') return m.decay === 'head' ? 'GDN' : m.decay === 'channel' ? 'KDA' : m.decay === 'fixed' ? 'DeltaNet·fixed' : 'DeltaNet';
  return m.decay === 'fixed' ? 'Lightning' : m.decay === 'channel' ? 'GLA' : m.decay === 'head' ? 'Gated LA' : 'Linear attn';
}

/**
 * Defaults for a width d, Gated DeltaNet-like (Qwen3-Next at d = 2048: 16 key heads, 32 value heads of 128): head dim
 * 128 where it divides d (else 64, else d), nk = d / hd, nv = 2·nk (value width 2d, as Mamba's expand 2), conv 4,
 * delta rule, decay per head, full output gate, norm, generic tensor names.
 */
export function defaultLinearAttention(dModel: number): LinearAttentionMixer {
  const hd = dModel % 128 === 0 ? 128 : dModel % 64 === 0 ? 64 : dModel;
  const nk = Math.max(1, Math.floor(dModel / hd));
  return {
    kind: 'linear-attention',
    nKeyHeads: nk,
    nValueHeads: 2 * nk,
    keyHeadDim: hd,
    valueHeadDim: hd,
    update: 'delta',
    decay: 'head',
    convSize: 4,
    outputGate: 'full',
    outputNorm: true,
    lowRank: null,
    layout: 'generic',
  };
}

/** What each maker's code fixes; a layout refuses a field that differs, naming it. */
const LAYOUT_RULES: Record<Exclude<LinearLayout, 'generic'>, { maker: string; update: string; decay: string; gate: string; conv: boolean; sameHeads: boolean }> = {
  'qwen3-next': { maker: 'Qwen3-Next Gated DeltaNet', update: 'delta', decay: 'head', gate: 'full', conv: true, sameHeads: false },
  kimi: { maker: 'Kimi Delta Attention', update: 'delta', decay: 'channel', gate: 'lowrank', conv: true, sameHeads: true },
  minimax: { maker: 'MiniMax lightning attention', update: 'additive', decay: 'fixed', gate: 'full', conv: false, sameHeads: true },
};

function check(m: LinearAttentionMixer, { dModel }: CheckContext): SpecIssue[] {
  const out: SpecIssue[] = [];
  if (m.nValueHeads % m.nKeyHeads !== 0) {
    out.push({ path: ['nValueHeads'], message: `nValueHeads ${m.nValueHeads} is not a multiple of nKeyHeads ${m.nKeyHeads} (each key head serves nValueHeads / nKeyHeads value heads)` });
  }
  if (m.lowRank !== null && m.lowRank > dModel) out.push({ path: ['lowRank'], message: `lowRank ${m.lowRank} is larger than the width dModel ${dModel}` });
  if (m.layout === 'generic') return out;
  const r = LAYOUT_RULES[m.layout];
  const who = `layout "${m.layout}" (${r.maker})`;
  if (m.update !== r.update) out.push({ path: ['update'], message: `${who} uses update "${r.update}", got "${m.update}"; use layout "generic" for other update rules` });
  if (m.decay !== r.decay) out.push({ path: ['decay'], message: `${who} uses decay "${r.decay}", got "${m.decay}"; use layout "generic" for other decays` });
  if (m.outputGate !== r.gate) out.push({ path: ['outputGate'], message: `${who} has outputGate "${r.gate}", got "${m.outputGate}"; use layout "generic" for other gates` });
  if (!m.outputNorm) out.push({ path: ['outputNorm'], message: `${who} always normalises the output; set outputNorm to true or use layout "generic"` });
  if (r.conv && m.convSize === 0) out.push({ path: ['convSize'], message: `${who} always has a short causal conv; convSize must be at least 1 (or use layout "generic")` });
  if (!r.conv && m.convSize !== 0) out.push({ path: ['convSize'], message: `${who} has no short conv; convSize must be 0 (or use layout "generic")` });
  if (r.sameHeads && m.nKeyHeads !== m.nValueHeads) out.push({ path: ['nValueHeads'], message: `${who} has one head count for keys and values; nValueHeads ${m.nValueHeads} must equal nKeyHeads ${m.nKeyHeads}` });
  if (r.sameHeads && m.keyHeadDim !== m.valueHeadDim) out.push({ path: ['valueHeadDim'], message: `${who} has one head dim for keys and values; valueHeadDim ${m.valueHeadDim} must equal keyHeadDim ${m.keyHeadDim}` });
  return out;
}

/**
 * At a run profile: keeps the value width nv·dv / d, the head dims' ratio dk / dv (value head dim = the profile's),
 * the value:key head ratio (where the new head count allows), the rank / d ratio, and every variant field
 * (update, decay, conv, gate, norm, layout), so a scaled layout stays valid.
 */
function scaleLinearAttention(m: LinearAttentionMixer, { dFull, profile: p }: ScaleContext): LinearAttentionMixer {
  const dv = p.headDim;
  const dk = Math.max(1, Math.round((m.keyHeadDim / m.valueHeadDim) * dv));
  const nv = Math.max(1, Math.round((m.nValueHeads * m.valueHeadDim * p.dModel) / (dFull * dv)));
  const ratio = m.nValueHeads / m.nKeyHeads;
  const nk = m.nKeyHeads === m.nValueHeads ? nv : largestDivisorAtMost(nv, Math.max(1, Math.round(nv / ratio)));
  const lowRank = m.lowRank === null ? null : Math.max(1, Math.min(p.dModel, Math.round((m.lowRank * p.dModel) / dFull)));
  return { ...m, nKeyHeads: nk, nValueHeads: nv, keyHeadDim: dk, valueHeadDim: dv, lowRank };
}

export const linearAttentionSpec = mixerSpec({
  kind: 'linear-attention',
  role: 'mixer',
  group: 'recurrent',
  ratioSide: 'recurrent',
  preNorm: true,
  style: { color: '#74b816', letter: 'L', label: 'Linear attn', ink: '#1d2127' },
  tradeoff: 'Matrix state per head (GDN, KDA, lightning); O(n) time, fixed dk×dv state; recall below attention.',
  schema: LinearAttentionSchema,
  defaults: defaultLinearAttention,
  summary: (m) => `${linearVariantName(m)} ${m.nKeyHeads === m.nValueHeads ? m.nValueHeads : `${m.nKeyHeads}/${m.nValueHeads}`}×${m.keyHeadDim === m.valueHeadDim ? m.keyHeadDim : `${m.keyHeadDim}/${m.valueHeadDim}`}`,
  check,
  scale: scaleLinearAttention,
});

/**
 * Attention: what the kind is. Causal self-attention, MHA (KVH = H), GQA (1 < KVH < H) or MQA (KVH = 1), with RoPE
 * or no positions and an optional sliding window (HF `modeling_llama.py`, `modeling_mistral.py`, `modeling_jamba.py`).
 * Options of 2025-2026 models (HF `modeling_qwen3_next.py` `Qwen3NextAttention`): an output gate (q_proj also emits a
 * per-head gate, the attention output is multiplied by sigmoid(gate) before o_proj), q/k RMSNorm per head before RoPE
 * (`q_norm`, `k_norm` [hd]) and partial rotary (RoPE on the first ropeFraction·hd dims of each head,
 * `partial_rotary_factor`: Qwen3-Next 0.25, Bamba 0.5); NoPE is `positional: 'none'`.
 * Glossary: H = nHeads query heads, KVH = nKvHeads key/value heads, hd = headDim.
 */
import { z } from 'zod';
import { LIMITS, int } from '../../models/schemaKit';
import { largestDivisorAtMost, mixerSpec, type ScaleContext } from '../kindSpec';

export const AttentionSchema = z
  .strictObject({
    kind: z.literal('attention'),
    nHeads: int(LIMITS.heads),
    nKvHeads: int(LIMITS.heads),
    headDim: int(LIMITS.headDim),
    positional: z.enum(['rope', 'none']).default('rope'),
    ropeTheta: z.number().positive().max(LIMITS.ropeTheta).optional(),
    /** Sliding-window attention (Mistral): the KV cache never holds more than this many positions. */
    slidingWindow: int(LIMITS.maxContext).nullable().default(null),
    /** Biases on q, k, v and o projections (false for Llama, Mistral, Jamba). */
    bias: z.boolean().default(false),
    /**
     * Qwen3-Next gated attention: q_proj is [2·H·hd, d] (query and gate per head), output ·= sigmoid(gate). Absent
     * means false (optional rather than defaulted, so documents without it keep their exact JSON and design key).
     */
    outputGate: z.boolean().optional(),
    /** RMSNorm of each query and key head before RoPE (`q_norm`, `k_norm` [hd]; Qwen3, Qwen3-Next). Absent: false. */
    qkNorm: z.boolean().optional(),
    /** Share of each head's dims that RoPE rotates (`partial_rotary_factor`). Absent: 1 (all). Ignored without RoPE. */
    ropeFraction: z.number().gt(0, { error: 'must be greater than 0' }).max(1, { error: 'must be at most 1' }).optional(),
  })
  .refine((a) => a.nHeads % a.nKvHeads === 0, {
    error: (iss) => {
      const a = iss.input as { nHeads: number; nKvHeads: number };
      return `nKvHeads ${a.nKvHeads} does not divide nHeads ${a.nHeads}`;
    },
    path: ['nKvHeads'],
  })
  .refine((a) => a.positional !== 'rope' || a.ropeFraction === undefined || a.ropeFraction === 1 || isEvenRotation(a.ropeFraction, a.headDim), {
    error: (iss) => {
      const a = iss.input as { ropeFraction: number; headDim: number };
      return `ropeFraction ${a.ropeFraction} rotates ${+(a.ropeFraction * a.headDim).toFixed(4)} of the ${a.headDim} head dims; RoPE needs an even whole number of them (rotate_half pairs dims)`;
    },
    path: ['ropeFraction'],
  });

/** True when fraction·headDim is an even whole number (within rounding of the fraction); checked for partial rotary only. */
function isEvenRotation(fraction: number, headDim: number): boolean {
  const dims = fraction * headDim;
  const whole = Math.round(dims);
  return Math.abs(dims - whole) < 1e-6 && whole % 2 === 0 && whole > 0;
}

/**
 * The dims of each head that RoPE rotates: ropeFraction·hd (HF `_compute_default_rope_parameters`:
 * `dim = int(head_dim * partial_rotary_factor)`), 0 without RoPE.
 */
export function ropeDims(a: { positional: 'rope' | 'none'; ropeFraction?: number; headDim: number }): number {
  return a.positional === 'rope' ? Math.round((a.ropeFraction ?? 1) * a.headDim) : 0;
}

export type AttentionMixer = z.infer<typeof AttentionSchema>;

/**
 * Attention sized for a width: head dim 128 where it divides the width (else 64, else the width), nHeads = width /
 * headDim, GQA with 4 query heads per KV head where that divides (Llama-2-70B / Mistral style), RoPE, no window.
 */
export function defaultAttention(width: number): AttentionMixer {
  const headDim = width % 128 === 0 ? 128 : width % 64 === 0 ? 64 : width;
  const nHeads = Math.max(1, Math.floor(width / headDim));
  const nKvHeads = nHeads % 4 === 0 ? nHeads / 4 : nHeads;
  return { kind: 'attention', nHeads, nKvHeads, headDim, positional: 'rope', slidingWindow: null, bias: false };
}

/** "MHA", "GQA" or "MQA" from the head counts. */
export function attentionFlavour(a: { nHeads: number; nKvHeads: number }): string {
  return a.nKvHeads === a.nHeads ? 'MHA' : a.nKvHeads === 1 ? 'MQA' : 'GQA';
}

/**
 * Attention at a run profile's head dim: keeps the ratio of its width H·hd to dModel (1 for most models, 2 for
 * Zamba's shared block) and H:KVH where the new head count allows (MHA stays MHA, MQA stays MQA). The flags
 * (output gate, q/k norm) stay; a partial rotary keeps its fraction as closely as an even number of rotated dims
 * (at least 2) of the new head dim allows.
 */
export function scaleAttention(a: AttentionMixer, { dFull, profile: p }: ScaleContext): AttentionMixer {
  const widthRatio = (a.nHeads * a.headDim) / dFull;
  const nHeads = Math.max(1, Math.round((widthRatio * p.dModel) / p.headDim));
  const kvRatio = a.nHeads / a.nKvHeads;
  const nKvHeads = a.nKvHeads === 1 ? 1 : a.nKvHeads === a.nHeads ? nHeads : largestDivisorAtMost(nHeads, Math.max(1, Math.round(nHeads / kvRatio)));
  const fraction = a.ropeFraction ?? 1;
  const rotated = Math.min(p.headDim, Math.max(2, 2 * Math.round((fraction * p.headDim) / 2)));
  return { ...a, nHeads, nKvHeads, headDim: p.headDim, ...(fraction < 1 ? { ropeFraction: rotated / p.headDim } : {}) };
}

export const attentionSpec = mixerSpec({
  kind: 'attention',
  role: 'mixer',
  group: 'attention',
  ratioSide: 'attention',
  preNorm: true,
  style: { color: '#e8590c', letter: 'A', label: 'Attention', ink: '#ffffff' },
  tradeoff: 'Exact retrieval, strong in-context learning; O(n²) time, KV cache grows with context.',
  schema: AttentionSchema,
  defaults: defaultAttention,
  summary: (m) =>
    `Attention ${attentionFlavour(m)} ${m.nHeads}/${m.nKvHeads}${m.slidingWindow ? ` SW${m.slidingWindow}` : ''}${m.outputGate ? ' gated' : ''}${m.qkNorm ? ' qk-norm' : ''}${m.positional === 'rope' && (m.ropeFraction ?? 1) < 1 ? ` RoPE ${ropeDims(m)}/${m.headDim}` : ''}`,
  scale: scaleAttention,
});

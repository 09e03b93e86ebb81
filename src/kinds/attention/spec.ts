/**
 * Attention: what the kind is. Causal self-attention, MHA (KVH = H), GQA (1 < KVH < H) or MQA (KVH = 1), with RoPE
 * or no positions and an optional sliding window (HF `modeling_llama.py`, `modeling_mistral.py`, `modeling_jamba.py`).
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
  })
  .refine((a) => a.nHeads % a.nKvHeads === 0, {
    error: (iss) => {
      const a = iss.input as { nHeads: number; nKvHeads: number };
      return `nKvHeads ${a.nKvHeads} does not divide nHeads ${a.nHeads}`;
    },
    path: ['nKvHeads'],
  });

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
 * Zamba's shared block) and H:KVH where the new head count allows (MHA stays MHA, MQA stays MQA).
 */
export function scaleAttention(a: AttentionMixer, { dFull, profile: p }: ScaleContext): AttentionMixer {
  const widthRatio = (a.nHeads * a.headDim) / dFull;
  const nHeads = Math.max(1, Math.round((widthRatio * p.dModel) / p.headDim));
  const kvRatio = a.nHeads / a.nKvHeads;
  const nKvHeads = a.nKvHeads === 1 ? 1 : a.nKvHeads === a.nHeads ? nHeads : largestDivisorAtMost(nHeads, Math.max(1, Math.round(nHeads / kvRatio)));
  return { ...a, nHeads, nKvHeads, headDim: p.headDim };
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
  summary: (m) => `Attention ${attentionFlavour(m)} ${m.nHeads}/${m.nKvHeads}${m.slidingWindow ? ` SW${m.slidingWindow}` : ''}`,
  scale: scaleAttention,
});

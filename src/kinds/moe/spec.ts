/**
 * Mixture of experts: what the kind is. A router and E expert MLPs, top-k per token (HF `modeling_mixtral.py`
 * MixtralSparseMoeBlock, `modeling_jamba.py` JambaSparseMoeBlock). Glossary: E = nExperts, k = topK,
 * f = expertWidth.
 */
import { z } from 'zod';
import { LIMITS, int } from '../../models/schemaKit';
import { ffnSpec } from '../kindSpec';
import { FFN_ACTIVATIONS, defaultFfnWidth, scaledFfnWidth } from '../mlp/spec';

export const MoeSchema = z
  .strictObject({
    kind: z.literal('moe'),
    nExperts: int(LIMITS.experts),
    topK: int(LIMITS.experts),
    expertWidth: int(LIMITS.ffnWidth),
    activation: z.enum(FFN_ACTIVATIONS).default('swiglu'),
  })
  .refine((m) => m.topK <= m.nExperts, {
    error: (iss) => {
      const m = iss.input as { topK: number; nExperts: number };
      return `topK ${m.topK} exceeds nExperts ${m.nExperts}`;
    },
    path: ['topK'],
  });

export type MoeFfn = z.infer<typeof MoeSchema>;

export const moeSpec = ffnSpec({
  kind: 'moe',
  role: 'ffn',
  sparse: true,
  group: 'ffn',
  style: { color: '#e0a400', letter: 'E', label: 'MoE', ink: '#1d2127' },
  tradeoff: 'Mixture of experts: top-k of E experts per token; more total params, same active compute.',
  schema: MoeSchema,
  /** Mixtral's 8 experts, top-2, each as wide as the design's dense FFN, else Llama's width for d. */
  defaults: (dModel, hints): MoeFfn => ({ kind: 'moe', nExperts: 8, topK: 2, expertWidth: hints?.ffnWidth ?? defaultFfnWidth(dModel), activation: 'swiglu' }),
  summary: (f) => `MoE ${f.nExperts}×top-${f.topK}`,
  /** Experts capped at the profile's maxExperts (topK at most that), expert width ffnMult · d. */
  scale: (f, { profile }) => {
    const nExperts = Math.min(f.nExperts, profile.maxExperts);
    return { ...f, nExperts, topK: Math.min(f.topK, nExperts), expertWidth: scaledFfnWidth(profile) };
  },
});

/**
 * Dense MLP: what the kind is. SwiGLU (HF `modeling_llama.py` LlamaMLP: gate, up, down) or a plain GELU MLP (up,
 * down: Megatron-LM's default without --swiglu). Glossary: f = width.
 */
import { z } from 'zod';
import { LIMITS, int } from '../../models/schemaKit';
import { ffnSpec } from '../kindSpec';

export const FFN_ACTIVATIONS = ['swiglu', 'gelu'] as const;

export const MlpSchema = z.strictObject({
  kind: z.literal('mlp'),
  width: int(LIMITS.ffnWidth),
  activation: z.enum(FFN_ACTIVATIONS).default('swiglu'),
  bias: z.boolean().default(false),
});

export type MlpFfn = z.infer<typeof MlpSchema>;

/**
 * The FFN width of a new layer in a design of width d: Llama's rule, 2/3 of 4d rounded up to a multiple of 256
 * (`llama/model.py`: `multiple_of * ((hidden_dim + multiple_of - 1) // multiple_of)`; 11,008 at d = 4096).
 */
export function defaultFfnWidth(dModel: number): number {
  const hidden = Math.floor((2 * 4 * dModel) / 3);
  return Math.max(256, 256 * Math.ceil(hidden / 256));
}

/** The width of an FFN or MoE expert at a run profile: ffnMult · d. */
export function scaledFfnWidth(p: { ffnMult: number; dModel: number }): number {
  return Math.max(1, Math.round(p.ffnMult * p.dModel));
}

export const mlpSpec = ffnSpec({
  kind: 'mlp',
  role: 'ffn',
  sparse: false,
  group: 'ffn',
  style: { color: '#868e96', letter: 'F', label: 'MLP', ink: '#ffffff' },
  tradeoff: 'Dense FFN: every parameter is active for every token.',
  schema: MlpSchema,
  /** SwiGLU as wide as the design's dense FFN, else Llama's width for d. */
  defaults: (dModel, hints): MlpFfn => ({ kind: 'mlp', width: hints?.ffnWidth ?? defaultFfnWidth(dModel), activation: 'swiglu', bias: false }),
  summary: (f) => `MLP ${f.width}`,
  scale: (f, { profile }) => ({ ...f, width: scaledFfnWidth(profile) }),
});

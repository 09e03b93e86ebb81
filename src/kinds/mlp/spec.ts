/**
 * Dense MLP: what the kind is. Gated: SwiGLU (HF `modeling_llama.py` LlamaMLP: down(silu(gate x) · up x)) or GeGLU
 * (the same with GELU: RecurrentGemma, Zamba2's gated-GeLU MLP); non-gated: GELU (up, down: Megatron-LM's default
 * without --swiglu) or squared ReLU (Nemotron-H: down(relu(up x)²), Megatron `--squared-relu`, mlx `nemotron_h.py`).
 * The same activations serve MoE experts. Glossary: f = width.
 */
import { z } from 'zod';
import { LIMITS, int } from '../../models/schemaKit';
import { ffnSpec } from '../kindSpec';

export const FFN_ACTIVATIONS = ['swiglu', 'geglu', 'gelu', 'relu2'] as const;
export type FfnActivation = (typeof FFN_ACTIVATIONS)[number];

/** Gated activations have a gate projection besides up and down (gate, up, down); the others only up and down. */
export function isGatedActivation(a: FfnActivation): boolean {
  return a === 'swiglu' || a === 'geglu';
}

/** How summaries and the palette name an activation. */
export const ACTIVATION_LABELS: Record<FfnActivation, string> = { swiglu: 'SwiGLU', geglu: 'GeGLU', gelu: 'GELU', relu2: 'ReLU²' };

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
  summary: (f) => `MLP ${f.width}${f.activation === 'swiglu' ? '' : ` ${ACTIVATION_LABELS[f.activation]}`}`,
  scale: (f, { profile }) => ({ ...f, width: scaledFfnWidth(profile) }),
});

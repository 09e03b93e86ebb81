/**
 * Mixture of experts: what the kind is. A router and E expert MLPs, top-k per token (HF `modeling_mixtral.py`
 * MixtralSparseMoeBlock, `modeling_jamba.py` JambaSparseMoeBlock), with the options of the 2025-2026 MoEs:
 * - shared experts, always active (DeepSeek / Kimi `shared_experts`, Nemotron-H, Granite-4.0-H `shared_mlp`,
 *   Qwen3-Next `shared_expert`), optionally gated by sigmoid(x · shared_expert_gate) (Qwen3-Next, [1, d]);
 * - the router's scores: softmax (Mixtral, Jamba, Qwen3-Next) or sigmoid (DeepSeek-V3, Kimi, Nemotron-3);
 * - top-k renormalisation (`norm_topk_prob`; Mixtral, Qwen3-Next, DeepSeek-V3: yes; Jamba: no);
 * - a routed scaling factor (`routed_scaling_factor`, Kimi 2.446) on the routed sum;
 * - a selection bias (`e_score_correction_bias [E]`, DeepSeek-V3 / Kimi / Nemotron-3): added to the scores to pick
 *   the top-k only; the weights are the unbiased scores.
 * Glossary: E = nExperts, k = topK, f = expertWidth, s = sharedExperts, fs = shared expert width.
 */
import { z } from 'zod';
import { LIMITS, int } from '../../models/schemaKit';
import { ffnSpec } from '../kindSpec';
import { ACTIVATION_LABELS, FFN_ACTIVATIONS, defaultFfnWidth, scaledFfnWidth } from '../mlp/spec';

export const MOE_ROUTERS = ['softmax', 'sigmoid'] as const;

export const MoeSchema = z
  .strictObject({
    kind: z.literal('moe'),
    nExperts: int(LIMITS.experts),
    topK: int(LIMITS.experts),
    expertWidth: int(LIMITS.ffnWidth),
    /** The experts' (and shared experts') activation. */
    activation: z.enum(FFN_ACTIVATIONS).default('swiglu'),
    /** Shared experts, always active (0 = none). */
    sharedExperts: int(LIMITS.experts, 0).default(0),
    /** Width of the shared experts as one MLP; null = expertWidth × sharedExperts (DeepSeek / Kimi fuse them so). */
    sharedExpertWidth: int(LIMITS.ffnWidth).nullable().default(null),
    /** Qwen3-Next's sigmoid gate on the shared expert: `shared_expert_gate [1, d]`. */
    sharedExpertGate: z.boolean().default(false),
    /** How the router turns logits into scores. */
    router: z.enum(MOE_ROUTERS).default('softmax'),
    /** Renormalise the top-k weights to sum to 1 (`norm_topk_prob`). */
    normTopK: z.boolean().default(true),
    /** Multiplies the routed sum (`routed_scaling_factor`). */
    routedScale: z.number({ error: 'expected a number' }).positive().max(1000).default(1),
    /** `e_score_correction_bias [E]`, added to the scores for the top-k selection only. */
    routerBias: z.boolean().default(false),
  })
  .superRefine((m, ctx) => {
    if (m.topK > m.nExperts) ctx.addIssue({ code: 'custom', path: ['topK'], message: `topK ${m.topK} exceeds nExperts ${m.nExperts}` });
    if (m.sharedExperts === 0 && m.sharedExpertGate) ctx.addIssue({ code: 'custom', path: ['sharedExpertGate'], message: 'sharedExpertGate gates the shared expert, but sharedExperts is 0' });
    if (m.sharedExperts === 0 && m.sharedExpertWidth !== null) {
      ctx.addIssue({ code: 'custom', path: ['sharedExpertWidth'], message: `sharedExpertWidth ${m.sharedExpertWidth} is set, but sharedExperts is 0` });
    }
  });

export type MoeFfn = z.infer<typeof MoeSchema>;
export type MoeRouter = (typeof MOE_ROUTERS)[number];

/** The shared experts' width as one MLP (fs): `sharedExpertWidth`, else expertWidth × sharedExperts; 0 without. */
export function sharedExpertWidth(f: Pick<MoeFfn, 'sharedExperts' | 'sharedExpertWidth' | 'expertWidth'>): number {
  if (f.sharedExperts === 0) return 0;
  return f.sharedExpertWidth ?? f.expertWidth * f.sharedExperts;
}

/** The routing options a new MoE starts with: Mixtral's softmax top-k renormalised, no shared expert, no bias. */
export const MOE_DEFAULT_OPTIONS = {
  sharedExperts: 0,
  sharedExpertWidth: null,
  sharedExpertGate: false,
  router: 'softmax',
  normTopK: true,
  routedScale: 1,
  routerBias: false,
} as const satisfies Partial<MoeFfn>;

export const moeSpec = ffnSpec({
  kind: 'moe',
  role: 'ffn',
  sparse: true,
  group: 'ffn',
  style: { color: '#e0a400', letter: 'E', label: 'MoE', ink: '#1d2127' },
  tradeoff: 'Mixture of experts: top-k of E experts per token; more total params, same active compute.',
  schema: MoeSchema,
  /** Mixtral's 8 experts, top-2, each as wide as the design's dense FFN, else Llama's width for d. */
  defaults: (dModel, hints): MoeFfn => ({ kind: 'moe', nExperts: 8, topK: 2, expertWidth: hints?.ffnWidth ?? defaultFfnWidth(dModel), activation: 'swiglu', ...MOE_DEFAULT_OPTIONS }),
  summary: (f) =>
    `MoE ${f.nExperts}×top-${f.topK}${f.sharedExperts ? ` +${f.sharedExperts} shared` : ''}${f.activation === 'swiglu' ? '' : ` ${ACTIVATION_LABELS[f.activation]}`}`,
  /**
   * Experts capped at the profile's maxExperts (topK at most that), expert width ffnMult · d; shared experts kept,
   * an explicit shared width scaled with the expert width (its ratio to it kept).
   */
  scale: (f, { profile }) => {
    const nExperts = Math.min(f.nExperts, profile.maxExperts);
    const expertWidth = scaledFfnWidth(profile);
    const shared = f.sharedExpertWidth === null ? null : Math.max(1, Math.round((f.sharedExpertWidth / f.expertWidth) * expertWidth));
    return { ...f, nExperts, topK: Math.min(f.topK, nExperts), expertWidth, sharedExpertWidth: shared };
  },
});

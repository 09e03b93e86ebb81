/**
 * Zamba's shared block: what the kind is. One attention + MLP block stored once in the design's `sharedBlocks` and
 * called by layers whose mixer is `{kind: "shared", blockId}` (HF `modeling_zamba.py`, ZambaAttentionDecoderLayer).
 * Its input is concat(hidden, original embedding), 2·d wide; each call has its own d×d output linear and KV cache.
 */
import { z } from 'zod';
import { LIMITS, int } from '../../models/schemaKit';
import { mixerSpec, type Placed, type ScaleContext } from '../kindSpec';
import { AttentionSchema, scaleAttention } from '../attention/spec';
import { MlpSchema, mlpSpec } from '../mlp/spec';
import { MoeSchema, moeSpec } from '../moe/spec';

export const SharedRefSchema = z.strictObject({
  kind: z.literal('shared'),
  /** The id of an entry of `sharedBlocks`. */
  blockId: z.string().min(1).max(100),
});

export type SharedRef = z.infer<typeof SharedRefSchema>;

/**
 * Zamba2's per-call low-rank adapters (HF `modeling_zamba2.py`, `use_shared_mlp_adapter` /
 * `use_shared_attention_adapter`, `adapter_rank`): every call site of the block owns, for each adapted projection W,
 * a pair Linear(in, rank) then Linear(rank, out) without bias whose output is added to W's: the FFN's input
 * projections (`gate_up_proj_adapter_list`, out = gate and up widths) and q, k, v (`linear_{q,k,v}_adapter_list`).
 */
export const SharedAdaptersSchema = z.strictObject({
  rank: int(LIMITS.headDim),
  /** Adapters on the FFN's input projections (gate and up). */
  mlp: z.boolean(),
  /** Adapters on q, k and v. */
  attention: z.boolean(),
});

export type SharedAdapters = z.infer<typeof SharedAdaptersSchema>;

/** Zamba's shared attention+MLP block: weights stored once, called at several positions. Its FFN is an MLP or an MoE. */
export const SharedBlockSchema = z.strictObject({
  id: z.string().min(1).max(100),
  attention: AttentionSchema,
  ffn: z.discriminatedUnion('kind', [MlpSchema, MoeSchema]),
  /** Input is concat(hidden, original embedding), 2 * dModel wide (Zamba). */
  concatEmbedding: z.boolean().default(true),
  /** Each call site has its own unshared dModel x dModel output linear (Zamba). */
  perCallLinear: z.boolean().default(true),
  /** Zamba2's per-call low-rank adapters; absent for Zamba-1 blocks. */
  adapters: SharedAdaptersSchema.optional(),
}).refine((b) => !(b.adapters?.mlp && b.ffn.kind !== 'mlp'), { error: 'MLP adapters need an MLP as the block\'s FFN, not an MoE', path: ['adapters', 'mlp'] });

export type SharedBlock = z.infer<typeof SharedBlockSchema>;

/** The id a design's first shared block gets. */
export const DEFAULT_SHARED_BLOCK_ID = 'shared-0';

/**
 * Default Zamba-style shared block for a width: attention over concat(hidden, embedding) with head dim 2d / nHeads
 * (HF `configuration_zamba.py`: attention_head_dim = 2 * hidden_size // num_attention_heads), MHA, no rotary
 * embedding (`modeling_zamba.py` ZambaAttention), and a gated MLP of 4d (Zamba-7B: 3712 -> 14848).
 */
export function defaultSharedBlock(dModel: number, id = DEFAULT_SHARED_BLOCK_ID): SharedBlock {
  const nHeads = Math.max(1, Math.floor((2 * dModel) / 256));
  return {
    id,
    attention: { kind: 'attention', nHeads, nKvHeads: nHeads, headDim: Math.max(1, Math.floor((2 * dModel) / nHeads)), positional: 'none', slidingWindow: null, bias: false },
    ffn: { kind: 'mlp', width: 4 * dModel, activation: 'swiglu', bias: false },
    concatEmbedding: true,
    perCallLinear: true,
  };
}

/** A shared block shrunk by a run profile: its attention and FFN scaled like any layer's. */
export function scaleSharedBlock(b: SharedBlock, ctx: ScaleContext): SharedBlock {
  const ffn = b.ffn.kind === 'mlp' ? mlpSpec.scale(b.ffn, ctx) : moeSpec.scale(b.ffn, ctx);
  // Adapter rank shrinks with the width (at least 1), keeping which projections are adapted.
  const adapters = b.adapters ? { adapters: { ...b.adapters, rank: Math.max(1, Math.round((b.adapters.rank * ctx.profile.dModel) / ctx.dFull)) } } : {};
  return { ...b, attention: scaleAttention(b.attention, ctx), ffn, ...adapters };
}

export const sharedSpec = mixerSpec({
  kind: 'shared',
  role: 'mixer',
  group: 'composite',
  ratioSide: null,
  preNorm: false,
  carriesFfn: true,
  style: { color: '#d6336c', letter: 'S', label: 'Shared block', ink: '#ffffff' },
  tradeoff: 'Zamba: one attention+MLP block stored once, called at many layers; each call keeps its own KV.',
  schema: SharedRefSchema,
  defaults: (): SharedRef => ({ kind: 'shared', blockId: DEFAULT_SHARED_BLOCK_ID }),
  summary: (m) => `Shared ${m.blockId}`,
  /** Calls the design's first shared block, or a new default one. */
  place: ({ dModel, sharedBlocks }): Placed<SharedRef> => {
    const first = sharedBlocks[0];
    if (first) return { mixer: { kind: 'shared', blockId: first.id } };
    const created = defaultSharedBlock(dModel);
    return { mixer: { kind: 'shared', blockId: created.id }, addSharedBlock: created };
  },
  check: (m, { sharedBlockIds }) =>
    sharedBlockIds.has(m.blockId) ? [] : [{ path: ['blockId'], message: `blockId "${m.blockId}" names no entry of sharedBlocks` }],
  scale: (m) => m,
});

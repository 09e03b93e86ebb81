/**
 * The design format: one validated, versioned JSON document that every part of the app reads.
 *
 * Glossary (names as the papers use them, once):
 * - `dModel` (d): hidden size. `vocabSize`: embedding rows.
 * - attention: `nHeads` (H) query heads, `nKvHeads` (KVH) key/value heads (MHA: KVH = H, GQA: 1 < KVH < H,
 *   MQA: KVH = 1), `headDim` (hd).
 * - mamba (Mamba-1, state-spaces `mamba_simple.py`): `dState` (N), `dConv` (K, causal depthwise conv width),
 *   `expand` (dInner = expand * d), `dtRank` (r, "auto" = ceil(d / 16)).
 * - mamba2 (`mamba2.py`): `dState` (N), `headDim` (P), `nGroups` (g), nheads = dInner / P, `chunkSize` (SSD chunk).
 * - hyena (StripedHyena modal form): `shortFilterLength` (FIR taps over the 3d projected channels), `stateSize`
 *   (S, poles per channel of the long filter h[t] = Re sum_s R_s p_s^t).
 * - shared: a call of a Zamba-style shared attention+MLP block stored once in `sharedBlocks`.
 * - mlp: `width` (f), `activation` swiglu (gate, up, down) or gelu (up, down).
 * - moe: `nExperts` (E), `topK` (k), `expertWidth` (f of each expert).
 */
import { z } from 'zod';

export const FORMAT = 'hybrid-arch/1' as const;

/** Sane upper bounds: large enough for any published model, small enough to catch typos and abuse. */
export const LIMITS = {
  vocabSize: 2_000_000,
  dModel: 65_536,
  heads: 1_024,
  headDim: 2_048,
  dState: 1_024,
  dConv: 64,
  expand: 16,
  dtRank: 65_536,
  ffnWidth: 1_048_576,
  experts: 1_024,
  layers: 1_024,
  repeat: 1_024,
  maxContext: 1 << 30,
  chunkSize: 4_096,
  shortFilter: 64,
  stateSize: 256,
  nameLength: 200,
} as const;

/** The message of a non-number where an integer belongs (validate.ts turns it into "expected an integer, got ..."). */
export const INTEGER_EXPECTED = 'expected an integer';

const int = (max: number, min = 1) =>
  z
    .number({ error: INTEGER_EXPECTED })
    .int({ error: 'must be an integer' })
    .min(min, { error: `must be at least ${min}` })
    .max(max, { error: `must be at most ${max}` });

export const DTYPES = ['fp32', 'bf16', 'fp16', 'fp8', 'int8', 'int4'] as const;
export const DtypeSchema = z.enum(DTYPES);
export type Dtype = z.infer<typeof DtypeSchema>;

export const AttentionSchema = z
  .strictObject({
    kind: z.literal('attention'),
    nHeads: int(LIMITS.heads),
    nKvHeads: int(LIMITS.heads),
    headDim: int(LIMITS.headDim),
    positional: z.enum(['rope', 'none']).default('rope'),
    ropeTheta: z.number().positive().max(1e9).optional(),
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

export const MambaSchema = z.strictObject({
  kind: z.literal('mamba'),
  dState: int(LIMITS.dState),
  dConv: int(LIMITS.dConv),
  expand: int(LIMITS.expand),
  dtRank: z.union([int(LIMITS.dtRank), z.literal('auto')]).default('auto'),
  convBias: z.boolean().default(true),
  projBias: z.boolean().default(false),
  /** Jamba's three inner RMSNorms on dt (r), B (N) and C (N). */
  innerNorms: z.boolean().default(false),
});

export const Mamba2Schema = z.strictObject({
  kind: z.literal('mamba2'),
  dState: int(LIMITS.dState),
  headDim: int(LIMITS.headDim),
  nGroups: int(LIMITS.heads),
  dConv: int(LIMITS.dConv),
  expand: int(LIMITS.expand),
  chunkSize: int(LIMITS.chunkSize).default(256),
  convBias: z.boolean().default(true),
  projBias: z.boolean().default(false),
});

export const HyenaSchema = z.strictObject({
  kind: z.literal('hyena'),
  shortFilterLength: int(LIMITS.shortFilter),
  stateSize: int(LIMITS.stateSize),
  projBias: z.boolean().default(true),
});

export const SharedRefSchema = z.strictObject({
  kind: z.literal('shared'),
  /** The id of an entry of `sharedBlocks`. */
  blockId: z.string().min(1).max(100),
});

export const NoMixerSchema = z.strictObject({ kind: z.literal('none') });

export const MixerSchema = z.discriminatedUnion('kind', [
  AttentionSchema,
  MambaSchema,
  Mamba2Schema,
  HyenaSchema,
  SharedRefSchema,
  NoMixerSchema,
]);

export const MlpSchema = z.strictObject({
  kind: z.literal('mlp'),
  width: int(LIMITS.ffnWidth),
  activation: z.enum(['swiglu', 'gelu']).default('swiglu'),
  bias: z.boolean().default(false),
});

export const MoeSchema = z
  .strictObject({
    kind: z.literal('moe'),
    nExperts: int(LIMITS.experts),
    topK: int(LIMITS.experts),
    expertWidth: int(LIMITS.ffnWidth),
    activation: z.enum(['swiglu', 'gelu']).default('swiglu'),
  })
  .refine((m) => m.topK <= m.nExperts, {
    error: (iss) => {
      const m = iss.input as { topK: number; nExperts: number };
      return `topK ${m.topK} exceeds nExperts ${m.nExperts}`;
    },
    path: ['topK'],
  });

export const NoFfnSchema = z.strictObject({ kind: z.literal('none') });

export const FfnSchema = z.discriminatedUnion('kind', [MlpSchema, MoeSchema, NoFfnSchema]);

export const LayerSchema = z.strictObject({
  mixer: MixerSchema,
  ffn: FfnSchema,
  /** Optional label shown in the editor (e.g. "Jamba block"). */
  label: z.string().max(LIMITS.nameLength).optional(),
});

/** A block of layers repeated N times: `{ repeat: 4, layers: [...] }`. */
export const RepeatSchema = z.strictObject({
  repeat: int(LIMITS.repeat),
  label: z.string().max(LIMITS.nameLength).optional(),
  layers: z.array(LayerSchema).min(1).max(LIMITS.layers),
});

/**
 * A period/offset rule set: `count` layers, each starts as `base`; every rule whose
 * `index % period === offset` replaces the mixer and/or FFN (later rules win). This is how HF Jamba
 * configs describe a layout (attn_layer_period/offset, expert_layer_period/offset).
 */
export const PatternRuleSchema = z
  .strictObject({
    period: int(LIMITS.layers),
    offset: int(LIMITS.layers - 1, 0),
    mixer: MixerSchema.optional(),
    ffn: FfnSchema.optional(),
  })
  .refine((r) => r.offset < r.period, {
    error: (iss) => {
      const r = iss.input as { offset: number; period: number };
      return `offset ${r.offset} must be less than period ${r.period}`;
    },
    path: ['offset'],
  });

export const PatternSchema = z.strictObject({
  pattern: z.strictObject({
    count: int(LIMITS.layers),
    label: z.string().max(LIMITS.nameLength).optional(),
    base: LayerSchema,
    rules: z.array(PatternRuleSchema).max(16),
  }),
});

export const LayerItemSchema = z.union([LayerSchema, RepeatSchema, PatternSchema]);

/** Zamba's shared attention+MLP block: weights stored once, called at several positions. */
export const SharedBlockSchema = z.strictObject({
  id: z.string().min(1).max(100),
  attention: AttentionSchema,
  ffn: z.discriminatedUnion('kind', [MlpSchema, MoeSchema]),
  /** Input is concat(hidden, original embedding), 2 * dModel wide (Zamba). */
  concatEmbedding: z.boolean().default(true),
  /** Each call site has its own unshared dModel x dModel output linear (Zamba). */
  perCallLinear: z.boolean().default(true),
});

export const DesignSchema = z
  .strictObject({
    format: z.literal(FORMAT, { error: `format must be "${FORMAT}"` }).meta({ description: `Format and version of this document; always "${FORMAT}".` }),
    name: z.string().min(1).max(LIMITS.nameLength).meta({ description: 'Display name of the design.' }),
    /** Where the numbers come from (a config file, a paper). */
    source: z.string().max(500).optional().meta({ description: 'Where the numbers come from (a config file, a paper).' }),
    vocabSize: int(LIMITS.vocabSize).meta({ description: 'Embedding rows (vocabulary size).' }),
    dModel: int(LIMITS.dModel).meta({ description: 'Hidden size d.' }),
    norm: z.enum(['rmsnorm', 'layernorm']).default('rmsnorm').meta({ description: 'Normalisation used around every block.' }),
    tiedEmbeddings: z.boolean().default(false).meta({ description: 'Whether the LM head shares the embedding matrix.' }),
    maxContext: int(LIMITS.maxContext).meta({ description: 'Longest context the design is meant for, in tokens.' }),
    dtype: DtypeSchema.default('bf16').meta({ description: 'Default weight and cache element type.' }),
    sharedBlocks: z.array(SharedBlockSchema).max(16).default([]).meta({ description: 'Zamba-style blocks stored once and called by layers whose mixer is {"kind": "shared", "blockId": ...}.' }),
    layers: z.array(LayerItemSchema).min(1).max(LIMITS.layers).meta({ description: 'The layers in order: explicit {mixer, ffn} layers, {repeat, layers} blocks, or {pattern} period/offset rules.' }),
  })
  .superRefine((d, ctx) => checkDesign(d as Design, ctx));

export type AttentionMixer = z.infer<typeof AttentionSchema>;
export type MambaMixer = z.infer<typeof MambaSchema>;
export type Mamba2Mixer = z.infer<typeof Mamba2Schema>;
export type HyenaMixer = z.infer<typeof HyenaSchema>;
export type SharedRef = z.infer<typeof SharedRefSchema>;
export type Mixer = z.infer<typeof MixerSchema>;
export type MixerKind = Mixer['kind'];
export type MlpFfn = z.infer<typeof MlpSchema>;
export type MoeFfn = z.infer<typeof MoeSchema>;
export type Ffn = z.infer<typeof FfnSchema>;
export type FfnKind = Ffn['kind'];
export type Layer = z.infer<typeof LayerSchema>;
/** A layer in input form (schema defaults not yet applied). */
export type LayerInput = z.input<typeof LayerSchema>;
export type RepeatItem = z.infer<typeof RepeatSchema>;
export type PatternItem = z.infer<typeof PatternSchema>;
export type LayerItem = z.infer<typeof LayerItemSchema>;
export type SharedBlock = z.infer<typeof SharedBlockSchema>;
export type Design = z.infer<typeof DesignSchema>;
/** The input form (defaults not yet applied), e.g. for hand-written presets. */
export type DesignInput = z.input<typeof DesignSchema>;

export const MIXER_KINDS = ['attention', 'mamba', 'mamba2', 'hyena', 'shared', 'none'] as const satisfies readonly MixerKind[];
export const FFN_KINDS = ['mlp', 'moe', 'none'] as const satisfies readonly FfnKind[];

export function isRepeat(item: LayerItem): item is RepeatItem {
  return 'repeat' in item;
}
export function isPattern(item: LayerItem): item is PatternItem {
  return 'pattern' in item;
}

/** The number of explicit layers the compact list expands to, counted without expanding anything. */
export function countLayers(items: readonly LayerItem[]): number {
  return items.reduce((n, it) => n + (isRepeat(it) ? it.repeat * it.layers.length : isPattern(it) ? it.pattern.count : 1), 0);
}

/**
 * Expands the compact layer list (repeats and period/offset patterns) into the explicit list, in order. The count is
 * checked first: a list that would expand past `LIMITS.layers` throws a RangeError before anything is allocated
 * (validated designs never do; this guards callers that hand it unvalidated items).
 */
export function expandLayers(items: readonly LayerItem[]): Layer[] {
  const total = countLayers(items);
  if (!(total <= LIMITS.layers)) throw new RangeError(`the layers expand to ${total} layers; at most ${LIMITS.layers} are allowed`);
  const out: Layer[] = [];
  for (const item of items) {
    if (isRepeat(item)) {
      for (let r = 0; r < item.repeat; r++) for (const l of item.layers) out.push(l);
    } else if (isPattern(item)) {
      const { count, base, rules } = item.pattern;
      for (let i = 0; i < count; i++) {
        let layer: Layer = base;
        for (const rule of rules) {
          if (i % rule.period === rule.offset) {
            layer = { ...layer, ...(rule.mixer ? { mixer: rule.mixer } : {}), ...(rule.ffn ? { ffn: rule.ffn } : {}) };
          }
        }
        out.push(layer);
      }
    } else {
      out.push(item);
    }
  }
  return out;
}

/** Cross-field rules that need the whole document: divisibility by dModel, shared-block references. */
function checkDesign(d: Design, ctx: z.RefinementCtx): void {
  const ids = new Set<string>();
  d.sharedBlocks.forEach((b, i) => {
    if (ids.has(b.id)) ctx.addIssue({ code: 'custom', path: ['sharedBlocks', i, 'id'], message: `duplicate shared block id "${b.id}"` });
    ids.add(b.id);
  });
  const total = countLayers(d.layers);
  if (!(total <= LIMITS.layers)) {
    ctx.addIssue({ code: 'custom', path: ['layers'], message: `expands to ${total} layers; at most ${LIMITS.layers} are allowed` });
    return;
  }
  const checkMixer = (m: Mixer, path: (string | number)[]) => {
    if (m.kind === 'shared' && !ids.has(m.blockId)) {
      ctx.addIssue({ code: 'custom', path: [...path, 'blockId'], message: `blockId "${m.blockId}" names no entry of sharedBlocks` });
    }
    if (m.kind === 'mamba2') {
      const dInner = m.expand * d.dModel;
      if (dInner % m.headDim !== 0) {
        ctx.addIssue({ code: 'custom', path: [...path, 'headDim'], message: `headDim ${m.headDim} does not divide dInner ${dInner} (expand × dModel)` });
      } else if ((dInner / m.headDim) % m.nGroups !== 0) {
        ctx.addIssue({ code: 'custom', path: [...path, 'nGroups'], message: `nGroups ${m.nGroups} does not divide the ${dInner / m.headDim} heads` });
      }
    }
  };
  const checkLayer = (l: Layer, path: (string | number)[]) => checkMixer(l.mixer, [...path, 'mixer']);
  d.layers.forEach((it, i) => {
    if (isRepeat(it)) it.layers.forEach((l, j) => checkLayer(l, ['layers', i, 'layers', j]));
    else if (isPattern(it)) {
      checkLayer(it.pattern.base, ['layers', i, 'pattern', 'base']);
      it.pattern.rules.forEach((r, j) => r.mixer && checkMixer(r.mixer, ['layers', i, 'pattern', 'rules', j, 'mixer']));
    } else checkLayer(it, ['layers', i]);
  });
}

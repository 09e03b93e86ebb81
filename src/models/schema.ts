/**
 * The design format: one validated, versioned JSON document that every part of the app reads.
 *
 * Glossary (names as the papers use them, once): `dModel` (d) hidden size, `vocabSize` embedding rows. A layer is a
 * token mixer and an FFN (channel mixer), each a block of some kind; every kind's own fields and glossary live in its
 * folder, src/kinds/<kind>/spec.ts (attention, Mamba, Mamba-2, Hyena, Zamba's shared block, MLP, MoE, ...). The
 * mixer and FFN unions below are built from the kind registry (src/kinds/specs.ts); `none` is an empty slot.
 */
import { z } from 'zod';
import { FFN_SPECS, MIXER_SPECS, ffnSpecOf, mixerSpecOf, type FfnBlockKind, type MixerBlockKind } from '../kinds/specs';
import type { CheckContext, SpecIssue } from '../kinds/kindSpec';
import { SharedBlockSchema, type SharedBlock } from '../kinds/shared/spec';
import { LIMITS, int } from './schemaKit';

export { LIMITS, INTEGER_EXPECTED } from './schemaKit';

export const FORMAT = 'hybrid-arch/1' as const;
export const DTYPES = ['fp32', 'bf16', 'fp16', 'fp8', 'int8', 'int4'] as const;
export const DtypeSchema = z.enum(DTYPES);
export type Dtype = z.infer<typeof DtypeSchema>;

export const NoMixerSchema = z.strictObject({ kind: z.literal('none') });

type MixerKindSchema = (typeof MIXER_SPECS)[MixerBlockKind]['schema'] | typeof NoMixerSchema;
/** Any mixer: one of the registry's mixer kinds, or `none`. */
export const MixerSchema = z.discriminatedUnion('kind', [
  ...Object.values(MIXER_SPECS).map((s) => s.schema),
  NoMixerSchema,
] as unknown as [MixerKindSchema, ...MixerKindSchema[]]);

export const NoFfnSchema = z.strictObject({ kind: z.literal('none') });

type FfnKindSchema = (typeof FFN_SPECS)[FfnBlockKind]['schema'] | typeof NoFfnSchema;
/** Any FFN: one of the registry's FFN kinds, or `none`. */
export const FfnSchema = z.discriminatedUnion('kind', [
  ...Object.values(FFN_SPECS).map((s) => s.schema),
  NoFfnSchema,
] as unknown as [FfnKindSchema, ...FfnKindSchema[]]);


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

export { SharedBlockSchema };

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

export type Mixer = z.infer<typeof MixerSchema>;
export type MixerKind = Mixer['kind'];
export type Ffn = z.infer<typeof FfnSchema>;
export type FfnKind = Ffn['kind'];
export type Layer = z.infer<typeof LayerSchema>;
/** A layer in input form (schema defaults not yet applied). */
export type LayerInput = z.input<typeof LayerSchema>;
export type RepeatItem = z.infer<typeof RepeatSchema>;
export type PatternItem = z.infer<typeof PatternSchema>;
export type LayerItem = z.infer<typeof LayerItemSchema>;
export type { SharedBlock };
export type Design = z.infer<typeof DesignSchema>;
/** The input form (defaults not yet applied), e.g. for hand-written presets. */
export type DesignInput = z.input<typeof DesignSchema>;

/** A mixer of one kind, by kind. */
export type MixerOf<K extends MixerKind> = Extract<Mixer, { kind: K }>;
/** An FFN of one kind, by kind. */
export type FfnOf<K extends FfnKind> = Extract<Ffn, { kind: K }>;

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

/** Cross-field rules that need the whole document: each kind's own rules (src/kinds/<kind>/spec.ts `check`) with dModel and the shared-block ids. */
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
  const kctx: CheckContext = { dModel: d.dModel, sharedBlockIds: ids };
  const report = (issues: SpecIssue[] | undefined, path: (string | number)[]) => {
    for (const iss of issues ?? []) ctx.addIssue({ code: 'custom', path: [...path, ...iss.path], message: iss.message });
  };
  const checkMixer = (m: Mixer, path: (string | number)[]) => {
    if (m.kind !== 'none') report(mixerSpecOf(m.kind).check?.(m, kctx), path);
  };
  const checkFfn = (f: Ffn, path: (string | number)[]) => {
    if (f.kind !== 'none') report(ffnSpecOf(f.kind).check?.(f, kctx), path);
  };
  const checkLayer = (l: Layer, path: (string | number)[]) => {
    checkMixer(l.mixer, [...path, 'mixer']);
    checkFfn(l.ffn, [...path, 'ffn']);
  };
  d.layers.forEach((it, i) => {
    if (isRepeat(it)) it.layers.forEach((l, j) => checkLayer(l, ['layers', i, 'layers', j]));
    else if (isPattern(it)) {
      checkLayer(it.pattern.base, ['layers', i, 'pattern', 'base']);
      it.pattern.rules.forEach((r, j) => {
        if (r.mixer) checkMixer(r.mixer, ['layers', i, 'pattern', 'rules', j, 'mixer']);
        if (r.ffn) checkFfn(r.ffn, ['layers', i, 'pattern', 'rules', j, 'ffn']);
      });
    } else checkLayer(it, ['layers', i]);
  });
}

/**
 * Parallel layer: what the kind is. Two to four token mixers read the same normed input and their outputs are
 * combined into one residual update:
 * - `sum` (Falcon-H1: mlx `falcon_h1.py`, HF `modeling_falcon_h1.py`): h = x + attn(norm(x)) + mamba(norm(x));
 * - `mean-norm` (Hymba: NVlabs `barebones_hymba_block.py`, `pre_avg_layernorm1/2`): each branch's output through its
 *   own norm, then the average, (norm_1(y_1) + … + norm_n(y_n)) / n. Hymba's branches share one in_proj and one
 *   out_proj around the average; here each branch keeps its own projections (its kind's own tensors) and the norms
 *   and average act on the d-wide branch outputs.
 * One pre-norm (`input_layernorm`) feeds every branch. A layer keeps every branch's cache: the KV cache of its
 * attention-side branch (at most one, as the cost model has one KV cache per layer) and the state of the others.
 * Glossary: n = number of branches.
 *
 * Branches nest mixers of the registry, and src/kinds/specs.ts imports this file, so this file must not import
 * specs.ts (an import cycle). The registry hands over `mixerSpecList` (a hoisted function) instead: the branch schema
 * is a `z.lazy` discriminated union over the non-composite kinds of that list, built on first use, so a new attention
 * or recurrent kind becomes a branch kind with no edit here. The TypeScript types import the design's `Mixer` type
 * only (erased at run time).
 */
import { z } from 'zod';
import type { LayerInput, Mixer } from '../../models/schema';
import { mixerSpec, type MixerSpec, type ScaleContext, type SpecIssue } from '../kindSpec';
import { defaultAttention } from '../attention/spec';
import { defaultMamba2 } from '../mamba2/spec';

export const PARALLEL_COMBINES = ['sum', 'mean-norm'] as const;
export type ParallelCombine = (typeof PARALLEL_COMBINES)[number];
/** Branch count bounds. */
export const PARALLEL_MIN_BRANCHES = 2;
export const PARALLEL_MAX_BRANCHES = 4;

/** A branch: a mixer of a non-composite kind (the schema refuses composites and `none`). */
export type ParallelBranch = Exclude<Mixer, { kind: 'none' | 'parallel' }>;
type ParallelBranchInput = Exclude<LayerInput['mixer'], { kind: 'none' | 'parallel' }>;

export interface ParallelMixer {
  kind: 'parallel';
  /** 2..4 mixers on the same normed input; at most one keeps a KV cache. */
  branches: ParallelBranch[];
  combine: ParallelCombine;
}

/** The input form (defaults not yet applied), for hand-written presets. */
export interface ParallelMixerInput {
  kind: 'parallel';
  branches: ParallelBranchInput[];
  combine?: ParallelCombine;
}

/** The schema's type, declared (not inferred): a branch is a registry mixer, so inference would be circular. */
export type ParallelSchema = z.ZodType<ParallelMixer, ParallelMixerInput> & z.core.$ZodTypeDiscriminable;

/** The mixer kinds a branch may be: every kind of the list that is not composite (Zamba's shared block, parallel). */
export function branchSpecsOf(specs: readonly MixerSpec<any>[]): MixerSpec<any>[] {
  return specs.filter((s) => s.group !== 'composite');
}

/** True for branch kinds that keep a KV cache (the attention side of a ratio: attention, MLA, ...). */
function keepsKv(spec: MixerSpec<any> | undefined): boolean {
  return spec?.ratioSide === 'attention';
}

/**
 * Falcon-H1's Mamba-2 for a width: di = d (Falcon-H1-7B: 24 heads × 128 = 3072 = hidden, `mamba_d_ssm`), head dim
 * 128 (halved until it divides d), d_state 256, one group, conv 4 (HF transformers `model_doc/falcon_h1` size table).
 */
export function falconMamba2(dModel: number): Extract<ParallelBranch, { kind: 'mamba2' }> {
  let headDim = 128;
  while (dModel % headDim !== 0 && headDim > 1) headDim /= 2;
  return { ...defaultMamba2(dModel), dState: 256, headDim, nGroups: 1, nHeads: dModel / headDim };
}

/**
 * The parallel kind's spec over the registry's mixer specs (handed over by src/kinds/specs.ts, read lazily: the
 * list includes this kind itself, which is filtered out with the other composites).
 */
export function parallelSpec(mixerSpecs: () => readonly MixerSpec<any>[]): MixerSpec<ParallelSchema> {
  let union: z.ZodType | null = null;
  const branchSpecs = () => branchSpecsOf(mixerSpecs());
  const specFor = (kind: string) => mixerSpecs().find((s) => s.kind === kind);
  /** Built on first parse, when every kind module has loaded. */
  const branchUnion = (): z.ZodType => {
    if (!union) {
      const schemas = branchSpecs().map((s) => s.schema);
      union = z.discriminatedUnion('kind', schemas as unknown as [z.ZodObject, ...z.ZodObject[]]);
    }
    return union;
  };

  const schema = z
    .strictObject({
      kind: z.literal('parallel'),
      branches: z
        .array(z.lazy(branchUnion))
        .min(PARALLEL_MIN_BRANCHES, { error: `a parallel layer has ${PARALLEL_MIN_BRANCHES} to ${PARALLEL_MAX_BRANCHES} branches` })
        .max(PARALLEL_MAX_BRANCHES, { error: `a parallel layer has ${PARALLEL_MIN_BRANCHES} to ${PARALLEL_MAX_BRANCHES} branches` }),
      combine: z.enum(PARALLEL_COMBINES).default('sum'),
    })
    .superRefine((m, ctx) => {
      // At most one KV cache per layer: the cost model's MixerCost has one KV spec (src/sim/cost/tensors.ts).
      const kv = (m.branches as { kind: string }[]).map((b, i) => (keepsKv(specFor(b.kind)) ? i : -1)).filter((i) => i >= 0);
      if (kv.length > 1) {
        const names = kv.map((i) => `${i} (${specFor((m.branches[i] as { kind: string }).kind)?.style.label ?? '?'})`).join(' and ');
        ctx.addIssue({
          code: 'custom',
          path: ['branches', kv[1]!, 'kind'],
          message: `branches ${names} both keep a KV cache; a parallel layer holds at most one (its other branches must be recurrent)`,
        });
      }
    }) as unknown as ParallelSchema;

  const check = (m: ParallelMixer, ctx: Parameters<NonNullable<MixerSpec<any>['check']>>[1]): SpecIssue[] =>
    m.branches.flatMap((b, i) => (specFor(b.kind)?.check?.(b, ctx) ?? []).map((iss) => ({ path: ['branches', i, ...iss.path], message: iss.message })));

  return mixerSpec({
    kind: 'parallel',
    role: 'mixer',
    group: 'composite',
    ratioSide: null,
    preNorm: true,
    style: { color: '#0c8599', letter: 'P', label: 'Parallel', ink: '#ffffff' },
    tradeoff: 'Falcon-H1 / Hymba: attention and a recurrent mixer side by side on one input; holds both KV and state.',
    schema,
    /** Attention ∥ Mamba-2, summed (Falcon-H1). */
    defaults: (dModel): ParallelMixer => ({ kind: 'parallel', branches: [defaultAttention(dModel), falconMamba2(dModel)], combine: 'sum' }),
    summary: (m) => `${m.branches.map((b) => specFor(b.kind)?.style.label ?? b.kind).join(' ∥ ')}${m.combine === 'mean-norm' ? ' (mean)' : ''}`,
    check,
    /** Each branch shrunk by its own kind's rule. */
    scale: (m, ctx: ScaleContext) => ({ ...m, branches: m.branches.map((b) => (specFor(b.kind)?.scale(b, ctx) ?? b) as ParallelBranch) }),
  });
}

/**
 * The lab profile: a full-size design shrunk to the tiny copy the lab trains (research notes quality-lab.md §4.4), and
 * the pure-attention and pure-SSM controls of the same width and depth. Pure: no tfjs.
 *
 * - Layers: the run profiles' rule (`runtime/profile.ts` scaleDesign: the prefix and as many whole periods of the
 *   layer pattern as fit in `maxLayers` = 8), so kinds, order, ratio, MoE placement and shared-block call sites stay.
 *   With FFNs off the pattern is read from the mixers alone (layers left empty are dropped). A stack with no repeating pattern that fits (Megatron's
 *   evenly spread attention over 56 layers) is sampled: 8 layers evenly spaced, each mixer kind of the design kept
 *   at least once (at the sample nearest its first layer).
 * - Width: dModel 64, or 32 when the kept stack is deeper than 4 layers ("8 layers at d = 32 for 1:7", §0); head dim
 *   dModel / 2 for attention and Mamba-2 (2 attention heads; Mamba-2 heads of 32 at d = 64, §0), Mamba dState capped
 *   at 16, MoE experts capped at 4, FFN width 2·d.
 * - FFNs: off by default (Zoology trains MQAR with an identity state mixer); `ffn: true` keeps them, scaled.
 * - Vocabulary: the task's.
 * - Init (applied to the weights by the trainer): embeddings N(0, embedStd = 0.02) as GPT-2 / Zoology; the output
 *   projection of every recurrent (and FFN, and shared-block) residual branch N(0, outProjStd = 0.002): the probes'
 *   hybrids stalled with 0.02 and learned with 0.002 (§4.3, "hybrid training is init-sensitive"), and so did the
 *   1:1 Jamba variant here (1.0 % vs 30 % after 300 steps, docs/benchmarks.md); attention-side branches
 *   N(0, attentionOutProjStd = 0.02), with which the 8-layer pure-attention control reaches 99 % in the default
 *   budget (90 % with 0.002).
 */
import { ratioVariants } from '../../models/patterns';
import { expandLayers, type Design, type Layer } from '../../models/schema';
import type { RunProfileSpec } from '../protocol';
import { findLayerPeriod, scaleDesign } from '../runtime/profile';

/** The lab's knobs beyond a run profile. */
export interface LabOptions {
  /** Keep the FFNs (MLP, MoE), scaled to 2·d; false by default. */
  ffn: boolean;
  /** Standard deviation at init of the output projections of recurrent, FFN and shared-block residual branches. */
  outProjStd: number;
  /** The same for attention-side branches (kinds whose spec says `ratioSide: 'attention'`). */
  attentionOutProjStd: number;
  /** Standard deviation of the embedding (and an untied head) at init. */
  embedStd: number;
  /** Force the number of layers kept (the controls take the design's); default: the profile's rule. */
  layers?: number;
  /** Force the width (a multiple of 8); default 64, or 32 past LAB_SHALLOW_LAYERS layers. */
  dModel?: number;
}

export const DEFAULT_LAB_OPTIONS: LabOptions = { ffn: false, outProjStd: 0.002, attentionOutProjStd: 0.02, embedStd: 0.02 };

/** Most layers a lab copy keeps (whole periods of the pattern). */
export const LAB_MAX_LAYERS = 8;
/** Stacks deeper than this train at LAB_DEEP_D_MODEL. */
export const LAB_SHALLOW_LAYERS = 4;
export const LAB_D_MODEL = 64;
export const LAB_DEEP_D_MODEL = 32;

/** The lab profile: a run profile plus the lab's options. */
export interface LabProfile extends RunProfileSpec, Omit<LabOptions, 'dModel'> {
  name: 'lab';
  /** Layers the lab copy has. */
  layers: number;
}

/** Layers the run-profile rule keeps of a design for `maxLayers`. */
export function keptLayers(design: Design, maxLayers: number): number {
  const all = expandLayers(design.layers);
  const { prefix, period } = findLayerPeriod(all);
  const periods = Math.max(1, Math.floor((maxLayers - prefix) / period));
  return Math.min(all.length, prefix + periods * period);
}

/** Checks the lab options; returns one line naming the field and the rule, or null. */
export function checkLabOptions(o: LabOptions): string | null {
  if (typeof o.ffn !== 'boolean') return `lab.ffn must be true or false, got ${String(o.ffn)}`;
  if (!(Number.isFinite(o.outProjStd) && o.outProjStd >= 0 && o.outProjStd <= 1)) return `lab.outProjStd must be a number in [0, 1], got ${o.outProjStd}`;
  if (!(Number.isFinite(o.attentionOutProjStd) && o.attentionOutProjStd >= 0 && o.attentionOutProjStd <= 1)) return `lab.attentionOutProjStd must be a number in [0, 1], got ${o.attentionOutProjStd}`;
  if (!(Number.isFinite(o.embedStd) && o.embedStd > 0 && o.embedStd <= 1)) return `lab.embedStd must be a number in (0, 1], got ${o.embedStd}`;
  if (o.layers !== undefined && !(Number.isInteger(o.layers) && o.layers >= 1 && o.layers <= LAB_MAX_LAYERS)) return `lab.layers must be an integer in [1, ${LAB_MAX_LAYERS}], got ${o.layers}`;
  if (o.dModel !== undefined && !(Number.isInteger(o.dModel) && o.dModel >= 16 && o.dModel <= 256 && o.dModel % 8 === 0)) return `lab.dModel must be a multiple of 8 in [16, 256], got ${o.dModel}`;
  return null;
}

/**
 * `n` of the layers, evenly spaced, with every mixer kind of the stack present (a kind the even samples miss takes
 * the sample nearest its first layer, if that sample's kind is not the only one of its own kind).
 */
export function sampleLayers(all: readonly Layer[], n: number): { layers: Layer[]; indices: number[] } {
  const idx = Array.from({ length: n }, (_, i) => Math.min(all.length - 1, Math.floor(((i + 0.5) * all.length) / n)));
  const kindAt = (i: number) => all[i]!.mixer.kind;
  for (const kind of [...new Set(all.map((l) => l.mixer.kind))]) {
    if (idx.some((i) => kindAt(i) === kind)) continue;
    const first = all.findIndex((l) => l.mixer.kind === kind);
    const order = idx.map((_, s) => s).sort((a, b) => Math.abs(idx[a]! - first) - Math.abs(idx[b]! - first));
    const slot = order.find((s) => idx.filter((i) => kindAt(i) === kindAt(idx[s]!)).length > 1);
    if (slot !== undefined) idx[slot] = first;
  }
  idx.sort((a, b) => a - b);
  return { layers: idx.map((i) => all[i]!), indices: idx };
}

/** The lab copy of a design for a task vocabulary: the scaled design, its profile and how it was made. */
export function labDesign(design: Design, vocabSize: number, options: LabOptions = DEFAULT_LAB_OPTIONS): { design: Design; profile: LabProfile; notes: string[] } {
  const bad = checkLabOptions(options);
  if (bad) throw new Error(bad);
  const maxLayers = options.layers ?? LAB_MAX_LAYERS;
  let all = expandLayers(design.layers);
  // FFNs off: a layer left with neither mixer nor FFN (Megatron's MLP-only layers) is the identity, and is dropped
  if (!options.ffn) all = all.map((l) => ({ ...l, ffn: { kind: 'none' as const } })).filter((l) => l.mixer.kind !== 'none');
  if (all.length === 0) throw new Error(`${design.name} has no token mixer: with FFNs off its lab copy would be empty (keep the FFNs)`);
  let source: Design = { ...design, layers: all };
  let sampled: string | null = null;
  if (keptLayers(source, maxLayers) > maxLayers) {
    const s = sampleLayers(all, maxLayers);
    source = { ...source, layers: s.layers };
    sampled = `layers: no repeating pattern fits in ${maxLayers} layers, so ${maxLayers} of ${all.length} were sampled evenly, each mixer kind kept (layers ${s.indices.join(', ')})`;
  }
  const layers = keptLayers(source, maxLayers);
  const dModel = options.dModel ?? (layers > LAB_SHALLOW_LAYERS ? LAB_DEEP_D_MODEL : LAB_D_MODEL);
  const spec: RunProfileSpec = { name: 'lab', dModel, vocabSize, maxLayers, headDim: dModel / 2, ffnMult: 2, maxExperts: 4, maxDState: 16 };
  const scaled = scaleDesign(source, spec);
  if (sampled) scaled.notes.unshift(sampled);
  // Zamba2's per-call LoRA adapters: the runtime merges them into copies of the shared weights (W + A B), which the
  // trainer cannot differentiate back to W, A and B, so the lab copy trains the shared block without them.
  const adapted = scaled.design.sharedBlocks.filter((b) => b.adapters);
  if (adapted.length > 0) scaled.notes.push(`shared blocks ${adapted.map((b) => b.id).join(', ')}: per-call LoRA adapters dropped (the lab trains the shared weights only)`);
  const lab = { ...scaled.design, name: `${design.name} (lab)`, sharedBlocks: scaled.design.sharedBlocks.map(({ adapters: _a, ...b }) => b) };
  const kept = expandLayers(lab.layers).length;
  const { dModel: _forced, ...labOptions } = options;
  const profile: LabProfile = { ...spec, name: 'lab', ...labOptions, layers: kept };
  const notes = [
    ...scaled.notes.filter((n) => !n.startsWith('dModel')),
    `dModel ${design.dModel} -> ${dModel}${kept > LAB_SHALLOW_LAYERS ? ` (deeper than ${LAB_SHALLOW_LAYERS} layers)` : ''}, vocab ${vocabSize} (the task's), float32`,
    options.ffn ? 'FFNs kept, width 2·d' : 'FFNs off (as Zoology trains MQAR)',
    `init: embeddings N(0, ${options.embedStd}), output projections of attention branches N(0, ${options.attentionOutProjStd}), of the other branches N(0, ${options.outProjStd})`,
  ];
  return { design: lab, profile, notes };
}

/** Which control: every mixer attention, or every mixer the design's own state-space kind (else Mamba). */
export type ControlKind = 'attention' | 'ssm';

/**
 * A control of a design at full size: the same depth and width with every layer attention, or every layer the
 * design's state-space kind (`ratioVariants`: same FFN at every index). Its lab copy must be trained with
 * `layers` = the design's lab depth, so both have the same width and depth.
 */
export function controlDesign(design: Design, kind: ControlKind): Design {
  const variants = ratioVariants(design);
  const v = kind === 'attention' ? variants.find((x) => x.label === 'pure attention') : variants.find((x) => x.label.startsWith('pure ') && x.label !== 'pure attention');
  if (!v) throw new Error(`no ${kind} control for ${design.name}`);
  return { ...v.design, name: `${design.name} (${v.label} control)` };
}

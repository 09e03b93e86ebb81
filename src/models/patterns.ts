/**
 * Pattern generators: pure functions that lay out attention and state-space layers over a depth.
 *
 * - {@link applyRatio}: attention:other ratio a:m over n layers, placed by period/offset (Jamba), evenly spread
 *   (Megatron-LM's allocation), or the seed document's every-k-th rule; MoE every e layers with an offset.
 * - {@link ratioVariants}: 1:1, 1:3, 1:7, pure attention and pure Mamba at the same depth and width.
 * - {@link sharedEvery}: a Zamba-style shared attention+MLP block called every k layers.
 * - {@link alternate}: StripedHyena's strict alternation.
 * - {@link megatronHybridPattern}: Megatron-LM's `allocate_layers` (mamba / attention / MLP-only).
 * - {@link zambaHybridIndices}: the layers where Zamba calls its shared block (`configuration_zamba.py`).
 *
 * Parameters of new layers come from the design's existing layers of the same kind (the first one found), else the
 * kind's defaults for the width (src/kinds/<kind>/spec.ts `defaults`: the one place they are derived).
 */
import { withLayers } from './compact';
import { expandLayers, LIMITS, type Design, type Ffn, type Layer, type Mixer, type SharedBlock } from './schema';
import { MIXER_BLOCK_KINDS, MIXER_SPECS, ffnSpecOf, mixerSpecOf, type MixerBlockKind } from '../kinds/specs';
import type { MlpFfn } from '../kinds/mlp/spec';
import type { MoeFfn } from '../kinds/moe/spec';
import { defaultSharedBlock } from '../kinds/shared/spec';

/** Megatron-LM layer symbols: M (Mamba), * (attention), - (MLP-only). */
export type MegatronLayerKind = 'mamba' | 'attention' | 'mlp';

/** Python's round(): halves go to the even neighbour (Megatron-LM computes layer counts with it). */
export function pyRound(x: number): number {
  const f = Math.floor(x);
  const diff = x - f;
  if (diff > 0.5) return f + 1;
  if (diff < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/**
 * Megatron-LM `pattern_from_ratios(num_layers, attention_ratio, mlp_ratio)` (hybrid_layer_allocation.py): attention
 * evenly spaced starting and ending with Mamba, then MLPs replacing Mamba slots the same way. Counts use Python's
 * round. `(56, 0.08, 0.5)` is the Mamba-2-Hybrid-8B pattern of examples/mamba/train.sh.
 */
export function patternFromRatios(nLayers: number, attentionRatio: number, mlpRatio: number): string {
  if (!Number.isInteger(nLayers) || nLayers < 1) throw new RangeError(`nLayers must be a positive integer, got ${nLayers}`);
  if (!(attentionRatio >= 0 && mlpRatio >= 0 && attentionRatio <= 1 && mlpRatio <= 1 && attentionRatio + mlpRatio <= 1)) {
    throw new RangeError(`ratios must be in [0, 1] with attention + mlp <= 1, got ${attentionRatio} and ${mlpRatio}`);
  }
  const s: string[] = new Array<string>(nLayers).fill('M');
  const nAttention = pyRound(nLayers * attentionRatio);
  let nMamba = nLayers - nAttention;
  const section = nMamba / (nAttention + 1);
  let x = section;
  for (let i = 0; i < nLayers; i++) {
    if (x < 0.5) {
      s[i] = '*';
      x += section;
    } else x -= 1;
  }
  const nMlp = pyRound(nLayers * mlpRatio);
  if (nMlp > 0) {
    nMamba -= nMlp;
    const ratio = nMamba / nMlp;
    let y = ratio;
    for (let i = 0; i < nLayers; i++) {
      if (s[i] !== 'M') continue;
      if (y < 0.5) {
        s[i] = '-';
        y += ratio;
      } else y -= 1;
    }
  }
  return s.join('');
}

/**
 * Megatron-LM's automatic hybrid allocation as layer kinds ({@link patternFromRatios}: attention evenly spaced with
 * Mamba sections before and after, then MLP-only layers distributed evenly over the remaining Mamba slots).
 * `megatronHybridPattern(56, 0.08, 0.5)` is Mamba-2-Hybrid 8B: attention at 10, 22, 33, 45.
 */
export function megatronHybridPattern(nLayers: number, attentionRatio: number, mlpRatio: number): MegatronLayerKind[] {
  return [...patternFromRatios(nLayers, attentionRatio, mlpRatio)].map((c) => (c === '*' ? 'attention' : c === '-' ? 'mlp' : 'mamba'));
}

/**
 * The Mamba-layer indices that carry a shared-block call in Zamba (HF `configuration_zamba.py`,
 * `_layers_block_type`): layers 0 and 1 are plain Mamba, layer 2 is hybrid, and from there on layer `i` (i >= 3)
 * is hybrid when `(i - 3) % period == offset`.
 */
export function zambaHybridIndices(nLayers: number, period: number, offset: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < nLayers; i++) {
    if (i === 2 || (i >= 3 && (i - 3) % period === offset)) out.push(i);
  }
  return out;
}

/** The mixer kinds that can stand on the recurrent side of a ratio (Mamba, Mamba-2, Hyena, ...). */
export const RECURRENT_KINDS: MixerBlockKind[] = MIXER_BLOCK_KINDS.filter((k) => MIXER_SPECS[k].ratioSide === 'recurrent');
/** The mixer kinds that can stand on the attention side of a ratio. */
export const ATTENTION_SIDE_KINDS: MixerBlockKind[] = MIXER_BLOCK_KINDS.filter((k) => MIXER_SPECS[k].ratioSide === 'attention');

/** A recurrent mixer kind (one of {@link RECURRENT_KINDS}). */
export type OtherMixerKind = MixerBlockKind;

/** MoE placement: MoE where `i % every == offset`, except the first `firstDense` layers, which stay dense. */
export interface MoePlacement {
  every: number;
  offset: number;
  nExperts: number;
  topK: number;
  /**
   * The first k layers keep a dense MLP where the rule would put an MoE (Kimi / DeepSeek `first_k_dense_replace`:
   * Kimi Linear's layer 0 is a dense `mlp`, hybrids-2026.md §8); default 0.
   */
  firstDense?: number;
}

/** Options of {@link applyRatio}. */
export interface RatioOptions {
  /** a in a:m (attention layers per group). 0 gives a pure state-space stack. */
  attn: number;
  /** m in a:m (other layers per group). 0 gives pure attention. */
  other: number;
  nLayers: number;
  /**
   * `period`: period a + m, attention at offsets offset .. offset + a - 1 (mod period) in each period (Jamba:
   * 1:7, offset 4). `even`: round(n a / (a + m)) attention layers spread evenly, starting and ending with the other
   * kind (Megatron-LM's allocation). `every-k`: the seed's rule, attention where (i + 1) % k == 0 with
   * k = round((a + m) / a).
   */
  placement: 'period' | 'even' | 'every-k';
  /** Offset for `period` placement; default floor((a + m) / 2), which is Jamba's 4 for 1:7. */
  offset?: number;
  /** The recurrent kind (one of RECURRENT_KINDS). */
  otherMixer: OtherMixerKind;
  /** The attention-side kind (one of ATTENTION_SIDE_KINDS); default `attention`. */
  attnMixer?: MixerBlockKind;
  /** MoE every e layers with an offset; null or absent keeps the existing FFN of each index. */
  moe?: MoePlacement | null;
}

/** Default dense FFN for a width (the MLP kind's defaults). */
export function defaultMlp(dModel: number): MlpFfn {
  return ffnSpecOf('mlp').defaults(dModel) as MlpFfn;
}

function firstMixer<K extends Mixer['kind']>(layers: readonly Layer[], kind: K): Extract<Mixer, { kind: K }> | undefined {
  return layers.find((l) => l.mixer.kind === kind)?.mixer as Extract<Mixer, { kind: K }> | undefined;
}
function firstFfn<K extends Ffn['kind']>(layers: readonly Layer[], kind: K): Extract<Ffn, { kind: K }> | undefined {
  return layers.find((l) => l.ffn.kind === kind)?.ffn as Extract<Ffn, { kind: K }> | undefined;
}

/** The mixer of a kind for new layers: the design's first of that kind, else the kind's defaults. */
function mixerFor(layers: readonly Layer[], kind: MixerBlockKind, dModel: number): Mixer {
  return firstMixer(layers, kind) ?? (mixerSpecOf(kind).defaults(dModel) as Mixer);
}

function checkSide(name: string, kind: string, allowed: readonly MixerBlockKind[]): void {
  if (!(allowed as readonly string[]).includes(kind)) throw new RangeError(`${name} must be one of ${allowed.join(', ')}, got "${kind}"`);
}

/** True at the attention positions of a placement. */
export function attentionPositions(o: Pick<RatioOptions, 'attn' | 'other' | 'nLayers' | 'placement' | 'offset'>): boolean[] {
  const { attn: a, other: m, nLayers: n } = o;
  checkCount('attn', a, 0);
  checkCount('other', m, 0);
  checkCount('nLayers', n, 1);
  if (n > LIMITS.layers) throw new RangeError(`nLayers ${n} exceeds the limit of ${LIMITS.layers}`);
  if (a + m === 0) throw new RangeError('attn + other must be at least 1');
  if (m === 0) return new Array<boolean>(n).fill(true);
  if (a === 0) return new Array<boolean>(n).fill(false);
  if (o.placement === 'period') {
    const period = a + m;
    const offset = o.offset ?? Math.floor(period / 2);
    checkCount('offset', offset, 0);
    if (offset >= period) throw new RangeError(`offset ${offset} must be less than the period ${period}`);
    return Array.from({ length: n }, (_, i) => ((i % period) - offset + period) % period < a);
  }
  if (o.placement === 'every-k') {
    const k = Math.max(1, Math.round((a + m) / a));
    return Array.from({ length: n }, (_, i) => (i + 1) % k === 0);
  }
  return megatronHybridPattern(n, a / (a + m), 0).map((k) => k === 'attention');
}

function checkCount(name: string, v: number, min: number): void {
  if (!Number.isInteger(v) || v < min) throw new RangeError(`${name} must be an integer >= ${min}, got ${v}`);
}

/** The FFN of layer i when keeping the existing placement by index (cycling when the new stack is deeper). */
function keptFfn(layers: readonly Layer[], i: number, dModel: number): Ffn {
  return layers.length ? layers[i % layers.length]!.ffn : defaultMlp(dModel);
}

function ffnAt(layers: readonly Layer[], i: number, dModel: number, moe: MoePlacement | null | undefined): Ffn {
  if (!moe) return keptFfn(layers, i, dModel);
  checkCount('moe.every', moe.every, 1);
  checkCount('moe.offset', moe.offset, 0);
  if (moe.offset >= moe.every) throw new RangeError(`moe.offset ${moe.offset} must be less than moe.every ${moe.every}`);
  checkCount('moe.nExperts', moe.nExperts, 1);
  checkCount('moe.topK', moe.topK, 1);
  if (moe.topK > moe.nExperts) throw new RangeError(`moe.topK ${moe.topK} exceeds moe.nExperts ${moe.nExperts}`);
  const firstDense = moe.firstDense ?? 0;
  checkCount('moe.firstDense', firstDense, 0);
  const denseMlp = firstFfn(layers, 'mlp') ?? defaultMlp(dModel);
  if (i % moe.every === moe.offset && i >= firstDense) {
    // The design's MoE keeps its routing and shared experts; a new one starts from the kind's defaults.
    const existing = firstFfn(layers, 'moe');
    const base: MoeFfn = existing ?? { ...(ffnSpecOf('moe').defaults(dModel) as MoeFfn), expertWidth: denseMlp.width, activation: denseMlp.activation };
    return { ...base, nExperts: moe.nExperts, topK: moe.topK };
  }
  const kept = keptFfn(layers, i, dModel);
  return kept.kind === 'moe' ? denseMlp : kept;
}

/** Keeps only the shared blocks that some layer still calls. */
function pruneShared(design: Design, layers: readonly Layer[]): SharedBlock[] {
  const used = new Set(layers.flatMap((l) => (l.mixer.kind === 'shared' ? [l.mixer.blockId] : [])));
  return design.sharedBlocks.filter((b) => used.has(b.id));
}

/**
 * A new layout of the design's depth `nLayers`: attention:other at ratio a:m, placed as `placement` says, FFNs kept
 * by index or re-placed by `moe`. Shared-block calls of the old design are dropped (and unused shared blocks with
 * them). Throws RangeError on impossible options (the message names the option).
 */
export function applyRatio(design: Design, opts: RatioOptions): Design {
  const old = expandLayers(design.layers).filter((l) => l.mixer.kind !== 'shared');
  const isAttn = attentionPositions(opts);
  checkSide('otherMixer', opts.otherMixer, RECURRENT_KINDS);
  checkSide('attnMixer', opts.attnMixer ?? 'attention', ATTENTION_SIDE_KINDS);
  if (opts.moe?.firstDense !== undefined && opts.moe.firstDense > opts.nLayers) {
    throw new RangeError(`moe.firstDense ${opts.moe.firstDense} exceeds the ${opts.nLayers} layers`);
  }
  const attn = mixerFor(old, opts.attnMixer ?? 'attention', design.dModel);
  const other = mixerFor(old, opts.otherMixer, design.dModel);
  const layers: Layer[] = isAttn.map((a, i) => ({ mixer: a ? attn : other, ffn: ffnAt(old, i, design.dModel, opts.moe) }));
  return { ...withLayers(design, layers), sharedBlocks: pruneShared(design, layers) };
}

/** The recurrent mixer a design already uses (first found), else the first recurrent kind (Mamba-1). */
export function dominantRecurrent(layers: readonly Layer[]): OtherMixerKind {
  for (const l of layers) if (l.mixer.kind !== 'none' && RECURRENT_KINDS.includes(l.mixer.kind)) return l.mixer.kind;
  return RECURRENT_KINDS[0]!;
}

/** The attention-side mixer a design already uses (first found), else `attention`. */
export function dominantAttention(layers: readonly Layer[]): MixerBlockKind {
  for (const l of layers) if (l.mixer.kind !== 'none' && ATTENTION_SIDE_KINDS.includes(l.mixer.kind)) return l.mixer.kind;
  return ATTENTION_SIDE_KINDS[0]!;
}

/**
 * The design at the same depth and width as 1:1, 1:3, 1:7 (Jamba-style period placement), pure attention and pure
 * state-space (the design's own SSM kind, else Mamba), each keeping the FFN (and so the MoE placement) of every
 * index. Used by "compare ratios".
 */
export function ratioVariants(design: Design): { label: string; design: Design }[] {
  const layers = expandLayers(design.layers).filter((l) => l.mixer.kind !== 'shared');
  const nLayers = Math.max(1, layers.length);
  const otherMixer = dominantRecurrent(layers);
  const attnMixer = dominantAttention(layers);
  const ssmName = MIXER_SPECS[otherMixer].style.label;
  const variants: { label: string; attn: number; other: number }[] = [
    { label: '1:1', attn: 1, other: 1 },
    { label: '1:3', attn: 1, other: 3 },
    { label: '1:7', attn: 1, other: 7 },
    { label: `pure ${MIXER_SPECS[attnMixer].style.label.toLowerCase()}`, attn: 1, other: 0 },
    { label: `pure ${ssmName}`, attn: 0, other: 1 },
  ];
  return variants.map((v) => {
    const d = applyRatio(design, { attn: v.attn, other: v.other, nLayers, placement: 'period', otherMixer, attnMixer, moe: null });
    return { label: v.label, design: { ...d, name: `${design.name} (${v.label})` } };
  });
}

/** Options of {@link sharedEvery}. */
export interface SharedEveryOptions {
  /** Call the shared block before every k-th layer. */
  every: number;
  /** Before layer i when i % every == offset; default 0. */
  offset?: number;
  /** The block to call; default the design's first shared block, else a default Zamba-style block. */
  block?: SharedBlock;
}

export { defaultSharedBlock };

/**
 * Zamba-style: removes existing shared calls, then inserts a call of one shared block just before every layer i
 * (counting the remaining layers) with i % every == offset. `sharedBlocks` becomes that one block.
 */
export function sharedEvery(design: Design, opts: SharedEveryOptions): Design {
  checkCount('every', opts.every, 1);
  const offset = opts.offset ?? 0;
  checkCount('offset', offset, 0);
  if (offset >= opts.every) throw new RangeError(`offset ${offset} must be less than every ${opts.every}`);
  const block = opts.block ?? design.sharedBlocks[0] ?? defaultSharedBlock(design.dModel);
  const base = expandLayers(design.layers).filter((l) => l.mixer.kind !== 'shared');
  const call: Layer = { mixer: { kind: 'shared', blockId: block.id }, ffn: { kind: 'none' } };
  const layers: Layer[] = [];
  base.forEach((l, i) => {
    if (i % opts.every === offset) layers.push(call);
    layers.push(l);
  });
  // Every old call was removed, so the one block called now is the only one kept.
  return { ...withLayers(design, layers), sharedBlocks: [block] };
}

/** Options of {@link alternate}. */
export interface AlternateOptions {
  nLayers: number;
  /** The mixer at even indices (StripedHyena: hyena); attention goes to odd indices. */
  other: OtherMixerKind;
  /** Put attention at even indices instead. */
  attentionFirst?: boolean;
}

/** StripedHyena alternation: other mixer at even indices, attention at odd ones; FFNs kept by index. */
export function alternate(design: Design, opts: AlternateOptions): Design {
  return applyRatio(design, { attn: 1, other: 1, nLayers: opts.nLayers, placement: 'period', offset: opts.attentionFirst ? 0 : 1, otherMixer: opts.other, moe: null });
}

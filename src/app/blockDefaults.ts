/**
 * What a palette block becomes when placed: a mixer or an FFN sized to fit the current design. Where the design
 * already has a block of the same kind its parameters are reused (a new attention layer in Jamba is Jamba's GQA
 * 32/8), otherwise sizes follow the reference defaults (state-spaces `mamba_simple.py` / `mamba2.py`, the
 * StripedHyena 7B config, Llama-style SwiGLU width 8/3 d).
 */
import {
  expandLayers,
  type AttentionMixer,
  type Design,
  type Ffn,
  type Layer,
  type Mixer,
  type MlpFfn,
  type MoeFfn,
  type SharedBlock,
} from '../models/schema';
import type { BlockKind } from '../components/kindColors';

/** One line per kind, from the trade-offs the seed document describes (complexity, memory, retrieval). */
export const BLOCK_DESCRIPTIONS = {
  attention: 'Exact retrieval, strong in-context learning; O(n²) time, KV cache grows with context.',
  mamba: 'Selective SSM: O(n) time, fixed-size state; recall is compressed (approximate).',
  mamba2: 'SSD scan: matmul-friendly, larger state (N=128); O(n) time, fixed state.',
  hyena: 'Implicit long convolution + short FIR; sub-quadratic, tiny modal state.',
  shared: 'Zamba: one attention+MLP block stored once, called at many layers; each call keeps its own KV.',
  mlp: 'Dense FFN: every parameter is active for every token.',
  moe: 'Mixture of experts: top-k of E experts per token; more total params, same active compute.',
} as const satisfies Record<BlockKind, string>;

function firstMixer<K extends Mixer['kind']>(layers: readonly Layer[], kind: K): Extract<Mixer, { kind: K }> | undefined {
  for (const l of layers) if (l.mixer.kind === kind) return l.mixer as Extract<Mixer, { kind: K }>;
  return undefined;
}

function firstFfn<K extends Ffn['kind']>(layers: readonly Layer[], kind: K): Extract<Ffn, { kind: K }> | undefined {
  for (const l of layers) if (l.ffn.kind === kind) return l.ffn as Extract<Ffn, { kind: K }>;
  return undefined;
}

/** Attention sized for dModel: head dim 128 where it divides dModel (else 64, else dModel), GQA with 4 query heads per KV head. */
export function defaultAttention(dModel: number): AttentionMixer {
  const headDim = dModel % 128 === 0 ? 128 : dModel % 64 === 0 ? 64 : dModel;
  const nHeads = Math.max(1, Math.floor(dModel / headDim));
  const nKvHeads = nHeads % 4 === 0 ? nHeads / 4 : nHeads;
  return { kind: 'attention', nHeads, nKvHeads, headDim, positional: 'rope', slidingWindow: null, bias: false };
}

/** The dense FFN width used for new layers: the design's own, else the nearest multiple of 256 to 8/3 d (Llama). */
export function defaultFfnWidth(design: Design, layers: readonly Layer[]): number {
  const mlp = firstFfn(layers, 'mlp');
  if (mlp) return mlp.width;
  const moe = firstFfn(layers, 'moe');
  if (moe) return moe.expertWidth;
  return Math.max(256, Math.round((8 / 3) * design.dModel / 256) * 256);
}

/** A shared attention+MLP block for designs that have none yet (Zamba: attention over concat(h, embedding)). */
export function defaultSharedBlock(design: Design, layers: readonly Layer[]): SharedBlock {
  return {
    id: 'shared-0',
    attention: defaultAttention(2 * design.dModel),
    ffn: { kind: 'mlp', width: defaultFfnWidth(design, layers), activation: 'swiglu', bias: false },
    concatEmbedding: true,
    perCallLinear: true,
  };
}

/** What placing a block of `kind` does to a design: a new mixer or FFN, and maybe a shared block to add. */
export interface PlacedBlock {
  mixer?: Mixer;
  ffn?: Ffn;
  /** A shared block the design must gain first (only for `shared` when the design has none). */
  addSharedBlock?: SharedBlock;
}

/** Builds the mixer or FFN a palette block of `kind` stands for in `design`. */
export function placeBlock(design: Design, kind: BlockKind): PlacedBlock {
  const layers = expandLayers(design.layers);
  switch (kind) {
    case 'attention':
      return { mixer: firstMixer(layers, 'attention') ?? defaultAttention(design.dModel) };
    case 'mamba':
      return {
        mixer: firstMixer(layers, 'mamba') ?? {
          kind: 'mamba', dState: 16, dConv: 4, expand: 2, dtRank: 'auto', convBias: true, projBias: false, innerNorms: false,
        },
      };
    case 'mamba2': {
      const existing = firstMixer(layers, 'mamba2');
      if (existing) return { mixer: existing };
      const dInner = 2 * design.dModel;
      const headDim = dInner % 64 === 0 ? 64 : dInner;
      return {
        mixer: { kind: 'mamba2', dState: 128, headDim, nGroups: 1, dConv: 4, expand: 2, chunkSize: 256, convBias: true, projBias: false },
      };
    }
    case 'hyena':
      return { mixer: firstMixer(layers, 'hyena') ?? { kind: 'hyena', shortFilterLength: 3, stateSize: 2, projBias: true } };
    case 'shared': {
      const block = design.sharedBlocks[0];
      if (block) return { mixer: { kind: 'shared', blockId: block.id } };
      const created = defaultSharedBlock(design, layers);
      return { mixer: { kind: 'shared', blockId: created.id }, addSharedBlock: created };
    }
    case 'mlp': {
      const ffn: MlpFfn = firstFfn(layers, 'mlp') ?? { kind: 'mlp', width: defaultFfnWidth(design, layers), activation: 'swiglu', bias: false };
      return { ffn };
    }
    case 'moe': {
      const ffn: MoeFfn = firstFfn(layers, 'moe') ?? {
        kind: 'moe', nExperts: 8, topK: 2, expertWidth: defaultFfnWidth(design, layers), activation: 'swiglu',
      };
      return { ffn };
    }
  }
}

/** A whole new layer for `kind`: a mixer block gets the design's usual FFN (or none), an FFN block gets no mixer. */
export function newLayerFor(design: Design, kind: BlockKind): { layer: Layer; addSharedBlock?: SharedBlock } {
  const placed = placeBlock(design, kind);
  const layers = expandLayers(design.layers);
  if (placed.mixer) {
    // Zamba's shared calls carry their own MLP inside the shared block; other mixers take the design's dense FFN.
    const ffn: Ffn =
      placed.mixer.kind === 'shared'
        ? { kind: 'none' }
        : firstFfn(layers, 'mlp') ?? (layers.some((l) => l.ffn.kind !== 'none') ? { kind: 'mlp', width: defaultFfnWidth(design, layers), activation: 'swiglu', bias: false } : { kind: 'none' });
    return { layer: { mixer: placed.mixer, ffn }, ...(placed.addSharedBlock ? { addSharedBlock: placed.addSharedBlock } : {}) };
  }
  return { layer: { mixer: { kind: 'none' }, ffn: placed.ffn ?? { kind: 'none' } } };
}

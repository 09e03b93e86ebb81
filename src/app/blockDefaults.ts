/**
 * What a palette block becomes when placed: a mixer or an FFN sized to fit the current design. Where the design
 * already has a block of the same kind its parameters are reused (a new attention layer in Jamba is Jamba's GQA
 * 32/8), otherwise the kind's defaults for the width (src/kinds/<kind>/spec.ts), given the design's FFN width.
 */
import { expandLayers, type Design, type Ffn, type Layer, type Mixer, type SharedBlock } from '../models/schema';
import { ffnSpecOf, isMixerKind, mixerSpecOf, specOf, type BlockKind } from '../kinds/specs';
import type { DefaultsHints } from '../kinds/kindSpec';

/** One line per kind: what it buys and what it costs (the kind's own `tradeoff`). */
export function blockDescription(kind: BlockKind): string {
  return specOf(kind).tradeoff;
}

/** The design's dense FFN width (first MLP, else first MoE expert), the hint every new FFN is sized by. */
export function designHints(layers: readonly Layer[]): DefaultsHints {
  for (const l of layers) if (l.ffn.kind !== 'none' && 'width' in l.ffn) return { ffnWidth: l.ffn.width };
  for (const l of layers) if (l.ffn.kind !== 'none' && 'expertWidth' in l.ffn) return { ffnWidth: l.ffn.expertWidth };
  return {};
}

/** What placing a block of `kind` does to a design: a new mixer or FFN, and maybe a shared block to add. */
export interface PlacedBlock {
  mixer?: Mixer;
  ffn?: Ffn;
  /** A design-level block the design must gain first (Zamba's shared block when the design has none). */
  addSharedBlock?: SharedBlock;
}

/** Builds the mixer or FFN a palette block of `kind` stands for in `design`. */
export function placeBlock(design: Design, kind: BlockKind): PlacedBlock {
  const layers = expandLayers(design.layers);
  const hints = designHints(layers);
  if (isMixerKind(kind)) {
    const existing = layers.find((l) => l.mixer.kind === kind)?.mixer;
    if (existing) return { mixer: existing };
    const spec = mixerSpecOf(kind);
    if (spec.place) {
      const p = spec.place({ dModel: design.dModel, sharedBlocks: design.sharedBlocks });
      return { mixer: p.mixer as Mixer, ...(p.addSharedBlock ? { addSharedBlock: p.addSharedBlock as SharedBlock } : {}) };
    }
    return { mixer: spec.defaults(design.dModel, hints) as Mixer };
  }
  const existing = layers.find((l) => l.ffn.kind === kind)?.ffn;
  return { ffn: existing ?? (ffnSpecOf(kind).defaults(design.dModel, hints) as Ffn) };
}

/** A whole new layer for `kind`: a mixer block gets the design's usual FFN (or none), an FFN block gets no mixer. */
export function newLayerFor(design: Design, kind: BlockKind): { layer: Layer; addSharedBlock?: SharedBlock } {
  const placed = placeBlock(design, kind);
  const layers = expandLayers(design.layers);
  if (placed.mixer) {
    // A mixer that carries its own FFN (Zamba's shared block) gets none; others take the design's dense FFN.
    const carries = placed.mixer.kind !== 'none' && mixerSpecOf(placed.mixer.kind).carriesFfn === true;
    const dense = layers.find((l) => l.ffn.kind === 'mlp')?.ffn;
    const ffn: Ffn = carries
      ? { kind: 'none' }
      : dense ?? (layers.some((l) => l.ffn.kind !== 'none') ? (ffnSpecOf('mlp').defaults(design.dModel, designHints(layers)) as Ffn) : { kind: 'none' });
    return { layer: { mixer: placed.mixer, ffn }, ...(placed.addSharedBlock ? { addSharedBlock: placed.addSharedBlock } : {}) };
  }
  return { layer: { mixer: { kind: 'none' }, ffn: placed.ffn ?? { kind: 'none' } } };
}

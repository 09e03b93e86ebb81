/**
 * What every block kind declares about itself, in pure data and pure functions: its schema fragment, defaults derived
 * in one place, labels and colour, its one-line trade-off, cross-field rules and how a run profile shrinks it.
 * Each kind's `spec.ts` exports one of these; `src/kinds/specs.ts` is the typed table of them. Nothing here imports
 * tfjs, React or the DOM: src/models may import it.
 *
 * The other walls have their own tables keyed by the same kinds: cost (`costs.ts`), runtime (`runtimes.ts`) and
 * view (`views.ts`). See docs/adding-a-block-kind.md.
 */
import type { z } from 'zod';

/** Colour, letter and label of a kind: the same in the palette, nodes, the pattern strip and the charts. */
export interface KindStyle {
  /** Accent colour (hex), readable on both the light and the dark theme. */
  color: string;
  /** One character shown in the pattern strip and on node badges. */
  letter: string;
  /** Short human label. */
  label: string;
  /** Text colour on the accent, for contrast. */
  ink: string;
}

/** Palette groups (UI.md): Attention, Recurrent, Composite, FFN. */
export type PaletteGroup = 'attention' | 'recurrent' | 'composite' | 'ffn';
export const PALETTE_GROUPS = ['attention', 'recurrent', 'composite', 'ffn'] as const satisfies readonly PaletteGroup[];

/** A rule broken inside one block; `path` is relative to the block. */
export interface SpecIssue {
  path: (string | number)[];
  message: string;
}

/** What a block's cross-field rules may look at besides the block itself. */
export interface CheckContext {
  dModel: number;
  /** Ids of the design's shared blocks. */
  sharedBlockIds: ReadonlySet<string>;
}

/** How a run profile shrinks a block (the subset of the runtime's RunProfileSpec the kinds read). */
export interface ScaleProfile {
  dModel: number;
  headDim: number;
  ffnMult: number;
  maxExperts: number;
  /** Cap on recurrent state sizes (d_state); kept when smaller. */
  maxDState?: number;
}

/** What a new block's defaults may take from the design it goes into. */
export interface DefaultsHints {
  /** The design's dense FFN width (its first MLP's, else its first MoE expert's), when it has one. */
  ffnWidth?: number;
}

/** The design-level parts a placed block may need (Zamba's shared blocks live beside the layers). */
export interface PlaceContext {
  dModel: number;
  sharedBlocks: readonly { id: string }[];
}

/** A placed mixer, and a design-level block it needs (its type is the shared kind's; others never add one). */
export interface Placed<C> {
  mixer: C;
  addSharedBlock?: unknown;
}

export interface ScaleContext {
  /** dModel of the full design. */
  dFull: number;
  profile: ScaleProfile;
}

/** A block's zod schema: a strict object with a literal `kind`. */
export type KindSchema = z.ZodType<{ kind: string }, any>;

interface SpecBase<S extends KindSchema, C extends { kind: string } = z.output<S>> {
  readonly kind: C['kind'];
  readonly style: KindStyle;
  /** One line: what the kind buys and what it costs (the palette shows it). */
  readonly tradeoff: string;
  readonly group: PaletteGroup;
  /** The zod schema of the block (a strict object with a literal `kind`). */
  readonly schema: S;
  /** The block a new layer gets in a design of width dModel: the one place defaults are derived. */
  defaults(dModel: number, hints?: DefaultsHints): NoInfer<C>;
  /** Short description for nodes and tooltips, e.g. "Mamba N16", "MoE 16×top-2". */
  summary(c: NoInfer<C>): string;
  /** Rules that need more than the block's own fields (dModel, the design's shared blocks). */
  check?(c: NoInfer<C>, ctx: CheckContext): SpecIssue[];
  /** The block shrunk by a run profile, keeping what makes it this kind (ratios, flags). */
  scale(c: NoInfer<C>, ctx: ScaleContext): NoInfer<C>;
}

/** A token mixer (attention, a recurrent layer, a composite). */
export interface MixerSpec<S extends KindSchema> extends SpecBase<S> {
  readonly role: 'mixer';
  /**
   * Which side of an a:m ratio this kind can stand on: `attention` (exact retrieval, a KV cache) or `recurrent`
   * (a fixed-size state); null for composites that the ratio tool does not place.
   */
  readonly ratioSide: 'attention' | 'recurrent' | null;
  /** Whether the layer normalises the hidden state before this mixer (false for Zamba's shared block: it has its own). */
  readonly preNorm: boolean;
  /** True when the mixer carries its own FFN (Zamba's shared block), so a new layer of it gets FFN `none`. */
  readonly carriesFfn?: boolean;
  /** How a palette drop places the kind when defaults alone do not do (it needs a design-level block). */
  place?(ctx: PlaceContext): Placed<NoInfer<z.output<S>>>;
}

/** A channel mixer (dense MLP, mixture of experts). */
export interface FfnSpec<S extends KindSchema> extends SpecBase<S> {
  readonly role: 'ffn';
  /** True for sparse FFNs (a token touches some experts): the pattern strip marks them with a dot. */
  readonly sparse: boolean;
}

/** Identity helpers that keep the literal types of a spec while checking it against the interface. */
export function mixerSpec<S extends KindSchema>(s: MixerSpec<S>): MixerSpec<S> {
  return s;
}
export function ffnSpec<S extends KindSchema>(s: FfnSpec<S>): FfnSpec<S> {
  return s;
}

/** The largest divisor of n that is at most cap (1 when none larger). */
export function largestDivisorAtMost(n: number, cap: number): number {
  for (let g = Math.max(1, Math.min(n, cap)); g > 1; g--) if (n % g === 0) return g;
  return 1;
}

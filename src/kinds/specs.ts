/**
 * The pure registry: every block kind's spec (schema fragment, defaults, labels, colour, trade-off, rules, profile
 * scaling), keyed by kind. The design schema's mixer and FFN unions are built from these tables, so a kind exists
 * exactly when it has an entry here; the cost, runtime and view tables are typed `Record<...Kind, ...>` over them, so a
 * kind missing from any of them is a compile error. Adding a kind: docs/adding-a-block-kind.md.
 */
import { attentionSpec } from './attention/spec';
import { mlaSpec } from './mla/spec';
import { mambaSpec } from './mamba/spec';
import { mamba2Spec } from './mamba2/spec';
import { hyenaSpec } from './hyena/spec';
import { linearAttentionSpec } from './linear-attention/spec';
import { sharedSpec } from './shared/spec';
import { parallelSpec } from './parallel/spec';
import { mlpSpec } from './mlp/spec';
import { moeSpec } from './moe/spec';
import type { FfnSpec, KindStyle, MixerSpec } from './kindSpec';

/** Token mixers, in palette order. */
export const MIXER_SPECS = {
  attention: attentionSpec,
  mla: mlaSpec,
  mamba: mambaSpec,
  mamba2: mamba2Spec,
  hyena: hyenaSpec,
  'linear-attention': linearAttentionSpec,
  shared: sharedSpec,
  parallel: parallelSpec(mixerSpecList),
};

/** Channel mixers, in palette order. */
export const FFN_SPECS = {
  mlp: mlpSpec,
  moe: moeSpec,
};

export type MixerBlockKind = keyof typeof MIXER_SPECS;
export type FfnBlockKind = keyof typeof FFN_SPECS;
/** Every kind a user can place. */
export type BlockKind = MixerBlockKind | FfnBlockKind;

export const MIXER_BLOCK_KINDS = Object.keys(MIXER_SPECS) as MixerBlockKind[];
export const FFN_BLOCK_KINDS = Object.keys(FFN_SPECS) as FfnBlockKind[];
export const BLOCK_KINDS: BlockKind[] = [...MIXER_BLOCK_KINDS, ...FFN_BLOCK_KINDS];

type AnySpec = MixerSpec<any> | FfnSpec<any>;

/** The spec of any kind (mixer or FFN). */
export function specOf(kind: BlockKind): AnySpec {
  return (kind in MIXER_SPECS ? MIXER_SPECS[kind as MixerBlockKind] : FFN_SPECS[kind as FfnBlockKind]) as AnySpec;
}

/**
 * Every mixer spec, in palette order. A function (hoisted), so a composite kind that nests mixers (src/kinds/parallel)
 * can be handed it in its own registry entry and read it lazily, without importing this module (an import cycle).
 */
export function mixerSpecList(): readonly MixerSpec<any>[] {
  return Object.values(MIXER_SPECS) as MixerSpec<any>[];
}

/** The mixer spec of a mixer kind, typed loosely for generic callers (configs come validated). */
export function mixerSpecOf(kind: MixerBlockKind): MixerSpec<any> {
  return MIXER_SPECS[kind] as MixerSpec<any>;
}

export function ffnSpecOf(kind: FfnBlockKind): FfnSpec<any> {
  return FFN_SPECS[kind] as FfnSpec<any>;
}

/** True when the FFN is sparse (MoE): the pattern strip and group minis mark such layers with a dot. */
export function isSparseFfn(kind: FfnBlockKind | 'none'): boolean {
  return kind !== 'none' && FFN_SPECS[kind].sparse;
}

/** True for mixers on the attention side of a ratio (exact retrieval, a KV cache). */
export function isAttentionSide(kind: MixerBlockKind | 'none'): boolean {
  return kind !== 'none' && MIXER_SPECS[kind].ratioSide === 'attention';
}

export function isMixerKind(kind: string): kind is MixerBlockKind {
  return Object.prototype.hasOwnProperty.call(MIXER_SPECS, kind);
}

export function isFfnKind(kind: string): kind is FfnBlockKind {
  return Object.prototype.hasOwnProperty.call(FFN_SPECS, kind);
}

/** Style of an empty mixer or FFN slot. */
export const NONE_STYLE: KindStyle = { color: '#adb5bd', letter: '·', label: 'none', ink: '#1d2127' };

/** The style of a kind, or of `none`. */
export function kindStyle(kind: BlockKind | 'none'): KindStyle {
  return kind === 'none' ? NONE_STYLE : specOf(kind).style;
}

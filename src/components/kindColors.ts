/**
 * One accent colour per block kind, defined once and used everywhere that kind appears: palette, graph nodes,
 * pattern strip and chart series. Colour is never the only cue: every kind also has a letter and a label.
 */

/** The kinds a user can place: five mixers (token mixing) and two FFNs (channel mixing). */
export const BLOCK_KINDS = ['attention', 'mamba', 'mamba2', 'hyena', 'shared', 'mlp', 'moe'] as const;
export type BlockKind = (typeof BLOCK_KINDS)[number];

/** Mixer block kinds: dropping one on a layer replaces the layer's mixer. */
export const MIXER_BLOCK_KINDS = ['attention', 'mamba', 'mamba2', 'hyena', 'shared'] as const satisfies readonly BlockKind[];
/** FFN block kinds: dropping one on a layer replaces the layer's FFN. */
export const FFN_BLOCK_KINDS = ['mlp', 'moe'] as const satisfies readonly BlockKind[];

export interface KindStyle {
  /** Accent colour (hex), readable on both the light and the dark theme. */
  color: string;
  /** One character shown in the pattern strip and on node badges. */
  letter: string;
  /** Short human label. */
  label: string;
  /** Text colour on the accent (dark on the light amber and grey, white elsewhere), for contrast. */
  ink: string;
}

/** The accent colours, letters and labels of every block kind (plus `none` for an empty mixer or FFN slot). */
export const KIND_COLORS = {
  attention: { color: '#e8590c', letter: 'A', label: 'Attention', ink: '#ffffff' },
  mamba: { color: '#1c7ed6', letter: 'M', label: 'Mamba', ink: '#ffffff' },
  mamba2: { color: '#7048e8', letter: '2', label: 'Mamba-2', ink: '#ffffff' },
  hyena: { color: '#0ca678', letter: 'H', label: 'Hyena', ink: '#ffffff' },
  shared: { color: '#d6336c', letter: 'S', label: 'Shared block', ink: '#ffffff' },
  mlp: { color: '#868e96', letter: 'F', label: 'MLP', ink: '#ffffff' },
  moe: { color: '#e0a400', letter: 'E', label: 'MoE', ink: '#1d2127' },
  none: { color: '#adb5bd', letter: '·', label: 'none', ink: '#1d2127' },
} as const satisfies Record<BlockKind | 'none', KindStyle>;

/** The style of a kind, or of `none`. */
export function kindStyle(kind: BlockKind | 'none'): KindStyle {
  return (KIND_COLORS as Record<string, KindStyle>)[kind] ?? KIND_COLORS.none;
}

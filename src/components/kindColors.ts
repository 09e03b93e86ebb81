/**
 * One accent colour, letter and label per block kind, defined once in each kind's spec (src/kinds/<kind>/spec.ts)
 * and used everywhere that kind appears: palette, graph nodes, pattern strip and chart series. Colour is never the
 * only cue: every kind also has a letter and a label. This module re-exports the registry's view of them.
 */
export { BLOCK_KINDS, FFN_BLOCK_KINDS, MIXER_BLOCK_KINDS, NONE_STYLE, kindStyle, type BlockKind } from '../kinds/specs';
export type { KindStyle } from '../kinds/kindSpec';

/** Mamba-2: how it is edited (names as in spec.ts). */
import type { FieldSpec } from '../fieldSpec';

export const mamba2Fields: FieldSpec[] = [
  { key: 'dState', label: 'd_state (N)', type: 'int' },
  { key: 'headDim', label: 'Head dim (P)', type: 'int' },
  { key: 'nGroups', label: 'Groups (g)', type: 'int' },
  { key: 'dConv', label: 'd_conv (K)', type: 'int' },
  { key: 'expand', label: 'Expand', type: 'int' },
  { key: 'nHeads', label: 'Heads (sets width)', type: 'intOrNull', placeholder: 'expand × d / P', help: 'When set, d_inner = heads × head dim (Megatron-LM, Nemotron-H) instead of expand × d.' },
  { key: 'chunkSize', label: 'Chunk size', type: 'int' },
  { key: 'gatedNorm', label: 'Gated norm', type: 'bool' },
];

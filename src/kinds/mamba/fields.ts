/** Mamba-1: how it is edited (names as in spec.ts). */
import type { FieldSpec } from '../fieldSpec';

export const mambaFields: FieldSpec[] = [
  { key: 'dState', label: 'd_state (N)', type: 'int' },
  { key: 'dConv', label: 'd_conv (K)', type: 'int' },
  { key: 'expand', label: 'Expand', type: 'int' },
  { key: 'dtRank', label: 'dt_rank', type: 'intOrAuto', placeholder: 'auto = ⌈d/16⌉' },
  { key: 'innerNorms', label: 'Inner norms', type: 'bool' },
  { key: 'convBias', label: 'Conv bias', type: 'bool' },
  { key: 'projBias', label: 'Proj bias', type: 'bool' },
];

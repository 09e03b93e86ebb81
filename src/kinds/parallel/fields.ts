/** Parallel layer: how it is edited (names as in spec.ts); each branch is edited with its own kind's fields. */
import type { FieldSpec } from '../fieldSpec';
import { PARALLEL_COMBINES, PARALLEL_MAX_BRANCHES, PARALLEL_MIN_BRANCHES } from './spec';

export const parallelFields: FieldSpec[] = [
  { key: 'combine', label: 'Combine', type: 'enum', options: PARALLEL_COMBINES, help: 'sum: outputs added (Falcon-H1); mean-norm: each output normed, then averaged (Hymba).' },
  { key: 'branches', label: 'Branches', type: 'mixerList', itemLabel: 'Branch', groups: ['attention', 'recurrent'], min: PARALLEL_MIN_BRANCHES, max: PARALLEL_MAX_BRANCHES },
];

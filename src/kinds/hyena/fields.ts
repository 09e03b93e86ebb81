/** Hyena: how it is edited (names as in spec.ts). */
import type { FieldSpec } from '../fieldSpec';

export const hyenaFields: FieldSpec[] = [
  { key: 'shortFilterLength', label: 'Short filter', type: 'int' },
  { key: 'stateSize', label: 'State size (S)', type: 'int' },
  { key: 'projBias', label: 'Proj bias', type: 'bool' },
];

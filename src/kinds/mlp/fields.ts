/** MLP: how it is edited (names as in spec.ts). */
import type { FieldSpec } from '../fieldSpec';
import { FFN_ACTIVATIONS } from './spec';

export const mlpFields: FieldSpec[] = [
  { key: 'width', label: 'Width (f)', type: 'int' },
  { key: 'activation', label: 'Activation', type: 'enum', options: FFN_ACTIVATIONS },
  { key: 'bias', label: 'Bias', type: 'bool' },
];

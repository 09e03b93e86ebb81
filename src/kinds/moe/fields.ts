/** MoE: how it is edited (names as in spec.ts). */
import type { FieldSpec } from '../fieldSpec';
import { FFN_ACTIVATIONS } from '../mlp/spec';

export const moeFields: FieldSpec[] = [
  { key: 'nExperts', label: 'Experts (E)', type: 'int' },
  { key: 'topK', label: 'Top-k', type: 'int' },
  { key: 'expertWidth', label: 'Expert width', type: 'int' },
  { key: 'activation', label: 'Activation', type: 'enum', options: FFN_ACTIVATIONS },
];

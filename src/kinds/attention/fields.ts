/** Attention: how it is edited (names as in spec.ts). */
import type { FieldSpec } from '../fieldSpec';

export const attentionFields: FieldSpec[] = [
  { key: 'nHeads', label: 'Query heads', type: 'int' },
  { key: 'nKvHeads', label: 'KV heads', type: 'int' },
  { key: 'headDim', label: 'Head dim', type: 'int' },
  { key: 'slidingWindow', label: 'Sliding window', type: 'intOrNull', placeholder: 'none (full)' },
  { key: 'positional', label: 'Positional', type: 'enum', options: ['rope', 'none'] },
  { key: 'bias', label: 'QKV/O bias', type: 'bool' },
];

/** Attention: how it is edited (names as in spec.ts). */
import type { FieldSpec } from '../fieldSpec';

export const attentionFields: FieldSpec[] = [
  { key: 'nHeads', label: 'Query heads', type: 'int' },
  { key: 'nKvHeads', label: 'KV heads', type: 'int' },
  { key: 'headDim', label: 'Head dim', type: 'int' },
  { key: 'slidingWindow', label: 'Sliding window', type: 'intOrNull', placeholder: 'none (full)' },
  { key: 'positional', label: 'Positional', type: 'enum', options: ['rope', 'none'] },
  { key: 'bias', label: 'QKV/O bias', type: 'bool' },
  { key: 'outputGate', label: 'Output gate', type: 'bool', help: 'Qwen3-Next gated attention: q_proj also emits a per-head gate; output × sigmoid(gate)' },
  { key: 'qkNorm', label: 'Q/K norm', type: 'bool', help: 'RMSNorm of each query and key head before RoPE (q_norm, k_norm)' },
  { key: 'ropeFraction', label: 'RoPE fraction', type: 'number', placeholder: '1 (all dims)', help: 'Share of each head RoPE rotates (Qwen3-Next 0.25, Bamba 0.5); must rotate an even number of dims' },
];

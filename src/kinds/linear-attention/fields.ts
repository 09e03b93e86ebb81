/** Linear attention: how it is edited (names as in spec.ts). */
import type { FieldSpec } from '../fieldSpec';
import { LINEAR_DECAYS, LINEAR_LAYOUTS, LINEAR_OUTPUT_GATES, LINEAR_UPDATES } from './spec';

export const linearAttentionFields: FieldSpec[] = [
  { key: 'nKeyHeads', label: 'Key heads', type: 'int', help: 'Query/key heads; each serves nValueHeads / nKeyHeads value heads (Qwen3-Next: 16).' },
  { key: 'nValueHeads', label: 'Value heads', type: 'int', help: 'Value heads, each with its own dk × dv state; a multiple of the key heads (Qwen3-Next: 32).' },
  { key: 'keyHeadDim', label: 'Key head dim (dk)', type: 'int' },
  { key: 'valueHeadDim', label: 'Value head dim (dv)', type: 'int' },
  { key: 'update', label: 'Update', type: 'enum', options: LINEAR_UPDATES, help: 'additive: S += k vᵀ (lightning, RetNet, GLA); delta: S += β k (v − Sᵀk)ᵀ (Gated DeltaNet, KDA).' },
  { key: 'decay', label: 'Decay', type: 'enum', options: LINEAR_DECAYS, help: 'none; fixed per head (lightning slopes); per head from the input (GDN); per key channel (KDA, GLA).' },
  { key: 'convSize', label: 'Short conv (K)', type: 'int', help: 'Taps of the causal conv on q, k, v; 0 for none.' },
  { key: 'outputGate', label: 'Output gate', type: 'enum', options: LINEAR_OUTPUT_GATES },
  { key: 'outputNorm', label: 'Output norm', type: 'bool' },
  { key: 'lowRank', label: 'Low rank (R)', type: 'intOrNull', placeholder: 'dk', help: 'Rank of the low-rank decay (f_a/f_b) and gate (g_a/g_b) projections.' },
  { key: 'layout', label: 'Layout', type: 'enum', options: LINEAR_LAYOUTS, help: 'Tensor names and fusing as the maker writes them; a layout refuses what its maker cannot express.' },
];

/** MoE: how it is edited (names as in spec.ts). */
import type { FieldSpec } from '../fieldSpec';
import { FFN_ACTIVATIONS } from '../mlp/spec';
import { MOE_ROUTERS } from './spec';

export const moeFields: FieldSpec[] = [
  { key: 'nExperts', label: 'Experts (E)', type: 'int' },
  { key: 'topK', label: 'Top-k', type: 'int' },
  { key: 'expertWidth', label: 'Expert width', type: 'int' },
  { key: 'activation', label: 'Activation', type: 'enum', options: FFN_ACTIVATIONS },
  { key: 'sharedExperts', label: 'Shared experts', type: 'int', help: 'Always-active experts (0 = none).' },
  { key: 'sharedExpertWidth', label: 'Shared width', type: 'intOrNull', placeholder: 'f × shared', help: 'Width of the shared experts as one MLP.' },
  { key: 'sharedExpertGate', label: 'Shared gate', type: 'bool', help: "Qwen3-Next's sigmoid gate on the shared expert, [1, d]." },
  { key: 'router', label: 'Router', type: 'enum', options: MOE_ROUTERS },
  { key: 'normTopK', label: 'Renorm top-k', type: 'bool', help: 'Renormalise the top-k weights to sum to 1 (norm_topk_prob).' },
  { key: 'routedScale', label: 'Routed scale', type: 'number', help: 'routed_scaling_factor on the routed sum.' },
  { key: 'routerBias', label: 'Router bias', type: 'bool', help: 'e_score_correction_bias [E], for the top-k selection only.' },
];

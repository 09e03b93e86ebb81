/** MoE: how the lab trains it (src/kinds/trainingKind.ts). */
import type { KindTraining } from '../trainingKind';
import type { MoeWeights } from './layer';

export const moeTraining: KindTraining<MoeWeights> = {
  fixture: (d) => ({
    layers: [
      { mixer: { kind: 'attention', nHeads: 1, nKvHeads: 1, headDim: d }, ffn: { kind: 'moe', nExperts: 3, topK: 2, expertWidth: d, activation: 'swiglu' } },
      { mixer: { kind: 'none' }, ffn: { kind: 'moe', nExperts: 2, topK: 1, expertWidth: d, activation: 'gelu' } },
      // Qwen3-Next-like: a gated shared expert, GeGLU experts
      { mixer: { kind: 'none' }, ffn: { kind: 'moe', nExperts: 3, topK: 2, expertWidth: d, activation: 'geglu', sharedExperts: 1, sharedExpertGate: true } },
      // DeepSeek-V3-like: sigmoid router with a selection bias, renormalised and scaled, squared-ReLU experts
      { mixer: { kind: 'none' }, ffn: { kind: 'moe', nExperts: 4, topK: 2, expertWidth: d, activation: 'relu2', router: 'sigmoid', routerBias: true, normTopK: true, routedScale: 2.5, sharedExperts: 1, sharedExpertWidth: d } },
    ],
  }),
  outputParams: (w) => [...w.experts.map((e) => e.down), ...(w.shared ? [w.shared.down] : [])],
  decayed: (w) => [
    w.router,
    ...[...w.experts, ...(w.shared ? [w.shared] : [])].flatMap((e) => [e.up, e.down, ...(e.gate ? [e.gate] : [])]),
    ...(w.sharedGate ? [w.sharedGate] : []),
  ],
  scan: null,
  gradient:
    'tf ops; the router gets its gradient through the selected scores (top-k picks the experts only; a selection bias ' +
    'only picks, so it gets none and stays at its init), the shared experts and their gate as an MLP',
};

/** MoE: how the lab trains it (src/kinds/trainingKind.ts). */
import type { KindTraining } from '../trainingKind';
import type { MoeWeights } from './layer';

export const moeTraining: KindTraining<MoeWeights> = {
  fixture: (d) => ({
    layers: [
      { mixer: { kind: 'attention', nHeads: 1, nKvHeads: 1, headDim: d }, ffn: { kind: 'moe', nExperts: 3, topK: 2, expertWidth: d, activation: 'swiglu' } },
      { mixer: { kind: 'none' }, ffn: { kind: 'moe', nExperts: 2, topK: 1, expertWidth: d, activation: 'gelu' } },
    ],
  }),
  outputParams: (w) => w.experts.map((e) => e.down),
  decayed: (w) => [w.router, ...w.experts.flatMap((e) => [e.up, e.down, ...(e.gate ? [e.gate] : [])])],
  scan: null,
  gradient: 'tf ops; the router gets its gradient through the selected probabilities (top-k picks the experts only)',
};

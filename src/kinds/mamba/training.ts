/** Mamba-1: how the lab trains it (src/kinds/trainingKind.ts; scan: selective). */
import type { KindTraining } from '../trainingKind';
import type { MambaRuntimeWeights } from './runtime';

export const mambaTraining: KindTraining<MambaRuntimeWeights> = {
  fixture: () => ({
    layers: [
      { mixer: { kind: 'mamba', dState: 4, dConv: 3, expand: 2, innerNorms: true }, ffn: { kind: 'none' } },
      { mixer: { kind: 'mamba', dState: 3, dConv: 2, expand: 1, dtRank: 2, projBias: true, convBias: false }, ffn: { kind: 'none' } },
    ],
  }),
  outputParams: (m) => [m.weights.outProj],
  decayed: (m) => [m.weights.inProj, m.weights.xProj, m.weights.dtProj, m.weights.outProj],
  scan: 'selective',
  gradient: 'projections and the causal depthwise conv in tf ops (on wasm with our depthwise backprop kernels)',
};

/** Mamba-2: how the lab trains it (src/kinds/trainingKind.ts; scan: SSD). */
import type { KindTraining } from '../trainingKind';
import type { Mamba2RuntimeWeights } from './runtime';

export const mamba2Training: KindTraining<Mamba2RuntimeWeights> = {
  fixture: (d) => ({
    layers: [
      { mixer: { kind: 'mamba2', dState: 4, headDim: d / 2, nGroups: 2, dConv: 3, expand: 2, chunkSize: 4 }, ffn: { kind: 'none' } },
      { mixer: { kind: 'mamba2', dState: 3, headDim: d, nGroups: 1, dConv: 2, expand: 1, projBias: true, convBias: false, gatedNorm: false }, ffn: { kind: 'none' } },
    ],
  }),
  outputParams: (m) => [m.weights.outProj],
  decayed: (m) => [m.weights.inProj, m.weights.outProj],
  scan: 'ssd',
  gradient: 'projections, the causal depthwise conv and the gated RMSNorm in tf ops (on wasm with our depthwise backprop kernels)',
};

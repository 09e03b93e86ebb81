/** MLP: how the lab trains it (src/kinds/trainingKind.ts). */
import type { KindTraining } from '../trainingKind';
import type { MlpWeights } from './layer';

export const mlpTraining: KindTraining<MlpWeights> = {
  fixture: (d) => ({
    layers: [
      { mixer: { kind: 'attention', nHeads: 1, nKvHeads: 1, headDim: d }, ffn: { kind: 'mlp', width: 2 * d, activation: 'swiglu' } },
      { mixer: { kind: 'none' }, ffn: { kind: 'mlp', width: d, activation: 'gelu', bias: true } },
      // Nemotron-H's squared ReLU (no gate), and GeGLU (gated GELU)
      { mixer: { kind: 'none' }, ffn: { kind: 'mlp', width: d, activation: 'relu2' } },
      { mixer: { kind: 'none' }, ffn: { kind: 'mlp', width: d, activation: 'geglu' } },
    ],
  }),
  outputParams: (w) => [w.down],
  decayed: (w) => [w.up, w.down, ...(w.gate ? [w.gate] : [])],
  scan: null,
  gradient: 'tf ops, differentiated by tfjs',
};

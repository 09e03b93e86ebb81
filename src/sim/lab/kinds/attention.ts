/** Lab training of the `attention` mixer (runtime: layers/attention.ts). */
import type { KindTraining, MixerWeightsOf } from './kindTraining';

export const attentionTraining: KindTraining<MixerWeightsOf<'attention'>> = {
  fixture: (d) => ({
    layers: [
      { mixer: { kind: 'attention', nHeads: 2, nKvHeads: 1, headDim: d / 2, positional: 'rope', bias: true }, ffn: { kind: 'none' } },
      { mixer: { kind: 'attention', nHeads: 2, nKvHeads: 2, headDim: d / 2, positional: 'none', slidingWindow: 3 }, ffn: { kind: 'none' } },
    ],
  }),
  outputParams: (m) => [m.weights.wo],
  decayed: (m) => [m.weights.wq, m.weights.wk, m.weights.wv, m.weights.wo],
  scan: null,
  gradient: 'tf ops (batched matMul, softmax), differentiated by tfjs',
};

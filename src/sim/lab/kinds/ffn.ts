/** Lab training of the FFN kinds (runtime: layers/mlp.ts, layers/moe.ts) and of the `none` kinds. */
import type { FfnWeightsOf, KindTraining, MixerWeightsOf } from './kindTraining';

const mixer = (d: number) => ({ kind: 'attention' as const, nHeads: 1, nKvHeads: 1, headDim: d });

export const mlpTraining: KindTraining<FfnWeightsOf<'mlp'>> = {
  fixture: (d) => ({
    layers: [
      { mixer: mixer(d), ffn: { kind: 'mlp', width: 2 * d, activation: 'swiglu' } },
      { mixer: { kind: 'none' }, ffn: { kind: 'mlp', width: d, activation: 'gelu', bias: true } },
    ],
  }),
  outputParams: (f) => [f.weights.down],
  decayed: (f) => [f.weights.up, f.weights.down, ...(f.weights.gate ? [f.weights.gate] : [])],
  scan: null,
  gradient: 'tf ops, differentiated by tfjs',
};

export const moeTraining: KindTraining<FfnWeightsOf<'moe'>> = {
  fixture: (d) => ({
    layers: [
      { mixer: mixer(d), ffn: { kind: 'moe', nExperts: 3, topK: 2, expertWidth: d, activation: 'swiglu' } },
      { mixer: { kind: 'none' }, ffn: { kind: 'moe', nExperts: 2, topK: 1, expertWidth: d, activation: 'gelu' } },
    ],
  }),
  outputParams: (f) => f.weights.experts.map((e) => e.down),
  decayed: (f) => [f.weights.router, ...f.weights.experts.flatMap((e) => [e.up, e.down, ...(e.gate ? [e.gate] : [])])],
  scan: null,
  gradient: 'tf ops; the router gets its gradient through the selected probabilities (top-k picks the experts only)',
};

export const noMixerTraining: KindTraining<MixerWeightsOf<'none'>> = {
  fixture: (d) => ({ layers: [{ mixer: { kind: 'none' }, ffn: { kind: 'mlp', width: d } }] }),
  outputParams: () => [],
  decayed: () => [],
  scan: null,
  gradient: 'no mixer',
};

export const noFfnTraining: KindTraining<FfnWeightsOf<'none'>> = {
  fixture: (d) => ({ layers: [{ mixer: mixer(d), ffn: { kind: 'none' } }] }),
  outputParams: () => [],
  decayed: () => [],
  scan: null,
  gradient: 'no FFN',
};

/** Hyena: how the lab trains it (src/kinds/trainingKind.ts; scan: modal). */
import type { KindTraining } from '../trainingKind';
import type { HyenaRuntimeWeights } from './runtime';

/** Largest pole modulus kept after an update: the long filter h[t] = Re Σ R p^t must keep decaying. */
export const MAX_POLE_MODULUS = 0.999;

export const hyenaTraining: KindTraining<HyenaRuntimeWeights> = {
  fixture: () => ({
    layers: [
      { mixer: { kind: 'hyena', shortFilterLength: 3, stateSize: 2, projBias: true }, ffn: { kind: 'none' } },
      { mixer: { kind: 'hyena', shortFilterLength: 1, stateSize: 3, projBias: false }, ffn: { kind: 'none' } },
    ],
  }),
  outputParams: (m) => [m.weights.outDense],
  decayed: (m) => [m.weights.proj, m.weights.outDense],
  scan: 'modal',
  gradient: 'projections and the short FIR (causal depthwise conv) in tf ops (on wasm with our depthwise backprop kernels)',
  constrain(m) {
    const p = m.weights.poles.data;
    for (let i = 0; i < p.length; i += 2) {
      const mod = Math.hypot(p[i]!, p[i + 1]!);
      if (mod > MAX_POLE_MODULUS) {
        p[i] = (p[i]! * MAX_POLE_MODULUS) / mod;
        p[i + 1] = (p[i + 1]! * MAX_POLE_MODULUS) / mod;
      }
    }
  },
};

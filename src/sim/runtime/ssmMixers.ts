/**
 * The state-space mixers (Mamba-1, Mamba-2, Hyena) as the builder sees them: their plain-data weights (with the
 * design's mixer config and dModel, which their layers need) and a factory for the tfjs layers. The layers, their
 * reference twins and the scans live in layers/{mamba,mamba2,hyena}.ts, reference/ and scan/.
 */
import type { HyenaMixer, Mamba2Mixer, MambaMixer } from '../../models/schema';
import type { RuntimeMixer } from './types';
import { CONSTANT_TENSORS, type TensorSource } from './params';
import type { Rng } from './rng';
import { initMambaWeights, type MambaWeights } from './layers/mambaWeights';
import { initMamba2Weights, type Mamba2Weights } from './layers/mamba2Weights';
import { initHyenaWeights, type HyenaWeights } from './layers/hyenaWeights';
import { MambaLayer } from './layers/mamba';
import { Mamba2Layer } from './layers/mamba2';
import { HyenaLayer } from './layers/hyena';

export type SsmMixerWeights =
  | { kind: 'mamba'; mixer: MambaMixer; dModel: number; weights: MambaWeights }
  | { kind: 'mamba2'; mixer: Mamba2Mixer; dModel: number; weights: Mamba2Weights }
  | { kind: 'hyena'; mixer: HyenaMixer; dModel: number; weights: HyenaWeights };

export const SSM_MIXERS = {
  /** Seeded weights of a state-space mixer of the design. */
  init(m: MambaMixer | Mamba2Mixer | HyenaMixer, dModel: number, rng: Rng): SsmMixerWeights {
    switch (m.kind) {
      case 'mamba':
        return { kind: 'mamba', mixer: m, dModel, weights: initMambaWeights(m, dModel, rng) };
      case 'mamba2':
        return { kind: 'mamba2', mixer: m, dModel, weights: initMamba2Weights(m, dModel, rng) };
      case 'hyena':
        return { kind: 'hyena', mixer: m, dModel, weights: initHyenaWeights(m, dModel, rng) };
    }
  },
  /**
   * The tfjs layer of a state-space mixer (the scan implementation comes with each call's ForwardContext), its weights
   * from `src` (constants by default; the lab's variables when training).
   */
  build(w: SsmMixerWeights, src: TensorSource = CONSTANT_TENSORS): RuntimeMixer {
    switch (w.kind) {
      case 'mamba':
        return new MambaLayer(w.mixer, w.dModel, w.weights, src);
      case 'mamba2':
        return new Mamba2Layer(w.mixer, w.dModel, w.weights, src);
      case 'hyena':
        return new HyenaLayer(w.mixer, w.dModel, w.weights, src);
    }
  },
};

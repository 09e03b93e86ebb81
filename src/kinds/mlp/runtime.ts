/** MLP: how it runs (layer.ts: the tfjs layer; reference.ts: the Float64 twin). */
import { linearEntry, type Param, type WeightEntry } from '../../sim/runtime/params';
import type { FfnRuntime } from '../runtimeKind';
import { MlpLayer, initMlpFromDesign, type MlpWeights } from './layer';
import { mlpRef } from './reference';
import type { MlpFfn } from './spec';

const bias = (name: string, p: Param | null): WeightEntry[] => (p ? [[name, [...p.shape], p.data]] : []);

/** gate (SwiGLU only), up, down under HF `modeling_llama.py` names, torch layout, biases when present. */
export function mlpEntries(w: MlpWeights): WeightEntry[] {
  return [
    ...(w.gate ? [linearEntry('gate_proj.weight', w.gate)] : []),
    ...bias('gate_proj.bias', w.gateBias),
    linearEntry('up_proj.weight', w.up),
    ...bias('up_proj.bias', w.upBias),
    linearEntry('down_proj.weight', w.down),
    ...bias('down_proj.bias', w.downBias),
  ];
}

export const mlpRuntime: FfnRuntime<MlpFfn, MlpWeights> = {
  init: (f, { dModel }, rng) => initMlpFromDesign(f, dModel, rng),
  build: (w) => new MlpLayer(w),
  reference: (w, x, rows) => mlpRef(w, x, rows),
  entries: mlpEntries,
  width: (f) => f.width,
};

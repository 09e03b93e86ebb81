/**
 * MLP: what it costs (HF `modeling_llama.py` LlamaMLP): gated (SwiGLU, GeGLU) gate, up [f, d] and down [d, f] =
 * 3·d·f; non-gated (GELU: Megatron-LM's default MLP; squared ReLU: Nemotron-H `mixer.up_proj`, `mixer.down_proj`)
 * up and down = 2·d·f; biases f (+f) + d when `bias`.
 */
import { dense, tensor, type BlockCost } from '../../sim/cost/tensors';
import type { TensorSpec } from '../../sim/cost/types';
import { isGatedActivation, type MlpFfn } from './spec';

/** The tensors of an MLP of width f (stacked [E, ...] when `experts` is given, as MoE stores them here). */
export function mlpTensors(f: Pick<MlpFfn, 'width' | 'activation'>, dModel: number, bias: boolean, experts?: number): TensorSpec[] {
  const lead = experts === undefined ? [] : [experts];
  const up = [...lead, f.width, dModel];
  const down = [...lead, dModel, f.width];
  const tensors: TensorSpec[] = [];
  if (isGatedActivation(f.activation)) {
    tensors.push(tensor('gate_proj.weight', up, true));
    if (bias) tensors.push(tensor('gate_proj.bias', [...lead, f.width]));
  }
  tensors.push(tensor('up_proj.weight', up, true));
  if (bias) tensors.push(tensor('up_proj.bias', [...lead, f.width]));
  tensors.push(tensor('down_proj.weight', down, true));
  if (bias) tensors.push(tensor('down_proj.bias', [...lead, dModel]));
  return tensors;
}

export function mlpCost(f: MlpFfn, dModel: number): BlockCost {
  return { ...dense(mlpTensors(f, dModel, f.bias)), tpDims: [{ name: 'width', size: f.width }] };
}

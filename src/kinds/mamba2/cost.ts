/**
 * Mamba-2: what it costs (state-spaces `mamba2.py`; Megatron-LM `mamba_mixer.py` L281-306): in_proj
 * [2di + 2gN + nh, d] (z, x, B, C, dt), conv1d [convDim, 1, K] (+convDim bias), dt_bias, A_log, D [nh] each, gated
 * RMSNorm [di] (when `gatedNorm`), out_proj [d, di]; biases on the projections when `projBias`.
 * Decode state: conv_state [convDim, K], ssm_state [nh, P, N].
 */
import { SCAN_FLOPS_PER_STATE_ELEMENT, recurrentCost, stateTensor, tensor, type MixerCost, type MixerCostContext } from '../../sim/cost/tensors';
import { mamba2ConvDim, mamba2Heads, mamba2Inner, type Mamba2Mixer } from './spec';

export function mamba2Cost(m: Mamba2Mixer, { dModel }: MixerCostContext): MixerCost {
  const di = mamba2Inner(m, dModel);
  const nh = mamba2Heads(m, dModel);
  const convDim = mamba2ConvDim(m, dModel);
  const inWidth = 2 * di + 2 * m.nGroups * m.dState + nh;
  const tensors = [tensor('in_proj.weight', [inWidth, dModel], true)];
  if (m.projBias) tensors.push(tensor('in_proj.bias', [inWidth]));
  tensors.push(tensor('conv1d.weight', [convDim, 1, m.dConv], true));
  if (m.convBias) tensors.push(tensor('conv1d.bias', [convDim]));
  tensors.push(tensor('dt_bias', [nh]), tensor('A_log', [nh]), tensor('D', [nh]));
  if (m.gatedNorm) tensors.push(tensor('norm.weight', [di]));
  tensors.push(tensor('out_proj.weight', [dModel, di], true));
  if (m.projBias) tensors.push(tensor('out_proj.bias', [dModel]));
  return {
    ...recurrentCost(
      tensors,
      [stateTensor('conv_state', [convDim, m.dConv]), stateTensor('ssm_state', [nh, m.headDim, m.dState])],
      SCAN_FLOPS_PER_STATE_ELEMENT * nh * m.headDim * m.dState,
    ),
    // Megatron-LM's MambaMixer needs the heads and the groups to divide by the tensor-parallel size.
    tpDims: [
      { name: 'Mamba-2 heads', size: nh },
      { name: 'nGroups', size: m.nGroups },
    ],
    // mamba_chunk_scan_combined(x, dt, A, B, C, D) (`ssd_combined.py`): reads x [di], dt [nh], B and C [g·N], writes y [di].
    scanIoElementsPerToken: 2 * di + nh + 2 * m.nGroups * m.dState,
  };
}

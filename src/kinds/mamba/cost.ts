/**
 * Mamba-1: what it costs (state-spaces `mamba_simple.py`; HF `modeling_jamba.py` JambaMambaMixer for the inner norms):
 * in_proj [2di, d] (+2di bias), conv1d [di, 1, K] (+di bias), x_proj [r + 2N, di], dt_proj [di, r] + di bias,
 * A_log [di, N], D [di], out_proj [d, di] (+d bias), Jamba's dt/B/C RMSNorms r + N + N.
 * Decode state (`allocate_inference_cache`): conv_state [di, K], ssm_state [di, N].
 */
import { SCAN_FLOPS_PER_STATE_ELEMENT, recurrentCost, stateTensor, tensor, type MixerCost, type MixerCostContext } from '../../sim/cost/tensors';
import { mambaDtRank, mambaInner, type MambaMixer } from './spec';

export function mambaCost(m: MambaMixer, { dModel }: MixerCostContext): MixerCost {
  const di = mambaInner(m, dModel);
  const r = mambaDtRank(m, dModel);
  const N = m.dState;
  const tensors = [tensor('in_proj.weight', [2 * di, dModel], true)];
  if (m.projBias) tensors.push(tensor('in_proj.bias', [2 * di]));
  tensors.push(tensor('conv1d.weight', [di, 1, m.dConv], true));
  if (m.convBias) tensors.push(tensor('conv1d.bias', [di]));
  tensors.push(
    tensor('x_proj.weight', [r + 2 * N, di], true),
    tensor('dt_proj.weight', [di, r], true),
    tensor('dt_proj.bias', [di]),
    tensor('A_log', [di, N]),
    tensor('D', [di]),
    tensor('out_proj.weight', [dModel, di], true),
  );
  if (m.projBias) tensors.push(tensor('out_proj.bias', [dModel]));
  if (m.innerNorms) tensors.push(tensor('dt_layernorm.weight', [r]), tensor('b_layernorm.weight', [N]), tensor('c_layernorm.weight', [N]));
  return {
    ...recurrentCost(tensors, [stateTensor('conv_state', [di, m.dConv]), stateTensor('ssm_state', [di, N])], SCAN_FLOPS_PER_STATE_ELEMENT * di * N),
    // Split by inner channels (Megatron-LM's MambaMixer shards d_inner across tensor-parallel ranks).
    tpDims: [{ name: 'dInner (expand × dModel)', size: di }],
    // selective_scan_fn(u, delta, A, B, C, D, z) (`selective_scan_interface.py`): reads u, delta, z [di] and B, C [N],
    // writes y [di]; the state stays on chip.
    scanIoElementsPerToken: 4 * di + 2 * N,
  };
}

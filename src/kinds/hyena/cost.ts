/**
 * Hyena: what it costs (togethercomputer/stripedhyena `model.py`, ParallelGatedConvBlock + ParallelHyenaFilter with
 * hyena_filter_groups = 1): projections [3d, d] (+3d bias), short_filter_weight [3d, 1, Ks] (+3d bias), poles and
 * residues [d, S, 1, 2] each (complex, stored as real/imag pairs), D [d], out_filter_dense [d, d] (+d bias). One
 * flag `projBias` stands for the three biases (all on in the 7B config). Decode state (`engine.py` step_fir /
 * step_iir): fir_state [3d, Ks − 1] (the last Ks − 1 projected inputs) and iir_state [d, S] complex = [d, S, 2] reals.
 */
import { SCAN_FLOPS_PER_STATE_ELEMENT, recurrentCost, stateTensor, tensor, type MixerCost, type MixerCostContext } from '../../sim/cost/tensors';
import type { HyenaMixer } from './spec';

export function hyenaCost(m: HyenaMixer, { dModel: d }: MixerCostContext): MixerCost {
  const S = m.stateSize;
  const tensors = [tensor('projections.weight', [3 * d, d], true)];
  if (m.projBias) tensors.push(tensor('projections.bias', [3 * d]));
  tensors.push(tensor('filter.short_filter_weight', [3 * d, 1, m.shortFilterLength], true));
  if (m.projBias) tensors.push(tensor('filter.short_filter_bias', [3 * d]));
  tensors.push(
    tensor('filter.poles', [d, S, 1, 2]),
    tensor('filter.residues', [d, S, 1, 2]),
    tensor('filter.D', [d]),
    tensor('out_filter_dense.weight', [d, d], true),
  );
  if (m.projBias) tensors.push(tensor('out_filter_dense.bias', [d]));
  const state = [stateTensor('iir_state', [d, S, 2])];
  if (m.shortFilterLength > 1) state.unshift(stateTensor('fir_state', [3 * d, m.shortFilterLength - 1]));
  return {
    ...recurrentCost(tensors, state, SCAN_FLOPS_PER_STATE_ELEMENT * d * S * 2),
    // Split by channels (each channel's filter is independent).
    tpDims: [{ name: 'dModel', size: d }],
    // The long (IIR) filter reads its input [d] and writes its output [d] per token (`engine.py` step_iir).
    scanIoElementsPerToken: 2 * d,
  };
}

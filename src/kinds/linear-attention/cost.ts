/**
 * Linear attention: what it costs, tensor by tensor as each maker's modeling code names, fuses and shapes them
 * (`layout`; glossary in spec.ts; shapes in torch's (out, in) order):
 *
 * - qwen3-next, HF `modeling_qwen3_next.py` `Qwen3NextGatedDeltaNet` (and mlx `qwen3_next.py`): in_proj_qkvz
 *   [2·nk·dk + 2·nv·dv, d] (q, k, v, z grouped per key head), in_proj_ba [2·nv, d], conv1d [2·nk·dk + nv·dv, 1, K]
 *   (no bias), dt_bias [nv], A_log [nv], norm [dv] (gated RMSNorm), out_proj [d, nv·dv].
 * - kimi, Kimi Linear KDA (mlx `kimi_linear.py`; research notes hybrids-2026.md §2): q_proj, k_proj [nk·dk, d],
 *   v_proj [nv·dv, d], q/k/v_conv1d [.., 1, K], f_a_proj [R, d], f_b_proj [nv·dk, R], b_proj [nv, d], g_a_proj [R, d],
 *   g_b_proj [nv·dv, R], A_log [nv], dt_bias [nv·dk], o_norm [dv], o_proj [d, nv·dv].
 * - minimax, `MiniMaxText01LightningAttention` (MiniMax-01 repo; vLLM `MiniMaxText01LinearAttention`): qkv_proj
 *   [3·H·hd, d], output_gate [H·hd, d], out_proj [d, H·hd], norm [H·hd]; slope_rate is a buffer, not a parameter.
 * - generic, fla `layers/gated_deltanet.py` / `kda.py` / `gla.py` names: q_proj, k_proj, v_proj; a_proj [nv, d] +
 *   A_log [nv] + dt_bias [nv] (decay head) or f_a_proj/f_b_proj + A_log [nv] + dt_bias [nv·dk] (decay channel);
 *   b_proj [nv, d] (delta rule); q/k/v_conv1d (convSize > 0); g_proj [nv·dv, d] or g_a_proj/g_b_proj (gate);
 *   o_norm [dv] (norm); o_proj [d, nv·dv].
 *
 * Decode state (no KV cache): recurrent_state [nv, dk, dv] (HF `recurrent_states`) and the conv window of K columns
 * per conv channel as HF caches it (`conv_states`: one [2·nk·dk + nv·dv, K] for qwen3-next, one per q/k/v for the
 * others). Scan FLOPs per token: 4 per state element for the additive rule (update, read-out), 6 for the delta rule
 * (the extra read Sᵀk), as the recurrences in `torch_recurrent_gated_delta_rule` / `torch_recurrent_kda` run them.
 */
import { SCAN_FLOPS_PER_STATE_ELEMENT, recurrentCost, stateTensor, tensor, type MixerCost, type MixerCostContext } from '../../sim/cost/tensors';
import type { StateTensorSpec, TensorSpec } from '../../sim/cost/types';
import { linearAttentionDims, linearNormSpan, type LinearAttentionMixer } from './spec';

/** FLOPs per state element per token: the delta rule reads the state twice (Sᵀk, Sᵀq), the additive rule once. */
export function linearScanFlopsPerElement(m: Pick<LinearAttentionMixer, 'update'>): number {
  return m.update === 'delta' ? SCAN_FLOPS_PER_STATE_ELEMENT + 2 : SCAN_FLOPS_PER_STATE_ELEMENT;
}

/** The stored tensors in the layout's names, order and fusing. */
export function linearAttentionTensors(m: LinearAttentionMixer, dModel: number): TensorSpec[] {
  const s = linearAttentionDims(m);
  const d = dModel;
  const K = s.convSize;
  const t: TensorSpec[] = [];
  switch (m.layout) {
    case 'qwen3-next':
      t.push(
        tensor('in_proj_qkvz.weight', [2 * s.keyDim + 2 * s.valueDim, d], true),
        tensor('in_proj_ba.weight', [2 * s.nv, d], true),
        tensor('conv1d.weight', [s.convDim, 1, K], true),
        tensor('dt_bias', [s.nv]),
        tensor('A_log', [s.nv]),
        tensor('norm.weight', [s.dv]),
        tensor('out_proj.weight', [d, s.valueDim], true),
      );
      return t;
    case 'minimax':
      t.push(
        tensor('qkv_proj.weight', [2 * s.keyDim + s.valueDim, d], true),
        tensor('output_gate.weight', [s.valueDim, d], true),
        tensor('out_proj.weight', [d, s.valueDim], true),
        tensor('norm.weight', [s.valueDim]),
      );
      return t;
    case 'kimi':
    case 'generic': {
      const kimi = m.layout === 'kimi';
      t.push(tensor('q_proj.weight', [s.keyDim, d], true), tensor('k_proj.weight', [s.keyDim, d], true), tensor('v_proj.weight', [s.valueDim, d], true));
      const conv = K > 0 ? [tensor('q_conv1d.weight', [s.keyDim, 1, K], true), tensor('k_conv1d.weight', [s.keyDim, 1, K], true), tensor('v_conv1d.weight', [s.valueDim, 1, K], true)] : [];
      if (kimi) t.push(...conv);
      if (m.decay === 'head') t.push(tensor('a_proj.weight', [s.nv, d], true));
      if (m.decay === 'channel') t.push(tensor('f_a_proj.weight', [s.rank, d], true), tensor('f_b_proj.weight', [s.nv * s.dk, s.rank], true));
      if (m.update === 'delta') t.push(tensor('b_proj.weight', [s.nv, d], true));
      if (!kimi) t.push(...conv);
      if (m.outputGate === 'full') t.push(tensor('g_proj.weight', [s.valueDim, d], true));
      if (m.outputGate === 'lowrank') t.push(tensor('g_a_proj.weight', [s.rank, d], true), tensor('g_b_proj.weight', [s.valueDim, s.rank], true));
      if (m.decay === 'head' || m.decay === 'channel') t.push(tensor('A_log', [s.nv]), tensor('dt_bias', [m.decay === 'head' ? s.nv : s.nv * s.dk]));
      if (m.outputNorm) t.push(tensor('o_norm.weight', [linearNormSpan(m)]));
      t.push(tensor('o_proj.weight', [d, s.valueDim], true));
      return t;
    }
  }
}

/** The decode state in the layout's names: the conv window(s) (K columns) and the recurrent state [nv, dk, dv]. */
export function linearAttentionState(m: LinearAttentionMixer): StateTensorSpec[] {
  const s = linearAttentionDims(m);
  const K = s.convSize;
  const conv: StateTensorSpec[] =
    K === 0
      ? []
      : m.layout === 'qwen3-next'
        ? [stateTensor('conv_state', [s.convDim, K])]
        : [stateTensor('q_conv_state', [s.keyDim, K]), stateTensor('k_conv_state', [s.keyDim, K]), stateTensor('v_conv_state', [s.valueDim, K])];
  return [...conv, stateTensor('recurrent_state', [s.nv, s.dk, s.dv])];
}

/**
 * Elements per token the recurrence reads and writes besides its state: q, k (nk·dk each), v (nv·dv), the decay
 * (nv per head, nv·dk per channel), β (nv, delta rule) and the output y (nv·dv), as `chunk_gated_delta_rule(q, k, v,
 * g, beta)` / `chunk_kda` take them.
 */
export function linearScanIoElements(m: LinearAttentionMixer): number {
  const s = linearAttentionDims(m);
  const decay = m.decay === 'head' ? s.nv : m.decay === 'channel' ? s.nv * s.dk : 0;
  return 2 * s.keyDim + 2 * s.valueDim + decay + (m.update === 'delta' ? s.nv : 0);
}

export function linearAttentionCost(m: LinearAttentionMixer, { dModel }: MixerCostContext): MixerCost {
  const s = linearAttentionDims(m);
  return {
    ...recurrentCost(linearAttentionTensors(m, dModel), linearAttentionState(m), linearScanFlopsPerElement(m) * s.nv * s.dk * s.dv),
    // Sharded by heads (vLLM's Qwen3-Next and Kimi linear layers split the key and the value heads across ranks).
    tpDims: [
      { name: 'nKeyHeads', size: s.nk },
      { name: 'nValueHeads', size: s.nv },
    ],
    scanIoElementsPerToken: linearScanIoElements(m),
  };
}

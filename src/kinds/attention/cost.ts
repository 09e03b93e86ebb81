/**
 * Attention: what it costs (HF `modeling_llama.py` / `modeling_mistral.py` / `modeling_jamba.py`; Zamba's shared
 * attention in `modeling_zamba.py` reads an input `inputWidth` = 2d wide): q [H·hd, in], k and v [KVH·hd, in],
 * o [d, H·hd], biases when `bias`. Options (HF `modeling_qwen3_next.py` `Qwen3NextAttention`): the output gate
 * doubles q_proj to [2·H·hd, in] (`nn.Linear(hidden, num_heads * head_dim * 2)`: query and gate per head); q/k norm
 * adds q_norm and k_norm [hd] (RMSNorm over one head); partial rotary changes no tensor. Cache: k and v, each
 * [KVH, hd] per position; scores and values cost 2 × 2 × H × hd FLOPs per position attended (gate, norms and RoPE
 * are elementwise, not counted).
 */
import { dense, stateTensor, tensor, type KvSpec, type MixerCost, type MixerCostContext } from '../../sim/cost/tensors';
import type { AttentionMixer } from './spec';

/** The KV cache of an attention block: k_cache and v_cache [KVH, hd] per position. */
export function attentionKv(m: AttentionMixer): KvSpec {
  return {
    tensors: ['k_cache', 'v_cache'].map((n) => stateTensor(n, [m.nKvHeads, m.headDim], true)),
    window: m.slidingWindow,
    flopsPerContextToken: 4 * m.nHeads * m.headDim,
    heads: m.nKvHeads,
  };
}

export function attentionCost(m: AttentionMixer, { dModel }: Pick<MixerCostContext, 'dModel'>, inputWidth = dModel): MixerCost {
  const q = m.nHeads * m.headDim;
  const qOut = m.outputGate ? 2 * q : q;
  const kv = m.nKvHeads * m.headDim;
  const tensors = [
    tensor('q_proj.weight', [qOut, inputWidth], true),
    tensor('k_proj.weight', [kv, inputWidth], true),
    tensor('v_proj.weight', [kv, inputWidth], true),
    tensor('o_proj.weight', [dModel, q], true),
  ];
  if (m.bias) {
    tensors.push(tensor('q_proj.bias', [qOut]), tensor('k_proj.bias', [kv]), tensor('v_proj.bias', [kv]), tensor('o_proj.bias', [dModel]));
  }
  if (m.qkNorm) tensors.push(tensor('q_norm.weight', [m.headDim]), tensor('k_norm.weight', [m.headDim]));
  // Megatron-LM splits attention by query heads; the KV cache by its heads (replicated when fewer than the GPUs).
  return { ...dense(tensors), tpDims: [{ name: 'nHeads', size: m.nHeads }], kv: attentionKv(m), state: [], scanFlopsPerToken: 0, hasNorm: true, sharedBlockId: null };
}

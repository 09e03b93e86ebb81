/**
 * Attention: what it costs (HF `modeling_llama.py` / `modeling_mistral.py` / `modeling_jamba.py`; Zamba's shared
 * attention in `modeling_zamba.py` reads an input `inputWidth` = 2d wide): q [H·hd, in], k and v [KVH·hd, in],
 * o [d, H·hd], biases when `bias`. Cache: k and v, each [KVH, hd] per position; scores and values cost
 * 2 × 2 × H × hd FLOPs per position attended.
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
  const kv = m.nKvHeads * m.headDim;
  const tensors = [
    tensor('q_proj.weight', [q, inputWidth], true),
    tensor('k_proj.weight', [kv, inputWidth], true),
    tensor('v_proj.weight', [kv, inputWidth], true),
    tensor('o_proj.weight', [dModel, q], true),
  ];
  if (m.bias) {
    tensors.push(tensor('q_proj.bias', [q]), tensor('k_proj.bias', [kv]), tensor('v_proj.bias', [kv]), tensor('o_proj.bias', [dModel]));
  }
  // Megatron-LM splits attention by query heads; the KV cache by its heads (replicated when fewer than the GPUs).
  return { ...dense(tensors), tpDims: [{ name: 'nHeads', size: m.nHeads }], kv: attentionKv(m), state: [], scanFlopsPerToken: 0, hasNorm: true, sharedBlockId: null };
}

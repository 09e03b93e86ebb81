/**
 * Zamba's shared block: what it costs. The block (HF `modeling_zamba.py`, ZambaAttentionDecoderLayer):
 * input_layernorm over the attention input (2d wide when the embedding is concatenated), attention reading that input
 * with o_proj back to d, pre_ff_layernorm [d] and the FFN; these weights are stored once for all calls. A call stores
 * only its own d×d linear (`linear_layers`, no bias) but executes the whole block, so its active parameters and MACs
 * include the block's; it has no norm of its own and keeps its own KV cache.
 */
import { normTensors, prefixed, sumMacs, sumParams, tensor, type MixerCost, type MixerCostContext, type NormKind, type SharedCallSpec } from '../../sim/cost/tensors';
import { attentionCost } from '../attention/cost';
import { mlpCost } from '../mlp/cost';
import { moeCost } from '../moe/cost';
import type { SharedBlock, SharedRef } from './spec';

/** The stored weights of a shared block and what one call of it touches. */
export function sharedBlockCost(b: SharedBlock, dModel: number, norm: NormKind): SharedCallSpec {
  const inputWidth = b.concatEmbedding ? 2 * dModel : dModel;
  const attn = attentionCost(b.attention, { dModel }, inputWidth);
  const ffn = b.ffn.kind === 'mlp' ? mlpCost(b.ffn, dModel) : moeCost(b.ffn, dModel);
  const norms = [...normTensors('input_layernorm', inputWidth, norm), ...normTensors('pre_ff_layernorm', dModel, norm)];
  const normParams = sumParams(norms);
  return {
    cost: {
      tensors: [...norms, ...prefixed('self_attn.', attn.tensors), ...prefixed('feed_forward.', ffn.tensors)],
      params: normParams + attn.params + ffn.params,
      activeParams: normParams + attn.activeParams + ffn.activeParams,
      macsPerToken: attn.macsPerToken + ffn.macsPerToken,
      tpDims: [...(attn.tpDims ?? []), ...(ffn.tpDims ?? [])],
      routed: ffn.routed ?? [],
    },
    kv: attn.kv!,
    perCallLinear: b.perCallLinear,
  };
}

export function sharedCallCost(m: SharedRef, { dModel, shared }: MixerCostContext): MixerCost {
  const block = shared.get(m.blockId);
  if (!block) throw new Error(`blockId "${m.blockId}" names no entry of sharedBlocks`);
  const tensors = block.perCallLinear ? [tensor('linear.weight', [dModel, dModel], true)] : [];
  const own = sumParams(tensors);
  return {
    tensors,
    params: own,
    activeParams: own + block.cost.activeParams,
    macsPerToken: sumMacs(tensors) + block.cost.macsPerToken,
    tpDims: block.cost.tpDims ?? [],
    routed: block.cost.routed ?? [],
    kv: block.kv,
    state: [],
    scanFlopsPerToken: 0,
    hasNorm: false,
    sharedBlockId: m.blockId,
  };
}

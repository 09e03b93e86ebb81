/**
 * Zamba's shared block: what it costs. The block (HF `modeling_zamba.py`, ZambaAttentionDecoderLayer):
 * input_layernorm over the attention input (2d wide when the embedding is concatenated), attention reading that input
 * with o_proj back to d, pre_ff_layernorm [d] and the FFN; these weights are stored once for all calls. A call stores
 * only its own d×d linear (`linear_layers`, no bias) but executes the whole block, so its active parameters and MACs
 * include the block's; it has no norm of its own and keeps its own KV cache. Zamba2 (HF `modeling_zamba2.py`) adds per
 * call low-rank adapters: `gate_up_proj_adapter` Linear(d, r) -> Linear(r, 2f) on a gated MLP's gate and up (r -> f
 * on a plain MLP's up), and `linear_{q,k,v}_adapter` Linear(in, r) -> Linear(r, out) with out the width of q, k, v.
 */
import { normTensors, prefixed, sumMacs, sumParams, tensor, type MixerCost, type MixerCostContext, type NormKind, type SharedCallSpec } from '../../sim/cost/tensors';
import { attentionCost } from '../attention/cost';
import { mlpCost } from '../mlp/cost';
import { moeCost } from '../moe/cost';
import type { TensorSpec } from '../../sim/cost/types';
import type { SharedBlock, SharedRef } from './spec';

/** FFN activations with a gate projection beside up (gate and up are both adapted). */
const GATED: ReadonlySet<string> = new Set(['swiglu', 'geglu']);

/** The adapter tensors one call of the block stores (HF `modeling_zamba2.py` names, relative to the block). */
export function sharedAdapterTensors(b: SharedBlock, dModel: number): TensorSpec[] {
  const a = b.adapters;
  if (!a) return [];
  const inputWidth = b.concatEmbedding ? 2 * dModel : dModel;
  const out: TensorSpec[] = [];
  if (a.attention) {
    const widths = { q: b.attention.nHeads * b.attention.headDim, k: b.attention.nKvHeads * b.attention.headDim, v: b.attention.nKvHeads * b.attention.headDim };
    for (const [p, w] of Object.entries(widths)) {
      out.push(tensor(`self_attn.linear_${p}_adapter.0.weight`, [a.rank, inputWidth], true), tensor(`self_attn.linear_${p}_adapter.1.weight`, [w, a.rank], true));
    }
  }
  if (a.mlp && b.ffn.kind === 'mlp') {
    const w = GATED.has(b.ffn.activation) ? 2 * b.ffn.width : b.ffn.width;
    out.push(tensor('feed_forward.gate_up_proj_adapter.0.weight', [a.rank, dModel], true), tensor('feed_forward.gate_up_proj_adapter.1.weight', [w, a.rank], true));
  }
  return out;
}

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
    callTensors: sharedAdapterTensors(b, dModel),
  };
}

export function sharedCallCost(m: SharedRef, { dModel, shared }: MixerCostContext): MixerCost {
  const block = shared.get(m.blockId);
  if (!block) throw new Error(`blockId "${m.blockId}" names no entry of sharedBlocks`);
  const tensors = [...(block.perCallLinear ? [tensor('linear.weight', [dModel, dModel], true)] : []), ...(block.callTensors ?? [])];
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

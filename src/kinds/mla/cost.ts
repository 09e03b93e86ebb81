/**
 * MLA: what it costs. Tensors as HF `modeling_deepseek_v3.py` `DeepseekV3Attention` and `modeling_kimi_linear.py`
 * `KimiLinearAttention` name and shape them (torch (out, in)), no biases (`attention_bias` false; Kimi forces it):
 *   q_proj [H·(dn+dr), d]                          when qLoraRank is null, else
 *   q_a_proj [rq, d], q_a_layernorm [rq], q_b_proj [H·(dn+dr), rq]
 *   kv_a_proj_with_mqa [r + dr, d], kv_a_layernorm [r], kv_b_proj [H·(dn+dv), r], o_proj [d, H·dv]
 * (Kimi Linear 48B, hybrids-2026 §8: q_proj [32·192, 2304], kv_a_proj_with_mqa [512+64, 2304], kv_a_layernorm [512],
 * kv_b_proj [32·(128+128), 512], o_proj [2304, 4096].)
 *
 * Cache per position: the normed latent `kv_cache` [r] and the rope key `pe_cache` [dr], the names and content of
 * DeepSeek-V3 `inference/model.py` `MLA` with `attn_impl = "absorb"` (HF's naive cache of full per-head K/V is not
 * what MLA is for). Heads: 1: every head reads the same latent, so under tensor parallelism the cache is replicated
 * like an MQA cache, not split.
 *
 * FLOPs per context position: the ABSORBED form, as that `inference/model.py` decode computes it: W_UK folded into the
 * query (q_nope · W_UK -> [H, r], per token, counted with kv_b_proj's weights), then per position scores
 * `einsum("bshc,btc->bsht", q_nope, kv_cache)` H·r MACs + `einsum("bshr,btr->bsht", q_pe, pe_cache)` H·dr MACs, and
 * values `einsum("bsht,btc->bshc", scores, kv_cache)` H·r MACs: 2·H·(2r + dr) FLOPs. (The naive form would cost
 * 2·H·(dn + dr + dv) per position plus re-expanding every cached latent through kv_b_proj, 2·r·H·(dn + dv) per
 * position per step, when only the latent is cached.) The same figure is used for prefill, where implementations
 * often expand K/V instead: an upper bound there. kv_b_proj's H·(dn+dv)·r MACs per token are the same in both forms.
 */
import { dense, stateTensor, tensor, type KvSpec, type MixerCost, type MixerCostContext } from '../../sim/cost/tensors';
import type { TensorSpec } from '../../sim/cost/types';
import { mlaQkHeadDim, type MlaMixer } from './spec';

/** The cache of an MLA block: kv_cache [r] and pe_cache [dr] per position; absorbed-form FLOPs; one head. */
export function mlaKv(m: MlaMixer): KvSpec {
  return {
    tensors: [stateTensor('kv_cache', [m.kvLoraRank], true), stateTensor('pe_cache', [m.qkRopeHeadDim], true)],
    window: null,
    flopsPerContextToken: 2 * m.nHeads * (2 * m.kvLoraRank + m.qkRopeHeadDim),
    heads: 1,
  };
}

/** The parameter tensors, in the order of the modeling code's `__init__`. */
export function mlaTensors(m: MlaMixer, dModel: number): TensorSpec[] {
  const qOut = m.nHeads * mlaQkHeadDim(m);
  const q =
    m.qLoraRank === null
      ? [tensor('q_proj.weight', [qOut, dModel], true)]
      : [tensor('q_a_proj.weight', [m.qLoraRank, dModel], true), tensor('q_a_layernorm.weight', [m.qLoraRank]), tensor('q_b_proj.weight', [qOut, m.qLoraRank], true)];
  return [
    ...q,
    tensor('kv_a_proj_with_mqa.weight', [m.kvLoraRank + m.qkRopeHeadDim, dModel], true),
    tensor('kv_a_layernorm.weight', [m.kvLoraRank]),
    tensor('kv_b_proj.weight', [m.nHeads * (m.qkNopeHeadDim + m.vHeadDim), m.kvLoraRank], true),
    tensor('o_proj.weight', [dModel, m.nHeads * m.vHeadDim], true),
  ];
}

/**
 * Tensor parallelism splits MLA by heads (q_proj / q_b_proj and kv_b_proj by output heads, o_proj by input heads:
 * vLLM `DeepseekV2MLAAttention`, `num_local_heads = num_heads // tp_size`); kv_a_proj_with_mqa and the latent cache
 * are replicated on every GPU (`heads: 1` in the KV spec).
 */
export function mlaCost(m: MlaMixer, { dModel }: Pick<MixerCostContext, 'dModel'>): MixerCost {
  return { ...dense(mlaTensors(m, dModel)), tpDims: [{ name: 'nHeads', size: m.nHeads }], kv: mlaKv(m), state: [], scanFlopsPerToken: 0, hasNorm: true, sharedBlockId: null };
}

/**
 * Moonshot Kimi Linear (`model_type: kimi_linear`; transformers `configuration_kimi_linear.py`; mlx
 * `kimi_linear.py`; MoonshotAI/Kimi-Linear; research notes §8). Import only.
 * - Layers: the checkpoint's `linear_attn_config` lists `full_attn_layers` and `kda_layers` **1-indexed**
 *   (`layer_types[layer - 1]` in the config code), else `layer_types`, else full attention where (i + 1) % 4 == 0.
 * - KDA (`linear_attention`): q/k/v projections and short convs of `linear_attn_config.num_heads` ×
 *   `head_dim`, channel-wise data-dependent decay (f_a/f_b low rank), delta update (b_proj), low-rank output gate
 *   (g_a/g_b), o_norm: the `linear-attention` kind with update "delta", decay "channel", output gate "lowrank",
 *   layout "kimi".
 * - MLA (`full_attention`): `mla` kind with kv_lora_rank, q_lora_rank (null = plain q_proj), qk_nope / qk_rope /
 *   v head dims; `mla_use_nope` = no RoPE (the rope dims still exist in kv_a_proj_with_mqa).
 * - FFN: the first `first_k_dense_replace` layers (default 1) dense SwiGLU of `intermediate_size`
 *   (`dense_ffn_hidden` when given), the rest MoE: sigmoid router with e_score_correction_bias, renormalised top-k
 *   (`moe_renormalize` / norm_topk_prob) × routed_scaling_factor, SwiGLU experts of moe_intermediate_size and
 *   `num_shared_experts` shared experts fused as one MLP (expertWidth × shared).
 * transformers' `attribute_map` spellings (model_max_length, num_experts_per_token, num_shared_experts,
 * moe_renormalize, num_expert_group) are read beside the others; two that disagree are an error.
 */
import type { Design } from '../schema';
import { LIMITS } from '../schemaKit';
import type { ParseResult } from '../validate';
import { checkLayerCount, finishImport, type Block, type RawLayer } from './common';
import { FamilyReader } from './reader';

type Json = Record<string, unknown>;

/** A design from a `kimi_linear` config.json. Never throws. */
export function importKimiLinear(json: Json): ParseResult<Design> {
  const r = new FamilyReader(json);
  const d = r.int('hidden_size', 2304);
  const n = r.int('num_hidden_layers', 27);
  if (r.issues.length || !checkLayerCount(r, 'num_hidden_layers', n)) return { ok: false, issues: r.issues };
  const lac = r.object('linear_attn_config');
  let full: boolean[] | null = null;
  if (lac && (lac.has('full_attn_layers') || lac.has('kda_layers'))) {
    // 1-indexed layer numbers (configuration_kimi_linear.py: layer_types[layer - 1]).
    const fl = lac.intList('full_attn_layers', LIMITS.layers, 1, n) ?? [];
    const kl = lac.intList('kda_layers', LIMITS.layers, 1, n) ?? [];
    if (!lac.has('full_attn_layers') || !lac.has('kda_layers')) lac.issue(lac.has('full_attn_layers') ? 'kda_layers' : 'full_attn_layers', 'missing; linear_attn_config lists full_attn_layers and kda_layers (1-indexed) together');
    const seen = new Array<number>(n).fill(0);
    for (const x of [...fl, ...kl]) seen[x - 1]!++;
    const twice = seen.findIndex((c) => c > 1);
    const missing = seen.findIndex((c) => c === 0);
    if (twice >= 0) lac.issue('kda_layers', `layer ${twice + 1} (1-indexed) is listed both as full attention and as KDA`);
    else if (missing >= 0 && !r.issues.length) lac.issue('kda_layers', `layer ${missing + 1} (1-indexed) is in neither full_attn_layers nor kda_layers; the ${n} layers must each be listed once`);
    full = Array.from({ length: n }, (_, i) => fl.includes(i + 1));
  }
  const lt = r.list('layer_types', LIMITS.layers);
  if (lt) {
    if (lt.length !== n) r.issue('layer_types', `has ${lt.length} entries for ${n} layers (num_hidden_layers)`);
    const bad = lt.findIndex((t) => t !== 'full_attention' && t !== 'linear_attention');
    if (bad >= 0) r.issue(`layer_types[${bad}]`, `expected "full_attention" or "linear_attention", got ${JSON.stringify(lt[bad])}`);
    const fromList = lt.map((t) => t === 'full_attention');
    if (full && JSON.stringify(full) !== JSON.stringify(fromList)) r.issue('layer_types', 'contradicts linear_attn_config (full_attn_layers / kda_layers, 1-indexed); give one of them');
    full ??= fromList;
  }
  full ??= Array.from({ length: n }, (_, i) => (i + 1) % 4 === 0);

  const heads = lac?.has('num_heads') ? lac.int('num_heads', 32, 1, LIMITS.heads) : r.int('linear_num_heads', 32, 1, LIMITS.heads);
  const headDim = lac?.has('head_dim') ? lac.int('head_dim', 128, 1, LIMITS.headDim) : r.int('linear_head_dim', 128, 1, LIMITS.headDim);
  const conv = lac?.has('short_conv_kernel_size') ? lac.int('short_conv_kernel_size', 4, 1, LIMITS.dConv) : r.int('linear_conv_kernel_dim', 4);
  const kda: Block = { kind: 'linear-attention', nKeyHeads: heads, nValueHeads: heads, keyHeadDim: headDim, valueHeadDim: headDim, update: 'delta', decay: 'channel', convSize: conv, outputGate: 'lowrank', outputNorm: true, lowRank: null, layout: 'kimi' };
  const ropeDim = r.int('qk_rope_head_dim', 64, 0);
  if (r.bool('mla_use_output_gate', false)) r.issue('mla_use_output_gate', 'an output gate on MLA (Kimi K3) is not expressible');
  if (r.int('attn_res_block_size', 0, 0) > 0) r.issue('attn_res_block_size', 'block attention residuals are not expressible');
  const mla: Block = {
    kind: 'mla',
    nHeads: r.int('num_attention_heads', 32),
    kvLoraRank: r.int('kv_lora_rank', 512),
    qLoraRank: r.intOrNull('q_lora_rank', null),
    qkNopeHeadDim: r.int('qk_nope_head_dim', 128),
    qkRopeHeadDim: ropeDim,
    vHeadDim: r.int('v_head_dim', 128),
    positional: r.bool('mla_use_nope', false) || ropeDim === 0 ? 'none' : 'rope',
    ...(r.has('rope_theta') ? { ropeTheta: r.num('rope_theta', 10000, Number.MIN_VALUE, LIMITS.ropeTheta) } : {}),
  };
  const act = r.str('hidden_act', 'silu');
  if (act !== 'silu') r.issue('hidden_act', `"${act}" is not supported; only "silu" (SwiGLU) is expressible`);
  if (r.alias(['n_group', 'num_expert_group'], (k) => r.int(k, 1), 1) > 1) r.issue('num_expert_group', 'group-limited routing (more than one expert group) is not expressible');
  const nExperts = r.alias(['num_experts', 'num_local_experts'], (k) => r.int(k, 256), 256);
  const topK = r.alias(['num_experts_per_token', 'num_experts_per_tok'], (k) => r.int(k, 8), 8);
  if (topK > nExperts) r.issue('num_experts_per_token', `${topK} exceeds num_experts ${nExperts}`);
  const shared = r.alias(['num_shared_experts', 'n_shared_experts'], (k) => r.int(k, 1, 0), 1);
  const routerAct = r.str('moe_router_activation_func', 'sigmoid');
  if (routerAct !== 'sigmoid' && routerAct !== 'softmax') r.issue('moe_router_activation_func', `"${routerAct}" is not supported; expected "sigmoid" or "softmax"`);
  const moe: Block = {
    kind: 'moe',
    nExperts,
    topK,
    expertWidth: r.int('moe_intermediate_size', 1024),
    activation: 'swiglu',
    sharedExperts: shared,
    sharedExpertWidth: null,
    router: routerAct === 'softmax' ? 'softmax' : 'sigmoid',
    routerBias: true,
    routedScale: r.num('routed_scaling_factor', 2.446, Number.MIN_VALUE, 1e6),
    normTopK: r.alias(['moe_renormalize', 'norm_topk_prob'], (k) => r.bool(k, true), true),
  };
  const denseWidth = r.has('dense_ffn_hidden') ? r.int('dense_ffn_hidden', 9216) : r.int('intermediate_size', 9216);
  const dense: Block = { kind: 'mlp', width: denseWidth, activation: 'swiglu', bias: false };
  let isDense: boolean[];
  const mlt = r.list('mlp_layer_types', LIMITS.layers);
  if (mlt) {
    if (mlt.length !== n) r.issue('mlp_layer_types', `has ${mlt.length} entries for ${n} layers`);
    const bad = mlt.findIndex((t) => t !== 'dense' && t !== 'sparse');
    if (bad >= 0) r.issue(`mlp_layer_types[${bad}]`, `expected "dense" or "sparse", got ${JSON.stringify(mlt[bad])}`);
    isDense = mlt.map((t) => t === 'dense');
    if (r.has('first_k_dense_replace')) {
      const k = r.int('first_k_dense_replace', 1, 0);
      if (isDense.some((x, i) => x !== i < k)) r.issue('first_k_dense_replace', `${k} contradicts mlp_layer_types; give one of them`);
    }
  } else {
    const k = r.int('first_k_dense_replace', 1, 0);
    isDense = Array.from({ length: n }, (_, i) => i < k);
  }
  const layers: RawLayer[] = full.map((fa, i) => ({ mixer: fa ? mla : kda, ffn: isDense[i] ? dense : moe }));
  return finishImport({
    type: 'kimi_linear',
    r,
    dModel: d,
    vocabSize: r.int('vocab_size', 163840),
    tiedEmbeddings: r.bool('tie_word_embeddings', false),
    maxContext: r.alias(['model_max_length', 'max_position_embeddings'], (k) => r.int(k, 1048576), 1048576),
    layers,
  });
}

import { describe, expect, it } from 'vitest';
import { analyzeDesign } from '../../sim/cost/analyzeDesign';
import { exportHfConfigAs, importHfConfig } from '../hf';
import { getPreset } from '../presets';
import { NEMOTRON_H_8B_PATTERN, NEMOTRON_3_NANO_PATTERN } from '../presetsRecent';
import { expandLayers, type Design, type Layer } from '../schema';

/**
 * The published config.json files of the new families, as the research notes transcribe them (hybrids-2026.md §3-§9),
 * import to the presets: the same layers, and so the same parameters, KV and state.
 */
const layersOf = (d: Design): Layer[] => expandLayers(d.layers);
function ok(json: Record<string, unknown>): Design {
  const r = importHfConfig(json);
  if (!r.ok) throw new Error(JSON.stringify(r.issues.slice(0, 3)));
  return r.value;
}
function expectPreset(d: Design, id: string) {
  const p = getPreset(id)!.design;
  expect(layersOf(d)).toEqual(layersOf(p));
  expect(d.sharedBlocks).toEqual(p.sharedBlocks);
  expect({ v: d.vocabSize, d: d.dModel, t: d.tiedEmbeddings }).toEqual({ v: p.vocabSize, d: p.dModel, t: p.tiedEmbeddings });
  expect(analyzeDesign(d).params.total).toBe(analyzeDesign(p).params.total);
}

/** Nemotron-H-8B-Base-8K with the hub remote code's field names (Megatron-Bridge mapping). */
const NEMOTRON_H_8B_OLD = {
  model_type: 'nemotron_h',
  architectures: ['NemotronHForCausalLM'],
  vocab_size: 131072,
  hidden_size: 4096,
  num_hidden_layers: 52,
  hybrid_override_pattern: NEMOTRON_H_8B_PATTERN,
  num_attention_heads: 32,
  num_key_value_heads: 8,
  attention_head_dim: 128,
  intermediate_size: 21504,
  mlp_hidden_act: 'relu2',
  mamba_num_heads: 128,
  mamba_head_dim: 64,
  n_groups: 8,
  ssm_state_size: 128,
  conv_kernel: 4,
  expand: 2,
  chunk_size: 128,
  use_conv_bias: true,
  tie_word_embeddings: false,
  max_position_embeddings: 8192,
  // MoE class defaults that must not turn the dense 8B into an MoE (research notes §0.3).
  n_routed_experts: 8,
  moe_intermediate_size: 7688,
};
/** The same model with transformers v5 names: layers_block_type, mamba_* renamed fields, head_dim. */
const NEMOTRON_H_8B_V5 = {
  model_type: 'nemotron_h',
  vocab_size: 131072,
  hidden_size: 4096,
  layers_block_type: [...NEMOTRON_H_8B_PATTERN].map((c) => ({ M: 'mamba', '*': 'attention', '-': 'mlp', E: 'moe' })[c as 'M']),
  num_attention_heads: 32,
  num_key_value_heads: 8,
  head_dim: 128,
  intermediate_size: 21504,
  mamba_num_heads: 128,
  mamba_head_dim: 64,
  mamba_n_groups: 8,
  ssm_state_size: 128,
  mamba_d_conv: 4,
  mamba_expand: 2,
  mamba_chunk_size: 128,
  mamba_conv_bias: true,
  tie_word_embeddings: false,
  max_position_embeddings: 8192,
};
/** nvidia/NVIDIA-Nemotron-3-Nano-30B-A3B-BF16 config.json (the keys the design reads). */
const NEMOTRON_3_NANO = {
  model_type: 'nemotron_h',
  vocab_size: 131072,
  hidden_size: 2688,
  num_hidden_layers: 52,
  hybrid_override_pattern: NEMOTRON_3_NANO_PATTERN,
  num_attention_heads: 32,
  num_key_value_heads: 2,
  head_dim: 128,
  intermediate_size: 1856,
  mlp_hidden_act: 'relu2',
  mamba_num_heads: 64,
  mamba_head_dim: 64,
  n_groups: 8,
  ssm_state_size: 128,
  conv_kernel: 4,
  chunk_size: 128,
  n_routed_experts: 128,
  n_shared_experts: 1,
  num_experts_per_tok: 6,
  moe_intermediate_size: 1856,
  moe_shared_expert_intermediate_size: 3712,
  routed_scaling_factor: 2.5,
  norm_topk_prob: true,
  n_group: 1,
  topk_group: 1,
  tie_word_embeddings: false,
  max_position_embeddings: 262144,
  num_nextn_predict_layers: 1,
  torch_dtype: 'bfloat16',
};
/** Zyphra/Zamba2-2.7B-Instruct-v2 config.json (§4). */
const ZAMBA2_27 = {
  model_type: 'zamba2',
  hidden_size: 2560,
  num_hidden_layers: 54,
  layers_block_type: Array.from({ length: 54 }, (_, i) => ([6, 12, 18, 24, 30, 36, 42, 47, 51].includes(i) ? 'hybrid' : 'mamba')),
  num_mem_blocks: 2,
  num_attention_heads: 32,
  intermediate_size: 10240,
  hidden_act: 'gelu',
  n_mamba_heads: 80,
  mamba_d_state: 64,
  mamba_d_conv: 4,
  mamba_expand: 2,
  mamba_ngroups: 1,
  use_shared_mlp_adapter: true,
  use_shared_attention_adapter: false,
  adapter_rank: 128,
  use_mem_rope: false,
  vocab_size: 32000,
  tie_word_embeddings: true,
};
/** tiiuae/Falcon-H1-7B-Base config.json (§5). */
const FALCON_H1_7B = {
  model_type: 'falcon_h1',
  hidden_size: 3072,
  num_hidden_layers: 44,
  num_attention_heads: 12,
  num_key_value_heads: 2,
  head_dim: 128,
  intermediate_size: 12288,
  vocab_size: 130048,
  tie_word_embeddings: false,
  mamba_d_state: 256,
  mamba_n_groups: 1,
  mamba_n_heads: 24,
  mamba_d_head: 128,
  mamba_d_ssm: 3072,
  mamba_expand: 2,
  mamba_d_conv: 4,
  mamba_chunk_size: 128,
  mamba_rms_norm: false,
  rope_theta: 1e11,
  max_position_embeddings: 262144,
  attn_layer_indices: null,
  embedding_multiplier: 5.656854249492381,
  lm_head_multiplier: 0.0390625,
};
/** ibm-granite/granite-4.0-h-small, from its GGUF metadata and config excerpt (§6). */
const GRANITE_SMALL = {
  model_type: 'granitemoehybrid',
  hidden_size: 4096,
  num_hidden_layers: 40,
  layer_types: Array.from({ length: 40 }, (_, i) => (i % 10 === 5 ? 'attention' : 'mamba')),
  num_attention_heads: 32,
  num_key_value_heads: 8,
  mamba_n_heads: 128,
  mamba_d_head: 64,
  mamba_n_groups: 1,
  mamba_d_state: 128,
  mamba_d_conv: 4,
  num_local_experts: 72,
  num_experts_per_tok: 10,
  intermediate_size: 768,
  shared_intermediate_size: 1536,
  position_embedding_type: 'nope',
  vocab_size: 100352,
  tie_word_embeddings: true,
  max_position_embeddings: 131072,
  embedding_multiplier: 12,
  residual_multiplier: 0.22,
};

/** ibm-ai-platform/Bamba-9B config.json (§6; mamba_d_state 128 and the attention indices from a transcription). */
const BAMBA_9B = {
  model_type: 'bamba',
  hidden_size: 4096,
  num_hidden_layers: 32,
  num_attention_heads: 32,
  num_key_value_heads: 8,
  attn_layer_indices: [9, 18, 27],
  intermediate_size: 14336,
  mamba_n_heads: 128,
  mamba_d_head: 'auto',
  mamba_n_groups: 1,
  mamba_d_state: 128,
  mamba_d_conv: 4,
  mamba_expand: 2,
  vocab_size: 128256,
  tie_word_embeddings: false,
  max_position_embeddings: 4096,
  rope_theta: 10000,
};
/** Qwen/Qwen3-Next-80B-A3B-Instruct config.json (transformers `configuration_qwen3_next.py` defaults + checkpoint keys, §7). */
const QWEN3_NEXT = {
  model_type: 'qwen3_next',
  vocab_size: 151936,
  hidden_size: 2048,
  num_hidden_layers: 48,
  num_attention_heads: 16,
  num_key_value_heads: 2,
  head_dim: 256,
  full_attention_interval: 4,
  linear_num_key_heads: 16,
  linear_num_value_heads: 32,
  linear_key_head_dim: 128,
  linear_value_head_dim: 128,
  linear_conv_kernel_dim: 4,
  num_experts: 512,
  num_experts_per_tok: 10,
  moe_intermediate_size: 512,
  shared_expert_intermediate_size: 512,
  decoder_sparse_step: 1,
  mlp_only_layers: [],
  norm_topk_prob: true,
  partial_rotary_factor: 0.25,
  rope_theta: 10000000,
  max_position_embeddings: 262144,
  tie_word_embeddings: false,
};
/** moonshotai/Kimi-Linear-48B-A3B-Instruct config.json (§8): the 1-indexed linear_attn_config. */
const KIMI_LINEAR = {
  model_type: 'kimi_linear',
  vocab_size: 163840,
  hidden_size: 2304,
  num_hidden_layers: 27,
  num_attention_heads: 32,
  num_key_value_heads: 32,
  intermediate_size: 9216,
  moe_intermediate_size: 1024,
  num_experts: 256,
  num_experts_per_token: 8,
  num_shared_experts: 1,
  first_k_dense_replace: 1,
  moe_renormalize: true,
  moe_router_activation_func: 'sigmoid',
  routed_scaling_factor: 2.446,
  kv_lora_rank: 512,
  q_lora_rank: null,
  qk_nope_head_dim: 128,
  qk_rope_head_dim: 64,
  v_head_dim: 128,
  mla_use_nope: true,
  model_max_length: 1048576,
  tie_word_embeddings: false,
  linear_attn_config: { full_attn_layers: [4, 8, 12, 16, 20, 24, 27], kda_layers: [1, 2, 3, 5, 6, 7, 9, 10, 11, 13, 14, 15, 17, 18, 19, 21, 22, 23, 25, 26], num_heads: 32, head_dim: 128, short_conv_kernel_size: 4 },
};
/** MiniMax-Text-01's own config.json as vLLM reads it (§9): attn_type_list, rotary_dim half the head dim. */
const MINIMAX_TEXT_01 = {
  model_type: 'minimax_text_01',
  vocab_size: 200064,
  hidden_size: 6144,
  num_hidden_layers: 80,
  num_attention_heads: 64,
  num_key_value_heads: 8,
  head_dim: 128,
  rotary_dim: 64,
  rope_theta: 10000000,
  intermediate_size: 9216,
  num_local_experts: 32,
  num_experts_per_tok: 2,
  attn_type_list: Array.from({ length: 80 }, (_, i) => ((i + 1) % 8 === 0 ? 1 : 0)),
  max_position_embeddings: 1048576,
  tie_word_embeddings: false,
  postnorm: true,
  layernorm_full_attention_alpha: 3.5565588200778455,
};

describe('published configs of the new families import to the presets', () => {
  it('Bamba-9B: attention at 9, 18, 27 with RoPE on half of each head', () => {
    expectPreset(ok(BAMBA_9B), 'bamba-9b');
  });
  it('Qwen3-Next-80B-A3B: 3:1 Gated DeltaNet / gated attention from full_attention_interval, MoE with gated shared expert', () => {
    expectPreset(ok(QWEN3_NEXT), 'qwen3-next-80b-a3b');
    // layer_types gives the same design; the transformers v5 rope_parameters spelling too.
    const types = Array.from({ length: 48 }, (_, i) => ((i + 1) % 4 === 0 ? 'full_attention' : 'linear_attention'));
    const { full_attention_interval: _i, rope_theta: _t, partial_rotary_factor: _p, ...rest } = QWEN3_NEXT;
    expectPreset(ok({ ...rest, layer_types: types, rope_parameters: { rope_type: 'default', rope_theta: 10000000, partial_rotary_factor: 0.25 } }), 'qwen3-next-80b-a3b');
  });
  it('Kimi-Linear-48B-A3B: the 1-indexed linear_attn_config puts MLA at 0-indexed 3, 7, ..., 23, 26; layer 0 dense', () => {
    const d = ok(KIMI_LINEAR);
    expectPreset(d, 'kimi-linear-48b-a3b');
    // Read as 0-indexed, the same lists would put MLA at 4, 8, ... and a KDA at 26: not the model.
    expect(layersOf(d).flatMap((l, i) => (l.mixer.kind === 'mla' ? [i] : []))).toEqual([3, 7, 11, 15, 19, 23, 26]);
  });
  it('MiniMax-Text-01: attn_type_list puts softmax attention at 7, 15, ..., 79; the transformers port layer_types agrees', () => {
    expectPreset(ok(MINIMAX_TEXT_01), 'minimax-text-01');
    const { attn_type_list: list, ...rest } = MINIMAX_TEXT_01;
    expectPreset(ok({ ...rest, model_type: 'minimax', layer_types: list.map((x) => (x ? 'full_attention' : 'linear_attention')) }), 'minimax-text-01');
  });
  it('Nemotron-H-8B, hub remote-code names: the 8B preset, dense despite the MoE class defaults', () => {
    const d = ok(NEMOTRON_H_8B_OLD);
    expectPreset(d, 'nemotron-h-8b');
    expect(layersOf(d).some((l) => l.ffn.kind === 'moe')).toBe(false);
  });
  it('Nemotron-H-8B, transformers v5 names (layers_block_type, mamba_n_groups, ...): the same design', () => {
    expectPreset(ok(NEMOTRON_H_8B_V5), 'nemotron-h-8b');
  });
  it('v5 names for the layer types (linear_attention, full_attention) read the same', () => {
    const cfg = { ...NEMOTRON_H_8B_V5, layers_block_type: NEMOTRON_H_8B_V5.layers_block_type.map((t) => ({ mamba: 'linear_attention', attention: 'full_attention' })[t as 'mamba'] ?? t) };
    expectPreset(ok(cfg), 'nemotron-h-8b');
  });
  it('Nemotron-3-Nano-30B-A3B: MoE only at E, sigmoid routing with correction bias and scale 2.5; MTP noted, not counted', () => {
    const d = ok(NEMOTRON_3_NANO);
    expectPreset(d, 'nemotron-3-nano-30b-a3b');
    expect(d.source).toContain('multi-token-prediction layers left out');
  });
  it('Zamba2-2.7B: two shared blocks called in turn, MLP adapters on', () => {
    expectPreset(ok(ZAMBA2_27), 'zamba2-2.7b');
  });
  it('Falcon-H1-7B: attention ∥ Mamba-2 in every layer; the µP multipliers are noted, not part of the design', () => {
    const d = ok(FALCON_H1_7B);
    expectPreset(d, 'falcon-h1-7b');
    expect(d.source).toMatch(/µP multipliers \(embedding_multiplier, lm_head_multiplier\)/);
  });
  it('Granite-4.0-H-Small: MoE + shared MLP on every layer, NoPE attention at 5, 15, 25, 35', () => {
    expectPreset(ok(GRANITE_SMALL), 'granite-4.0-h-small');
  });
  it('a Granite dense checkpoint (num_local_experts 0) has its shared MLP as the FFN', () => {
    const d = ok({ ...GRANITE_SMALL, num_local_experts: 0, shared_intermediate_size: 8192 });
    expect(layersOf(d)[0]!.ffn).toMatchObject({ kind: 'mlp', width: 8192, activation: 'swiglu' });
  });
});

describe('exports of the new families write the published keys', () => {
  const out = (id: string, family: string) => {
    const r = exportHfConfigAs(getPreset(id)!.design, family);
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    return r.value;
  };
  it('nemotron_h: the pattern, heads × head dim, relu2, and the MoE keys of Nemotron-3', () => {
    expect(out('nemotron-h-8b', 'nemotron_h')).toMatchObject({ hybrid_override_pattern: NEMOTRON_H_8B_PATTERN, mamba_num_heads: 128, mamba_head_dim: 64, mlp_hidden_act: 'relu2', intermediate_size: 21504, head_dim: 128 });
    expect(out('nemotron-3-nano-30b-a3b', 'nemotron_h')).toMatchObject({ n_routed_experts: 128, num_experts_per_tok: 6, moe_intermediate_size: 1856, moe_shared_expert_intermediate_size: 3712, routed_scaling_factor: 2.5, n_shared_experts: 1 });
  });
  it('qwen3_next and bamba', () => {
    expect(out('qwen3-next-80b-a3b', 'qwen3_next')).toMatchObject({ layer_types: Array.from({ length: 48 }, (_, i) => ((i + 1) % 4 === 0 ? 'full_attention' : 'linear_attention')), linear_num_value_heads: 32, num_experts: 512, shared_expert_intermediate_size: 512, partial_rotary_factor: 0.25, head_dim: 256, mlp_only_layers: [] });
    expect(out('bamba-9b', 'bamba')).toMatchObject({ attn_layer_indices: [9, 18, 27], mamba_d_state: 128, mamba_n_heads: 128 });
  });
  it('zamba2, falcon_h1, granitemoehybrid', () => {
    expect(out('zamba2-2.7b', 'zamba2')).toMatchObject({ layers_block_type: ZAMBA2_27.layers_block_type, num_mem_blocks: 2, n_mamba_heads: 80, hidden_act: 'gelu', use_shared_mlp_adapter: true, adapter_rank: 128 });
    expect(out('falcon-h1-7b', 'falcon_h1')).toMatchObject({ mamba_d_ssm: 3072, mamba_n_heads: 24, mamba_d_head: 128, mamba_rms_norm: false, rope_theta: 1e11, embedding_multiplier: 1 });
    expect(out('granite-4.0-h-small', 'granitemoehybrid')).toMatchObject({ layer_types: GRANITE_SMALL.layer_types, num_local_experts: 72, shared_intermediate_size: 1536, position_embedding_type: 'nope' });
  });
  it.each([
    ['nemotron-h-8b', 'zamba2', 'layers[1].ffn.kind'],
    ['nemotron-h-8b', 'falcon_h1', 'layers[0].mixer.kind'],
    ['falcon-h1-7b', 'nemotron_h', 'layers[0].mixer.kind'],
    ['zamba2-2.7b', 'nemotron_h', 'layers[6].mixer.kind'],
    ['granite-4.0-h-small', 'bamba', 'layers[0].ffn.kind'],
    ['mamba2-hybrid-8b', 'nemotron_h', 'layers[1].ffn.activation'],
    ['stripedhyena-7b', 'nemotron_h', 'layers[0].mixer.kind'],
  ])('%s as %s is refused at %s', (id, family, path) => {
    const r = exportHfConfigAs(getPreset(id)!.design, family);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.issues[0]!.path).toBe(path);
      expect(r.issues[0]!.message.length).toBeGreaterThan(10);
    }
  });
});

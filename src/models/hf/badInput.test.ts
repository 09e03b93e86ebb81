import { describe, expect, it } from 'vitest';
import { importHfConfig } from '../hf';

/**
 * A corpus of malformed config.json files of the 2025-2026 families: each gets a one-line issue naming the config key
 * it comes from and the rule, the importer never throws, and the parsed JSON it was given is left untouched.
 */
const CORPUS: [name: string, config: Record<string, unknown>, key: string, fragment: string][] = [
  // nemotron_h
  ['nemotron_h: unknown letter in the pattern', { model_type: 'nemotron_h', hybrid_override_pattern: 'M-M*X-' }, 'hybrid_override_pattern', '"X" at position 4'],
  ['nemotron_h: pattern not a string', { model_type: 'nemotron_h', hybrid_override_pattern: 42 }, 'hybrid_override_pattern', 'expected a string'],
  ['nemotron_h: empty pattern', { model_type: 'nemotron_h', hybrid_override_pattern: '' }, 'hybrid_override_pattern', 'is empty'],
  ['nemotron_h: pattern longer than the layer limit', { model_type: 'nemotron_h', hybrid_override_pattern: 'M'.repeat(5000) }, 'hybrid_override_pattern', 'at most 1024'],
  ['nemotron_h: both generations disagree', { model_type: 'nemotron_h', hybrid_override_pattern: 'M-*', layers_block_type: ['mamba', 'mlp', 'mamba'] }, 'layers_block_type', 'contradicts hybrid_override_pattern'],
  ['nemotron_h: unknown v5 layer type', { model_type: 'nemotron_h', layers_block_type: ['mamba', 'hyena'] }, 'layers_block_type[1]', 'expected one of'],
  ['nemotron_h: layer list not a list', { model_type: 'nemotron_h', layers_block_type: 'M-*' }, 'layers_block_type', 'expected a list'],
  ['nemotron_h: num_hidden_layers contradicts the pattern', { model_type: 'nemotron_h', hybrid_override_pattern: 'M-M*', num_hidden_layers: 52 }, 'num_hidden_layers', 'contradicts the 4 layers'],
  ['nemotron_h: renamed fields disagree', { model_type: 'nemotron_h', hybrid_override_pattern: 'M-', n_groups: 8, mamba_n_groups: 4 }, 'mamba_n_groups', 'contradicts n_groups'],
  ['nemotron_h: head_dim spellings disagree', { model_type: 'nemotron_h', hybrid_override_pattern: 'M*', head_dim: 128, attention_head_dim: 64 }, 'attention_head_dim', 'contradicts head_dim'],
  ['nemotron_h: a gated MLP activation', { model_type: 'nemotron_h', hybrid_override_pattern: 'M-', mlp_hidden_act: 'silu' }, 'mlp_hidden_act', 'only relu2'],
  ['nemotron_h: latent MoE', { model_type: 'nemotron_h', hybrid_override_pattern: 'ME', moe_latent_size: 1024 }, 'moe_latent_size', 'latent MoE'],
  ['nemotron_h: grouped routing', { model_type: 'nemotron_h', hybrid_override_pattern: 'ME', n_group: 4 }, 'n_group', 'group-limited routing'],
  ['nemotron_h: top-k above the experts', { model_type: 'nemotron_h', hybrid_override_pattern: 'ME', n_routed_experts: 4, num_experts_per_tok: 6 }, 'num_experts_per_tok', 'exceeds n_routed_experts'],
  ['nemotron_h: hidden size a string', { model_type: 'nemotron_h', hidden_size: '4096' }, 'hidden_size', 'expected an integer'],
  ['nemotron_h: mamba heads out of range', { model_type: 'nemotron_h', hybrid_override_pattern: 'M', mamba_num_heads: 1e9 }, 'mamba_num_heads', 'must be at most'],
  // zamba2
  ['zamba2: unknown layer type', { model_type: 'zamba2', layers_block_type: ['mamba', 'hybrid', 'attention'] }, 'layers_block_type[2]', 'expected "mamba" or "hybrid"'],
  ['zamba2: layer count without a layer list', { model_type: 'zamba2', num_hidden_layers: 81 }, 'num_hidden_layers', "default layer list has 54 entries"],
  ['zamba2: layer count contradicts the list', { model_type: 'zamba2', layers_block_type: ['mamba', 'hybrid'], num_hidden_layers: 3 }, 'num_hidden_layers', 'contradicts the 2 entries'],
  ['zamba2: hybrid_layer_ids contradict the list', { model_type: 'zamba2', layers_block_type: ['mamba', 'hybrid', 'mamba'], hybrid_layer_ids: [2] }, 'hybrid_layer_ids', 'contradicts layers_block_type'],
  ['zamba2: heads do not divide the width', { model_type: 'zamba2', hidden_size: 2560, n_mamba_heads: 77 }, 'n_mamba_heads', 'does not divide'],
  ['zamba2: unsupported activation', { model_type: 'zamba2', hidden_act: 'relu' }, 'hidden_act', '"relu" is not supported'],
  ['zamba2: long-context RoPE', { model_type: 'zamba2', use_long_context: true }, 'use_long_context', 'not expressible'],
  ['zamba2: a layer list of 2000 entries', { model_type: 'zamba2', layers_block_type: new Array(2000).fill('mamba') }, 'layers_block_type', 'at most 1024'],
  // falcon_h1
  ['falcon_h1: attention layer list', { model_type: 'falcon_h1', attn_layer_indices: [1, 4] }, 'attn_layer_indices', 'every layer'],
  ['falcon_h1: heads × head dim ≠ d_ssm', { model_type: 'falcon_h1', mamba_d_ssm: 3072, mamba_n_heads: 24, mamba_d_head: 64 }, 'mamba_d_head', 'must equal the Mamba width 3072'],
  ['falcon_h1: projector biases', { model_type: 'falcon_h1', projectors_bias: true }, 'projectors_bias', 'not expressible'],
  ['falcon_h1: gate before norm', { model_type: 'falcon_h1', mamba_norm_before_gate: false }, 'mamba_norm_before_gate', 'norm-before-gate'],
  ['falcon_h1: too many layers', { model_type: 'falcon_h1', num_hidden_layers: 100000 }, 'num_hidden_layers', 'must be at most 1024'],
  // granitemoehybrid
  ['granitemoehybrid: unknown layer type', { model_type: 'granitemoehybrid', layer_types: ['mamba', 'mlp'] }, 'layer_types[1]', 'expected "mamba" or "attention"'],
  ['granitemoehybrid: both spellings disagree', { model_type: 'granitemoehybrid', layer_types: ['mamba'], layers_block_type: ['attention'] }, 'layers_block_type', 'contradicts layer_types'],
  ['granitemoehybrid: Mamba heads do not fill the width', { model_type: 'granitemoehybrid', hidden_size: 4096, mamba_n_heads: 128, mamba_d_head: 32 }, 'mamba_d_head', 'must equal mamba_expand × hidden_size'],
  ['granitemoehybrid: unknown position embedding', { model_type: 'granitemoehybrid', position_embedding_type: 'alibi' }, 'position_embedding_type', '"alibi" is not supported'],
  ['granitemoehybrid: RoPE scaling', { model_type: 'granitemoehybrid', rope_scaling: { type: 'linear', factor: 2 } }, 'rope_scaling', 'not expressible'],
  ['granitemoehybrid: top-k above the experts', { model_type: 'granitemoehybrid', num_local_experts: 4, num_experts_per_tok: 8 }, 'num_experts_per_tok', 'exceeds num_local_experts'],
  // bamba
  ['bamba: attention index out of range', { model_type: 'bamba', num_hidden_layers: 32, attn_layer_indices: [9, 18, 32] }, 'attn_layer_indices[2]', 'from 0 to 31'],
  ['bamba: attention indices not a list', { model_type: 'bamba', attn_layer_indices: 9 }, 'attn_layer_indices', 'expected a list'],
  ['bamba: partial rotary other than 0.5', { model_type: 'bamba', partial_rotary_factor: 1 }, 'partial_rotary_factor', 'hard-codes 0.5'],
  // qwen3_next
  ['qwen3_next: unknown layer type', { model_type: 'qwen3_next', layer_types: ['linear_attention', 'sliding_attention'] }, 'layer_types[1]', 'expected "linear_attention" or "full_attention"'],
  ['qwen3_next: interval contradicts the list', { model_type: 'qwen3_next', layer_types: ['linear_attention', 'full_attention'], full_attention_interval: 4 }, 'full_attention_interval', 'contradicts layer_types'],
  ['qwen3_next: value heads not a multiple of key heads', { model_type: 'qwen3_next', linear_num_key_heads: 16, linear_num_value_heads: 24 }, 'linear_num_value_heads', 'not a multiple'],
  ['qwen3_next: mlp-only layer out of range', { model_type: 'qwen3_next', num_hidden_layers: 8, mlp_only_layers: [8] }, 'mlp_only_layers[0]', 'from 0 to 7'],
  ['qwen3_next: YaRN RoPE', { model_type: 'qwen3_next', rope_parameters: { rope_type: 'yarn', factor: 4 } }, 'rope_parameters.rope_type', '"yarn" RoPE is not expressible'],
  ['qwen3_next: partial rotary above 1', { model_type: 'qwen3_next', partial_rotary_factor: 1.5 }, 'partial_rotary_factor', 'must be between'],
  ['qwen3_next: rope_parameters not an object', { model_type: 'qwen3_next', rope_parameters: [1] }, 'rope_parameters', 'expected an object'],
  // kimi_linear
  ['kimi_linear: layer 0 in a 1-indexed list', { model_type: 'kimi_linear', num_hidden_layers: 4, linear_attn_config: { full_attn_layers: [0, 4], kda_layers: [1, 2, 3] } }, 'linear_attn_config.full_attn_layers[0]', 'from 1 to 4'],
  ['kimi_linear: a layer listed twice', { model_type: 'kimi_linear', num_hidden_layers: 4, linear_attn_config: { full_attn_layers: [4], kda_layers: [1, 2, 3, 4] } }, 'linear_attn_config.kda_layers', 'layer 4 (1-indexed) is listed both'],
  ['kimi_linear: a layer in neither list', { model_type: 'kimi_linear', num_hidden_layers: 4, linear_attn_config: { full_attn_layers: [4], kda_layers: [1, 2] } }, 'linear_attn_config.kda_layers', 'layer 3 (1-indexed) is in neither'],
  ['kimi_linear: only one of the two lists', { model_type: 'kimi_linear', num_hidden_layers: 4, linear_attn_config: { full_attn_layers: [4] } }, 'linear_attn_config.kda_layers', 'missing'],
  ['kimi_linear: linear_attn_config not an object', { model_type: 'kimi_linear', linear_attn_config: 'kda' }, 'linear_attn_config', 'expected an object'],
  ['kimi_linear: spellings of top-k disagree', { model_type: 'kimi_linear', num_experts_per_token: 8, num_experts_per_tok: 6 }, 'num_experts_per_tok', 'contradicts num_experts_per_token'],
  ['kimi_linear: grouped routing', { model_type: 'kimi_linear', num_expert_group: 8 }, 'num_expert_group', 'group-limited routing'],
  ['kimi_linear: MLA output gate (Kimi K3)', { model_type: 'kimi_linear', mla_use_output_gate: true }, 'mla_use_output_gate', 'not expressible'],
  ['kimi_linear: first_k_dense_replace contradicts mlp_layer_types', { model_type: 'kimi_linear', num_hidden_layers: 3, mlp_layer_types: ['dense', 'sparse', 'sparse'], first_k_dense_replace: 2 }, 'first_k_dense_replace', 'contradicts mlp_layer_types'],
  ['kimi_linear: SiTU activation', { model_type: 'kimi_linear', hidden_act: 'situ' }, 'hidden_act', '"situ" is not supported'],
  // minimax
  ['minimax: attn_type_list with a 2', { model_type: 'minimax', attn_type_list: [0, 0, 2] }, 'attn_type_list[2]', 'expected 0 (lightning attention) or 1'],
  ['minimax: attn_type_list contradicts num_hidden_layers', { model_type: 'minimax', attn_type_list: [0, 1], num_hidden_layers: 80 }, 'num_hidden_layers', 'contradicts the 2 entries of attn_type_list'],
  ['minimax: both layer lists disagree', { model_type: 'minimax', attn_type_list: [0, 1], layer_types: ['full_attention', 'full_attention'] }, 'layer_types', 'contradicts attn_type_list'],
  ['minimax: rotary_dim contradicts partial_rotary_factor', { model_type: 'minimax', head_dim: 128, rotary_dim: 64, partial_rotary_factor: 1 }, 'rotary_dim', 'contradicts partial_rotary_factor'],
  ['minimax: shared MoE expert', { model_type: 'minimax_text_01', shared_intermediate_size: 1024 }, 'shared_intermediate_size', 'not expressible'],
  ['minimax: empty layer list', { model_type: 'minimax', attn_type_list: [] }, 'attn_type_list', 'is empty'],
];

describe('bad-input corpus of the 2025-2026 families', () => {
  it.each(CORPUS)('%s', (_name, config, key, fragment) => {
    const before = JSON.stringify(config);
    let r: ReturnType<typeof importHfConfig> | undefined;
    expect(() => (r = importHfConfig(config))).not.toThrow();
    expect(r!.ok).toBe(false);
    if (r!.ok) return;
    const first = r!.issues[0]!;
    expect(first.path).toBe(key);
    expect(first.message).toContain(fragment);
    expect(`${first.path}: ${first.message}`).not.toMatch(/[\n\r]/);
    expect(JSON.stringify(config)).toBe(before);
  });

  it('covers every new family', () => {
    const families = new Set(CORPUS.map(([, c]) => String(c.model_type).replace(/_text_01|_m1/, '')));
    expect([...families].sort()).toEqual(['bamba', 'falcon_h1', 'granitemoehybrid', 'kimi_linear', 'minimax', 'nemotron_h', 'qwen3_next', 'zamba2']);
  });
});

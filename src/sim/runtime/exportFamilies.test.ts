import { describe, expect, it } from 'vitest';
import { getPreset } from '../../models/presets';
import { expandLayers } from '../../models/schema';
import { analyzeDesign } from '../cost';
import { initModelWeights } from './builder';
import { exportHfWeights, exportNemotronHWeights, exportQwen3NextWeights } from './export';
import { getRunProfile, scaleDesign } from './profile';
import { decodeSafetensors, encodeSafetensors } from './safetensors';

type Cfg = Record<string, any>;

/**
 * The tensors a `nemotron_h` config.json implies, written from the config alone (transformers
 * `modeling_nemotron_h.py` / Megatron-Bridge `nemotron_h_bridge.py` names): one block per pattern character.
 */
function nemotronTensorsFromConfig(c: Cfg): Map<string, number[]> {
  const d = c.hidden_size as number;
  const out = new Map<string, number[]>([['backbone.embeddings.weight', [c.vocab_size, d]]]);
  [...(c.hybrid_override_pattern as string)].forEach((ch, i) => {
    const p = `backbone.layers.${i}.`;
    out.set(`${p}norm.weight`, [d]);
    if (ch === 'M') {
      const H = c.mamba_num_heads as number;
      const di = H * (c.mamba_head_dim as number);
      const gN = (c.n_groups as number) * (c.ssm_state_size as number);
      out.set(`${p}mixer.in_proj.weight`, [2 * di + 2 * gN + H, d]);
      out.set(`${p}mixer.conv1d.weight`, [di + 2 * gN, 1, c.conv_kernel]);
      if (c.use_conv_bias) out.set(`${p}mixer.conv1d.bias`, [di + 2 * gN]);
      for (const n of ['A_log', 'D', 'dt_bias']) out.set(`${p}mixer.${n}`, [H]);
      out.set(`${p}mixer.norm.weight`, [di]);
      out.set(`${p}mixer.out_proj.weight`, [d, di]);
    } else if (ch === '*') {
      const hd = c.head_dim as number;
      out.set(`${p}mixer.q_proj.weight`, [c.num_attention_heads * hd, d]);
      out.set(`${p}mixer.k_proj.weight`, [c.num_key_value_heads * hd, d]);
      out.set(`${p}mixer.v_proj.weight`, [c.num_key_value_heads * hd, d]);
      out.set(`${p}mixer.o_proj.weight`, [d, c.num_attention_heads * hd]);
    } else if (ch === '-') {
      out.set(`${p}mixer.up_proj.weight`, [c.intermediate_size, d]);
      out.set(`${p}mixer.down_proj.weight`, [d, c.intermediate_size]);
    } else {
      const E = c.n_routed_experts as number;
      out.set(`${p}mixer.gate.weight`, [E, d]);
      out.set(`${p}mixer.gate.e_score_correction_bias`, [E]);
      for (let j = 0; j < E; j++) {
        out.set(`${p}mixer.experts.${j}.up_proj.weight`, [c.moe_intermediate_size, d]);
        out.set(`${p}mixer.experts.${j}.down_proj.weight`, [d, c.moe_intermediate_size]);
      }
      out.set(`${p}mixer.shared_experts.up_proj.weight`, [c.moe_shared_expert_intermediate_size, d]);
      out.set(`${p}mixer.shared_experts.down_proj.weight`, [d, c.moe_shared_expert_intermediate_size]);
    }
  });
  out.set('backbone.norm_f.weight', [d]);
  if (!c.tie_word_embeddings) out.set('lm_head.weight', [c.vocab_size, d]);
  return out;
}

/**
 * The tensors a `qwen3_next` config.json implies (transformers `modeling_qwen3_next.py`): per layer the two norms,
 * `linear_attn.*` (Gated DeltaNet) or `self_attn.*` (gated attention with q/k norm) by `layer_types`, and `mlp.*`
 * (MoE with shared expert and its gate, or a dense MLP for `mlp_only_layers`).
 */
function qwen3NextTensorsFromConfig(c: Cfg): Map<string, number[]> {
  const d = c.hidden_size as number;
  const out = new Map<string, number[]>([['model.embed_tokens.weight', [c.vocab_size, d]]]);
  const mlpOnly = new Set<number>(c.mlp_only_layers as number[]);
  (c.layer_types as string[]).forEach((t, i) => {
    const p = `model.layers.${i}.`;
    out.set(`${p}input_layernorm.weight`, [d]);
    out.set(`${p}post_attention_layernorm.weight`, [d]);
    if (t === 'linear_attention') {
      const [nk, nv, dk, dv, K] = [c.linear_num_key_heads, c.linear_num_value_heads, c.linear_key_head_dim, c.linear_value_head_dim, c.linear_conv_kernel_dim] as [number, number, number, number, number];
      out.set(`${p}linear_attn.in_proj_qkvz.weight`, [2 * nk * dk + 2 * nv * dv, d]);
      out.set(`${p}linear_attn.in_proj_ba.weight`, [2 * nv, d]);
      out.set(`${p}linear_attn.conv1d.weight`, [2 * nk * dk + nv * dv, 1, K]);
      out.set(`${p}linear_attn.dt_bias`, [nv]);
      out.set(`${p}linear_attn.A_log`, [nv]);
      out.set(`${p}linear_attn.norm.weight`, [dv]);
      out.set(`${p}linear_attn.out_proj.weight`, [d, nv * dv]);
    } else {
      const [H, KV, hd] = [c.num_attention_heads, c.num_key_value_heads, c.head_dim] as [number, number, number];
      out.set(`${p}self_attn.q_proj.weight`, [2 * H * hd, d]);
      out.set(`${p}self_attn.k_proj.weight`, [KV * hd, d]);
      out.set(`${p}self_attn.v_proj.weight`, [KV * hd, d]);
      out.set(`${p}self_attn.o_proj.weight`, [d, H * hd]);
      out.set(`${p}self_attn.q_norm.weight`, [hd]);
      out.set(`${p}self_attn.k_norm.weight`, [hd]);
    }
    const mlp = (q: string, f: number) => {
      out.set(`${q}gate_proj.weight`, [f, d]);
      out.set(`${q}up_proj.weight`, [f, d]);
      out.set(`${q}down_proj.weight`, [d, f]);
    };
    if (mlpOnly.has(i)) mlp(`${p}mlp.`, c.intermediate_size);
    else {
      out.set(`${p}mlp.gate.weight`, [c.num_experts, d]);
      for (let j = 0; j < c.num_experts; j++) mlp(`${p}mlp.experts.${j}.`, c.moe_intermediate_size);
      mlp(`${p}mlp.shared_expert.`, c.shared_expert_intermediate_size);
      out.set(`${p}mlp.shared_expert_gate.weight`, [1, d]);
    }
  });
  out.set('model.norm.weight', [d]);
  if (!c.tie_word_embeddings) out.set('lm_head.weight', [c.vocab_size, d]);
  return out;
}

const tiny = (id: string) => scaleDesign(getPreset(id)!.design, getRunProfile('tiny')!).design;
const shapes = (tensors: { name: string; shape: number[] }[]) => new Map(tensors.map((t) => [t.name, t.shape]));

describe('run --export as nemotron_h', () => {
  it.each(['nemotron-h-8b', 'nemotron-3-nano-30b-a3b'])('%s (tiny): tensor names, shapes and count are exactly those its config.json implies', (id) => {
    const design = tiny(id);
    const w = initModelWeights(design, 4);
    const ex = exportNemotronHWeights(w);
    expect(ex.config.model_type).toBe('nemotron_h');
    const want = nemotronTensorsFromConfig(ex.config);
    expect(shapes(ex.tensors)).toEqual(want);
    expect(ex.tensors).toHaveLength(want.size);
    expect(ex.tensors.reduce((a, t) => a + t.data.length, 0)).toBe(analyzeDesign(design, { dtype: 'fp32' }).params.total);
    // The bytes survive the safetensors container.
    const back = decodeSafetensors(encodeSafetensors(ex.tensors));
    expect(back.tensors.size).toBe(want.size);
    const n = ex.tensors[5]!;
    expect(back.tensors.get(n.name)!.data).toEqual(n.data);
  });

  it('a design layer with a mixer and an FFN becomes two blocks, each with its own norm', () => {
    const ls = expandLayers(tiny('nemotron-h-8b').layers);
    const m = ls.find((l) => l.mixer.kind === 'mamba2')!.mixer;
    const a = ls.find((l) => l.mixer.kind === 'attention')!.mixer;
    const mlp = ls.find((l) => l.ffn.kind === 'mlp')!.ffn;
    const design = { ...tiny('nemotron-h-8b'), layers: [{ mixer: m, ffn: mlp }, { mixer: a, ffn: mlp }] };
    const w = initModelWeights(design, 1);
    const ex = exportHfWeights(w);
    expect(ex.config.hybrid_override_pattern).toBe('M-*-');
    expect(shapes(ex.tensors)).toEqual(nemotronTensorsFromConfig(ex.config));
    const data = (n: string) => ex.tensors.find((t) => t.name === n)!.data;
    expect(data('backbone.layers.0.norm.weight')).toEqual(w.layers[0]!.mixerNorm!.weight.data);
    expect(data('backbone.layers.1.norm.weight')).toEqual(w.layers[0]!.ffnNorm!.weight.data);
    expect(data('backbone.layers.3.mixer.up_proj.weight')).toHaveLength(mlp.kind === 'mlp' ? mlp.width * design.dModel : 0);
  });

  it('refuses a design no family expresses, naming each family', () => {
    expect(() => exportHfWeights(initModelWeights(tiny('kimi-linear-48b-a3b'), 1))).toThrow(/qwen3_next: layers\[\d+\]\.mixer\.kind: "mla"/);
    const w = initModelWeights(tiny('stripedhyena-7b'), 1);
    expect(() => exportHfWeights(w)).toThrow(/cannot export the weights as jamba, nemotron_h, qwen3_next: jamba: layers\[0\]\.mixer\.kind: "hyena"/);
    expect(() => exportNemotronHWeights(initModelWeights(tiny('jamba-v0.1'), 1))).toThrow(/cannot export as nemotron_h: layers\[0\]\.mixer\.kind/);
    expect(() => exportQwen3NextWeights(initModelWeights(tiny('nemotron-h-8b'), 1))).toThrow(/cannot export as qwen3_next/);
  });
});

describe('run --export as qwen3_next', () => {
  const design = tiny('qwen3-next-80b-a3b');
  const w = initModelWeights(design, 9);
  const ex = exportQwen3NextWeights(w);
  const byName = new Map(ex.tensors.map((t) => [t.name, t]));

  it('tensor names, shapes and count are exactly those its config.json implies; every parameter is written once', () => {
    expect(ex.config.model_type).toBe('qwen3_next');
    const want = qwen3NextTensorsFromConfig(ex.config);
    expect(shapes(ex.tensors)).toEqual(want);
    expect(ex.tensors.reduce((a, t) => a + t.data.length, 0)).toBe(analyzeDesign(design, { dtype: 'fp32' }).params.total);
  });

  it('zero-centred norms are written as w - 1 (input/post-attention layernorms, final norm, q/k norms); the gated DeltaNet norm as w', () => {
    const l3 = w.layers[3]!;
    const minus1 = (a: Float32Array) => Array.from(a, (v) => v - 1);
    const close = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).every((v, i) => Math.abs(v - b[i]!) < 1e-6);
    expect(close(byName.get('model.layers.3.input_layernorm.weight')!.data, minus1(l3.mixerNorm!.weight.data))).toBe(true);
    expect(close(byName.get('model.layers.3.post_attention_layernorm.weight')!.data, minus1(l3.ffnNorm!.weight.data))).toBe(true);
    expect(close(byName.get('model.norm.weight')!.data, minus1(w.finalNorm.weight.data))).toBe(true);
    if (l3.mixer.kind !== 'attention') throw new Error('layer 3 of Qwen3-Next is full attention');
    expect(close(byName.get('model.layers.3.self_attn.q_norm.weight')!.data, minus1(l3.mixer.weights.qNorm!.data))).toBe(true);
    const gdn = w.layers[0]!;
    if (gdn.mixer.kind !== 'linear-attention') throw new Error('layer 0 of Qwen3-Next is Gated DeltaNet');
    const norm = byName.get('model.layers.0.linear_attn.norm.weight')!.data;
    expect(Array.from(norm).some((v) => Math.abs(v) > 0.5)).toBe(true); // gains near 1, not shifted to 0
  });
});

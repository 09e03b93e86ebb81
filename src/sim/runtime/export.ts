/**
 * Export of a built model as Hugging Face weights + config.json, in the tensor names of the family's modeling code:
 * `jamba`, `nemotron_h` and `qwen3_next` (see each exporter). {@link exportHfWeights} picks the first of them whose
 * config expresses the design, or the one asked for.
 *
 * Jamba: `JambaForCausalLM` (HF `modeling_jamba.py` module names):
 *   model.embed_tokens.weight (V, d)
 *   model.layers.N.input_layernorm.weight, model.layers.N.pre_ff_layernorm.weight (d)
 *   model.layers.N.mamba.{in_proj, conv1d, x_proj, dt_proj, out_proj, A_log, D, dt_layernorm, b_layernorm, c_layernorm}
 *   model.layers.N.self_attn.{q,k,v,o}_proj.weight
 *   model.layers.N.feed_forward.{gate,up,down}_proj.weight, or .router.weight + .experts.E.{gate,up,down}_proj.weight
 *   model.final_layernorm.weight, lm_head.weight (V, d; omitted when tied)
 * Linear weights are written in torch's (out, in) layout. Only designs made of Jamba's block kinds can be written;
 * the config comes from src/models/hf.ts `exportJambaConfig`, which names the first layer that does not fit.
 */
import { exportHfConfigAs, exportJambaConfig } from '../../models/hf';
import type { ModelWeights, LayerWeights } from './builder';
import { MIXER_RUNTIMES, FFN_RUNTIMES } from '../../kinds/runtimes';
import { linearEntry, type WeightEntry } from './params';
import type { NormWeights } from './layers/norm';
import type { SafeTensor } from './safetensors';

export interface HfExport {
  config: Record<string, unknown>;
  tensors: SafeTensor[];
}

const under = (prefix: string, entries: WeightEntry[]): WeightEntry[] => entries.map(([n, s, d]) => [`${prefix}${n}`, s, d]);

function layerEntries(i: number, lw: LayerWeights): WeightEntry[] {
  const p = `model.layers.${i}.`;
  const out: WeightEntry[] = [[`${p}input_layernorm.weight`, [...lw.mixerNorm!.weight.shape], lw.mixerNorm!.weight.data]];
  // HF `modeling_jamba.py` module names: Mamba layers hold `mamba`, attention layers `self_attn`.
  if (lw.mixer.kind === 'mamba') out.push(...under(`${p}mamba.`, MIXER_RUNTIMES.mamba.entries(lw.mixer.weights)));
  else if (lw.mixer.kind === 'attention') out.push(...under(`${p}self_attn.`, MIXER_RUNTIMES.attention.entries(lw.mixer.weights)));
  out.push([`${p}pre_ff_layernorm.weight`, [...lw.ffnNorm!.weight.shape], lw.ffnNorm!.weight.data]);
  if (lw.ffn.kind === 'mlp') out.push(...under(`${p}feed_forward.`, FFN_RUNTIMES.mlp.entries(lw.ffn.weights)));
  else if (lw.ffn.kind === 'moe') out.push(...under(`${p}feed_forward.`, FFN_RUNTIMES.moe.entries(lw.ffn.weights)));
  return out;
}

/**
 * The HF Jamba config and tensors of a model's weights. Throws an error naming the field and the rule when the
 * design is not made of Jamba's block kinds (or its layout is not a Jamba period/offset layout).
 */
export function exportJamba(w: ModelWeights): HfExport {
  const cfg = exportJambaConfig(w.design);
  if (!cfg.ok) {
    const first = cfg.issues[0];
    throw new Error(`cannot export as JambaForCausalLM: ${first ? `${first.path}: ${first.message}` : 'invalid design'}`);
  }
  const d = w.design.dModel;
  const entries: WeightEntry[] = [['model.embed_tokens.weight', [w.design.vocabSize, d], w.embedding.table.data]];
  w.layers.forEach((lw, i) => entries.push(...layerEntries(i, lw)));
  entries.push(['model.final_layernorm.weight', [d], w.finalNorm.weight.data]);
  if (w.embedding.lmHead) entries.push(linearEntry('lm_head.weight', w.embedding.lmHead));
  const config = { ...cfg.value, torch_dtype: 'float32', rms_norm_eps: w.finalNorm.eps, use_mamba_kernels: false };
  return { config, tensors: entries.map(([name, shape, data]) => ({ name, shape, data })) };
}

/** The families whose weights the runtime can write, in the order {@link exportHfWeights} tries them. */
export const WEIGHT_EXPORT_FAMILIES = ['jamba', 'nemotron_h', 'qwen3_next'] as const;
export type WeightExportFamily = (typeof WEIGHT_EXPORT_FAMILIES)[number];

/** The config of a family for the model's design; throws one line naming the family, the field and the rule. */
function familyConfig(w: ModelWeights, family: WeightExportFamily): Record<string, unknown> {
  const cfg = exportHfConfigAs(w.design, family);
  if (!cfg.ok) {
    const first = cfg.issues[0];
    throw new Error(`cannot export as ${family}: ${first ? `${first.path}: ${first.message}` : 'invalid design'}`);
  }
  return { ...cfg.value, torch_dtype: 'float32' };
}

const normEntry = (name: string, n: NormWeights, offset = 0): WeightEntry => [name, [...n.weight.shape], offset === 0 ? n.weight.data : n.weight.data.map((v) => v + offset)];

/** The FFN's tensors under a family's names (MoE routers, shared experts and experts differ between families). */
type FfnNamer = (name: string) => string;

function ffnEntries(lw: LayerWeights, rename: FfnNamer): WeightEntry[] {
  if (lw.ffn.kind === 'none') return [];
  return (FFN_RUNTIMES[lw.ffn.kind].entries as (x: unknown) => WeightEntry[])(lw.ffn.weights).map(([n, s, d]): WeightEntry => [rename(n), s, d]);
}

function mixerEntries(lw: LayerWeights): WeightEntry[] {
  if (lw.mixer.kind === 'none') return [];
  return (MIXER_RUNTIMES[lw.mixer.kind].entries as (x: unknown) => WeightEntry[])(lw.mixer.weights);
}

/**
 * Nemotron-H (`NemotronHForCausalLM`; Megatron-Bridge `nemotron_h_bridge.py` mapping, mlx `nemotron_h.py`):
 *   backbone.embeddings.weight (V, d)
 *   backbone.layers.N.norm.weight (d): one RMSNorm per block
 *   backbone.layers.N.mixer.{in_proj, conv1d, A_log, D, dt_bias, norm, out_proj} (M), {q,k,v,o}_proj (*),
 *     {up,down}_proj (-), gate.weight + gate.e_score_correction_bias + experts.J.{up,down}_proj +
 *     shared_experts.{up,down}_proj (E)
 *   backbone.norm_f.weight, lm_head.weight (omitted when tied)
 * A design layer with a mixer and an FFN is two blocks (its two norms), as the config's pattern says.
 */
export function exportNemotronHWeights(w: ModelWeights): HfExport {
  const config = familyConfig(w, 'nemotron_h');
  const d = w.design.dModel;
  const entries: WeightEntry[] = [['backbone.embeddings.weight', [w.design.vocabSize, d], w.embedding.table.data]];
  let block = 0;
  const moeName: FfnNamer = (n) => n.replace(/^router\.weight$/, 'gate.weight').replace(/^router\.(bias|e_score_correction_bias)$/, 'gate.e_score_correction_bias').replace(/^shared_experts?\./, 'shared_experts.');
  for (const lw of w.layers) {
    if (lw.mixer.kind !== 'none') {
      const p = `backbone.layers.${block++}.`;
      entries.push(normEntry(`${p}norm.weight`, lw.mixerNorm!), ...under(`${p}mixer.`, mixerEntries(lw)));
    }
    if (lw.ffn.kind !== 'none') {
      const p = `backbone.layers.${block++}.`;
      entries.push(normEntry(`${p}norm.weight`, lw.ffnNorm!), ...under(`${p}mixer.`, ffnEntries(lw, lw.ffn.kind === 'moe' ? moeName : (n) => n)));
    }
  }
  entries.push(normEntry('backbone.norm_f.weight', w.finalNorm));
  if (w.embedding.lmHead) entries.push(linearEntry('lm_head.weight', w.embedding.lmHead));
  return { config: { ...config, layer_norm_epsilon: w.finalNorm.eps, use_mamba_kernels: false }, tensors: entries.map(([name, shape, data]) => ({ name, shape, data })) };
}

/**
 * Qwen3-Next (`Qwen3NextForCausalLM`; transformers `modeling_qwen3_next.py`, mlx `qwen3_next.py`):
 *   model.embed_tokens.weight; model.layers.N.input_layernorm.weight, .post_attention_layernorm.weight
 *   model.layers.N.linear_attn.{in_proj_qkvz, in_proj_ba, conv1d, dt_bias, A_log, norm, out_proj} (Gated DeltaNet)
 *   model.layers.N.self_attn.{q_proj (query and gate per head), k_proj, v_proj, o_proj, q_norm, k_norm}
 *   model.layers.N.mlp.{gate, experts.J.{gate,up,down}_proj, shared_expert.{gate,up,down}_proj, shared_expert_gate}
 *   or mlp.{gate,up,down}_proj (mlp_only_layers); model.norm.weight; lm_head.weight
 * Qwen3NextRMSNorm is zero-centred (output · (1 + w); research notes §0.4, mlx `sanitize` adds 1 to exactly
 * input_layernorm, post_attention_layernorm, model.norm, q_norm and k_norm): those are written as w − 1. The gated
 * norm of the Gated DeltaNet multiplies by w itself and is written as is.
 */
export function exportQwen3NextWeights(w: ModelWeights): HfExport {
  const config = familyConfig(w, 'qwen3_next');
  const d = w.design.dModel;
  const entries: WeightEntry[] = [['model.embed_tokens.weight', [w.design.vocabSize, d], w.embedding.table.data]];
  const moeName: FfnNamer = (n) => n.replace(/^router\.weight$/, 'gate.weight').replace(/^shared_experts?\./, 'shared_expert.').replace(/^shared_expert_gate\./, 'shared_expert_gate.');
  const zeroCentred = (e: WeightEntry): WeightEntry => (/(^|\.)(q_norm|k_norm)\.weight$/.test(e[0]) ? [e[0], e[1], e[2].map((v) => v - 1)] : e);
  w.layers.forEach((lw, i) => {
    const p = `model.layers.${i}.`;
    entries.push(normEntry(`${p}input_layernorm.weight`, lw.mixerNorm!, -1));
    const module = lw.mixer.kind === 'attention' ? 'self_attn.' : 'linear_attn.';
    entries.push(...under(`${p}${module}`, mixerEntries(lw).map(zeroCentred)));
    entries.push(normEntry(`${p}post_attention_layernorm.weight`, lw.ffnNorm!, -1));
    entries.push(...under(`${p}mlp.`, ffnEntries(lw, lw.ffn.kind === 'moe' ? moeName : (n) => n)));
  });
  entries.push(normEntry('model.norm.weight', w.finalNorm, -1));
  if (w.embedding.lmHead) entries.push(linearEntry('lm_head.weight', w.embedding.lmHead));
  return { config: { ...config, rms_norm_eps: w.finalNorm.eps }, tensors: entries.map(([name, shape, data]) => ({ name, shape, data })) };
}

/**
 * The model as the weights + config of `family`, or of the first family (WEIGHT_EXPORT_FAMILIES order) that expresses
 * its design. Throws one line with each family's reason when none does.
 */
export function exportHfWeights(w: ModelWeights, family?: WeightExportFamily): HfExport {
  const run = (f: WeightExportFamily): HfExport => (f === 'jamba' ? exportJamba(w) : f === 'nemotron_h' ? exportNemotronHWeights(w) : exportQwen3NextWeights(w));
  if (family) return run(family);
  const reasons: string[] = [];
  for (const f of WEIGHT_EXPORT_FAMILIES) {
    if (exportHfConfigAs(w.design, f).ok) return run(f);
    reasons.push(f);
  }
  const why = WEIGHT_EXPORT_FAMILIES.map((f) => {
    const r = exportHfConfigAs(w.design, f);
    return r.ok ? '' : `${f}: ${r.issues[0]!.path}: ${r.issues[0]!.message}`;
  });
  throw new Error(`cannot export the weights as ${reasons.join(', ')}: ${why.join('; ')}`);
}

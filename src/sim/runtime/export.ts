/**
 * Export of a built model as Hugging Face `JambaForCausalLM` weights + config (HF `modeling_jamba.py` module names):
 *   model.embed_tokens.weight (V, d)
 *   model.layers.N.input_layernorm.weight, model.layers.N.pre_ff_layernorm.weight (d)
 *   model.layers.N.mamba.{in_proj, conv1d, x_proj, dt_proj, out_proj, A_log, D, dt_layernorm, b_layernorm, c_layernorm}
 *   model.layers.N.self_attn.{q,k,v,o}_proj.weight
 *   model.layers.N.feed_forward.{gate,up,down}_proj.weight, or .router.weight + .experts.E.{gate,up,down}_proj.weight
 *   model.final_layernorm.weight, lm_head.weight (V, d; omitted when tied)
 * Linear weights are written in torch's (out, in) layout. Only designs made of Jamba's block kinds can be written;
 * the config comes from src/models/hf.ts `exportJambaConfig`, which names the first layer that does not fit.
 */
import { exportJambaConfig } from '../../models/hf';
import type { ModelWeights, LayerWeights } from './builder';
import { MIXER_RUNTIMES, FFN_RUNTIMES } from '../../kinds/runtimes';
import { linearEntry, type WeightEntry } from './params';
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

/**
 * Hugging Face exports for the single-kind families whose importers live in src/models/hf.ts: `mamba2`
 * (`configuration_mamba2.py`), `llama`, `mistral` and `mixtral` (`configuration_llama.py`, `configuration_mistral.py`,
 * `configuration_mixtral.py`). Every key the importer reads is written, so an import of the export gives the same
 * layers whatever the class defaults are.
 */
import type { Design } from '../schema';
import type { ParseResult } from '../validate';
import { ExportView, f, refuse, runExport, torchDtype } from './common';

type Json = Record<string, unknown>;

function base(design: Design, modelType: string, architecture: string): Json {
  const c: Json = {
    architectures: [architecture],
    model_type: modelType,
    _name_or_path: design.name,
    vocab_size: design.vocabSize,
    hidden_size: design.dModel,
    tie_word_embeddings: design.tiedEmbeddings,
    max_position_embeddings: design.maxContext,
    rms_norm_eps: 1e-5,
  };
  const t = torchDtype(design.dtype);
  if (t) c.torch_dtype = t;
  return c;
}

/** A `mamba2` config (Mamba2ForCausalLM): every layer one Mamba-2 mixer without an FFN, all alike. */
export function exportMamba2(design: Design): ParseResult<Json> {
  return runExport(() => {
    const v = new ExportView(design, 'mamba2');
    v.rmsnorm();
    v.onlyKinds(['mamba2'], [], 'Mamba2ForCausalLM');
    v.layers.forEach((l, i) => {
      if (l.mixer.kind === 'none') refuse(`layers[${i}].mixer.kind`, 'every Mamba2ForCausalLM layer is a Mamba-2 mixer');
    });
    const m = v.one('mamba2', 'mixer')!;
    const d = design.dModel;
    const expand = f<number>(m.value, 'expand');
    const headDim = f<number>(m.value, 'headDim');
    const nHeads = f<number | null>(m.value, 'nHeads');
    const di = nHeads ? nHeads * headDim : expand * d;
    // modeling_mamba2.py: intermediate_size = expand * hidden_size is split into num_heads heads of head_dim.
    if (di !== expand * d) refuse(`${m.path}.nHeads`, `Mamba2ForCausalLM's width is expand × hidden_size = ${expand * d}; nHeads × headDim is ${di}`);
    v.want(m, 'gatedNorm', true, 'Mamba2ForCausalLM always has the gated RMSNorm before out_proj', true);
    return {
      ...base(design, 'mamba2', 'Mamba2ForCausalLM'),
      num_hidden_layers: v.layers.length,
      expand,
      num_heads: di / headDim,
      head_dim: headDim,
      state_size: f(m.value, 'dState'),
      n_groups: f(m.value, 'nGroups'),
      conv_kernel: f(m.value, 'dConv'),
      chunk_size: f(m.value, 'chunkSize'),
      use_bias: f(m.value, 'projBias'),
      use_conv_bias: f(m.value, 'convBias'),
      rms_norm: true,
    };
  });
}

/**
 * A `llama`, `mistral` (sliding window) or `mixtral` (MoE) config: every layer RoPE attention + SwiGLU MLP (or MoE),
 * all alike. `type` forces one of them; by default the design's FFN and window choose.
 */
export function exportDense(design: Design, type?: 'llama' | 'mistral' | 'mixtral'): ParseResult<Json> {
  return runExport(() => {
    const v = new ExportView(design, type ?? 'llama/mistral/mixtral');
    v.rmsnorm();
    const moe = v.layers.some((l) => l.ffn.kind === 'moe');
    v.onlyKinds(['attention'], [moe ? 'moe' : 'mlp'], moe ? 'MixtralForCausalLM' : 'LlamaForCausalLM');
    v.layers.forEach((l, i) => {
      if (l.mixer.kind === 'none') refuse(`layers[${i}].mixer.kind`, 'every layer of a llama/mistral/mixtral model has attention');
      if (l.ffn.kind === 'none') refuse(`layers[${i}].ffn.kind`, `every layer of a llama/mistral/mixtral model has ${moe ? 'an MoE' : 'an MLP'}`);
    });
    const a = v.one('attention', 'mixer')!;
    const window = f<number | null>(a.value, 'slidingWindow');
    const t = type ?? (moe ? 'mixtral' : window !== null ? 'mistral' : 'llama');
    if ((t === 'mixtral') !== moe) refuse(moe ? v.one('moe', 'ffn')!.path : v.one('mlp', 'ffn')!.path, t === 'mixtral' ? 'a mixtral config has an MoE in every layer' : `a ${t} config has a dense MLP in every layer`);
    if (t === 'llama' && window !== null) refuse(`${a.path}.slidingWindow`, 'llama attention has no sliding window (mistral has)');
    v.want(a, 'positional', 'rope', `${t} attention uses RoPE`);
    v.want(a, 'ropeFraction', 1, `${t} rotates every head dim (no partial rotary)`, 1);
    v.want(a, 'outputGate', false, `${t} attention has no output gate`, false);
    v.want(a, 'qkNorm', false, `${t} attention has no q/k norm`, false);
    if (t !== 'llama') v.want(a, 'bias', false, `${t} attention has no biases`);
    const c: Json = {
      ...base(design, t, t === 'llama' ? 'LlamaForCausalLM' : t === 'mistral' ? 'MistralForCausalLM' : 'MixtralForCausalLM'),
      num_hidden_layers: v.layers.length,
      num_attention_heads: f(a.value, 'nHeads'),
      num_key_value_heads: f(a.value, 'nKvHeads'),
      head_dim: f(a.value, 'headDim'),
      rope_theta: f<number | undefined>(a.value, 'ropeTheta') ?? 10000,
      hidden_act: 'silu',
    };
    if (t !== 'llama') c.sliding_window = window;
    if (t === 'llama') c.attention_bias = f(a.value, 'bias');
    if (moe) {
      const e = v.one('moe', 'ffn')!;
      v.want(e, 'activation', 'swiglu', 'mixtral experts are SwiGLU');
      for (const [field, def] of [['sharedExperts', 0], ['routerBias', false], ['router', 'softmax'], ['normTopK', true], ['routedScale', 1]] as const) {
        v.want(e, field, def, `mixtral's MoE has ${field} ${JSON.stringify(def)} (no shared expert, softmax router, renormalised top-k, no scaling)`, def);
      }
      Object.assign(c, { intermediate_size: f(e.value, 'expertWidth'), num_local_experts: f(e.value, 'nExperts'), num_experts_per_tok: f(e.value, 'topK') });
    } else {
      const m = v.one('mlp', 'ffn')!;
      v.want(m, 'activation', 'swiglu', `${t} MLPs are SwiGLU`);
      if (t !== 'llama') v.want(m, 'bias', false, `${t} MLPs have no biases`);
      c.intermediate_size = f(m.value, 'width');
      if (t === 'llama') c.mlp_bias = f(m.value, 'bias');
    }
    return c;
  });
}

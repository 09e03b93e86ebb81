/**
 * Qwen3-Next (`model_type: qwen3_next`; transformers `configuration_qwen3_next.py`, `modeling_qwen3_next.py`; mlx
 * `qwen3_next.py`; research notes §7). Layers are Gated DeltaNet (`linear_attention`) or gated attention
 * (`full_attention`): `layer_types`, else full attention where (i + 1) % full_attention_interval == 0 (default 4).
 * - Gated DeltaNet (`linear_attn.*`): in_proj_qkvz (q, k of linear_num_key_heads × linear_key_head_dim; v and the
 *   output gate z of linear_num_value_heads × linear_value_head_dim), in_proj_ba, a short conv of
 *   linear_conv_kernel_dim without bias, dt_bias, A_log, gated RMSNorm [dv], out_proj: the `linear-attention` kind
 *   with update "delta", decay "head", output gate "full", layout "qwen3-next".
 * - Gated attention (`self_attn.*`): q_proj emits query and output gate (outputGate), q_norm / k_norm per head
 *   (qkNorm), RoPE on partial_rotary_factor of each head (default 0.25), head_dim (default 256).
 * - FFN: MoE where the layer is not in `mlp_only_layers` and (i + 1) % decoder_sparse_step == 0 and num_experts > 0,
 *   else a SwiGLU MLP of intermediate_size. MoE: softmax router (norm_topk_prob renormalises the top-k), SwiGLU
 *   experts of moe_intermediate_size, one shared expert of shared_expert_intermediate_size behind a sigmoid
 *   `shared_expert_gate` [1, d].
 * Norms are zero-centred (weight + 1, §0.4): the same parameter count; the weight exporter writes w − 1.
 */
import type { Design } from '../schema';
import { LIMITS } from '../schemaKit';
import type { ParseResult } from '../validate';
import { ExportView, checkLayerCount, f, finishImport, refuse, runExport, torchDtype, type Block, type RawLayer } from './common';
import { FamilyReader } from './reader';

type Json = Record<string, unknown>;

const LAYER_TYPES: Readonly<Record<string, 'linear' | 'full'>> = { linear_attention: 'linear', full_attention: 'full', attention: 'full' };

/** RoPE base and fraction from top-level keys or transformers v5 `rope_parameters`; other RoPE types are refused. */
export function readRope(r: FamilyReader, defaultTheta: number, defaultFraction: number): { theta: number; fraction: number } {
  if (r.has('rope_scaling')) r.issue('rope_scaling', 'RoPE scaling is not expressible');
  const params = r.object('rope_parameters');
  let theta = r.num('rope_theta', defaultTheta, Number.MIN_VALUE, LIMITS.ropeTheta);
  let fraction = r.num('partial_rotary_factor', defaultFraction, Number.MIN_VALUE, 1);
  if (params) {
    const type = params.str('rope_type', 'default');
    if (type !== 'default') params.issue('rope_type', `"${type}" RoPE is not expressible (only "default")`);
    if (params.has('rope_theta')) theta = params.num('rope_theta', theta, Number.MIN_VALUE, LIMITS.ropeTheta);
    if (params.has('partial_rotary_factor')) fraction = params.num('partial_rotary_factor', fraction, Number.MIN_VALUE, 1);
  }
  return { theta, fraction };
}

/** A design from a `qwen3_next` config.json. Never throws. */
export function importQwen3Next(json: Json): ParseResult<Design> {
  const r = new FamilyReader(json);
  const d = r.int('hidden_size', 2048);
  let kinds: ('linear' | 'full')[];
  const list = r.list('layer_types', LIMITS.layers);
  if (list) {
    const bad = list.findIndex((t) => typeof t !== 'string' || !Object.prototype.hasOwnProperty.call(LAYER_TYPES, t));
    if (bad >= 0) {
      r.issue(`layer_types[${bad}]`, `expected "linear_attention" or "full_attention", got ${JSON.stringify(list[bad])}`);
      return { ok: false, issues: r.issues };
    }
    kinds = list.map((t) => LAYER_TYPES[t as string]!);
    if (r.has('num_hidden_layers') && r.int('num_hidden_layers', kinds.length) !== kinds.length) r.issue('num_hidden_layers', `${String(r.raw('num_hidden_layers'))} contradicts the ${kinds.length} entries of layer_types`);
    if (r.has('full_attention_interval')) {
      const k = r.int('full_attention_interval', 4);
      if (kinds.some((t, i) => (t === 'full') !== ((i + 1) % k === 0))) r.issue('full_attention_interval', `${k} contradicts layer_types; give one of them`);
    }
  } else {
    const n = r.int('num_hidden_layers', 48);
    const k = r.int('full_attention_interval', 4);
    if (!checkLayerCount(r, 'num_hidden_layers', n)) return { ok: false, issues: r.issues };
    kinds = Array.from({ length: n }, (_, i) => ((i + 1) % k === 0 ? 'full' : 'linear'));
  }
  if (r.issues.length) return { ok: false, issues: r.issues };
  const n = kinds.length;
  const nk = r.int('linear_num_key_heads', 16);
  const nv = r.int('linear_num_value_heads', 32);
  if (nv % nk !== 0) r.issue('linear_num_value_heads', `${nv} is not a multiple of linear_num_key_heads ${nk}`);
  const gdn: Block = {
    kind: 'linear-attention',
    nKeyHeads: nk,
    nValueHeads: nv,
    keyHeadDim: r.int('linear_key_head_dim', 128),
    valueHeadDim: r.int('linear_value_head_dim', 128),
    update: 'delta',
    decay: 'head',
    convSize: r.int('linear_conv_kernel_dim', 4),
    outputGate: 'full',
    outputNorm: true,
    lowRank: null,
    layout: 'qwen3-next',
  };
  const nHeads = r.int('num_attention_heads', 16);
  const rope = readRope(r, 10000, 0.25);
  const attention: Block = {
    kind: 'attention',
    nHeads,
    nKvHeads: r.intOrNull('num_key_value_heads', 2) ?? nHeads,
    headDim: r.int('head_dim', 256),
    positional: 'rope',
    ropeTheta: rope.theta,
    ...(rope.fraction < 1 ? { ropeFraction: rope.fraction } : {}),
    outputGate: true,
    qkNorm: true,
    slidingWindow: null,
    bias: r.bool('attention_bias', false),
  };
  if (r.str('hidden_act', 'silu') !== 'silu') r.issue('hidden_act', 'only "silu" (SwiGLU experts and MLPs) is expressible');
  const nExperts = r.int('num_experts', 512, 0);
  const step = r.int('decoder_sparse_step', 1);
  const mlpOnly = new Set(r.intList('mlp_only_layers', LIMITS.layers, 0, n - 1) ?? []);
  const shared = r.int('shared_expert_intermediate_size', 512, 0);
  const topK = r.int('num_experts_per_tok', 10);
  if (nExperts > 0 && topK > nExperts) r.issue('num_experts_per_tok', `${topK} exceeds num_experts ${nExperts}`);
  const moe: Block = {
    kind: 'moe',
    nExperts: Math.max(1, nExperts),
    topK,
    expertWidth: r.int('moe_intermediate_size', 512),
    activation: 'swiglu',
    sharedExperts: shared > 0 ? 1 : 0,
    sharedExpertWidth: shared > 0 ? shared : null,
    sharedExpertGate: shared > 0,
    router: 'softmax',
    normTopK: r.bool('norm_topk_prob', true),
  };
  const isMoe = (i: number) => !mlpOnly.has(i) && nExperts > 0 && (i + 1) % step === 0;
  const mlp: Block = kinds.some((_, i) => !isMoe(i)) ? { kind: 'mlp', width: r.int('intermediate_size', 5632), activation: 'swiglu', bias: false } : { kind: 'none' };
  const layers: RawLayer[] = kinds.map((k, i) => ({ mixer: k === 'full' ? attention : gdn, ffn: isMoe(i) ? moe : mlp }));
  const notes: string[] = [];
  if (r.int('num_nextn_predict_layers', 0, 0) > 0 || r.int('mtp_num_hidden_layers', 0, 0) > 0) notes.push('multi-token-prediction layers left out (not part of the model)');
  return finishImport({ type: 'qwen3_next', r, dModel: d, vocabSize: r.int('vocab_size', 151936), tiedEmbeddings: r.bool('tie_word_embeddings', false), maxContext: r.int('max_position_embeddings', 32768), layers, notes });
}

/** A `qwen3_next` config of a design in Qwen3-Next's form, or the reason it is not one. */
export function exportQwen3Next(design: Design): ParseResult<Json> {
  return runExport(() => {
    const v = new ExportView(design, 'qwen3_next');
    v.rmsnorm();
    v.onlyKinds(['linear-attention', 'attention'], ['moe', 'mlp'], 'Qwen3-Next');
    v.layers.forEach((l, i) => {
      if (l.mixer.kind === 'none') refuse(`layers[${i}].mixer.kind`, 'every Qwen3-Next layer has Gated DeltaNet or gated attention');
      if (l.ffn.kind === 'none') refuse(`layers[${i}].ffn.kind`, 'every Qwen3-Next layer has an MoE or an MLP');
    });
    const g = v.one('linear-attention', 'mixer');
    const a = v.one('attention', 'mixer');
    const e = v.one('moe', 'ffn');
    const m = v.one('mlp', 'ffn');
    v.want(g, 'update', 'delta', "Qwen3-Next's linear attention is Gated DeltaNet (update delta)");
    v.want(g, 'decay', 'head', "Gated DeltaNet's decay is per value head (decay head)");
    v.want(g, 'outputGate', 'full', "Qwen3-Next's Gated DeltaNet has the full output gate z from in_proj_qkvz");
    v.want(g, 'outputNorm', true, "Qwen3-Next's Gated DeltaNet has its gated RMSNorm");
    if (g && (f<number>(g.value, 'convSize') ?? 0) < 1) refuse(`${g.path}.convSize`, "Qwen3-Next's Gated DeltaNet has a short conv (linear_conv_kernel_dim >= 1)");
    v.want(a, 'positional', 'rope', 'Qwen3-Next attention uses RoPE');
    v.want(a, 'outputGate', true, 'Qwen3-Next attention is gated (q_proj emits the output gate)', false);
    v.want(a, 'qkNorm', true, 'Qwen3-Next attention normalises q and k per head', false);
    v.want(a, 'slidingWindow', null, 'Qwen3-Next attention has no sliding window');
    v.want(e, 'activation', 'swiglu', 'Qwen3-Next experts are SwiGLU');
    v.want(e, 'router', 'softmax', 'Qwen3-Next routes with a softmax', 'softmax');
    v.want(e, 'routerBias', false, 'Qwen3-Next routers have no bias', false);
    v.want(e, 'routedScale', 1, 'Qwen3-Next does not scale the routed output', 1);
    if (e) {
      const shared = f<number | undefined>(e.value, 'sharedExperts') ?? 0;
      if (shared > 1) refuse(`${e.path}.sharedExperts`, 'Qwen3-Next has at most one shared expert');
      v.want(e, 'sharedExpertGate', shared > 0, shared > 0 ? "Qwen3-Next's shared expert sits behind a sigmoid shared_expert_gate" : 'a gate needs a shared expert', false);
    }
    v.want(m, 'activation', 'swiglu', "Qwen3-Next's dense MLP is SwiGLU");
    v.want(m, 'bias', false, "Qwen3-Next's dense MLP has no bias");
    const c: Json = {
      architectures: ['Qwen3NextForCausalLM'],
      model_type: 'qwen3_next',
      _name_or_path: design.name,
      vocab_size: design.vocabSize,
      hidden_size: design.dModel,
      tie_word_embeddings: design.tiedEmbeddings,
      max_position_embeddings: design.maxContext,
      num_hidden_layers: v.layers.length,
      layer_types: v.layers.map((l) => (l.mixer.kind === 'attention' ? 'full_attention' : 'linear_attention')),
      hidden_act: 'silu',
      rms_norm_eps: 1e-6,
      decoder_sparse_step: 1,
      mlp_only_layers: v.layers.flatMap((l, i) => (l.ffn.kind === 'mlp' ? [i] : [])),
    };
    if (g) Object.assign(c, { linear_num_key_heads: f(g.value, 'nKeyHeads'), linear_num_value_heads: f(g.value, 'nValueHeads'), linear_key_head_dim: f(g.value, 'keyHeadDim'), linear_value_head_dim: f(g.value, 'valueHeadDim'), linear_conv_kernel_dim: f(g.value, 'convSize') });
    if (a) Object.assign(c, { num_attention_heads: f(a.value, 'nHeads'), num_key_value_heads: f(a.value, 'nKvHeads'), head_dim: f(a.value, 'headDim'), rope_theta: f<number | undefined>(a.value, 'ropeTheta') ?? 10000, partial_rotary_factor: f<number | undefined>(a.value, 'ropeFraction') ?? 1, attention_bias: f(a.value, 'bias') });
    if (e) {
      const shared = f<number | undefined>(e.value, 'sharedExperts') ?? 0;
      Object.assign(c, { num_experts: f(e.value, 'nExperts'), num_experts_per_tok: f(e.value, 'topK'), moe_intermediate_size: f(e.value, 'expertWidth'), shared_expert_intermediate_size: shared > 0 ? (f<number | null>(e.value, 'sharedExpertWidth') ?? f<number>(e.value, 'expertWidth')) : 0, norm_topk_prob: f(e.value, 'normTopK') ?? true });
    } else c.num_experts = 0;
    if (m) c.intermediate_size = f(m.value, 'width');
    const t = torchDtype(design.dtype);
    if (t) c.torch_dtype = t;
    return c;
  });
}

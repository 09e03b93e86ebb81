/**
 * IBM Granite-4.0-H (`model_type: granitemoehybrid`) and Bamba (`model_type: bamba`): a Mamba-2 or attention mixer,
 * then an FFN, in every layer (research notes §6).
 * - granitemoehybrid (transformers `configuration_granitemoehybrid.py`, `modeling_granitemoehybrid.py`; mlx
 *   `granitemoehybrid.py`): `layer_types` (mamba | attention; default all mamba); attention GQA with head dim d / heads,
 *   RoPE only when `position_embedding_type` is "rope" (else NoPE, §0.6); the FFN is an MoE of `num_local_experts`
 *   SwiGLU experts (`intermediate_size`, softmax top-k renormalised) plus one shared SwiGLU MLP of
 *   `shared_intermediate_size`, or, with `num_local_experts` 0, the shared MLP alone (dense checkpoints). The µP
 *   scalars (embedding/residual/attention multipliers, logits_scaling) scale activations, not weights.
 * - bamba (transformers `configuration_bamba.py`): attention at `attn_layer_indices`, RoPE on half of each head
 *   (`partial_rotary_factor` 0.5, hard-coded), SwiGLU MLP `intermediate_size` in every layer.
 * Both: Mamba-2 of `mamba_n_heads` heads of `mamba_d_head` ("auto" = mamba_expand · d / heads), which must fill
 * mamba_expand · d exactly (the configs raise otherwise).
 */
import type { Design } from '../schema';
import { LIMITS } from '../schemaKit';
import type { ParseResult } from '../validate';
import { ExportView, checkLayerCount, f, finishImport, mamba2Width, refuse, runExport, torchDtype, type Block, type RawLayer, type Site } from './common';
import { FamilyReader } from './reader';

type Json = Record<string, unknown>;

/** The Mamba-2 of both configs (`mamba_*` keys); its width must be mamba_expand · d. */
function readMamba(r: FamilyReader, d: number): Block {
  const expand = r.int('mamba_expand', 2);
  const heads = r.int('mamba_n_heads', 128);
  const dHead = r.intOrAuto('mamba_d_head');
  const headDim = dHead === 'auto' ? Math.floor((expand * d) / heads) : dHead;
  if (headDim * heads !== expand * d) r.issue(dHead === 'auto' ? 'mamba_n_heads' : 'mamba_d_head', `mamba_n_heads ${heads} × mamba_d_head ${headDim} must equal mamba_expand × hidden_size = ${expand * d}`);
  return {
    kind: 'mamba2',
    dState: r.int('mamba_d_state', 256),
    headDim,
    nGroups: r.int('mamba_n_groups', 1),
    dConv: r.int('mamba_d_conv', 4),
    ...mamba2Width(heads, headDim, expand, d),
    chunkSize: r.int('mamba_chunk_size', 256),
    convBias: r.bool('mamba_conv_bias', true),
    projBias: r.bool('mamba_proj_bias', false),
    gatedNorm: true,
  };
}

/** A design from a `granitemoehybrid` config.json. Never throws. */
export function importGranite(json: Json): ParseResult<Design> {
  const r = new FamilyReader(json);
  const d = r.int('hidden_size', 4096);
  let types: string[];
  // transformers' attribute_map: layers_block_type is the same setting as layer_types.
  const list = r.alias(['layer_types', 'layers_block_type'], (k) => r.list(k, LIMITS.layers), undefined);
  if (list) {
    const bad = list.findIndex((t) => t !== 'mamba' && t !== 'attention');
    if (bad >= 0) {
      r.issue(`layer_types[${bad}]`, `expected "mamba" or "attention", got ${JSON.stringify(list[bad])}`);
      return { ok: false, issues: r.issues };
    }
    types = list as string[];
    if (r.has('num_hidden_layers') && r.int('num_hidden_layers', types.length) !== types.length) r.issue('num_hidden_layers', `${String(r.raw('num_hidden_layers'))} contradicts the ${types.length} entries of layer_types`);
  } else {
    const n = r.int('num_hidden_layers', 32);
    if (!checkLayerCount(r, 'num_hidden_layers', n)) return { ok: false, issues: r.issues };
    types = Array<string>(n).fill('mamba');
  }
  if (r.issues.length) return { ok: false, issues: r.issues };
  const mamba = readMamba(r, d);
  const nHeads = r.int('num_attention_heads', 32);
  const pe = r.has('position_embedding_type') ? r.oneOf('position_embedding_type', ['rope', 'nope'] as const, 'nope') : 'nope';
  if (r.has('rope_scaling')) r.issue('rope_scaling', 'RoPE scaling is not expressible');
  const attention: Block = {
    kind: 'attention',
    nHeads,
    nKvHeads: r.intOrNull('num_key_value_heads', null) ?? nHeads,
    headDim: Math.floor(d / nHeads),
    positional: pe === 'rope' ? 'rope' : 'none',
    ...(pe === 'rope' ? { ropeTheta: r.num('rope_theta', 10000, Number.MIN_VALUE, LIMITS.ropeTheta) } : {}),
    slidingWindow: null,
    bias: r.bool('attention_bias', false),
  };
  if (r.str('hidden_act', 'silu') !== 'silu') r.issue('hidden_act', 'only "silu" (SwiGLU experts and shared MLP) is expressible');
  const nExperts = r.int('num_local_experts', 8, 0);
  const shared = r.int('shared_intermediate_size', 1024, 0);
  let ffn: Block;
  if (nExperts === 0) {
    // Dense checkpoints store their MLP as shared_mlp (size shared_intermediate_size).
    if (shared === 0) r.issue('shared_intermediate_size', 'with num_local_experts 0 the shared MLP is the only FFN; it needs a width');
    ffn = { kind: 'mlp', width: Math.max(1, shared), activation: 'swiglu', bias: false };
  } else {
    const topK = r.int('num_experts_per_tok', 2);
    if (topK > nExperts) r.issue('num_experts_per_tok', `${topK} exceeds num_local_experts ${nExperts}`);
    ffn = {
      kind: 'moe',
      nExperts,
      topK,
      expertWidth: r.int('intermediate_size', 11008),
      activation: 'swiglu',
      sharedExperts: shared > 0 ? 1 : 0,
      sharedExpertWidth: shared > 0 ? shared : null,
      router: 'softmax',
      normTopK: true,
    };
  }
  const layers: RawLayer[] = types.map((t) => ({ mixer: t === 'attention' ? attention : mamba, ffn }));
  const scaled = ['embedding_multiplier', 'residual_multiplier', 'attention_multiplier', 'logits_scaling'].filter((k) => r.has(k) && r.num(k, 1) !== 1);
  return finishImport({
    type: 'granitemoehybrid',
    r,
    dModel: d,
    vocabSize: r.int('vocab_size', 32000),
    tiedEmbeddings: r.bool('tie_word_embeddings', false),
    maxContext: r.int('max_position_embeddings', 2048),
    layers,
    notes: scaled.length ? [`µP scalars (${scaled.join(', ')}) scale activations and are not part of the design`] : [],
  });
}

/** A design from a `bamba` config.json. Never throws. */
export function importBamba(json: Json): ParseResult<Design> {
  const r = new FamilyReader(json);
  const d = r.int('hidden_size', 4096);
  const n = r.int('num_hidden_layers', 32);
  if (r.issues.length || !checkLayerCount(r, 'num_hidden_layers', n)) return { ok: false, issues: r.issues };
  const attnIdx = r.intList('attn_layer_indices', LIMITS.layers, 0, n - 1) ?? [];
  const at = new Set(attnIdx);
  const mamba = readMamba(r, d);
  const nHeads = r.int('num_attention_heads', 32);
  const prf = r.num('partial_rotary_factor', 0.5, 0, 1);
  if (prf !== 0.5) r.issue('partial_rotary_factor', `transformers hard-codes 0.5 for Bamba; ${prf} contradicts it`);
  const attention: Block = {
    kind: 'attention',
    nHeads,
    nKvHeads: r.intOrNull('num_key_value_heads', 8) ?? nHeads,
    headDim: Math.floor(d / nHeads),
    positional: 'rope',
    ropeTheta: r.num('rope_theta', 10000, Number.MIN_VALUE, LIMITS.ropeTheta),
    ropeFraction: 0.5,
    slidingWindow: null,
    bias: false,
  };
  if (r.str('hidden_act', 'silu') !== 'silu') r.issue('hidden_act', 'only "silu" (SwiGLU) is expressible for the Bamba MLP');
  const mlp: Block = { kind: 'mlp', width: r.int('intermediate_size', 14336), activation: 'swiglu', bias: false };
  const layers: RawLayer[] = Array.from({ length: n }, (_, i) => ({ mixer: at.has(i) ? attention : mamba, ffn: mlp }));
  return finishImport({ type: 'bamba', r, dModel: d, vocabSize: r.int('vocab_size', 128000), tiedEmbeddings: r.bool('tie_word_embeddings', false), maxContext: r.int('max_position_embeddings', 262144), layers });
}

/** The Mamba-2 keys of either config, from the design's one Mamba-2 shape. */
function mambaKeys(v: ExportView, family: string): Json {
  const m = v.one('mamba2', 'mixer', (x) => x);
  if (!m) return {};
  const d = v.design.dModel;
  const expand = f<number>(m.value, 'expand');
  const headDim = f<number>(m.value, 'headDim');
  const di = f<number | null>(m.value, 'nHeads') ? f<number>(m.value, 'nHeads') * headDim : expand * d;
  if (di !== expand * d) refuse(`${m.path}.nHeads`, `${family}'s Mamba width is mamba_expand × hidden_size = ${expand * d}; nHeads × headDim is ${di}`);
  v.want(m, 'gatedNorm', true, `${family}'s Mamba-2 mixer always has its gated RMSNorm`, true);
  return {
    mamba_n_heads: di / headDim,
    mamba_d_head: headDim,
    mamba_n_groups: f(m.value, 'nGroups'),
    mamba_d_state: f(m.value, 'dState'),
    mamba_d_conv: f(m.value, 'dConv'),
    mamba_expand: expand,
    mamba_chunk_size: f(m.value, 'chunkSize'),
    mamba_conv_bias: f(m.value, 'convBias'),
    mamba_proj_bias: f(m.value, 'projBias'),
  };
}

function common(design: Design, type: string, arch: string): Json {
  const c: Json = {
    architectures: [arch],
    model_type: type,
    _name_or_path: design.name,
    vocab_size: design.vocabSize,
    hidden_size: design.dModel,
    tie_word_embeddings: design.tiedEmbeddings,
    max_position_embeddings: design.maxContext,
    rms_norm_eps: 1e-5,
    hidden_act: 'silu',
  };
  const t = torchDtype(design.dtype);
  if (t) c.torch_dtype = t;
  return c;
}

/** Every layer: one mixer (mamba2 or attention) and one FFN. */
function mixerAndFfnEveryLayer(v: ExportView, family: string, ffns: readonly string[]): void {
  v.onlyKinds(['mamba2', 'attention'], ffns, family);
  v.layers.forEach((l, i) => {
    if (l.mixer.kind === 'none') refuse(`layers[${i}].mixer.kind`, `every ${family} layer has a Mamba-2 or attention mixer`);
    if (l.ffn.kind === 'none') refuse(`layers[${i}].ffn.kind`, `every ${family} layer has an FFN`);
  });
}

function plainAttention(v: ExportView, a: Site | null, family: string): void {
  v.want(a, 'slidingWindow', null, `${family} attention has no sliding window`);
  v.want(a, 'outputGate', false, `${family} attention has no output gate`, false);
  v.want(a, 'qkNorm', false, `${family} attention has no q/k norm`, false);
  if (a && f<number>(a.value, 'headDim') * f<number>(a.value, 'nHeads') !== v.design.dModel) refuse(`${a.path}.headDim`, `${family}'s head dim is hidden_size / num_attention_heads = ${v.design.dModel / f<number>(a.value, 'nHeads')}`);
}

/** A `granitemoehybrid` config, or the reason the design is not one. */
export function exportGranite(design: Design): ParseResult<Json> {
  return runExport(() => {
    const v = new ExportView(design, 'granitemoehybrid');
    v.rmsnorm();
    const moe = v.layers.some((l) => l.ffn.kind === 'moe');
    mixerAndFfnEveryLayer(v, 'Granite-4.0-H', [moe ? 'moe' : 'mlp']);
    const a = v.one('attention', 'mixer');
    plainAttention(v, a, 'Granite-4.0-H');
    v.want(a, 'ropeFraction', 1, 'Granite-4.0-H RoPE (when on) rotates every head dim', 1);
    const c: Json = { ...common(design, 'granitemoehybrid', 'GraniteMoeHybridForCausalLM'), num_hidden_layers: v.layers.length, layer_types: v.layers.map((l) => (l.mixer.kind === 'attention' ? 'attention' : 'mamba')), ...mambaKeys(v, 'Granite-4.0-H') };
    if (a) {
      const rope = f(a.value, 'positional') === 'rope';
      Object.assign(c, { num_attention_heads: f(a.value, 'nHeads'), num_key_value_heads: f(a.value, 'nKvHeads'), attention_bias: f(a.value, 'bias'), position_embedding_type: rope ? 'rope' : 'nope', ...(rope ? { rope_theta: f<number | undefined>(a.value, 'ropeTheta') ?? 10000 } : {}) });
    }
    if (moe) {
      const e = v.one('moe', 'ffn')!;
      v.want(e, 'activation', 'swiglu', 'Granite-4.0-H experts are SwiGLU');
      v.want(e, 'router', 'softmax', 'Granite-4.0-H routes with a softmax', 'softmax');
      v.want(e, 'normTopK', true, 'Granite-4.0-H renormalises the top-k weights', true);
      v.want(e, 'routerBias', false, 'Granite-4.0-H routers have no bias', false);
      v.want(e, 'routedScale', 1, 'Granite-4.0-H does not scale the routed output', 1);
      v.want(e, 'sharedExpertGate', false, 'Granite-4.0-H has no shared-expert gate', false);
      const shared = f<number | undefined>(e.value, 'sharedExperts') ?? 0;
      if (shared > 1) refuse(`${e.path}.sharedExperts`, 'Granite-4.0-H has one shared MLP');
      const sharedWidth = shared === 0 ? 0 : (f<number | null>(e.value, 'sharedExpertWidth') ?? f<number>(e.value, 'expertWidth'));
      Object.assign(c, { num_local_experts: f(e.value, 'nExperts'), num_experts_per_tok: f(e.value, 'topK'), intermediate_size: f(e.value, 'expertWidth'), shared_intermediate_size: sharedWidth });
    } else {
      const m = v.one('mlp', 'ffn')!;
      v.want(m, 'activation', 'swiglu', "Granite-4.0-H's shared MLP is SwiGLU");
      v.want(m, 'bias', false, "Granite-4.0-H's shared MLP has no bias");
      Object.assign(c, { num_local_experts: 0, shared_intermediate_size: f(m.value, 'width') });
    }
    for (const k of ['embedding_multiplier', 'residual_multiplier', 'attention_multiplier', 'logits_scaling']) c[k] = 1.0;
    return c;
  });
}

/** A `bamba` config, or the reason the design is not one. */
export function exportBamba(design: Design): ParseResult<Json> {
  return runExport(() => {
    const v = new ExportView(design, 'bamba');
    v.rmsnorm();
    mixerAndFfnEveryLayer(v, 'Bamba', ['mlp']);
    const a = v.one('attention', 'mixer');
    plainAttention(v, a, 'Bamba');
    v.want(a, 'positional', 'rope', 'Bamba attention uses RoPE');
    v.want(a, 'ropeFraction', 0.5, 'Bamba rotates half of each head (partial_rotary_factor 0.5, hard-coded)', 1);
    v.want(a, 'bias', false, 'Bamba attention has no biases');
    const m = v.one('mlp', 'ffn')!;
    v.want(m, 'activation', 'swiglu', "Bamba's MLP is SwiGLU");
    v.want(m, 'bias', false, "Bamba's MLP has no bias");
    const c: Json = {
      ...common(design, 'bamba', 'BambaForCausalLM'),
      num_hidden_layers: v.layers.length,
      attn_layer_indices: v.layers.flatMap((l, i) => (l.mixer.kind === 'attention' ? [i] : [])),
      intermediate_size: f(m.value, 'width'),
      ...mambaKeys(v, 'Bamba'),
    };
    if (a) Object.assign(c, { num_attention_heads: f(a.value, 'nHeads'), num_key_value_heads: f(a.value, 'nKvHeads'), rope_theta: f<number | undefined>(a.value, 'ropeTheta') ?? 10000 });
    return c;
  });
}

/**
 * TII Falcon-H1 (`model_type: falcon_h1`; transformers `configuration_falcon_h1.py`, `modeling_falcon_h1.py`; mlx
 * `falcon_h1.py`; research notes §5). Every layer: h = x + attn(norm1(x)) + mamba(norm1(x)) (one input norm, outputs
 * summed), then h + swiglu_mlp(norm2(h)). No layer pattern: KV and SSM state on every layer. Attention: GQA with
 * head_dim (default d / heads), RoPE (`rope_theta`), biases when `attention_bias`. Mamba-2: width `mamba_d_ssm`
 * (else mamba_expand · d) in `mamba_n_heads` heads of `mamba_d_head` ("auto" = width / heads), the gated norm only
 * when `mamba_rms_norm`. The µP multipliers scale activations, not weights: the import keeps the shapes and notes them;
 * an export writes them as 1.0 (§0.5).
 * Design form: {parallel [attention, mamba2] sum, mlp swiglu} in every layer.
 */
import type { Design } from '../schema';
import { LIMITS } from '../schemaKit';
import type { ParseResult } from '../validate';
import { ExportView, checkLayerCount, f, finishImport, mamba2Width, refuse, runExport, torchDtype, type Block, type RawLayer } from './common';
import { FamilyReader } from './reader';

type Json = Record<string, unknown>;

const MULTIPLIERS = ['embedding_multiplier', 'lm_head_multiplier', 'key_multiplier', 'attention_in_multiplier', 'attention_out_multiplier', 'ssm_in_multiplier', 'ssm_out_multiplier'] as const;

/** A design from a `falcon_h1` config.json. Never throws. */
export function importFalconH1(json: Json): ParseResult<Design> {
  const r = new FamilyReader(json);
  const d = r.int('hidden_size', 4096);
  const n = r.int('num_hidden_layers', 32);
  if (r.issues.length || !checkLayerCount(r, 'num_hidden_layers', n)) return { ok: false, issues: r.issues };
  if (r.has('attn_layer_indices')) r.issue('attn_layer_indices', 'Falcon-H1 runs attention in every layer (transformers ignores a layer list); a list here is not expressible');
  const nHeads = r.int('num_attention_heads', 32);
  const expand = r.int('mamba_expand', 2);
  const di = r.intOrNull('mamba_d_ssm', 1024) ?? expand * d;
  const mHeads = r.int('mamba_n_heads', 128);
  const dHead = r.intOrAuto('mamba_d_head');
  const headDim = dHead === 'auto' ? Math.floor(di / mHeads) : dHead;
  if (headDim * mHeads !== di) r.issue(dHead === 'auto' ? 'mamba_n_heads' : 'mamba_d_head', `mamba_n_heads ${mHeads} × mamba_d_head ${headDim} must equal the Mamba width ${di} (mamba_d_ssm, else mamba_expand × hidden_size)`);
  if (!r.bool('mamba_norm_before_gate', true)) r.issue('mamba_norm_before_gate', 'only the norm-before-gate Mamba-2 of Falcon-H1 checkpoints is expressible');
  if (r.bool('projectors_bias', false)) r.issue('projectors_bias', 'biases on the attention input/output projectors are not expressible');
  const attention: Block = {
    kind: 'attention',
    nHeads,
    nKvHeads: r.intOrNull('num_key_value_heads', 8) ?? nHeads,
    headDim: r.int('head_dim', Math.floor(d / nHeads)),
    positional: 'rope',
    ropeTheta: r.num('rope_theta', 10000, Number.MIN_VALUE, LIMITS.ropeTheta),
    slidingWindow: null,
    bias: r.bool('attention_bias', false),
  };
  const mamba: Block = {
    kind: 'mamba2',
    dState: r.int('mamba_d_state', 256),
    headDim,
    nGroups: r.int('mamba_n_groups', 1),
    dConv: r.int('mamba_d_conv', 4),
    ...mamba2Width(mHeads, headDim, expand, d),
    chunkSize: r.int('mamba_chunk_size', 256),
    convBias: r.bool('mamba_conv_bias', true),
    projBias: r.bool('mamba_proj_bias', false),
    gatedNorm: r.bool('mamba_rms_norm', false),
  };
  const mlp: Block = { kind: 'mlp', width: r.int('intermediate_size', 14336), activation: 'swiglu', bias: r.bool('mlp_bias', false) };
  if (r.str('hidden_act', 'silu') !== 'silu') r.issue('hidden_act', 'only "silu" (SwiGLU) is expressible for the Falcon-H1 MLP');
  const mixer: Block = { kind: 'parallel', branches: [attention, mamba], combine: 'sum' };
  const layers: RawLayer[] = Array.from({ length: n }, () => ({ mixer, ffn: mlp }));
  const scaled = MULTIPLIERS.filter((k) => r.has(k) && r.num(k, 1) !== 1);
  for (const k of ['mlp_multipliers', 'ssm_multipliers']) {
    const l = r.list(k, 8);
    if (l && l.some((x) => x !== 1)) scaled.push(k as (typeof MULTIPLIERS)[number]);
  }
  return finishImport({
    type: 'falcon_h1',
    r,
    dModel: d,
    vocabSize: r.int('vocab_size', 128000),
    tiedEmbeddings: r.bool('tie_word_embeddings', false),
    maxContext: r.int('max_position_embeddings', 8192),
    layers,
    notes: scaled.length ? [`µP multipliers (${scaled.join(', ')}) scale activations and are not part of the design`] : [],
  });
}

/** A `falcon_h1` config of a design in Falcon-H1's form, or the reason it is not one. */
export function exportFalconH1(design: Design): ParseResult<Json> {
  return runExport(() => {
    const v = new ExportView(design, 'falcon_h1');
    v.rmsnorm();
    v.onlyKinds(['parallel'], ['mlp'], 'Falcon-H1');
    v.layers.forEach((l, i) => {
      if (l.mixer.kind === 'none') refuse(`layers[${i}].mixer.kind`, 'every Falcon-H1 layer runs attention and Mamba-2 in parallel');
      if (l.ffn.kind === 'none') refuse(`layers[${i}].ffn.kind`, 'every Falcon-H1 layer has an MLP');
    });
    const p = v.one('parallel', 'mixer')!;
    const branches = f<Json[]>(p.value, 'branches');
    if (f(p.value, 'combine') !== 'sum') refuse(`${p.path}.combine`, 'Falcon-H1 sums the attention and Mamba outputs (combine "sum")');
    if (branches.length !== 2 || branches[0]!.kind !== 'attention' || branches[1]!.kind !== 'mamba2') refuse(`${p.path}.branches`, 'Falcon-H1 layers run exactly [attention, mamba2] in parallel');
    const a = branches[0]!;
    const m = branches[1]!;
    const ap = `${p.path}.branches[0]`;
    if (f(a, 'positional') !== 'rope') refuse(`${ap}.positional`, 'Falcon-H1 attention uses RoPE');
    if (f(a, 'slidingWindow') !== null) refuse(`${ap}.slidingWindow`, 'Falcon-H1 attention has no sliding window');
    for (const [field, def] of [['outputGate', false], ['qkNorm', false], ['ropeFraction', 1]] as const) {
      if ((a[field] ?? def) !== def) refuse(`${ap}.${field}`, `Falcon-H1 attention has ${field} ${JSON.stringify(def)}`);
    }
    const mlp = v.one('mlp', 'ffn')!;
    v.want(mlp, 'activation', 'swiglu', "Falcon-H1's MLP is SwiGLU");
    const d = design.dModel;
    const headDim = f<number>(m, 'headDim');
    const expand = f<number>(m, 'expand');
    const di = f<number | null>(m, 'nHeads') ? f<number>(m, 'nHeads') * headDim : expand * d;
    const c: Json = {
      architectures: ['FalconH1ForCausalLM'],
      model_type: 'falcon_h1',
      _name_or_path: design.name,
      vocab_size: design.vocabSize,
      hidden_size: d,
      tie_word_embeddings: design.tiedEmbeddings,
      max_position_embeddings: design.maxContext,
      num_hidden_layers: v.layers.length,
      num_attention_heads: f(a, 'nHeads'),
      num_key_value_heads: f(a, 'nKvHeads'),
      head_dim: f(a, 'headDim'),
      rope_theta: f<number | undefined>(a, 'ropeTheta') ?? 10000,
      attention_bias: f(a, 'bias'),
      intermediate_size: f(mlp.value, 'width'),
      mlp_bias: f(mlp.value, 'bias'),
      hidden_act: 'silu',
      mamba_d_ssm: di,
      mamba_n_heads: di / headDim,
      mamba_d_head: headDim,
      mamba_n_groups: f(m, 'nGroups'),
      mamba_d_state: f(m, 'dState'),
      mamba_d_conv: f(m, 'dConv'),
      mamba_expand: expand,
      mamba_chunk_size: f(m, 'chunkSize'),
      mamba_conv_bias: f(m, 'convBias'),
      mamba_proj_bias: f(m, 'projBias'),
      mamba_rms_norm: f(m, 'gatedNorm'),
      mamba_norm_before_gate: true,
      projectors_bias: false,
      rms_norm_eps: 1e-5,
      // µP multipliers as 1.0: the exported weights carry the whole function (research notes §0.5).
      ...Object.fromEntries(MULTIPLIERS.map((k) => [k, 1.0])),
      mlp_multipliers: [1.0, 1.0],
      ssm_multipliers: [1.0, 1.0, 1.0, 1.0, 1.0],
    };
    const t = torchDtype(design.dtype);
    if (t) c.torch_dtype = t;
    return c;
  });
}

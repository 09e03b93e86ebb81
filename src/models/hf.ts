/**
 * Hugging Face `config.json` import and Jamba export.
 *
 * Import builds exactly the layer layout the transformers library builds for the config, taking each missing key's
 * default from the model's `configuration_*.py` (transformers):
 * - jamba (`configuration_jamba.py`, `modeling_jamba.py`): attention where `i % attn_layer_period ==
 *   attn_layer_offset`, MoE (num_experts > 1) where `i % expert_layer_period == expert_layer_offset`; Mamba mixers
 *   with Jamba's inner RMSNorms; `mamba_dt_rank: "auto"` = ceil(d / 16).
 * - zamba (`configuration_zamba.py` `_layers_block_type`, `modeling_zamba.py`): Mamba layers 0 and 1, a hybrid
 *   layer 2, then layer i (i >= 3) hybrid when (i - 3) % attn_layer_period == attn_layer_offset; a hybrid layer is a
 *   call of the one shared attention+MLP block followed by its Mamba layer.
 * - mamba (`configuration_mamba.py`; also state-spaces `config_mamba.py` keys d_model / n_layer): Mamba-1 stack, no
 *   MLP, vocab padded up to `pad_vocab_size_multiple` when given.
 * - mamba2 (`configuration_mamba2.py`): Mamba-2 stack, heads = num_heads of head_dim, n_groups, state_size.
 * - llama, mistral, mixtral (`configuration_llama.py`, `configuration_mistral.py`, `configuration_mixtral.py`):
 *   num_key_value_heads defaults to num_attention_heads (llama) or 8 (mistral, mixtral); head_dim = d / heads;
 *   Mistral's sliding_window; Mixtral MoE in every layer.
 */
import { compactLayers } from './compact';
import { zambaHybridIndices } from './patterns';
import { FORMAT, LIMITS, expandLayers, type Design, type DesignInput, type Dtype, type Layer, type LayerInput, type LayerItem } from './schema';
import { describeValue, findForbiddenKeys, safeIssues, validateDesign, type ParseResult, type ValidationIssue } from './validate';
import { FAMILY_EXPORTERS, FAMILY_IMPORTERS } from './hf/index';

/** The model_type values this file imports (the 2025-2026 families are in src/models/hf/, see ALL_HF_MODEL_TYPES). */
export const HF_MODEL_TYPES = ['jamba', 'zamba', 'mamba', 'mamba2', 'llama', 'mistral', 'mixtral'] as const;
export type HfModelType = (typeof HF_MODEL_TYPES)[number];
/** Every model_type the importer understands. */
export const ALL_HF_MODEL_TYPES: readonly string[] = [...HF_MODEL_TYPES, ...Object.keys(FAMILY_IMPORTERS)];

/** Context used for state-space-only configs that name no maximum (they have no positional limit). */
export const SSM_DEFAULT_CONTEXT = 2048;

type Json = Record<string, unknown>;

/**
 * The largest value each integer key may take: the limit of the design field it becomes (schema.ts `LIMITS`), so
 * that a config is refused by its own key (`num_hidden_layers: must be at most 1024, got 1000000000`) before
 * anything is built from it: a layer count is checked before a single layer is allocated.
 */
const KEY_LIMITS: Readonly<Record<string, number>> = {
  hidden_size: LIMITS.dModel,
  d_model: LIMITS.dModel,
  vocab_size: LIMITS.vocabSize,
  pad_vocab_size_multiple: LIMITS.vocabSize,
  num_hidden_layers: LIMITS.layers,
  n_layer: LIMITS.layers,
  num_attention_heads: LIMITS.heads,
  num_key_value_heads: LIMITS.heads,
  n_groups: LIMITS.heads,
  ngroups: LIMITS.heads,
  // mamba2's num_heads is expand * hidden_size / head_dim, not a design field; bounded by its factors' limits.
  num_heads: LIMITS.expand * LIMITS.dModel,
  head_dim: LIMITS.headDim,
  headdim: LIMITS.headDim,
  attention_head_dim: LIMITS.headDim,
  attention_hidden_size: 2 * LIMITS.dModel,
  intermediate_size: LIMITS.ffnWidth,
  d_intermediate: LIMITS.ffnWidth,
  num_experts: LIMITS.experts,
  num_local_experts: LIMITS.experts,
  num_experts_per_tok: LIMITS.experts,
  attn_layer_period: LIMITS.layers,
  attn_layer_offset: LIMITS.layers - 1,
  expert_layer_period: LIMITS.layers,
  expert_layer_offset: LIMITS.layers - 1,
  sliding_window: LIMITS.maxContext,
  max_position_embeddings: LIMITS.maxContext,
  mamba_d_state: LIMITS.dState,
  state_size: LIMITS.dState,
  d_state: LIMITS.dState,
  mamba_d_conv: LIMITS.dConv,
  conv_kernel: LIMITS.dConv,
  d_conv: LIMITS.dConv,
  mamba_expand: LIMITS.expand,
  expand: LIMITS.expand,
  mamba_dt_rank: LIMITS.dtRank,
  time_step_rank: LIMITS.dtRank,
  dt_rank: LIMITS.dtRank,
  chunk_size: LIMITS.chunkSize,
  rotary_emb_dim: LIMITS.headDim,
};
/** attn_cfg of a state-spaces config: its num_heads is the attention's head count. */
const ATTN_CFG_LIMITS: Readonly<Record<string, number>> = { ...KEY_LIMITS, num_heads: LIMITS.heads, num_heads_kv: LIMITS.heads };
/** Number keys and their ranges (schema.ts: ropeTheta is positive and at most 1e9). */
const NUM_LIMITS: Readonly<Record<string, { min: number; max: number }>> = { rope_theta: { min: Number.MIN_VALUE, max: LIMITS.ropeTheta } };

/** Reads typed keys with defaults, collecting one issue per wrong key instead of throwing. */
class ConfigReader {
  readonly issues: ValidationIssue[] = [];
  constructor(
    private readonly json: Json,
    private readonly limits: Readonly<Record<string, number>> = KEY_LIMITS,
  ) {}

  has(key: string): boolean {
    return this.json[key] !== undefined && this.json[key] !== null;
  }
  private bad(key: string, expected: string): void {
    this.issues.push({ path: key, message: `expected ${expected}, got ${describeValue(this.json[key])}` });
  }
  int(key: string, def: number, min = 1): number {
    if (!this.has(key)) return def;
    const v = this.json[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
      this.bad(key, `an integer >= ${min}`);
      return def;
    }
    const max = this.limits[key];
    if (max !== undefined && v > max) {
      this.issues.push({ path: key, message: `must be at most ${max}, got ${describeValue(v)}` });
      return def;
    }
    return v;
  }
  /** An integer, or null when the key is absent or null (HF's "None"). */
  intOrNull(key: string, def: number | null): number | null {
    if (this.json[key] === null) return null;
    if (this.json[key] === undefined) return def;
    return this.int(key, def ?? 1);
  }
  num(key: string, def: number): number {
    if (!this.has(key)) return def;
    const v = this.json[key];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      this.bad(key, 'a number');
      return def;
    }
    const range = NUM_LIMITS[key];
    if (range && (v < range.min || v > range.max)) {
      this.issues.push({ path: key, message: `must be greater than 0 and at most ${range.max}, got ${describeValue(v)}` });
      return def;
    }
    return v;
  }
  bool(key: string, def: boolean): boolean {
    if (!this.has(key)) return def;
    const v = this.json[key];
    if (typeof v !== 'boolean') {
      this.bad(key, 'true or false');
      return def;
    }
    return v;
  }
  str(key: string, def: string): string {
    if (!this.has(key)) return def;
    const v = this.json[key];
    if (typeof v !== 'string') {
      this.bad(key, 'a string');
      return def;
    }
    return v;
  }
  /** An integer or the string "auto" (mamba_dt_rank, time_step_rank). */
  intOrAuto(key: string): number | 'auto' {
    if (!this.has(key) || this.json[key] === 'auto') return 'auto';
    return this.int(key, 1);
  }
}

/** torch dtypes and the design dtype each becomes; any other value is refused (float64 is not bf16). */
const TORCH_DTYPES: Readonly<Record<string, Dtype>> = { float32: 'fp32', bfloat16: 'bf16', float16: 'fp16', float8_e4m3fn: 'fp8', float8_e5m2: 'fp8', int8: 'int8' };

/** The design dtype from `torch_dtype` (or transformers' newer `dtype`); bf16 when neither is given. */
function dtypeOf(r: ConfigReader): Dtype {
  const key = r.has('torch_dtype') ? 'torch_dtype' : 'dtype';
  if (!r.has(key)) return 'bf16';
  const t = r.str(key, 'bfloat16');
  const d = Object.prototype.hasOwnProperty.call(TORCH_DTYPES, t) ? TORCH_DTYPES[t] : undefined;
  if (d) return d;
  r.issues.push({ path: key, message: `unsupported dtype ${describeValue(t)}; supported: ${Object.keys(TORCH_DTYPES).join(', ')}` });
  return 'bf16';
}

/** The design name: `_name_or_path` when it is a usable string (a wrong type is an issue), else a generic name. */
function nameOf(r: ConfigReader, type: string): string {
  const n = r.str('_name_or_path', '');
  return n.length > 0 && n.length <= LIMITS.nameLength ? n : `Imported ${type} config`;
}

/** Which of Jamba's activations are gated: HF Jamba/Llama/Mistral MLPs are always gate * up -> down. */
const GATED = 'swiglu' as const;

function head(r: ConfigReader, d: number, nHeads: number): number {
  const def = Math.floor(d / nHeads);
  return r.has('head_dim') ? r.int('head_dim', def) : def;
}

function jambaLayers(r: ConfigReader, d: number): LayerItem[] {
  const nLayers = r.int('num_hidden_layers', 32);
  const nHeads = r.int('num_attention_heads', 32);
  const nKv = r.intOrNull('num_key_value_heads', 8) ?? nHeads;
  const f = r.int('intermediate_size', 14336);
  const nExperts = r.int('num_experts', 16);
  const topK = r.int('num_experts_per_tok', 2);
  const attnPeriod = r.int('attn_layer_period', 8);
  const attnOffset = r.int('attn_layer_offset', 4, 0);
  const expPeriod = r.int('expert_layer_period', 2);
  const expOffset = r.int('expert_layer_offset', 1, 0);
  const window = r.intOrNull('sliding_window', null);
  // configuration_jamba.py `_check_supported_offset`: an offset must be smaller than its period.
  if (attnOffset >= attnPeriod) r.issues.push({ path: 'attn_layer_offset', message: `attention layer offset (${attnOffset}) must be smaller than attention layer period (${attnPeriod})` });
  if (expOffset >= expPeriod) r.issues.push({ path: 'expert_layer_offset', message: `expert layer offset (${expOffset}) must be smaller than expert layer period (${expPeriod})` });
  const base: LayerInput = {
    mixer: {
      kind: 'mamba',
      dState: r.int('mamba_d_state', 16),
      dConv: r.int('mamba_d_conv', 4),
      expand: r.int('mamba_expand', 2),
      dtRank: r.intOrAuto('mamba_dt_rank'),
      convBias: r.bool('mamba_conv_bias', true),
      projBias: r.bool('mamba_proj_bias', false),
      innerNorms: true,
    },
    ffn: { kind: 'mlp', width: f, activation: GATED, bias: false },
  };
  const rules: unknown[] = [
    { period: attnPeriod, offset: attnOffset, mixer: { kind: 'attention', nHeads, nKvHeads: nKv, headDim: Math.floor(d / nHeads), positional: 'none', slidingWindow: window, bias: false } },
  ];
  // modeling_jamba.py: layers_num_experts is 1 (a dense JambaMLP) outside the expert positions, or everywhere when num_experts == 1.
  // JambaSparseMoeBlock keeps the top-k softmax probabilities without renormalising them.
  if (nExperts > 1) rules.push({ period: expPeriod, offset: expOffset, ffn: { kind: 'moe', nExperts, topK, expertWidth: f, activation: GATED, normTopK: false } });
  return [{ pattern: { count: nLayers, base, rules } } as unknown as LayerItem];
}

function zambaDesign(r: ConfigReader, d: number): Pick<DesignInput, 'layers' | 'sharedBlocks'> {
  const nLayers = r.int('num_hidden_layers', 76);
  const nHeads = r.int('num_attention_heads', 16);
  const attnHidden = r.int('attention_hidden_size', 2 * d);
  const headDim = r.int('attention_head_dim', Math.floor((2 * d) / nHeads));
  const nKv = r.intOrNull('num_key_value_heads', null) ?? nHeads;
  const period = r.int('attn_layer_period', 6);
  const offset = r.int('attn_layer_offset', 4, 0);
  if (attnHidden !== 2 * d) r.issues.push({ path: 'attention_hidden_size', message: `only concat(hidden, embedding) = 2 x hidden_size (${2 * d}) is supported, got ${attnHidden}` });
  const mamba: LayerInput = {
    mixer: { kind: 'mamba', dState: r.int('mamba_d_state', 16), dConv: r.int('mamba_d_conv', 4), expand: r.int('mamba_expand', 2), dtRank: r.intOrAuto('mamba_dt_rank'), convBias: r.bool('mamba_conv_bias', true), projBias: r.bool('mamba_proj_bias', false), innerNorms: false },
    ffn: { kind: 'none' },
  };
  const call: LayerInput = { mixer: { kind: 'shared', blockId: 'zamba-shared' }, ffn: { kind: 'none' } };
  const layers: LayerInput[] = [];
  const hybrid = new Set(zambaHybridIndices(nLayers, period, offset));
  // Every hybrid layer adds a shared-block call: count them before building anything.
  if (nLayers + hybrid.size > LIMITS.layers) {
    r.issues.push({ path: 'num_hidden_layers', message: `${nLayers} layers with ${hybrid.size} shared-block calls make ${nLayers + hybrid.size} layers; at most ${LIMITS.layers} are allowed` });
    hybrid.clear();
  }
  for (let i = 0; i < nLayers && !r.issues.some((x) => x.path === 'num_hidden_layers'); i++) {
    if (hybrid.has(i)) layers.push(call);
    layers.push(mamba);
  }
  return {
    layers: layers as DesignInput['layers'],
    sharedBlocks: [
      {
        id: 'zamba-shared',
        // modeling_zamba.py ZambaAttention applies no rotary embedding.
        attention: { kind: 'attention', nHeads, nKvHeads: nKv, headDim, positional: 'none', slidingWindow: null, bias: false },
        ffn: { kind: 'mlp', width: r.int('intermediate_size', 14848), activation: GATED, bias: false },
        concatEmbedding: true,
        perCallLinear: true,
      },
    ],
  };
}

function dense(r: ConfigReader, d: number, type: 'llama' | 'mistral' | 'mixtral'): LayerItem[] {
  const nLayers = r.int('num_hidden_layers', 32);
  const nHeads = r.int('num_attention_heads', 32);
  const nKv = r.intOrNull('num_key_value_heads', type === 'llama' ? null : 8) ?? nHeads;
  const f = r.int('intermediate_size', type === 'llama' ? 11008 : 14336);
  const window = type === 'llama' ? null : r.intOrNull('sliding_window', type === 'mistral' ? 4096 : null);
  const bias = type === 'llama' ? r.bool('attention_bias', false) : false;
  const mixer = { kind: 'attention', nHeads, nKvHeads: nKv, headDim: head(r, d, nHeads), positional: 'rope', ropeTheta: r.num('rope_theta', type === 'mixtral' ? 1e6 : 10000), slidingWindow: window, bias };
  const ffn = type === 'mixtral'
    ? { kind: 'moe', nExperts: r.int('num_local_experts', 8), topK: r.int('num_experts_per_tok', 2), expertWidth: f, activation: GATED }
    : { kind: 'mlp', width: f, activation: GATED, bias: type === 'llama' ? r.bool('mlp_bias', false) : false };
  return [{ repeat: nLayers, layers: [{ mixer, ffn }] } as unknown as LayerItem];
}

function readModelType(json: Json): ParseResult<string> {
  const t = json.model_type;
  const list = ALL_HF_MODEL_TYPES.join(', ');
  if (t === undefined) return { ok: false, issues: [{ path: 'model_type', message: `missing; a Hugging Face config.json names its model_type (supported: ${list})` }] };
  if (typeof t !== 'string') return { ok: false, issues: [{ path: 'model_type', message: `expected a string, got ${typeof t}` }] };
  if (!ALL_HF_MODEL_TYPES.includes(t)) return { ok: false, issues: [{ path: 'model_type', message: `unsupported model_type ${describeValue(t)}; supported: ${list}` }] };
  return { ok: true, value: t };
}

/**
 * A design from a Hugging Face `config.json` (parsed JSON). Never throws; wrong keys are reported by their
 * config.json key (e.g. `hidden_size: expected an integer >= 1, got "4096"`), and the built design is validated.
 */
export function importHfConfig(json: unknown): ParseResult<Design> {
  return safeResult(importHf(json));
}

/** Issues made printable (one line each, controls escaped); a success passes through. */
function safeResult(r: ParseResult<Design>): ParseResult<Design> {
  return r.ok ? r : { ok: false, issues: safeIssues(r.issues) };
}

function importHf(json: unknown): ParseResult<Design> {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return { ok: false, issues: [{ path: '(document)', message: 'a config.json must be a JSON object' }] };
  const forbidden = findForbiddenKeys(json);
  if (forbidden.length) return { ok: false, issues: forbidden };
  const j = json as Json;
  const t = readModelType(j);
  if (!t.ok) return t;
  const family = Object.prototype.hasOwnProperty.call(FAMILY_IMPORTERS, t.value) ? FAMILY_IMPORTERS[t.value] : undefined;
  if (family) return family(j);
  const type = t.value as HfModelType;
  if (type === 'mamba' && j.hidden_size === undefined && (j.d_model !== undefined || j.n_layer !== undefined)) return importMambaSsm(j);
  const r = new ConfigReader(j);
  const ssm = type === 'mamba' || type === 'mamba2';
  const d = r.int('hidden_size', { jamba: 4096, zamba: 3712, mamba: 768, mamba2: 4096, llama: 4096, mistral: 4096, mixtral: 4096 }[type]);
  let vocab = r.int('vocab_size', { jamba: 65536, zamba: 32000, mamba: 50280, mamba2: 32768, llama: 32000, mistral: 32000, mixtral: 32000 }[type]);
  vocab = padVocab(vocab, r.int('pad_vocab_size_multiple', 1));
  const tiedDefault = type === 'zamba' || type === 'mamba';
  const tied = r.bool('tie_word_embeddings', tiedDefault);
  const ctxDefault = { jamba: 262144, zamba: 4096, mamba: SSM_DEFAULT_CONTEXT, mamba2: SSM_DEFAULT_CONTEXT, llama: 2048, mistral: 131072, mixtral: 131072 }[type];
  const maxContext = ssm && !r.has('max_position_embeddings') ? ctxDefault : r.int('max_position_embeddings', ctxDefault);

  let layers: LayerItem[] = [];
  let sharedBlocks: DesignInput['sharedBlocks'] = [];
  if (type === 'jamba') layers = jambaLayers(r, d);
  else if (type === 'zamba') {
    const z = zambaDesign(r, d);
    layers = compactLayers(z.layers as Layer[]);
    sharedBlocks = z.sharedBlocks;
  } else if (type === 'mamba') {
    const nLayers = r.int('num_hidden_layers', 32);
    const mixer = { kind: 'mamba', dState: r.int('state_size', 16), dConv: r.int('conv_kernel', 4), expand: r.int('expand', 2), dtRank: r.intOrAuto('time_step_rank'), convBias: r.bool('use_conv_bias', true), projBias: r.bool('use_bias', false), innerNorms: false };
    layers = [{ repeat: nLayers, layers: [{ mixer, ffn: { kind: 'none' } }] } as unknown as LayerItem];
  } else if (type === 'mamba2') {
    const nLayers = r.int('num_hidden_layers', 64);
    const expand = r.int('expand', 2);
    const headDim = r.int('head_dim', 64);
    const nHeads = r.int('num_heads', 128);
    // modeling_mamba2.py: intermediate_size = expand * hidden_size is split into num_heads heads of head_dim.
    if (nHeads * headDim !== expand * d) r.issues.push({ path: 'num_heads', message: `num_heads ${nHeads} x head_dim ${headDim} = ${nHeads * headDim} must equal expand x hidden_size = ${expand * d}` });
    const mixer = { kind: 'mamba2', dState: r.int('state_size', 128), headDim, nGroups: r.int('n_groups', 8), dConv: r.int('conv_kernel', 4), expand, chunkSize: r.int('chunk_size', 256), convBias: r.bool('use_conv_bias', true), projBias: r.bool('use_bias', false) };
    layers = [{ repeat: nLayers, layers: [{ mixer, ffn: { kind: 'none' } }] } as unknown as LayerItem];
  } else layers = dense(r, d, type);
  // Name and dtype are read like every other key: a wrong one is an issue, never silently replaced.
  const name = nameOf(r, type);
  const dtype = dtypeOf(r);
  if (r.issues.length) return { ok: false, issues: safeIssues(r.issues) };
  const design = {
    format: FORMAT,
    name,
    source: `Hugging Face config.json (model_type ${type})`,
    vocabSize: vocab,
    dModel: d,
    norm: 'rmsnorm',
    tiedEmbeddings: tied,
    maxContext,
    dtype,
    sharedBlocks,
    layers,
  };
  return validateBuilt(design, type);
}

type ConfigSource = HfModelType | 'state-spaces';

/** The parts of a formatted path: `layers[0].pattern.count` -> ['layers', 0, 'pattern', 'count']. */
function pathSegments(path: string): (string | number)[] {
  return [...path.matchAll(/\[(\d+)\]|([^.[\]]+)/g)].map((m) => (m[1] !== undefined ? Number(m[1]) : m[2]!));
}

/**
 * The config.json key a field of the built design came from (the builders above), so that a rule broken only in the
 * built design (`nKvHeads 3 does not divide nHeads 32`) is still reported by the key the user wrote. Null when the
 * field has no single source key.
 */
function configKeyFor(source: ConfigSource, path: string, built: unknown): string | null {
  const segs = pathSegments(path);
  const field = segs[segs.length - 1];
  const ss = source === 'state-spaces';
  const layersKey = ss ? 'n_layer' : 'num_hidden_layers';
  if (segs.length === 1) {
    const top: Record<string, string> = { dModel: ss ? 'd_model' : 'hidden_size', vocabSize: 'vocab_size', maxContext: 'max_position_embeddings', name: '_name_or_path', dtype: 'torch_dtype', layers: layersKey };
    return typeof field === 'string' ? (top[field] ?? null) : null;
  }
  if (field === 'count' || field === 'repeat') return layersKey;
  if (field === 'period' || field === 'offset') {
    const rule = segs[segs.length - 2];
    return `${rule === 0 ? 'attn' : 'expert'}_layer_${field}`;
  }
  let parent: unknown = built;
  for (const p of segs.slice(0, -1)) parent = parent !== null && typeof parent === 'object' ? (parent as Record<string | number, unknown>)[p] : undefined;
  const kind = parent !== null && typeof parent === 'object' ? (parent as { kind?: unknown }).kind : undefined;
  const mambaKeys = (prefix: string) => ({ dState: `${prefix}d_state`, dConv: `${prefix}d_conv`, expand: `${prefix}expand`, dtRank: `${prefix}dt_rank` });
  const byKind: Record<string, Record<string, string>> = {
    attention: ss
      ? { nHeads: 'attn_cfg.num_heads', nKvHeads: 'attn_cfg.num_heads_kv', headDim: 'attn_cfg.head_dim' }
      : { nHeads: 'num_attention_heads', nKvHeads: 'num_key_value_heads', headDim: source === 'jamba' ? 'num_attention_heads' : source === 'zamba' ? 'attention_head_dim' : 'head_dim', ropeTheta: 'rope_theta', slidingWindow: 'sliding_window' },
    mamba: ss ? mambaKeys('ssm_cfg.') : source === 'mamba' ? { dState: 'state_size', dConv: 'conv_kernel', expand: 'expand', dtRank: 'time_step_rank' } : mambaKeys('mamba_'),
    mamba2: ss
      ? { dState: 'ssm_cfg.d_state', headDim: 'ssm_cfg.headdim', nGroups: 'ssm_cfg.ngroups', dConv: 'ssm_cfg.d_conv', expand: 'ssm_cfg.expand', chunkSize: 'ssm_cfg.chunk_size' }
      : { dState: 'state_size', headDim: 'head_dim', nGroups: 'n_groups', dConv: 'conv_kernel', expand: 'expand', chunkSize: 'chunk_size' },
    mlp: { width: ss ? 'd_intermediate' : 'intermediate_size' },
    moe: { nExperts: source === 'mixtral' ? 'num_local_experts' : 'num_experts', topK: 'num_experts_per_tok', expertWidth: 'intermediate_size' },
  };
  return typeof kind === 'string' && typeof field === 'string' ? (byKind[kind]?.[field] ?? null) : null;
}

/** Validates a built design; its issues are reported by config key where one is known, else as built-design paths. */
function validateBuilt(design: Record<string, unknown>, source: ConfigSource): ParseResult<Design> {
  const built = JSON.parse(JSON.stringify(design)) as unknown;
  const v = validateDesign(built);
  if (v.ok) return v;
  return {
    ok: false,
    issues: v.issues.map((i) => {
      const key = configKeyFor(source, i.path, built);
      return key ? { path: key, message: i.message } : { path: i.path, message: `in the design built from this config: ${i.message}` };
    }),
  };
}

/** state-spaces `mixer_seq_simple.py`: the vocabulary is padded up to a multiple of pad_vocab_size_multiple. */
export function padVocab(vocab: number, multiple: number): number {
  return vocab % multiple === 0 ? vocab : vocab + multiple - (vocab % multiple);
}

function readObject(j: Json, key: string, issues: ValidationIssue[]): Json {
  const v = j[key];
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) {
    issues.push({ path: key, message: `expected an object, got ${describeValue(v)}` });
    return {};
  }
  return v as Json;
}

/**
 * A design from a state-spaces/mamba `config.json` (`mamba_ssm/models/config_mamba.py`: d_model, n_layer,
 * d_intermediate, ssm_cfg, attn_layer_idx, attn_cfg, pad_vocab_size_multiple, tie_embeddings), laid out as
 * `mixer_seq_simple.py` `create_block` builds it: layer i is MHA when i is in attn_layer_idx, else Mamba-1 or Mamba-2
 * (ssm_cfg.layer); every layer has a GatedMLP of d_intermediate (none when 0). Defaults are those of
 * `config_mamba.py`, `mamba_simple.py`, `mamba2.py` and `mha.py` (num_heads_kv = num_heads, head_dim = d / heads,
 * q/k/v/out biases on, rotary_emb_dim 0 meaning no positional embedding). Never throws.
 */
export function importMambaSsmConfig(json: unknown): ParseResult<Design> {
  return safeResult(importMambaSsm(json));
}

function importMambaSsm(json: unknown): ParseResult<Design> {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return { ok: false, issues: [{ path: '(document)', message: 'a config.json must be a JSON object' }] };
  const forbidden = findForbiddenKeys(json);
  if (forbidden.length) return { ok: false, issues: forbidden };
  const j = json as Json;
  const r = new ConfigReader(j);
  const d = r.int('d_model', 2560);
  const nLayers = r.int('n_layer', 64);
  const vocab = padVocab(r.int('vocab_size', 50277), r.int('pad_vocab_size_multiple', 8));
  const dInter = r.int('d_intermediate', 0, 0);
  const ssmCfg = new ConfigReader(readObject(j, 'ssm_cfg', r.issues));
  const attnCfg = new ConfigReader(readObject(j, 'attn_cfg', r.issues), ATTN_CFG_LIMITS);
  const layerKind = ssmCfg.str('layer', 'Mamba1');
  if (layerKind !== 'Mamba1' && layerKind !== 'Mamba2') r.issues.push({ path: 'ssm_cfg.layer', message: `expected "Mamba1" or "Mamba2", got ${describeValue(layerKind)}` });
  const attnIdx = j.attn_layer_idx ?? [];
  if (!Array.isArray(attnIdx) || attnIdx.length > LIMITS.layers || !attnIdx.every((x) => Number.isInteger(x) && (x as number) >= 0 && (x as number) < nLayers)) {
    r.issues.push({ path: 'attn_layer_idx', message: `expected a list of layer indices from 0 to ${nLayers - 1}` });
  }
  const attnSet = new Set(Array.isArray(attnIdx) ? (attnIdx as number[]) : []);
  const mixer = layerKind === 'Mamba2'
    ? { kind: 'mamba2', dState: ssmCfg.int('d_state', 128), headDim: ssmCfg.int('headdim', 64), nGroups: ssmCfg.int('ngroups', 1), dConv: ssmCfg.int('d_conv', 4), expand: ssmCfg.int('expand', 2), chunkSize: ssmCfg.int('chunk_size', 256), convBias: ssmCfg.bool('conv_bias', true), projBias: ssmCfg.bool('bias', false) }
    : { kind: 'mamba', dState: ssmCfg.int('d_state', 16), dConv: ssmCfg.int('d_conv', 4), expand: ssmCfg.int('expand', 2), dtRank: ssmCfg.intOrAuto('dt_rank'), convBias: ssmCfg.bool('conv_bias', true), projBias: ssmCfg.bool('bias', false), innerNorms: false };
  const nHeads = attnCfg.int('num_heads', 1);
  const qkvBias = attnCfg.bool('qkv_proj_bias', true);
  const outBias = attnCfg.bool('out_proj_bias', true);
  if (qkvBias !== outBias) r.issues.push({ path: 'attn_cfg.out_proj_bias', message: `must equal qkv_proj_bias (${qkvBias}); the design format has one bias flag for q, k, v and o` });
  const attention = { kind: 'attention', nHeads, nKvHeads: attnCfg.intOrNull('num_heads_kv', null) ?? nHeads, headDim: attnCfg.int('head_dim', Math.max(1, Math.floor(d / nHeads))), positional: attnCfg.int('rotary_emb_dim', 0, 0) > 0 ? 'rope' : 'none', slidingWindow: null, bias: qkvBias };
  for (const c of [ssmCfg, attnCfg]) for (const i of c.issues) r.issues.push({ path: `${c === ssmCfg ? 'ssm_cfg' : 'attn_cfg'}.${i.path}`, message: i.message });
  const name = nameOf(r, 'mamba');
  const rms = r.bool('rms_norm', true);
  const tied = r.bool('tie_embeddings', true);
  if (r.issues.length) return { ok: false, issues: safeIssues(r.issues) };
  // mixer_seq_simple.py create_block: GatedMLP(hidden_features=d_intermediate) when d_intermediate > 0.
  const ffn = dInter > 0 ? { kind: 'mlp', width: dInter, activation: GATED, bias: false } : { kind: 'none' };
  const layers = Array.from({ length: nLayers }, (_, i) => ({ mixer: attnSet.has(i) ? attention : mixer, ffn }));
  const design = {
    format: FORMAT,
    name,
    source: `state-spaces/mamba config.json (${layerKind}${attnSet.size ? ` + ${attnSet.size} attention layers` : ''})`,
    vocabSize: vocab,
    dModel: d,
    norm: rms ? 'rmsnorm' : 'layernorm',
    tiedEmbeddings: tied,
    maxContext: SSM_DEFAULT_CONTEXT,
    dtype: 'bf16',
    sharedBlocks: [],
    layers: compactLayers(JSON.parse(JSON.stringify(layers)) as Layer[]),
  };
  return validateBuilt(design, 'state-spaces');
}

const DTYPE_TO_TORCH: Partial<Record<Dtype, string>> = { fp32: 'float32', bf16: 'bfloat16', fp16: 'float16' };

/** Finds (period, offset) with `set[i] == (i % period == offset)` for every i < n; smallest period first. */
export function findPeriodOffset(set: readonly boolean[]): { period: number; offset: number } | null {
  const n = set.length;
  if (!set.some(Boolean)) return { period: n + 1, offset: n };
  for (let period = 1; period <= n; period++) {
    for (let offset = 0; offset < period; offset++) {
      if (set.every((v, i) => v === (i % period === offset))) return { period, offset };
    }
  }
  return null;
}

function firstMismatch(set: readonly boolean[]): number {
  const first = set.indexOf(true);
  const second = set.indexOf(true, first + 1);
  // With the first two positions fixed, period = their distance; the first index that breaks it is the offender.
  const period = second < 0 ? set.length + 1 : second - first;
  const offset = first % period;
  return set.findIndex((v, i) => v !== (i % period === offset));
}

/** The families a design can be exported as (`exportHfConfig(design, family)`), in the order the automatic choice tries. */
export const HF_EXPORT_FAMILIES: readonly string[] = ['jamba', ...Object.keys(FAMILY_EXPORTERS)];

/**
 * How far a family got before refusing: the layer index its refusal names (-1 when none), plus a half when the refusal
 * is about a field of a block of the right kind rather than the kind itself (`layers[1].ffn.activation` fits better
 * than `layers[1].ffn.kind`).
 */
function refusalDepth(issues: readonly ValidationIssue[]): number {
  const path = issues[0]?.path ?? '';
  const m = /^layers\[(\d+)\]/.exec(path);
  return (m ? Number(m[1]) : -1) + (m && !path.endsWith('.kind') ? 0.5 : 0);
}

/** Each family's export of the design, or its reason for refusing it. */
export function hfExportOptions(design: Design): { family: string; result: ParseResult<Record<string, unknown>> }[] {
  return HF_EXPORT_FAMILIES.map((family) => ({ family, result: exportHfConfigAs(design, family) }));
}

/** The design as the `config.json` of one family, or the reason it is not expressible there. */
export function exportHfConfigAs(design: Design, family: string): ParseResult<Record<string, unknown>> {
  if (family === 'jamba') return exportJambaConfig(design);
  const exporter = Object.prototype.hasOwnProperty.call(FAMILY_EXPORTERS, family) ? FAMILY_EXPORTERS[family] : undefined;
  if (!exporter) return { ok: false, issues: [{ path: 'family', message: `unknown family "${family}"; expected one of ${HF_EXPORT_FAMILIES.join(', ')}` }] };
  return exporter(design);
}

/**
 * The design as the `config.json` of the first family that expresses it (HF_EXPORT_FAMILIES order), or, when none
 * does, the reason of the family that fitted furthest (the refusal naming the deepest layer), prefixed with the
 * family: `nemotron_h: layers[3].mixer.kind: "hyena" is not one of Nemotron-H's mixers`.
 */
export function exportHfConfig(design: Design, family?: string): ParseResult<Record<string, unknown>> {
  if (family !== undefined) return exportHfConfigAs(design, family);
  let best: { family: string; issues: ValidationIssue[]; depth: number } | null = null;
  for (const { family: fam, result } of hfExportOptions(design)) {
    if (result.ok) return result;
    const depth = refusalDepth(result.issues);
    if (!best || depth > best.depth) best = { family: fam, issues: result.issues, depth };
  }
  const b = best!;
  return { ok: false, issues: b.issues.map((i) => ({ path: i.path, message: `${i.message} (closest family: ${b.family})` })) };
}

/**
 * A Jamba `config.json` for a design made only of Jamba's block kinds (mamba / attention mixers, mlp / moe FFNs)
 * whose attention and MoE positions are each `i % period == offset`, with one shape per kind. Otherwise the issues
 * say why not, naming the first offending layer (`layers[5]` counts explicit layers).
 */
export function exportJambaConfig(design: Design): ParseResult<Record<string, unknown>> {
  const layers = expandLayers(design.layers);
  const fail = (path: string, message: string): ParseResult<Record<string, unknown>> => ({ ok: false, issues: [{ path, message }] });
  if (design.norm !== 'rmsnorm') return fail('norm', 'Jamba uses RMSNorm; this design uses LayerNorm');
  const shapes = new Map<string, { text: string; index: number }>();
  for (let i = 0; i < layers.length; i++) {
    const l = layers[i]!;
    if (l.mixer.kind !== 'mamba' && l.mixer.kind !== 'attention') return fail(`layers[${i}].mixer.kind`, `"${l.mixer.kind}" is not one of Jamba's mixers (mamba, attention), so the design cannot be written as a Jamba config`);
    if (l.ffn.kind !== 'mlp' && l.ffn.kind !== 'moe') return fail(`layers[${i}].ffn.kind`, `"${l.ffn.kind}" is not one of Jamba's FFNs (mlp, moe), so the design cannot be written as a Jamba config`);
    for (const [key, part] of [[l.mixer.kind, l.mixer], [l.ffn.kind, l.ffn]] as const) {
      const text = JSON.stringify(part, Object.keys(part).sort());
      const seen = shapes.get(key);
      if (!seen) shapes.set(key, { text, index: i });
      else if (seen.text !== text) return fail(`layers[${i}].${key === l.mixer.kind ? 'mixer' : 'ffn'}`, `differs from the ${key} of layers[${seen.index}]; a Jamba config has one shape per block kind`);
    }
  }
  const mamba = layers.find((l) => l.mixer.kind === 'mamba')?.mixer;
  const attn = layers.find((l) => l.mixer.kind === 'attention')?.mixer;
  const mlp = layers.find((l) => l.ffn.kind === 'mlp')?.ffn;
  const moe = layers.find((l) => l.ffn.kind === 'moe')?.ffn;
  const idxOf = (k: Layer['mixer']['kind'] | Layer['ffn']['kind'], part: 'mixer' | 'ffn') => layers.findIndex((l) => l[part].kind === k);
  if (mamba?.kind === 'mamba' && !mamba.innerNorms) return fail(`layers[${idxOf('mamba', 'mixer')}].mixer.innerNorms`, "Jamba's Mamba mixer always has inner RMSNorms on dt, B and C; set innerNorms to true");
  if (attn?.kind === 'attention') {
    const i = idxOf('attention', 'mixer');
    if (attn.positional !== 'none') return fail(`layers[${i}].mixer.positional`, 'Jamba attention has no positional embedding; set positional to "none"');
    if (attn.bias) return fail(`layers[${i}].mixer.bias`, 'Jamba attention has no biases');
    if (attn.outputGate) return fail(`layers[${i}].mixer.outputGate`, 'Jamba attention has no output gate');
    if (attn.qkNorm) return fail(`layers[${i}].mixer.qkNorm`, 'Jamba attention has no q/k norm');
    if (attn.headDim * attn.nHeads !== design.dModel) return fail(`layers[${i}].mixer.headDim`, `Jamba's head dim is hidden_size / num_attention_heads = ${design.dModel / attn.nHeads}, got ${attn.headDim}`);
  }
  if (mlp?.kind === 'mlp' && (mlp.activation !== 'swiglu' || mlp.bias)) return fail(`layers[${idxOf('mlp', 'ffn')}].ffn`, 'Jamba MLPs are gated (swiglu) without bias');
  if (moe?.kind === 'moe') {
    const i = idxOf('moe', 'ffn');
    if (moe.activation !== 'swiglu') return fail(`layers[${i}].ffn.activation`, 'Jamba experts are gated (swiglu)');
    if (moe.router !== 'softmax' || moe.normTopK || moe.routedScale !== 1 || moe.routerBias || moe.sharedExperts) {
      return fail(`layers[${i}].ffn`, "Jamba's router is a softmax top-k, not renormalised, without scaling, bias or shared experts (router softmax, normTopK false, routedScale 1, routerBias false, sharedExperts 0)");
    }
    if (mlp?.kind === 'mlp' && moe.expertWidth !== mlp.width) return fail(`layers[${i}].ffn.expertWidth`, `Jamba experts share intermediate_size with the dense MLP (${mlp.width}), got ${moe.expertWidth}`);
  }
  const isAttn = layers.map((l) => l.mixer.kind === 'attention');
  const isMoe = layers.map((l) => l.ffn.kind === 'moe');
  const a = findPeriodOffset(isAttn);
  if (!a) return fail(`layers[${firstMismatch(isAttn)}].mixer`, 'attention positions are not expressible as i % attn_layer_period == attn_layer_offset');
  const e = findPeriodOffset(isMoe);
  if (!e) return fail(`layers[${firstMismatch(isMoe)}].ffn`, 'MoE positions are not expressible as i % expert_layer_period == expert_layer_offset');
  const mambaDefaults = { dState: 16, dConv: 4, expand: 2, dtRank: 'auto' as number | 'auto', convBias: true, projBias: false };
  const m = mamba?.kind === 'mamba' ? mamba : mambaDefaults;
  const at = attn?.kind === 'attention' ? attn : { nHeads: 32, nKvHeads: 8, slidingWindow: null };
  const width = mlp?.kind === 'mlp' ? mlp.width : moe?.kind === 'moe' ? moe.expertWidth : 14336;
  const config: Record<string, unknown> = {
    architectures: ['JambaForCausalLM'],
    model_type: 'jamba',
    _name_or_path: design.name,
    vocab_size: design.vocabSize,
    tie_word_embeddings: design.tiedEmbeddings,
    hidden_size: design.dModel,
    intermediate_size: width,
    num_hidden_layers: layers.length,
    num_attention_heads: at.nHeads,
    num_key_value_heads: at.nKvHeads,
    max_position_embeddings: design.maxContext,
    sliding_window: at.slidingWindow,
    attn_layer_period: a.period,
    attn_layer_offset: a.offset,
    num_experts: moe?.kind === 'moe' ? moe.nExperts : 1,
    num_experts_per_tok: moe?.kind === 'moe' ? moe.topK : 1,
    expert_layer_period: e.period,
    expert_layer_offset: e.offset,
    mamba_d_state: m.dState,
    mamba_d_conv: m.dConv,
    mamba_expand: m.expand,
    mamba_dt_rank: m.dtRank,
    mamba_conv_bias: m.convBias,
    mamba_proj_bias: m.projBias,
    hidden_act: 'silu',
  };
  const torch = DTYPE_TO_TORCH[design.dtype];
  if (torch) config.torch_dtype = torch;
  return { ok: true, value: config };
}

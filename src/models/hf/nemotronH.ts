/**
 * NVIDIA Nemotron-H (`model_type: nemotron_h`): Nemotron-H 4B/8B/47B/56B, Nemotron-Nano-9B/12B-v2 and the MoE
 * Nemotron-3 models. Each character of the layer pattern is one block with exactly one RMSNorm (transformers
 * `configuration_nemotron_h.py`, `modeling_nemotron_h.py`; Megatron-Bridge `nemotron_h_bridge.py`):
 *   M  Mamba-2 mixer, width mamba_num_heads × mamba_head_dim (not expand × d; research notes §0.1)
 *   *  attention without positional embedding (blocks.json `no_pos_emb`), q/k/v/o without bias unless attention_bias
 *   -  MLP down(relu²(up(x))) (`mlp_hidden_act: relu2`, non-gated)
 *   E  MoE: sigmoid router with `e_score_correction_bias`, renormalised top-k × routed_scaling_factor, relu² experts
 *      and one shared expert of moe_shared_expert_intermediate_size
 * Layer pattern: `hybrid_override_pattern` (hub remote code, Megatron-Bridge) or `layers_block_type` (transformers v5:
 * mamba|linear_attention, attention|full_attention, mlp, moe). Both field-name generations are read
 * (n_groups / mamba_n_groups, conv_kernel / mamba_d_conv, head_dim / attention_head_dim, ...); two spellings that
 * disagree are an error. The config's MoE class defaults never make a layer MoE: only an `E` does (§0.3).
 * Design form: one design layer per character (M: {mamba2, none}, *: {attention, none}, -: {none, mlp}, E: {none,
 * moe}); an export splits a layer holding both a mixer and an FFN into two blocks (the same weights and norms).
 */
import type { Design } from '../schema';
import { LIMITS } from '../schemaKit';
import type { ParseResult } from '../validate';
import { ExportView, NONE, checkLayerCount, f, finishImport, mamba2Width, refuse, runExport, torchDtype, type Block, type RawLayer } from './common';
import { FamilyReader } from './reader';

type Json = Record<string, unknown>;

const V5_TYPES: Readonly<Record<string, string>> = { mamba: 'M', linear_attention: 'M', attention: '*', full_attention: '*', mlp: '-', moe: 'E' };

/** The layer pattern as a string of M * - E, from either spelling; null with an issue when unreadable. */
function readPattern(r: FamilyReader): string | null {
  let fromString: string | null = null;
  if (r.has('hybrid_override_pattern')) {
    const s = r.str('hybrid_override_pattern', '');
    if (s.length > LIMITS.layers) r.issue('hybrid_override_pattern', `has ${s.length} layers; at most ${LIMITS.layers} are allowed`);
    else {
      // Megatron-Bridge strips pipeline (|) and MTP (/) separators on export; a config that still has them keeps the main part.
      const main = s.split('/')[0]!.replace(/\|/g, '');
      const bad = [...main].findIndex((c) => !'M*-E'.includes(c));
      if (bad >= 0) r.issue('hybrid_override_pattern', `"${main[bad]}" at position ${bad} is not a layer type; expected M (Mamba-2), * (attention), - (MLP) or E (MoE)`);
      else if (main.length === 0) r.issue('hybrid_override_pattern', 'is empty');
      else fromString = main;
    }
  }
  let fromList: string | null = null;
  const list = r.list('layers_block_type', LIMITS.layers);
  if (list) {
    const bad = list.findIndex((t) => typeof t !== 'string' || !Object.prototype.hasOwnProperty.call(V5_TYPES, t));
    if (bad >= 0) r.issue(`layers_block_type[${bad}]`, `expected one of ${Object.keys(V5_TYPES).map((k) => `"${k}"`).join(', ')}, got ${JSON.stringify(list[bad])}`);
    else if (list.length === 0) r.issue('layers_block_type', 'is empty');
    else fromList = list.map((t) => V5_TYPES[t as string]).join('');
  }
  if (r.issues.length) return null;
  if (fromString !== null && fromList !== null && fromString !== fromList) {
    r.issue('layers_block_type', `contradicts hybrid_override_pattern (${fromList} vs ${fromString}); give one of them`);
    return null;
  }
  // transformers v5 default: ["linear_attention", "moe", "full_attention", "mlp"].
  const pattern = fromString ?? fromList ?? 'ME*-';
  if (r.has('num_hidden_layers') && r.int('num_hidden_layers', pattern.length) !== pattern.length) {
    r.issue('num_hidden_layers', `${String(r.raw('num_hidden_layers'))} contradicts the ${pattern.length} layers of ${fromString !== null ? 'hybrid_override_pattern' : fromList !== null ? 'layers_block_type' : 'the default layer pattern'}`);
    return null;
  }
  return pattern;
}

/** A design from a `nemotron_h` config.json (parsed JSON object). Never throws. */
export function importNemotronH(json: Json): ParseResult<Design> {
  const r = new FamilyReader(json);
  const pattern = readPattern(r);
  const d = r.int('hidden_size', 4096);
  if (!pattern || !checkLayerCount(r, 'num_hidden_layers', pattern.length)) return { ok: false, issues: r.issues };
  const has = (c: string) => pattern.includes(c);
  const bias = r.bool('use_bias', false);
  const act = r.str('mlp_hidden_act', 'relu2');
  if ((has('-') || has('E')) && act !== 'relu2') r.issue('mlp_hidden_act', `"${act}" is not supported; Nemotron-H's MLP is down(act(up(x))) and only relu2 (squared ReLU) is expressible`);
  const mlpBias = r.bool('mlp_bias', false);
  let mamba: Block = NONE;
  if (has('M')) {
    const heads = r.int('mamba_num_heads', 128);
    const headDim = r.int('mamba_head_dim', 64);
    const expand = r.alias(['expand', 'mamba_expand'], (k) => r.int(k, 2), 2);
    if (r.has('mamba_hidden_act') && r.str('mamba_hidden_act', 'silu') !== 'silu') r.issue('mamba_hidden_act', 'only "silu" (the Mamba-2 gate of modeling_nemotron_h.py) is expressible');
    mamba = {
      kind: 'mamba2',
      dState: r.int('ssm_state_size', 128),
      headDim,
      nGroups: r.alias(['n_groups', 'mamba_n_groups'], (k) => r.int(k, 8), 8),
      dConv: r.alias(['conv_kernel', 'mamba_d_conv'], (k) => r.int(k, 4), 4),
      ...mamba2Width(heads, headDim, expand, d),
      chunkSize: r.alias(['chunk_size', 'mamba_chunk_size'], (k) => r.int(k, 128), 128),
      convBias: r.alias(['use_conv_bias', 'mamba_conv_bias'], (k) => r.bool(k, true), true),
      projBias: r.bool('mamba_proj_bias', bias),
      gatedNorm: true,
    };
  }
  let attention: Block = NONE;
  if (has('*')) {
    const nHeads = r.int('num_attention_heads', 32);
    attention = {
      kind: 'attention',
      nHeads,
      nKvHeads: r.intOrNull('num_key_value_heads', 8) ?? nHeads,
      headDim: r.alias(['head_dim', 'attention_head_dim'], (k) => r.int(k, 128), 128),
      positional: 'none',
      slidingWindow: null,
      bias: r.bool('attention_bias', false),
    };
    if (r.intOrNull('sliding_window', null) !== null) r.issue('sliding_window', "Nemotron-H attention has no sliding window in this explorer's model of it");
  }
  const mlp: Block = has('-') ? { kind: 'mlp', width: r.int('intermediate_size', 21504), activation: 'relu2', bias: mlpBias } : NONE;
  let moe: Block = NONE;
  if (has('E')) {
    if (r.intOrNull('moe_latent_size', null) !== null) r.issue('moe_latent_size', 'latent MoE (experts in a smaller latent space via fc1/fc2_latent_proj) is not expressible');
    if (r.int('n_group', 1) > 1) r.issue('n_group', 'group-limited routing (n_group > 1) is not expressible');
    const nExperts = r.alias(['n_routed_experts', 'num_local_experts'], (k) => r.int(k, 8), 8);
    const topK = r.int('num_experts_per_tok', 2);
    const shared = r.intOrNull('n_shared_experts', 1, 0) ?? 0;
    moe = {
      kind: 'moe',
      nExperts,
      topK,
      expertWidth: r.int('moe_intermediate_size', 7688),
      activation: 'relu2',
      sharedExperts: shared,
      sharedExpertWidth: shared > 0 ? r.int('moe_shared_expert_intermediate_size', 7688) : null,
      router: 'sigmoid',
      routerBias: true,
      routedScale: r.num('routed_scaling_factor', 1, Number.MIN_VALUE, 1e6),
      normTopK: r.bool('norm_topk_prob', true),
    };
    if (topK > nExperts) r.issue('num_experts_per_tok', `${topK} exceeds n_routed_experts ${nExperts}`);
  }
  const layers: RawLayer[] = [...pattern].map((c) =>
    c === 'M' ? { mixer: mamba, ffn: NONE } : c === '*' ? { mixer: attention, ffn: NONE } : c === '-' ? { mixer: NONE, ffn: mlp } : { mixer: NONE, ffn: moe },
  );
  const notes: string[] = [];
  if (r.int('num_nextn_predict_layers', 0, 0) > 0) notes.push('multi-token-prediction layers left out (not part of the model)');
  return finishImport({
    type: 'nemotron_h',
    r,
    dModel: d,
    vocabSize: r.int('vocab_size', 131072),
    tiedEmbeddings: r.bool('tie_word_embeddings', false),
    maxContext: r.int('max_position_embeddings', 4096),
    layers,
    notes,
  });
}

/** A `nemotron_h` config of a design made of Nemotron-H's blocks, or the reason it is not one. */
export function exportNemotronH(design: Design): ParseResult<Json> {
  return runExport(() => {
    const v = new ExportView(design, 'nemotron_h');
    v.rmsnorm();
    v.onlyKinds(['mamba2', 'attention'], ['mlp', 'moe'], 'Nemotron-H');
    const d = design.dModel;
    const m = v.one('mamba2', 'mixer', (x) => ({ ...x, expand: null, nHeads: (f<number | null>(x, 'nHeads') ?? (f<number>(x, 'expand') * d) / f<number>(x, 'headDim')) }));
    const a = v.one('attention', 'mixer');
    const mlp = v.one('mlp', 'ffn');
    const moe = v.one('moe', 'ffn');
    const pattern = v.layers.map((l, i) => {
      const s = (l.mixer.kind === 'mamba2' ? 'M' : l.mixer.kind === 'attention' ? '*' : '') + (l.ffn.kind === 'mlp' ? '-' : l.ffn.kind === 'moe' ? 'E' : '');
      if (!s) refuse(`layers[${i}]`, 'an empty layer (mixer and FFN both none) is not a Nemotron-H block');
      return s;
    }).join('');
    if (pattern.length > LIMITS.layers) refuse('layers', `splitting mixer + FFN layers gives ${pattern.length} Nemotron-H blocks; at most ${LIMITS.layers}`);
    v.want(m, 'gatedNorm', true, "Nemotron-H's Mamba-2 mixer always has its gated RMSNorm", true);
    v.want(a, 'positional', 'none', 'Nemotron-H attention has no positional embedding (NoPE)');
    v.want(a, 'slidingWindow', null, 'Nemotron-H attention has no sliding window');
    v.want(a, 'outputGate', false, 'Nemotron-H attention has no output gate', false);
    v.want(a, 'qkNorm', false, 'Nemotron-H attention has no q/k norm', false);
    v.want(mlp, 'activation', 'relu2', "Nemotron-H's MLP is non-gated squared ReLU (relu2)");
    v.want(moe, 'activation', 'relu2', "Nemotron-H's experts are non-gated squared ReLU (relu2)");
    v.want(moe, 'router', 'sigmoid', 'Nemotron-H routes with a sigmoid', 'softmax');
    v.want(moe, 'routerBias', true, 'Nemotron-H routers carry e_score_correction_bias', false);
    v.want(moe, 'sharedExpertGate', false, 'Nemotron-H has no shared-expert gate', false);
    if (moe && !(f<number | undefined>(moe.value, 'sharedExperts') ?? 0)) refuse(`${moe.path}.sharedExperts`, 'Nemotron-H MoE layers have one shared expert');
    if (moe && (f<number>(moe.value, 'sharedExperts') ?? 0) > 1 && f(moe.value, 'sharedExpertWidth') === null) refuse(`${moe.path}.sharedExpertWidth`, 'give the shared expert width (moe_shared_expert_intermediate_size)');
    const mlpBias = mlp ? f<boolean>(mlp.value, 'bias') : false;
    if (mlp && moe) {
      // modeling_nemotron_h.py: experts and the shared expert use mlp_bias like the dense MLP (the design's MoE has none).
      if (mlpBias) refuse(`${mlp.path}.bias`, 'with MoE blocks, mlp_bias would also give the experts biases; the design has none there');
    }
    const c: Json = {
      architectures: ['NemotronHForCausalLM'],
      model_type: 'nemotron_h',
      _name_or_path: design.name,
      vocab_size: design.vocabSize,
      hidden_size: d,
      tie_word_embeddings: design.tiedEmbeddings,
      max_position_embeddings: design.maxContext,
      num_hidden_layers: pattern.length,
      hybrid_override_pattern: pattern,
      layer_norm_epsilon: 1e-5,
      mlp_hidden_act: 'relu2',
      mlp_bias: mlpBias,
      use_bias: false,
    };
    if (m) {
      const headDim = f<number>(m.value, 'headDim');
      const heads = f<number | null>(m.value, 'nHeads') ?? (f<number>(m.value, 'expand') * d) / headDim;
      Object.assign(c, {
        mamba_num_heads: heads,
        mamba_head_dim: headDim,
        expand: f(m.value, 'expand'),
        ssm_state_size: f(m.value, 'dState'),
        n_groups: f(m.value, 'nGroups'),
        conv_kernel: f(m.value, 'dConv'),
        chunk_size: f(m.value, 'chunkSize'),
        use_conv_bias: f(m.value, 'convBias'),
        mamba_proj_bias: f(m.value, 'projBias'),
        mamba_hidden_act: 'silu',
      });
    }
    if (a) Object.assign(c, { num_attention_heads: f(a.value, 'nHeads'), num_key_value_heads: f(a.value, 'nKvHeads'), head_dim: f(a.value, 'headDim'), attention_bias: f(a.value, 'bias') });
    if (mlp) c.intermediate_size = f(mlp.value, 'width');
    if (moe) {
      Object.assign(c, {
        n_routed_experts: f(moe.value, 'nExperts'),
        num_experts_per_tok: f(moe.value, 'topK'),
        moe_intermediate_size: f(moe.value, 'expertWidth'),
        n_shared_experts: f(moe.value, 'sharedExperts'),
        moe_shared_expert_intermediate_size: f<number | null>(moe.value, 'sharedExpertWidth') ?? f<number>(moe.value, 'expertWidth') * f<number>(moe.value, 'sharedExperts'),
        routed_scaling_factor: f(moe.value, 'routedScale') ?? 1,
        norm_topk_prob: f(moe.value, 'normTopK') ?? true,
        n_group: 1,
        topk_group: 1,
      });
    }
    const t = torchDtype(design.dtype);
    if (t) c.torch_dtype = t;
    return c;
  });
}

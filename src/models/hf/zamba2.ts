/**
 * Zyphra Zamba2 (`model_type: zamba2`; transformers `configuration_zamba2.py`, `modeling_zamba2.py`; research notes
 * §4). Every layer owns a Mamba-2 mixer and its input norm; a "hybrid" layer first calls one of `num_mem_blocks`
 * shared transformer blocks (hybrid j calls block j % num_mem_blocks) on concat(hidden, embedding), 2d wide: MHA with
 * head dim 2d / heads (RoPE when `use_mem_rope`), a gated MLP (`hidden_act` gelu: gated GeLU, silu: SwiGLU) of
 * `intermediate_size` (default 4d), then that call's own d × d `linear`; each call also owns low-rank adapters when
 * `use_shared_mlp_adapter` / `use_shared_attention_adapter` (rank `adapter_rank`). Mamba width is
 * `mamba_expand · d` in `n_mamba_heads` heads of expand·d / heads.
 * Design form: a hybrid layer is two design layers, {shared call, none} then {mamba2, none} (as Zamba-1); the shared
 * blocks are `zamba2-shared-<k>`, k < num_mem_blocks.
 */
import type { Design } from '../schema';
import { LIMITS } from '../schemaKit';
import type { ParseResult } from '../validate';
import { ExportView, NONE, checkLayerCount, f, finishImport, mamba2Width, refuse, runExport, torchDtype, type Block, type RawLayer } from './common';
import { FamilyReader } from './reader';

type Json = Record<string, unknown>;

/** transformers' default layer list for 54 layers (Zamba2-2.7B): hybrid at 6, 12, ..., 42, 47, 51. */
function defaultLayerTypes(): string[] {
  return ['mamba', ...Array<string[]>(7).fill([...Array<string>(5).fill('mamba'), 'hybrid']).flat(), ...Array<string>(4).fill('mamba'), 'hybrid', ...Array<string>(3).fill('mamba'), 'hybrid', 'mamba', 'mamba'];
}

export const ZAMBA2_BLOCK_ID = (k: number) => `zamba2-shared-${k}`;

const ACTIVATIONS: Readonly<Record<string, string>> = { gelu: 'geglu', gelu_pytorch_tanh: 'geglu', silu: 'swiglu', swish: 'swiglu' };

/** A design from a `zamba2` config.json. Never throws. */
export function importZamba2(json: Json): ParseResult<Design> {
  const r = new FamilyReader(json);
  const d = r.int('hidden_size', 2560);
  let types: string[];
  const list = r.list('layers_block_type', LIMITS.layers);
  if (list) {
    const bad = list.findIndex((t) => t !== 'mamba' && t !== 'hybrid');
    if (bad >= 0) {
      r.issue(`layers_block_type[${bad}]`, `expected "mamba" or "hybrid", got ${JSON.stringify(list[bad])}`);
      return { ok: false, issues: r.issues };
    }
    types = list as string[];
    if (r.has('num_hidden_layers') && r.int('num_hidden_layers', types.length) !== types.length) {
      r.issue('num_hidden_layers', `${String(r.raw('num_hidden_layers'))} contradicts the ${types.length} entries of layers_block_type`);
    }
  } else {
    // transformers builds its default list for 54 layers whatever num_hidden_layers says: anything else is ambiguous.
    const n = r.int('num_hidden_layers', 54);
    if (n !== 54) r.issue('num_hidden_layers', `${n} layers without layers_block_type: transformers' default layer list has 54 entries; give layers_block_type`);
    types = defaultLayerTypes();
  }
  const hybrid = types.filter((t) => t === 'hybrid').length;
  if (r.issues.length || !checkLayerCount(r, 'num_hidden_layers', types.length, hybrid)) return { ok: false, issues: r.issues };
  if (r.has('hybrid_layer_ids')) {
    const ids = r.intList('hybrid_layer_ids', LIMITS.layers, 0, types.length - 1);
    const want = types.flatMap((t, i) => (t === 'hybrid' ? [i] : []));
    if (ids && JSON.stringify(ids) !== JSON.stringify(want)) r.issue('hybrid_layer_ids', `[${ids.join(', ')}] contradicts layers_block_type (hybrid at ${want.join(', ')})`);
  }
  const expand = r.int('mamba_expand', 2);
  const nMambaHeads = r.int('n_mamba_heads', 8);
  if ((expand * d) % nMambaHeads !== 0) r.issue('n_mamba_heads', `${nMambaHeads} does not divide mamba_expand × hidden_size = ${expand * d}`);
  const headDim = Math.max(1, Math.floor((expand * d) / nMambaHeads));
  const bias = r.bool('add_bias_linear', false);
  const mamba: Block = {
    kind: 'mamba2',
    dState: r.int('mamba_d_state', 64),
    headDim,
    nGroups: r.int('mamba_ngroups', 1),
    dConv: r.int('mamba_d_conv', 4),
    ...mamba2Width(nMambaHeads, headDim, expand, d),
    chunkSize: r.int('chunk_size', 256),
    convBias: r.bool('use_conv_bias', true),
    projBias: bias,
    gatedNorm: true,
  };
  const nHeads = r.int('num_attention_heads', 32);
  if ((2 * d) % nHeads !== 0) r.issue('num_attention_heads', `${nHeads} does not divide the shared block's width 2 × hidden_size = ${2 * d}`);
  const act = r.str('hidden_act', 'gelu');
  const activation = Object.prototype.hasOwnProperty.call(ACTIVATIONS, act) ? ACTIVATIONS[act]! : (r.issue('hidden_act', `"${act}" is not supported; expected "gelu" (gated GeLU) or "silu" (SwiGLU)`), 'geglu');
  if (r.bool('use_long_context', false)) r.issue('use_long_context', 'the long-context RoPE rescaling is not expressible');
  const rope = r.bool('use_mem_rope', false);
  const mlpAdapter = r.bool('use_shared_mlp_adapter', false);
  const attnAdapter = r.bool('use_shared_attention_adapter', false);
  const rank = r.int('adapter_rank', 128);
  const nBlocks = r.int('num_mem_blocks', 1);
  const block = (k: number): Json => ({
    id: ZAMBA2_BLOCK_ID(k),
    attention: { kind: 'attention', nHeads, nKvHeads: r.intOrNull('num_key_value_heads', null) ?? nHeads, headDim: Math.floor((2 * d) / nHeads), positional: rope ? 'rope' : 'none', ...(rope ? { ropeTheta: r.num('rope_theta', 10000, Number.MIN_VALUE, LIMITS.ropeTheta) } : {}), slidingWindow: null, bias: false },
    ffn: { kind: 'mlp', width: r.int('intermediate_size', 4 * d), activation, bias },
    concatEmbedding: true,
    perCallLinear: true,
    ...(mlpAdapter || attnAdapter ? { adapters: { rank, mlp: mlpAdapter, attention: attnAdapter } } : {}),
  });
  const layers: RawLayer[] = [];
  let j = 0;
  for (const t of types) {
    if (t === 'hybrid') layers.push({ mixer: { kind: 'shared', blockId: ZAMBA2_BLOCK_ID(j++ % nBlocks) }, ffn: NONE });
    layers.push({ mixer: mamba, ffn: NONE });
  }
  // Blocks no hybrid layer calls are not built by transformers either.
  const used = Math.min(nBlocks, hybrid);
  return finishImport({
    type: 'zamba2',
    r,
    dModel: d,
    vocabSize: r.int('vocab_size', 32000),
    tiedEmbeddings: r.bool('tie_word_embeddings', true),
    maxContext: r.int('max_position_embeddings', 4096),
    layers,
    sharedBlocks: Array.from({ length: used }, (_, k) => block(k)),
  });
}

/** A `zamba2` config of a design laid out as Zamba2 (see the module comment), or the reason it is not one. */
export function exportZamba2(design: Design): ParseResult<Json> {
  return runExport(() => {
    const v = new ExportView(design, 'zamba2');
    v.rmsnorm();
    v.onlyKinds(['mamba2', 'shared'], [], 'Zamba2');
    const d = design.dModel;
    const types: string[] = [];
    let calls = 0;
    const blocks = design.sharedBlocks;
    for (let i = 0; i < v.layers.length; i++) {
      const l = v.layers[i]!;
      if (l.mixer.kind === 'none') refuse(`layers[${i}].mixer.kind`, 'every Zamba2 layer is a Mamba-2 mixer, called after a shared block in hybrid layers');
      if (l.mixer.kind === 'shared') {
        const next = v.layers[i + 1];
        if (!next || next.mixer.kind !== 'mamba2') refuse(`layers[${i}].mixer`, 'a Zamba2 shared-block call comes right before a Mamba-2 layer (the hybrid layer\'s own Mamba)');
        const want = blocks[calls % blocks.length]?.id;
        if (l.mixer.blockId !== want) refuse(`layers[${i}].mixer.blockId`, `Zamba2's hybrid layer ${calls} calls shared block ${calls} % num_mem_blocks, "${want}" here, not "${l.mixer.blockId}"`);
        calls++;
        types.push('hybrid');
        i++;
      } else types.push('mamba');
    }
    const m = v.one('mamba2', 'mixer')!;
    if (!m) refuse('layers', 'a Zamba2 model has Mamba-2 layers');
    const expand = f<number>(m.value, 'expand');
    const headDim = f<number>(m.value, 'headDim');
    const di = f<number | null>(m.value, 'nHeads') ? f<number>(m.value, 'nHeads') * headDim : expand * d;
    if (di !== expand * d) refuse(`${m.path}.nHeads`, `Zamba2's Mamba width is mamba_expand × hidden_size = ${expand * d}; nHeads × headDim is ${di}`);
    v.want(m, 'gatedNorm', true, "Zamba2's Mamba-2 mixer always has its gated RMSNorm", true);
    const c: Json = {
      architectures: ['Zamba2ForCausalLM'],
      model_type: 'zamba2',
      _name_or_path: design.name,
      vocab_size: design.vocabSize,
      hidden_size: d,
      tie_word_embeddings: design.tiedEmbeddings,
      max_position_embeddings: design.maxContext,
      num_hidden_layers: types.length,
      layers_block_type: types,
      mamba_d_state: f(m.value, 'dState'),
      mamba_d_conv: f(m.value, 'dConv'),
      mamba_expand: expand,
      mamba_ngroups: f(m.value, 'nGroups'),
      n_mamba_heads: di / headDim,
      chunk_size: f(m.value, 'chunkSize'),
      use_conv_bias: f(m.value, 'convBias'),
      rms_norm_eps: 1e-5,
    };
    if (calls > 0) {
      const n = Math.min(blocks.length, calls);
      const first = blocks[0]!;
      const { id: _id, ...shape } = first;
      for (let k = 1; k < blocks.length; k++) {
        const { id: _other, ...s } = blocks[k]!;
        if (JSON.stringify(s) !== JSON.stringify(shape)) refuse(`sharedBlocks[${k}]`, `differs from sharedBlocks[0]; Zamba2's num_mem_blocks blocks share one configuration`);
      }
      if (blocks.length > calls) refuse(`sharedBlocks[${calls}]`, 'is never called; Zamba2 builds exactly the blocks its hybrid layers call');
      const a = first.attention as unknown as Json;
      const ffn = first.ffn as unknown as Json;
      if (!first.concatEmbedding) refuse('sharedBlocks[0].concatEmbedding', "Zamba2's shared block reads concat(hidden, embedding)");
      if (!first.perCallLinear) refuse('sharedBlocks[0].perCallLinear', 'every Zamba2 hybrid layer has its own linear');
      if (ffn.kind !== 'mlp') refuse('sharedBlocks[0].ffn.kind', "Zamba2's shared block has a gated MLP, not an MoE");
      const act = f<string>(ffn, 'activation');
      if (act !== 'geglu' && act !== 'swiglu') refuse('sharedBlocks[0].ffn.activation', `Zamba2's shared MLP is gated: geglu (hidden_act gelu) or swiglu (silu), not ${act}`);
      if (f(ffn, 'bias') !== f(m.value, 'projBias')) refuse('sharedBlocks[0].ffn.bias', 'Zamba2 has one bias flag (add_bias_linear) for the shared MLP and the Mamba projections');
      const nHeads = f<number>(a, 'nHeads');
      if (f<number>(a, 'headDim') * nHeads !== 2 * d) refuse('sharedBlocks[0].attention.headDim', `Zamba2's attention head dim is 2 × hidden_size / heads = ${(2 * d) / nHeads}`);
      if (f(a, 'bias')) refuse('sharedBlocks[0].attention.bias', 'Zamba2 attention has no biases');
      if (f(a, 'slidingWindow') !== null) refuse('sharedBlocks[0].attention.slidingWindow', 'Zamba2 attention has no sliding window');
      for (const [field, def] of [['outputGate', false], ['qkNorm', false], ['ropeFraction', 1]] as const) {
        if ((a[field] ?? def) !== def) refuse(`sharedBlocks[0].attention.${field}`, `Zamba2 attention has ${field} ${JSON.stringify(def)}`);
      }
      const rope = f(a, 'positional') === 'rope';
      const adapters = first.adapters;
      Object.assign(c, {
        num_mem_blocks: n,
        num_attention_heads: nHeads,
        num_key_value_heads: f(a, 'nKvHeads'),
        intermediate_size: f(ffn, 'width'),
        hidden_act: act === 'geglu' ? 'gelu' : 'silu',
        add_bias_linear: f(ffn, 'bias'),
        use_mem_rope: rope,
        ...(rope ? { rope_theta: f<number | undefined>(a, 'ropeTheta') ?? 10000 } : {}),
        use_shared_mlp_adapter: adapters?.mlp ?? false,
        use_shared_attention_adapter: adapters?.attention ?? false,
        adapter_rank: adapters?.rank ?? 128,
      });
    } else c.add_bias_linear = f(m.value, 'projBias');
    const t = torchDtype(design.dtype);
    if (t) c.torch_dtype = t;
    return c;
  });
}

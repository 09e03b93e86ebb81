/**
 * Per-block-kind formulas: the tensors each block stores, the parameters it touches per token, the MACs of its
 * weight matrices, what a decode step keeps (KV cache or recurrent state) and the scan work of a recurrent step.
 *
 * Glossary (as in src/models/schema.ts): d = dModel; attention H = nHeads, KVH = nKvHeads, hd = headDim;
 * Mamba-1 di = expand·d (dInner), N = dState, K = dConv, r = dtRank ("auto" = ceil(d / 16));
 * Mamba-2 P = headDim, g = nGroups, nh = di / P (heads), convDim = di + 2·g·N;
 * Hyena Ks = shortFilterLength, S = stateSize (poles per channel); FFN f = width, E = nExperts, k = topK.
 *
 * Counting rules for FLOPs (see `analyzeDesign`): a weight matrix or conv tap counts one MAC per element per token
 * (2 FLOPs); a recurrent scan counts 4 FLOPs per real state element per token (one multiply-add to update the state,
 * one to read it out); norms, activations, gates, biases, softmax and RoPE are elementwise and not counted.
 */
import type {
  AttentionMixer,
  Ffn,
  HyenaMixer,
  Mamba2Mixer,
  MambaMixer,
  MlpFfn,
  Mixer,
  MoeFfn,
  SharedBlock,
} from '../../models/schema';
import type { RoutedExperts, StateTensorSpec, TensorSpec, TpDim } from './types';

export type NormKind = 'rmsnorm' | 'layernorm';

/** The attention a layer runs: what its KV cache and its score/value FLOPs depend on. */
export interface AttentionSpec {
  nHeads: number;
  nKvHeads: number;
  headDim: number;
  window: number | null;
}

export interface BlockCost {
  /** Tensors stored by this block. */
  tensors: TensorSpec[];
  params: number;
  /** Parameters touched per token. */
  activeParams: number;
  /** Multiply-accumulates of the active weight matrices (and conv taps) per token. */
  macsPerToken: number;
  /** Sizes a tensor-parallel degree must divide (heads, channels, widths). */
  tpDims: TpDim[];
  /** Routed expert weights (MoE): a token touches top-k of them. */
  routed: RoutedExperts[];
}

export interface MixerCost extends BlockCost {
  attention: AttentionSpec | null;
  /** Recurrent state kept between decode steps, per sequence. */
  state: StateTensorSpec[];
  /** Scan FLOPs per token (4 per real state element). */
  scanFlopsPerToken: number;
  /** Elements per token the scan kernel reads and writes besides its state (its inputs and outputs). */
  scanIoElementsPerToken: number;
  /** Whether the layer carries a pre-mixer norm for this mixer (false for `none` and for shared-block calls). */
  hasNorm: boolean;
  sharedBlockId: string | null;
}

/** Scan FLOPs per real state element per token: one multiply-add to update, one to read out. */
export const SCAN_FLOPS_PER_STATE_ELEMENT = 4;

function product(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** A stored tensor; `matmul` marks weights that cost one MAC per element per token. */
export function tensor(name: string, shape: number[], matmul = false): TensorSpec {
  return { name, shape, params: product(shape), matmul };
}

function stateTensor(name: string, shape: number[], perPosition = false): StateTensorSpec {
  return { name, shape, elements: product(shape), perPosition };
}

export function sumParams(tensors: readonly TensorSpec[]): number {
  return tensors.reduce((a, t) => a + t.params, 0);
}

export function sumMacs(tensors: readonly TensorSpec[]): number {
  return tensors.reduce((a, t) => a + (t.matmul ? t.params : 0), 0);
}

function dense(tensors: TensorSpec[], tpDims: TpDim[]): BlockCost {
  const params = sumParams(tensors);
  return { tensors, params, activeParams: params, macsPerToken: sumMacs(tensors), tpDims, routed: [] };
}

function prefixed(prefix: string, tensors: readonly TensorSpec[]): TensorSpec[] {
  return tensors.map((t) => ({ ...t, name: `${prefix}${t.name}` }));
}

/** A norm over `width` channels: RMSNorm has a weight; LayerNorm a weight and a bias (HF LlamaRMSNorm / nn.LayerNorm). */
export function normTensors(name: string, width: number, kind: NormKind): TensorSpec[] {
  return kind === 'layernorm'
    ? [tensor(`${name}.weight`, [width]), tensor(`${name}.bias`, [width])]
    : [tensor(`${name}.weight`, [width])];
}

/** dInner = expand · dModel (state-spaces `mamba_simple.py`, `mamba2.py`). */
export function dInner(m: { expand: number }, dModel: number): number {
  return m.expand * dModel;
}

/** dtRank: "auto" = ceil(dModel / 16) (state-spaces `mamba_simple.py`; HF `configuration_jamba.py`). */
export function dtRank(m: MambaMixer, dModel: number): number {
  return m.dtRank === 'auto' ? Math.ceil(dModel / 16) : m.dtRank;
}

/** Mamba-2 heads nh = dInner / headDim (`mamba2.py`). */
export function mamba2Heads(m: Mamba2Mixer, dModel: number): number {
  return dInner(m, dModel) / m.headDim;
}

/** Mamba-2 conv channels: x, B and C go through the conv, convDim = dInner + 2·g·N (`mamba2.py`). */
export function mamba2ConvDim(m: Mamba2Mixer, dModel: number): number {
  return dInner(m, dModel) + 2 * m.nGroups * m.dState;
}

/**
 * Attention (HF `modeling_llama.py` / `modeling_mistral.py` / `modeling_jamba.py`; Zamba's shared attention in
 * `modeling_zamba.py` reads an input `inputWidth` = 2d wide): q [H·hd, in], k and v [KVH·hd, in], o [d, H·hd],
 * biases when `bias`. Cache: k and v, each [KVH, capacity, hd] per sequence.
 */
export function attentionCost(m: AttentionMixer, dModel: number, inputWidth = dModel): MixerCost {
  const q = m.nHeads * m.headDim;
  const kv = m.nKvHeads * m.headDim;
  const tensors = [
    tensor('q_proj.weight', [q, inputWidth], true),
    tensor('k_proj.weight', [kv, inputWidth], true),
    tensor('v_proj.weight', [kv, inputWidth], true),
    tensor('o_proj.weight', [dModel, q], true),
  ];
  if (m.bias) {
    tensors.push(tensor('q_proj.bias', [q]), tensor('k_proj.bias', [kv]), tensor('v_proj.bias', [kv]), tensor('o_proj.bias', [dModel]));
  }
  return {
    // Megatron-LM splits attention by query heads; the KV heads are split or replicated (LayerCost.kvHeads).
    ...dense(tensors, [{ name: 'nHeads', size: m.nHeads }]),
    attention: { nHeads: m.nHeads, nKvHeads: m.nKvHeads, headDim: m.headDim, window: m.slidingWindow },
    state: [],
    scanFlopsPerToken: 0,
    scanIoElementsPerToken: 0,
    hasNorm: true,
    sharedBlockId: null,
  };
}

/**
 * Mamba-1 (state-spaces `mamba_simple.py`; HF `modeling_jamba.py` JambaMambaMixer for the inner norms):
 * in_proj [2di, d] (+2di bias), conv1d [di, 1, K] (+di bias), x_proj [r + 2N, di], dt_proj [di, r] + di bias,
 * A_log [di, N], D [di], out_proj [d, di] (+d bias), Jamba's dt/B/C RMSNorms r + N + N.
 * Decode state (`allocate_inference_cache`): conv_state [di, K], ssm_state [di, N].
 */
export function mambaCost(m: MambaMixer, dModel: number): MixerCost {
  const di = dInner(m, dModel);
  const r = dtRank(m, dModel);
  const N = m.dState;
  const tensors = [tensor('in_proj.weight', [2 * di, dModel], true)];
  if (m.projBias) tensors.push(tensor('in_proj.bias', [2 * di]));
  tensors.push(tensor('conv1d.weight', [di, 1, m.dConv], true));
  if (m.convBias) tensors.push(tensor('conv1d.bias', [di]));
  tensors.push(
    tensor('x_proj.weight', [r + 2 * N, di], true),
    tensor('dt_proj.weight', [di, r], true),
    tensor('dt_proj.bias', [di]),
    tensor('A_log', [di, N]),
    tensor('D', [di]),
    tensor('out_proj.weight', [dModel, di], true),
  );
  if (m.projBias) tensors.push(tensor('out_proj.bias', [dModel]));
  if (m.innerNorms) tensors.push(tensor('dt_layernorm.weight', [r]), tensor('b_layernorm.weight', [N]), tensor('c_layernorm.weight', [N]));
  return {
    // Split by inner channels (Megatron-LM's MambaMixer shards d_inner across tensor-parallel ranks).
    ...dense(tensors, [{ name: 'dInner (expand × dModel)', size: di }]),
    attention: null,
    state: [stateTensor('conv_state', [di, m.dConv]), stateTensor('ssm_state', [di, N])],
    scanFlopsPerToken: SCAN_FLOPS_PER_STATE_ELEMENT * di * N,
    // selective_scan_fn(u, delta, A, B, C, D, z) (`selective_scan_interface.py`): reads u, delta, z [di] and B, C [N],
    // writes y [di]; the state stays on chip.
    scanIoElementsPerToken: 4 * di + 2 * N,
    hasNorm: true,
    sharedBlockId: null,
  };
}

/**
 * Mamba-2 (state-spaces `mamba2.py`): in_proj [2di + 2gN + nh, d] (z, x, B, C, dt), conv1d [convDim, 1, K]
 * (+convDim bias), dt_bias, A_log, D [nh] each, gated RMSNorm [di], out_proj [d, di]; biases on the projections when
 * `projBias`. Decode state: conv_state [convDim, K], ssm_state [nh, P, N].
 */
export function mamba2Cost(m: Mamba2Mixer, dModel: number): MixerCost {
  const di = dInner(m, dModel);
  const nh = mamba2Heads(m, dModel);
  const convDim = mamba2ConvDim(m, dModel);
  const inWidth = 2 * di + 2 * m.nGroups * m.dState + nh;
  const tensors = [tensor('in_proj.weight', [inWidth, dModel], true)];
  if (m.projBias) tensors.push(tensor('in_proj.bias', [inWidth]));
  tensors.push(tensor('conv1d.weight', [convDim, 1, m.dConv], true));
  if (m.convBias) tensors.push(tensor('conv1d.bias', [convDim]));
  tensors.push(
    tensor('dt_bias', [nh]),
    tensor('A_log', [nh]),
    tensor('D', [nh]),
    tensor('norm.weight', [di]),
    tensor('out_proj.weight', [dModel, di], true),
  );
  if (m.projBias) tensors.push(tensor('out_proj.bias', [dModel]));
  return {
    // Megatron-LM's MambaMixer (Mamba-2) needs the heads and the groups to divide by the tensor-parallel size.
    ...dense(tensors, [
      { name: 'Mamba-2 heads (dInner / headDim)', size: nh },
      { name: 'nGroups', size: m.nGroups },
    ]),
    attention: null,
    state: [stateTensor('conv_state', [convDim, m.dConv]), stateTensor('ssm_state', [nh, m.headDim, m.dState])],
    scanFlopsPerToken: SCAN_FLOPS_PER_STATE_ELEMENT * nh * m.headDim * m.dState,
    // mamba_chunk_scan_combined(x, dt, A, B, C, D) (`ssd_combined.py`): reads x [di], dt [nh], B and C [g·N], writes y [di].
    scanIoElementsPerToken: 2 * dInner(m, dModel) + nh + 2 * m.nGroups * m.dState,
    hasNorm: true,
    sharedBlockId: null,
  };
}

/**
 * Hyena (togethercomputer/stripedhyena `model.py`, ParallelGatedConvBlock + ParallelHyenaFilter with
 * hyena_filter_groups = 1): projections [3d, d] (+3d bias), short_filter_weight [3d, 1, Ks] (+3d bias), poles and
 * residues [d, S, 1, 2] each (complex, stored as real/imag pairs), D [d], out_filter_dense [d, d] (+d bias). One
 * flag `projBias` stands for the three biases (all on in the 7B config). Decode state (`engine.py` step_fir /
 * step_iir): fir_state [3d, Ks − 1] (the last Ks − 1 projected inputs) and iir_state [d, S] complex = [d, S, 2] reals.
 */
export function hyenaCost(m: HyenaMixer, dModel: number): MixerCost {
  const d = dModel;
  const S = m.stateSize;
  const tensors = [tensor('projections.weight', [3 * d, d], true)];
  if (m.projBias) tensors.push(tensor('projections.bias', [3 * d]));
  tensors.push(tensor('filter.short_filter_weight', [3 * d, 1, m.shortFilterLength], true));
  if (m.projBias) tensors.push(tensor('filter.short_filter_bias', [3 * d]));
  tensors.push(
    tensor('filter.poles', [d, S, 1, 2]),
    tensor('filter.residues', [d, S, 1, 2]),
    tensor('filter.D', [d]),
    tensor('out_filter_dense.weight', [d, d], true),
  );
  if (m.projBias) tensors.push(tensor('out_filter_dense.bias', [d]));
  const state = [stateTensor('iir_state', [d, S, 2])];
  if (m.shortFilterLength > 1) state.unshift(stateTensor('fir_state', [3 * d, m.shortFilterLength - 1]));
  return {
    // Split by channels (each channel's filter is independent).
    ...dense(tensors, [{ name: 'dModel', size: d }]),
    attention: null,
    state,
    scanFlopsPerToken: SCAN_FLOPS_PER_STATE_ELEMENT * d * S * 2,
    // The long (IIR) filter reads its input [d] and writes its output [d] per token (`engine.py` step_iir).
    scanIoElementsPerToken: 2 * d,
    hasNorm: true,
    sharedBlockId: null,
  };
}

function mlpTensors(f: { width: number; activation: 'swiglu' | 'gelu' }, dModel: number, bias: boolean, experts?: number): TensorSpec[] {
  const lead = experts === undefined ? [] : [experts];
  const up = [...lead, f.width, dModel];
  const down = [...lead, dModel, f.width];
  const tensors: TensorSpec[] = [];
  if (f.activation === 'swiglu') {
    tensors.push(tensor('gate_proj.weight', up, true));
    if (bias) tensors.push(tensor('gate_proj.bias', [...lead, f.width]));
  }
  tensors.push(tensor('up_proj.weight', up, true));
  if (bias) tensors.push(tensor('up_proj.bias', [...lead, f.width]));
  tensors.push(tensor('down_proj.weight', down, true));
  if (bias) tensors.push(tensor('down_proj.bias', [...lead, dModel]));
  return tensors;
}

/**
 * MLP (HF `modeling_llama.py` LlamaMLP): SwiGLU gate, up [f, d] and down [d, f] = 3·d·f; plain GELU up and down
 * = 2·d·f (Megatron-LM's default MLP); biases f (+f) + d when `bias`.
 */
export function mlpCost(f: MlpFfn, dModel: number): BlockCost {
  return dense(mlpTensors(f, dModel, f.bias), [{ name: 'width', size: f.width }]);
}

/**
 * Mixture of experts (HF `modeling_mixtral.py` MixtralSparseMoeBlock, `modeling_jamba.py` JambaSparseMoeBlock):
 * router [E, d] without bias plus E expert MLPs without biases (stacked here as [E, ...]). Active per token: the
 * router and k experts.
 */
export function moeCost(f: MoeFfn, dModel: number): BlockCost {
  const router = tensor('router.weight', [f.nExperts, dModel], true);
  const experts = prefixed('experts.', mlpTensors({ width: f.expertWidth, activation: f.activation }, dModel, false, f.nExperts));
  const perExpert = sumParams(experts) / f.nExperts;
  const perExpertMacs = sumMacs(experts) / f.nExperts;
  return {
    tensors: [router, ...experts],
    params: router.params + sumParams(experts),
    activeParams: router.params + f.topK * perExpert,
    macsPerToken: router.params + f.topK * perExpertMacs,
    tpDims: [{ name: 'expertWidth', size: f.expertWidth }],
    routed: [{ count: f.nExperts, topK: f.topK, paramsPerExpert: perExpert }],
  };
}

/** Any FFN; `none` stores and costs nothing. */
export function ffnCost(f: Ffn, dModel: number): BlockCost {
  switch (f.kind) {
    case 'mlp':
      return mlpCost(f, dModel);
    case 'moe':
      return moeCost(f, dModel);
    case 'none':
      return { tensors: [], params: 0, activeParams: 0, macsPerToken: 0, tpDims: [], routed: [] };
    default:
      return assertNever(f);
  }
}

/** What one call of a shared block costs, besides the block's stored weights. */
export interface SharedBlockSpec {
  cost: BlockCost;
  attention: AttentionSpec;
  perCallLinear: boolean;
}

/**
 * A Zamba-style shared block (HF `modeling_zamba.py`, ZambaAttentionDecoderLayer): input_layernorm over the
 * attention input (2d wide when the embedding is concatenated), attention reading that input with o_proj back to
 * d, pre_ff_layernorm [d] and the FFN. These weights are stored once for all calls.
 */
export function sharedBlockCost(b: SharedBlock, dModel: number, norm: NormKind): SharedBlockSpec {
  const inputWidth = b.concatEmbedding ? 2 * dModel : dModel;
  const attn = attentionCost(b.attention, dModel, inputWidth);
  const ffn = ffnCost(b.ffn, dModel);
  const norms = [...normTensors('input_layernorm', inputWidth, norm), ...normTensors('pre_ff_layernorm', dModel, norm)];
  const normParams = sumParams(norms);
  return {
    cost: {
      tensors: [...norms, ...prefixed('self_attn.', attn.tensors), ...prefixed('feed_forward.', ffn.tensors)],
      params: normParams + attn.params + ffn.params,
      activeParams: normParams + attn.activeParams + ffn.activeParams,
      macsPerToken: attn.macsPerToken + ffn.macsPerToken,
      tpDims: [...attn.tpDims, ...ffn.tpDims],
      routed: ffn.routed,
    },
    attention: attn.attention!,
    perCallLinear: b.perCallLinear,
  };
}

/**
 * Any mixer. A shared-block call stores only its own d×d linear (`linear_layers` in HF `modeling_zamba.py`, no bias)
 * but executes the whole shared block, so its active parameters and MACs include the block's. It has no norm of its
 * own: the block's input_layernorm and pre_ff_layernorm are part of the shared weights.
 */
export function mixerCost(m: Mixer, dModel: number, shared: ReadonlyMap<string, SharedBlockSpec>): MixerCost {
  switch (m.kind) {
    case 'attention':
      return attentionCost(m, dModel);
    case 'mamba':
      return mambaCost(m, dModel);
    case 'mamba2':
      return mamba2Cost(m, dModel);
    case 'hyena':
      return hyenaCost(m, dModel);
    case 'shared': {
      const block = shared.get(m.blockId);
      if (!block) throw new Error(`blockId "${m.blockId}" names no entry of sharedBlocks`);
      const tensors = block.perCallLinear ? [tensor('linear.weight', [dModel, dModel], true)] : [];
      const own = sumParams(tensors);
      return {
        tensors,
        params: own,
        activeParams: own + block.cost.activeParams,
        macsPerToken: sumMacs(tensors) + block.cost.macsPerToken,
        tpDims: block.cost.tpDims,
        routed: block.cost.routed,
        attention: block.attention,
        state: [],
        scanFlopsPerToken: 0,
        scanIoElementsPerToken: 0,
        hasNorm: false,
        sharedBlockId: m.blockId,
      };
    }
    case 'none':
      return { tensors: [], params: 0, activeParams: 0, macsPerToken: 0, tpDims: [], routed: [], attention: null, state: [], scanFlopsPerToken: 0, scanIoElementsPerToken: 0, hasNorm: false, sharedBlockId: null };
    default:
      return assertNever(m);
  }
}

export function assertNever(x: never): never {
  throw new Error(`unexpected kind ${JSON.stringify(x)}`);
}

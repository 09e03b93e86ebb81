/**
 * The cost model's public types. All sizes in bytes (the UI shows binary units), parameters as plain counts.
 */
import type { Dtype, FfnKind, MixerKind } from '../../models/schema';

export interface CostOptions {
  /** Weight dtype; defaults to the design's dtype. */
  dtype?: Dtype;
  /** KV-cache and state dtype; defaults to the weight dtype (fp32 for measured runs). */
  cacheDtype?: Dtype;
  /** Batch size (sequences), default 1. */
  batch?: number;
}

/** One stored tensor, as the reference implementation names and shapes it (e.g. `in_proj.weight` [8192, 4096]). */
export interface TensorSpec {
  name: string;
  shape: number[];
  /** Elements (the product of `shape`). */
  params: number;
  /** True for weights that take part in a multiply-accumulate per token (linear weights, conv taps). */
  matmul: boolean;
}

/** One tensor a decode step keeps per sequence (multiply by the batch for the allocation). */
export interface StateTensorSpec {
  name: string;
  /**
   * Shape for one sequence without the batch axis. For KV tensors (`perPosition`) the shape of one position,
   * [nKvHeads, headDim]: the runtime allocates (batch, nKvHeads, capacity, headDim).
   */
  shape: number[];
  /** Elements per sequence (for KV tensors: per position of context). */
  elements: number;
  /** True for KV tensors, whose size grows with the context (up to a sliding window). */
  perPosition: boolean;
}

/**
 * A size tensor parallelism splits a layer by (heads or channels, named as the schema names them): a TP degree must
 * divide it (Megatron-LM's ColumnParallelLinear / RowParallelLinear split whole heads and channels).
 */
export interface TpDim {
  name: string;
  size: number;
}

/** Weights routed per token: a token touches `topK` of `count` experts of `paramsPerExpert` parameters each. */
export interface RoutedExperts {
  count: number;
  topK: number;
  paramsPerExpert: number;
}

export interface LayerCost {
  index: number;
  mixer: MixerKind;
  ffn: FfnKind;
  /** Parameters stored for this layer (a shared block's weights are counted once, at the design level). */
  params: number;
  /** Parameters touched per token (MoE: router + top-k experts). */
  activeParams: number;
  /**
   * KV-cache bytes this layer adds per token of context for the whole batch (2 × KVH × hd × cache bytes × batch;
   * 0 for non-attention), before any sliding-window cap.
   */
  kvBytesPerToken: number;
  /** Sliding window, or null: the KV cache of this layer stops growing past it. */
  kvWindow: number | null;
  /** Recurrent state bytes for the whole batch, constant in sequence length. */
  stateBytes: number;
  /** The layer's stored tensors, one by one (shared-block weights are listed in `DesignCost.sharedBlocks`). */
  tensors: TensorSpec[];
  /** What a decode step keeps for this layer: KV tensors (per position) and/or recurrent state tensors. */
  cacheTensors: StateTensorSpec[];
  /** Decode FLOPs per token that do not depend on the context (2 x MACs of the active weights + scan), per sequence. */
  flopsPerTokenFixed: number;
  /** Recurrent scan FLOPs per token (included in `flopsPerTokenFixed`), per sequence. */
  scanFlopsPerToken: number;
  /** Attention FLOPs per token per position of context attended (4 x heads x head dim), per sequence; 0 if none. */
  attnFlopsPerContextToken: number;
  /** The shared block this layer calls, or null. */
  sharedBlockId: string | null;
  /** KV heads of the layer's KV cache (0 when it keeps none); a TP split shards the cache by them. */
  kvHeads: number;
  /** Sizes a tensor-parallel degree must divide (heads, channels, FFN width), for the mixer and the FFN. */
  tpDims: TpDim[];
  /** Routed expert weights of the layer (MoE), empty when every token touches all of its weights. */
  routed: RoutedExperts[];
  /**
   * Elements per token the recurrent scan kernel reads and writes besides its state (its inputs and outputs), per
   * sequence; 0 for layers without a scan.
   */
  scanIoElementsPerToken: number;
  /**
   * Residual branches (mixer, FFN, a called shared block's two): each ends in an output projection whose partial sums a
   * tensor-parallel split all-reduces once per forward (Megatron-LM, Shoeybi et al. 2019, section 3).
   */
  residualBranches: number;
}

export interface CostPoint {
  seqLen: number;
  kvCacheBytes: number;
  stateBytes: number;
  weightBytes: number;
  totalBytes: number;
  /** Forward FLOPs for one token at context seqLen (decode); matmul FLOPs = 2 x MACs. */
  flopsPerToken: number;
  /** Average FLOPs per token when prefilling seqLen tokens. */
  prefillFlopsPerToken: number;
}

/** A shared (Zamba-style) block: stored once, executed at every call. */
export interface SharedBlockCost {
  id: string;
  /** Stored parameters of the block (attention, FFN and its two norms), counted once in the total. */
  params: number;
  /** Parameters touched by one call (MoE: top-k experts), excluding the call's own linear. */
  activeParams: number;
  /** Number of layers that call it. */
  calls: number;
  tensors: TensorSpec[];
}

export interface DesignCost {
  name: string;
  /** Hidden size d (the width of the residual stream). */
  dModel: number;
  vocabSize: number;
  params: {
    total: number;
    /**
     * Distinct stored parameters a token touches (MoE: router + top-k experts). A shared block counts once however
     * often it is called, so `active <= total` always holds.
     */
    active: number;
    embedding: number;
    lmHead: number;
    shared: number;
    /** Final norm before the LM head. */
    finalNorm: number;
    /**
     * Parameters executed per token, with multiplicity: a shared block called at k sites counts k times (it does
     * k times the work). Equals `active` when no shared block is called twice.
     */
    activeWithRepeats: number;
  };
  layers: LayerCost[];
  weightBytes: number;
  stateBytes: number;
  /** The resolved options every byte figure uses. */
  dtype: Dtype;
  cacheDtype: Dtype;
  batch: number;
  /** KV bytes per token of context summed over layers, grouped by sliding window (null = unbounded). */
  kvGroups: { window: number | null; bytesPerToken: number; layers: number }[];
  /** Attention FLOPs per context position summed over layers, grouped by sliding window, per sequence. */
  attnFlopGroups: { window: number | null; flopsPerContextToken: number }[];
  /** Decode FLOPs per token independent of context, per sequence (all layers + LM head). */
  flopsPerTokenFixed: number;
  sharedBlocks: SharedBlockCost[];
}

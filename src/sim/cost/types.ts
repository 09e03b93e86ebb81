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

export interface LayerCost {
  index: number;
  mixer: MixerKind;
  ffn: FfnKind;
  /** Parameters stored for this layer (a shared block's weights are counted once, at the design level). */
  params: number;
  /** Parameters touched per token (MoE: router + top-k experts). */
  activeParams: number;
  /** KV-cache bytes this layer adds per token of context (0 for non-attention), before any sliding-window cap. */
  kvBytesPerToken: number;
  /** Sliding window, or null: the KV cache of this layer stops growing past it. */
  kvWindow: number | null;
  /** Recurrent state bytes, constant in sequence length. */
  stateBytes: number;
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

export interface DesignCost {
  name: string;
  params: { total: number; active: number; embedding: number; lmHead: number; shared: number };
  layers: LayerCost[];
  weightBytes: number;
  stateBytes: number;
}

/**
 * Zamba's shared attention+MLP block (HF `modeling_zamba.py`, `ZambaAttentionDecoderLayer` and `ZambaHybridLayer`):
 * one set of weights stored once and called at several layers. At each call site:
 *   u = concat(hidden, original embedding)            (b, l, 2d)  when concatEmbedding, else hidden
 *   a = attention(input_layernorm(u))                  (b, l, d)   the call site's own KV cache
 *   t = feed_forward(pre_ff_layernorm(a))              (b, l, d)
 *   y = linear_i(t)                                    (b, l, d)   each call's own d x d linear, when perCallLinear
 * and the decoder adds y to the residual stream (Zamba adds it to the hidden state before the Mamba block).
 * The block has its own input norm, so the decoder passes it the un-normalised hidden state.
 *
 * Zamba2's per-call low-rank adapters (HF `modeling_zamba2.py`): a call adds (x A) B to the output of each adapted
 * projection W. Since x W + (x A) B = x (W + A B), a call with adapters runs its own copy of the attention and MLP
 * weights with A B added ({@link mergeLowRank}); the block's stored weights are untouched.
 */
import * as tf from '@tensorflow/tfjs';
import type { Design, SharedBlock } from '../../models/schema';
import type { KvCapacityPolicy } from '../../sim/protocol';
import type { ForwardContext, LayerCache, RuntimeMixer } from '../../sim/runtime/types';
import { CONSTANT_TENSORS, linearParam, randnParam, type Param, type TensorSource } from '../../sim/runtime/params';
import type { Rng } from '../../sim/runtime/rng';
import { AttentionCore, attentionDims, initAttentionWeights, type AttentionWeights, type KvCache } from '../attention/layer';
import { MlpLayer, initMlpFromDesign, type MlpWeights } from '../mlp/layer';
import { MoeLayer, initMoeFromDesign, type MoeCombine, type MoeWeights } from '../moe/layer';
import { NormLayer, initNormWeights, type NormWeights } from '../../sim/runtime/layers/norm';

export type SharedFfnWeights = { kind: 'mlp'; weights: MlpWeights } | { kind: 'moe'; weights: MoeWeights };

export interface SharedBlockWeights {
  id: string;
  concatEmbedding: boolean;
  /** Norm over the attention input (2d or d). */
  inputNorm: NormWeights;
  attention: AttentionWeights;
  /** Norm over the FFN input (d). */
  preFfNorm: NormWeights;
  ffn: SharedFfnWeights;
}

/** One low-rank adapter: A (in, r) then B (r, out), so the adapted projection is x W + (x A) B. */
export interface LowRankWeights {
  a: Param;
  b: Param;
}

/** A call's adapters (Zamba2); each null when that projection is not adapted. */
export interface SharedCallAdapters {
  q: LowRankWeights | null;
  k: LowRankWeights | null;
  v: LowRankWeights | null;
  /** On the FFN input: B's columns are gate then up for a gated MLP (HF `gate_up_proj` order), up only otherwise. */
  ffn: LowRankWeights | null;
}

export interface SharedCallWeights {
  blockId: string;
  /** (d, d) per-call output linear, or null. */
  linear: Param | null;
  adapters: SharedCallAdapters | null;
}

/**
 * W + A B over columns [col0, col0 + out) of B: the weight a projection with a low-rank adapter behaves as
 * (x W + (x A) B = x (W + A B)). Sums in Float64.
 */
export function mergeLowRank(w: Param, lr: LowRankWeights, col0 = 0): Param {
  const [dIn, dOut] = w.shape as [number, number];
  const r = lr.a.shape[1]!;
  const bCols = lr.b.shape[1]!;
  const out = new Float32Array(w.data);
  for (let i = 0; i < dIn; i++) {
    for (let j = 0; j < dOut; j++) {
      let acc = 0;
      for (let k = 0; k < r; k++) acc += lr.a.data[i * r + k]! * lr.b.data[k * bCols + col0 + j]!;
      out[i * dOut + j] = w.data[i * dOut + j]! + acc;
    }
  }
  return { shape: [dIn, dOut], data: out };
}

/** The weights one call runs: the block's, with the call's adapters merged in; the block's own when it has none. */
export function callBlockWeights(block: SharedBlockWeights, call: SharedCallWeights): SharedBlockWeights {
  const ad = call.adapters;
  if (!ad) return block;
  const at = block.attention;
  const attention = {
    ...at,
    wq: ad.q ? mergeLowRank(at.wq, ad.q) : at.wq,
    wk: ad.k ? mergeLowRank(at.wk, ad.k) : at.wk,
    wv: ad.v ? mergeLowRank(at.wv, ad.v) : at.wv,
  };
  let ffn = block.ffn;
  if (ad.ffn && ffn.kind === 'mlp') {
    const m = ffn.weights;
    const f = m.up.shape[1]!;
    ffn = m.gate
      ? { kind: 'mlp', weights: { ...m, gate: mergeLowRank(m.gate, ad.ffn, 0), up: mergeLowRank(m.up, ad.ffn, f) } }
      : { kind: 'mlp', weights: { ...m, up: mergeLowRank(m.up, ad.ffn, 0) } };
  }
  return { ...block, attention, ffn };
}

/** Seeded weights of a shared block of the design. */
export function initSharedBlockWeights(block: SharedBlock, design: Pick<Design, 'dModel' | 'norm'>, rng: Rng): SharedBlockWeights {
  const d = design.dModel;
  const dIn = block.concatEmbedding ? 2 * d : d;
  return {
    id: block.id,
    concatEmbedding: block.concatEmbedding,
    inputNorm: initNormWeights(design.norm, dIn, rng.fork(1)),
    attention: initAttentionWeights(attentionDims(block.attention, dIn, d), block.attention.bias, rng.fork(2)),
    preFfNorm: initNormWeights(design.norm, d, rng.fork(3)),
    ffn: block.ffn.kind === 'mlp' ? { kind: 'mlp', weights: initMlpFromDesign(block.ffn, d, rng.fork(4)) } : { kind: 'moe', weights: initMoeFromDesign(block.ffn, d, rng.fork(4)) },
  };
}

/** Seeded per-call weights (adapters drawn small and non-zero, so a wrong merge shows in tests). */
export function initSharedCallWeights(block: SharedBlock, d: number, rng: Rng): SharedCallWeights {
  const linear = block.perCallLinear ? linearParam(rng, d, d) : null;
  const a = block.adapters;
  if (!a) return { blockId: block.id, linear, adapters: null };
  const dIn = block.concatEmbedding ? 2 * d : d;
  const lowRank = (k: number, inW: number, outW: number): LowRankWeights => ({ a: linearParam(rng.fork(100 + 2 * k), inW, a.rank), b: randnParam(rng.fork(101 + 2 * k), [a.rank, outW], 0.5 / Math.sqrt(a.rank)) });
  const at = block.attention;
  const gated = block.ffn.kind === 'mlp' && block.ffn.activation !== 'gelu';
  const f = block.ffn.kind === 'mlp' ? block.ffn.width : 0;
  return {
    blockId: block.id,
    linear,
    adapters: {
      q: a.attention ? lowRank(0, dIn, at.nHeads * at.headDim) : null,
      k: a.attention ? lowRank(1, dIn, at.nKvHeads * at.headDim) : null,
      v: a.attention ? lowRank(2, dIn, at.nKvHeads * at.headDim) : null,
      ffn: a.mlp && block.ffn.kind === 'mlp' ? lowRank(3, d, gated ? 2 * f : f) : null,
    },
  };
}

/** The shared tensors of one block; owned by the model and disposed once, whatever the number of call sites. */
export class SharedBlockTensors {
  readonly inputNorm: NormLayer;
  readonly attention: AttentionCore;
  readonly preFfNorm: NormLayer;
  readonly ffn: MlpLayer | MoeLayer;
  constructor(
    readonly weights: SharedBlockWeights,
    combine: MoeCombine,
    src: TensorSource = CONSTANT_TENSORS,
  ) {
    this.inputNorm = new NormLayer(weights.inputNorm, src);
    this.attention = new AttentionCore(weights.attention, src);
    this.preFfNorm = new NormLayer(weights.preFfNorm, src);
    this.ffn = weights.ffn.kind === 'mlp' ? new MlpLayer(weights.ffn.weights, src) : new MoeLayer(weights.ffn.weights, combine, src);
  }
  dispose(): void {
    this.inputNorm.dispose();
    this.attention.dispose();
    this.preFfNorm.dispose();
    this.ffn.dispose();
  }
}

/** One call site of a shared block: the `shared` mixer. Disposing it frees only its own per-call linear. */
export class SharedMixer implements RuntimeMixer {
  readonly kind = 'shared' as const;
  private readonly linear: tf.Tensor2D | null;
  /** The call's own attention and FFN when it has adapters (the block's weights with A B added), else null. */
  private readonly own: SharedBlockTensors | null;
  private readonly attention: AttentionCore;
  private readonly ffn: MlpLayer | MoeLayer;
  constructor(
    readonly block: SharedBlockTensors,
    readonly call: SharedCallWeights,
    combine: MoeCombine = 'dense',
    src: TensorSource = CONSTANT_TENSORS,
  ) {
    // The adapters are merged into copies of the block's weights (W + A B, in Float64): right for inference, but a
    // trainable source would then train the copies, not W, A and B. The lab profile drops adapters (labProfile.ts).
    if (call.adapters && src.trainable) throw new Error(`shared block "${call.blockId}": per-call LoRA adapters cannot be trained (the lab copy drops them)`);
    this.linear = call.linear ? (src.tensor(call.linear) as tf.Tensor2D) : null;
    this.own = call.adapters ? new SharedBlockTensors(callBlockWeights(block.weights, call), combine) : null;
    this.attention = (this.own ?? block).attention;
    this.ffn = (this.own ?? block).ffn;
  }

  /** This call site's own KV cache (grows in buckets like any attention cache). */
  createCache(batch: number, capacity: number, policy?: KvCapacityPolicy): LayerCache {
    return this.attention.createCache(batch, capacity, policy);
  }

  private input(x: tf.Tensor3D, ctx: ForwardContext): tf.Tensor3D {
    if (!this.block.weights.concatEmbedding) return this.block.inputNorm.apply(x);
    if (!ctx.embeddings) throw new Error('shared block: the original embeddings are missing from the forward context');
    return tf.tidy(() => this.block.inputNorm.apply(tf.concat([x, ctx.embeddings!], 2)));
  }

  private after(a: tf.Tensor3D): tf.Tensor3D {
    return tf.tidy(() => {
      const t = this.ffn.apply(this.block.preFfNorm.apply(a));
      if (!this.linear) return t;
      const [b, l, d] = t.shape;
      return tf.reshape(tf.matMul(tf.reshape(t, [b * l, d]), this.linear), [b, l, d]);
    });
  }

  prefill(x: tf.Tensor3D, cache: LayerCache | null, ctx: ForwardContext): tf.Tensor3D {
    const u = this.input(x, ctx);
    const a = this.attention.prefill(u, cache as KvCache | null);
    u.dispose();
    const y = this.after(a);
    a.dispose();
    return y;
  }

  decode(x: tf.Tensor3D, cache: LayerCache, pos: number, ctx: ForwardContext): tf.Tensor3D {
    const u = this.input(x, ctx);
    const a = this.attention.decode(u, cache as KvCache, pos);
    u.dispose();
    const y = this.after(a);
    a.dispose();
    return y;
  }

  dispose(): void {
    this.linear?.dispose();
    this.own?.dispose();
  }
}

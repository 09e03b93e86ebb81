/**
 * Zamba's shared attention+MLP block (HF `modeling_zamba.py`, `ZambaAttentionDecoderLayer` and `ZambaHybridLayer`):
 * one set of weights stored once and called at several layers. At each call site:
 *   u = concat(hidden, original embedding)            (b, l, 2d)  when concatEmbedding, else hidden
 *   a = attention(input_layernorm(u))                  (b, l, d)   the call site's own KV cache
 *   t = feed_forward(pre_ff_layernorm(a))              (b, l, d)
 *   y = linear_i(t)                                    (b, l, d)   each call's own d x d linear, when perCallLinear
 * and the decoder adds y to the residual stream (Zamba adds it to the hidden state before the Mamba block).
 * The block has its own input norm, so the decoder passes it the un-normalised hidden state.
 */
import * as tf from '@tensorflow/tfjs';
import type { Design, SharedBlock } from '../../models/schema';
import type { KvCapacityPolicy } from '../../sim/protocol';
import type { ForwardContext, LayerCache, RuntimeMixer } from '../../sim/runtime/types';
import { linearParam, paramTensor, type Param } from '../../sim/runtime/params';
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

export interface SharedCallWeights {
  blockId: string;
  /** (d, d) per-call output linear, or null. */
  linear: Param | null;
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

/** Seeded per-call weights. */
export function initSharedCallWeights(block: SharedBlock, d: number, rng: Rng): SharedCallWeights {
  return { blockId: block.id, linear: block.perCallLinear ? linearParam(rng, d, d) : null };
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
  ) {
    this.inputNorm = new NormLayer(weights.inputNorm);
    this.attention = new AttentionCore(weights.attention);
    this.preFfNorm = new NormLayer(weights.preFfNorm);
    this.ffn = weights.ffn.kind === 'mlp' ? new MlpLayer(weights.ffn.weights) : new MoeLayer(weights.ffn.weights, combine);
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
  constructor(
    readonly block: SharedBlockTensors,
    readonly call: SharedCallWeights,
  ) {
    this.linear = call.linear ? (paramTensor(call.linear) as tf.Tensor2D) : null;
  }

  /** This call site's own KV cache (grows in buckets like any attention cache). */
  createCache(batch: number, capacity: number, policy?: KvCapacityPolicy): LayerCache {
    return this.block.attention.createCache(batch, capacity, policy);
  }

  private input(x: tf.Tensor3D, ctx: ForwardContext): tf.Tensor3D {
    if (!this.block.weights.concatEmbedding) return this.block.inputNorm.apply(x);
    if (!ctx.embeddings) throw new Error('shared block: the original embeddings are missing from the forward context');
    return tf.tidy(() => this.block.inputNorm.apply(tf.concat([x, ctx.embeddings!], 2)));
  }

  private after(a: tf.Tensor3D): tf.Tensor3D {
    return tf.tidy(() => {
      const t = this.block.ffn.apply(this.block.preFfNorm.apply(a));
      if (!this.linear) return t;
      const [b, l, d] = t.shape;
      return tf.reshape(tf.matMul(tf.reshape(t, [b * l, d]), this.linear), [b, l, d]);
    });
  }

  prefill(x: tf.Tensor3D, cache: LayerCache | null, ctx: ForwardContext): tf.Tensor3D {
    const u = this.input(x, ctx);
    const a = this.block.attention.prefill(u, cache as KvCache | null);
    u.dispose();
    const y = this.after(a);
    a.dispose();
    return y;
  }

  decode(x: tf.Tensor3D, cache: LayerCache, pos: number, ctx: ForwardContext): tf.Tensor3D {
    const u = this.input(x, ctx);
    const a = this.block.attention.decode(u, cache as KvCache, pos);
    u.dispose();
    const y = this.after(a);
    a.dispose();
    return y;
  }

  dispose(): void {
    this.linear?.dispose();
  }
}

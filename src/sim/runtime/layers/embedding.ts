/**
 * Token embedding and LM head. The head is `h @ E^T` when the embeddings are tied (Zamba, Mamba), else its own
 * (d, V) weight (Jamba's untied `lm_head`). Glossary: V = vocabSize, d = dModel.
 */
import * as tf from '@tensorflow/tfjs';
import { CONSTANT_TENSORS, randnParam, type Param, type TensorSource } from '../params';
import type { Rng } from '../rng';

export interface EmbeddingWeights {
  /** (V, d). */
  table: Param;
  /** (d, V), or null when tied to the table. */
  lmHead: Param | null;
}

/** Seeded embedding (std 1, so the first norm sees O(1) inputs) and head weights. */
export function initEmbeddingWeights(vocab: number, d: number, tied: boolean, rng: Rng): EmbeddingWeights {
  return {
    table: randnParam(rng.fork(1), [vocab, d], 1),
    lmHead: tied ? null : randnParam(rng.fork(2), [d, vocab], 1 / Math.sqrt(d)),
  };
}

/** Embedding lookup and LM head. */
export class EmbeddingLayer {
  private readonly table: tf.Tensor2D;
  private readonly head: tf.Tensor2D | null;
  constructor(
    readonly weights: EmbeddingWeights,
    src: TensorSource = CONSTANT_TENSORS,
  ) {
    this.table = src.tensor(weights.table) as tf.Tensor2D;
    this.head = weights.lmHead ? (src.tensor(weights.lmHead) as tf.Tensor2D) : null;
  }

  get vocabSize(): number {
    return this.table.shape[0];
  }

  /** ids: (b, l) int32 -> (b, l, d). */
  embed(ids: tf.Tensor2D): tf.Tensor3D {
    const [b, l] = ids.shape;
    return tf.tidy(() => tf.reshape(tf.gather(this.table, tf.reshape(ids, [b * l])), [b, l, this.table.shape[1]]));
  }

  /** h: (n, d) -> logits (n, V). */
  logits(h: tf.Tensor2D): tf.Tensor2D {
    return this.head ? tf.matMul(h, this.head) : tf.matMul(h, this.table, false, true);
  }

  dispose(): void {
    this.table.dispose();
    this.head?.dispose();
  }
}

/**
 * RMSNorm and LayerNorm over the last axis.
 * RMSNorm: y = x / sqrt(mean(x²) + eps) * w (HF `JambaRMSNorm`, eps 1e-6).
 * LayerNorm: y = (x - mean) / sqrt(var + eps) * w + b (torch `nn.LayerNorm`, biased variance, eps 1e-5).
 */
import * as tf from '@tensorflow/tfjs';
import { CONSTANT_TENSORS, gainParam, type Param, type TensorSource } from '../params';
import type { Rng } from '../rng';

export type NormKind = 'rmsnorm' | 'layernorm';

export interface NormWeights {
  kind: NormKind;
  eps: number;
  /** (d) gain. */
  weight: Param;
  /** (d) bias, LayerNorm only. */
  bias: Param | null;
}

/** Default epsilon per norm kind (Jamba's rms_norm_eps 1e-6; torch LayerNorm 1e-5). */
export const NORM_EPS: Record<NormKind, number> = { rmsnorm: 1e-6, layernorm: 1e-5 };

/** Seeded norm weights over d features. */
export function initNormWeights(kind: NormKind, d: number, rng: Rng): NormWeights {
  return {
    kind,
    eps: NORM_EPS[kind],
    weight: gainParam(rng, d),
    bias: kind === 'layernorm' ? { shape: [d], data: rng.normals(d, 0.1) } : null,
  };
}

/** A norm over the last axis of any tensor. */
export class NormLayer {
  private readonly w: tf.Tensor1D;
  private readonly b: tf.Tensor1D | null;
  constructor(
    readonly weights: NormWeights,
    src: TensorSource = CONSTANT_TENSORS,
  ) {
    this.w = src.tensor(weights.weight) as tf.Tensor1D;
    this.b = weights.bias ? (src.tensor(weights.bias) as tf.Tensor1D) : null;
  }

  apply<T extends tf.Tensor>(x: T): T {
    return tf.tidy(() => {
      const last = x.rank - 1;
      if (this.weights.kind === 'rmsnorm') {
        const ms = tf.mean(tf.square(x), last, true);
        return tf.mul(tf.mul(x, tf.rsqrt(tf.add(ms, this.weights.eps))), this.w) as T;
      }
      const { mean, variance } = tf.moments(x, last, true);
      const y = tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, this.weights.eps))), this.w);
      return (this.b ? tf.add(y, this.b) : y) as T;
    });
  }

  dispose(): void {
    this.w.dispose();
    this.b?.dispose();
  }
}

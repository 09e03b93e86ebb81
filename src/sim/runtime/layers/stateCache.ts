/**
 * The recurrent-state cache of the state-space mixers (role 'state'): a fixed list of named float32 tensors whose
 * shapes never depend on the sequence length. `replace` swaps in new tensors and disposes the old ones.
 * Also holds small tfjs helpers the state-space layers share.
 */
import * as tf from '@tensorflow/tfjs';
import type { LayerCache } from '../types';

export class StateCache implements LayerCache {
  readonly role = 'state' as const;
  private held: tf.Tensor[];

  /** @param names names of the state tensors, in order (e.g. conv_state, ssm_state). */
  constructor(
    readonly names: readonly string[],
    shapes: readonly number[][],
  ) {
    if (names.length !== shapes.length) throw new Error('StateCache: one shape per name');
    this.held = shapes.map((s) => tf.zeros(s));
  }

  /** The state tensors, in the order of `names`. */
  tensors(): tf.Tensor[] {
    return [...this.held];
  }

  /** The tensor named `name`. */
  get(name: string): tf.Tensor {
    const i = this.names.indexOf(name);
    const t = this.held[i];
    if (i < 0 || !t) throw new Error(`StateCache: no state named "${name}"`);
    return t;
  }

  /** Takes ownership of `next` (same order and shapes as `names`) and disposes the tensors held before. */
  replace(next: tf.Tensor[]): void {
    if (next.length !== this.held.length) throw new Error(`StateCache: expected ${this.held.length} tensors, got ${next.length}`);
    next.forEach((t, i) => {
      const old = this.held[i]!;
      if (!tf.util.arraysEqual(t.shape, old.shape)) throw new Error(`StateCache: ${this.names[i]} shape ${t.shape} differs from ${old.shape}`);
    });
    const old = this.held;
    this.held = next;
    tf.dispose(old);
  }

  dispose(): void {
    tf.dispose(this.held);
    this.held = [];
  }
}

/** x·sigmoid(x). */
export function silu(x: tf.Tensor): tf.Tensor {
  return tf.mul(x, tf.sigmoid(x));
}

/** (b, l, in) @ (in, out) [+ bias] -> (b, l, out). */
export function linear3d(x: tf.Tensor3D, w: tf.Tensor2D, bias: tf.Tensor1D | null): tf.Tensor3D {
  const [b, l, din] = x.shape;
  const y = tf.matMul(tf.reshape(x, [b * l, din]), w);
  return tf.reshape(bias ? tf.add(y, bias) : y, [b, l, w.shape[1]]);
}

/** RMSNorm over the last axis with gain w (HF `JambaRMSNorm`). */
export function rmsNorm(x: tf.Tensor, w: tf.Tensor1D, eps: number): tf.Tensor {
  return tf.mul(tf.mul(x, tf.rsqrt(tf.add(tf.mean(tf.square(x), -1, true), eps))), w);
}

/**
 * Causal depthwise conv1d over (b, l, ch) with taps (1, K, ch, 1) (`depthwiseConv2d` in one kernel): left-pads K−1
 * zeros, so tap K−1 multiplies the current token as torch's conv1d(padding = K−1)[..., :l] does. Returns the output
 * (b, l, ch) and the padded input (b, l + K − 1, ch), from which the caller takes the conv state.
 */
export function causalDepthwiseConv(x: tf.Tensor3D, filter: tf.Tensor4D, bias: tf.Tensor1D | null): { y: tf.Tensor3D; padded: tf.Tensor3D } {
  const [b, l, ch] = x.shape;
  const K = filter.shape[1];
  const padded = K > 1 ? tf.pad(x, [[0, 0], [K - 1, 0], [0, 0]]) : x;
  const conv = tf.reshape(tf.depthwiseConv2d(tf.reshape(padded, [b, 1, l + K - 1, ch]) as tf.Tensor4D, filter, 1, 'valid'), [b, l, ch]);
  return { y: (bias ? tf.add(conv, bias) : conv) as tf.Tensor3D, padded };
}

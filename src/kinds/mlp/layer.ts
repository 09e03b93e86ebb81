/**
 * Position-wise feed-forward blocks.
 * SwiGLU: down(silu(x Wgate) * (x Wup)) (HF `JambaMLP` / `LlamaMLP`, no bias).
 * GeGLU:  down(gelu(x Wgate) * (x Wup)) (the gated-GeLU MLP of Zamba2 / RecurrentGemma; exact erf GELU here).
 * GELU:   down(gelu(x Wup + bup)) + bdown (exact erf GELU, torch `nn.GELU()`; Megatron's non-gated MLP).
 * ReLU²:  down(relu(x Wup)²) (Nemotron-H, Megatron `--squared-relu`, mlx `nemotron_h.py`).
 * Glossary: d = dModel, f = width.
 */
import * as tf from '@tensorflow/tfjs';
import { isGatedActivation, type FfnActivation, type MlpFfn } from './spec';
import type { RuntimeFfn } from '../../sim/runtime/types';
import { constParam, linear, linearParam, paramTensor, type Param } from '../../sim/runtime/params';
import type { Rng } from '../../sim/runtime/rng';

export type Activation = FfnActivation;

/** Exact GELU, x/2 (1 + erf(x/√2)) (torch `nn.GELU()`). */
function gelu(x: tf.Tensor): tf.Tensor {
  return tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1));
}

export interface MlpWeights {
  activation: Activation;
  /** (d, f); gated activations (swiglu, geglu) only. */
  gate: Param | null;
  /** (d, f). */
  up: Param;
  /** (f, d). */
  down: Param;
  /** (f) and (d) biases, when the design asks for them. */
  upBias: Param | null;
  downBias: Param | null;
  gateBias: Param | null;
}

/** Seeded MLP weights. */
export function initMlpWeights(activation: Activation, d: number, f: number, bias: boolean, rng: Rng): MlpWeights {
  const r = [rng.fork(1), rng.fork(2), rng.fork(3)] as const;
  const gated = isGatedActivation(activation);
  return {
    activation,
    gate: gated ? linearParam(r[0], d, f) : null,
    up: linearParam(r[1], d, f),
    down: linearParam(r[2], f, d),
    gateBias: bias && gated ? constParam([f], 0.01) : null,
    upBias: bias ? constParam([f], 0.02) : null,
    downBias: bias ? constParam([d], -0.01) : null,
  };
}

/** Weights for an `mlp` FFN of the design. */
export function initMlpFromDesign(ffn: MlpFfn, d: number, rng: Rng): MlpWeights {
  return initMlpWeights(ffn.activation, d, ffn.width, ffn.bias, rng);
}

/** Tensors of one MLP; also used for each MoE expert. */
export class MlpTensors {
  readonly gate: tf.Tensor2D | null;
  readonly up: tf.Tensor2D;
  readonly down: tf.Tensor2D;
  readonly gateBias: tf.Tensor1D | null;
  readonly upBias: tf.Tensor1D | null;
  readonly downBias: tf.Tensor1D | null;
  constructor(readonly weights: MlpWeights) {
    const t = <T extends tf.Tensor>(p: Param | null) => (p ? (paramTensor(p) as T) : null);
    this.gate = t<tf.Tensor2D>(weights.gate);
    this.up = paramTensor(weights.up) as tf.Tensor2D;
    this.down = paramTensor(weights.down) as tf.Tensor2D;
    this.gateBias = t<tf.Tensor1D>(weights.gateBias);
    this.upBias = t<tf.Tensor1D>(weights.upBias);
    this.downBias = t<tf.Tensor1D>(weights.downBias);
  }

  /** x: (n, d) -> (n, d). */
  forward(x: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      const u = linear(x, this.up, this.upBias ?? undefined); // (n, f)
      const act = this.weights.activation;
      let h: tf.Tensor2D;
      if (this.gate) {
        const g = linear(x, this.gate, this.gateBias ?? undefined); // (n, f)
        h = tf.mul(act === 'geglu' ? gelu(g) : tf.mul(g, tf.sigmoid(g)), u);
      } else {
        h = act === 'relu2' ? tf.square(tf.relu(u)) : (gelu(u) as tf.Tensor2D);
      }
      return linear(h, this.down, this.downBias ?? undefined);
    });
  }

  dispose(): void {
    for (const t of [this.gate, this.up, this.down, this.gateBias, this.upBias, this.downBias]) t?.dispose();
  }
}

/** The `mlp` FFN. */
export class MlpLayer implements RuntimeFfn {
  readonly kind = 'mlp' as const;
  private readonly t: MlpTensors;
  constructor(readonly weights: MlpWeights) {
    this.t = new MlpTensors(weights);
  }

  apply(x: tf.Tensor3D): tf.Tensor3D {
    const [b, l, d] = x.shape;
    return tf.tidy(() => this.t.forward(tf.reshape(x, [b * l, d])).reshape([b, l, d]));
  }

  dispose(): void {
    this.t.dispose();
  }
}

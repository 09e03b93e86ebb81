/**
 * Mixture of experts (HF `modeling_jamba.py`, `JambaSparseMoeBlock`): router logits = x Wr (no bias),
 * p = softmax(logits), keep the top-k probabilities *without* renormalising them (Jamba, unlike Mixtral), and
 * y = sum over the k selected experts of p_e * expert_e(x), each expert a SwiGLU (or GELU) MLP.
 * Glossary: E = nExperts, k = topK, f = expertWidth.
 *
 * Two combine strategies, both exact (they compute the same sum):
 * - `gather` (cpu, wasm): reads the top-k indices back, gathers each expert's tokens, runs the expert on those rows
 *   only, concatenates the results and gathers them back into (token, slot) order, then sums the k slots. Uses only
 *   GatherV2/Concat, never UnsortedSegmentSum (no wasm kernel, tfjs-notes).
 * - `dense` (webgpu, webgl): runs every expert on every token and weights the results with a (tokens, E) matrix that
 *   is zero outside the top-k. E/k times the expert FLOPs, but no synchronous read-back of the indices, which would
 *   stall the GPU pipeline on every MoE layer and decode step. The run profile caps E, so the overhead is bounded;
 *   the result records which strategy ran.
 */
import * as tf from '@tensorflow/tfjs';
import type { MoeFfn } from './spec';
import type { BackendName } from '../../sim/protocol';
import type { RuntimeFfn } from '../../sim/runtime/types';
import { linearParam, paramTensor, type Param } from '../../sim/runtime/params';
import type { Rng } from '../../sim/runtime/rng';
import { MlpTensors, initMlpWeights, type Activation, type MlpWeights } from '../mlp/layer';

export type MoeCombine = 'gather' | 'dense';

export interface MoeWeights {
  topK: number;
  /** (d, E). */
  router: Param;
  experts: MlpWeights[];
}

/** Seeded MoE weights. */
export function initMoeWeights(activation: Activation, d: number, nExperts: number, topK: number, expertWidth: number, rng: Rng): MoeWeights {
  return {
    topK,
    router: linearParam(rng.fork(0), d, nExperts),
    experts: Array.from({ length: nExperts }, (_, e) => initMlpWeights(activation, d, expertWidth, false, rng.fork(100 + e))),
  };
}

/** Weights for a `moe` FFN of the design. */
export function initMoeFromDesign(ffn: MoeFfn, d: number, rng: Rng): MoeWeights {
  return initMoeWeights(ffn.activation, d, ffn.nExperts, ffn.topK, ffn.expertWidth, rng);
}

/** The combine strategy used on a backend (see the module comment). */
export function moeCombineFor(backend: BackendName): MoeCombine {
  return backend === 'cpu' || backend === 'wasm' ? 'gather' : 'dense';
}

/** The `moe` FFN. */
export class MoeLayer implements RuntimeFfn {
  readonly kind = 'moe' as const;
  private readonly router: tf.Tensor2D;
  private readonly experts: MlpTensors[];
  constructor(
    readonly weights: MoeWeights,
    readonly combine: MoeCombine,
  ) {
    this.router = paramTensor(weights.router) as tf.Tensor2D;
    this.experts = weights.experts.map((w) => new MlpTensors(w));
  }

  apply(x: tf.Tensor3D): tf.Tensor3D {
    const [b, l, d] = x.shape;
    const n = b * l;
    const k = this.weights.topK;
    const nE = this.experts.length;
    return tf.tidy(() => {
      const x2 = tf.reshape(x, [n, d]) as tf.Tensor2D;
      const probs = tf.softmax(tf.matMul(x2, this.router)); // (n, E)
      const top = tf.topk(probs, k); // values, indices: (n, k)
      let y: tf.Tensor2D;
      if (this.combine === 'dense') {
        // (n, k, E) one-hot rows scaled by their probability, summed over the k slots -> (n, E), zero off the top-k.
        const wts = tf.sum(tf.mul(tf.oneHot(top.indices, nE), tf.expandDims(top.values, 2)), 1) as tf.Tensor2D;
        const cols = tf.split(wts, nE, 1);
        y = tf.zeros([n, d]);
        this.experts.forEach((ex, e) => {
          y = tf.add(y, tf.mul(ex.forward(x2 as tf.Tensor2D), cols[e]!));
        });
      } else {
        const idx = top.indices.dataSync();
        const val = top.values.dataSync();
        const rowsOf: number[][] = Array.from({ length: nE }, () => []);
        for (let s = 0; s < n * k; s++) rowsOf[idx[s]!]!.push(s);
        const perm = new Int32Array(n * k); // (token * k + slot) -> row of the concatenated expert outputs
        const parts: tf.Tensor2D[] = [];
        let row = 0;
        rowsOf.forEach((slots, e) => {
          if (!slots.length) return;
          const tokens = tf.tensor1d(slots.map((s) => Math.floor(s / k)), 'int32');
          const scale = tf.tensor2d(slots.map((s) => val[s]!), [slots.length, 1]);
          parts.push(tf.mul(this.experts[e]!.forward(tf.gather(x2, tokens) as tf.Tensor2D), scale)); // (n_e, d)
          for (const s of slots) perm[s] = row++;
        });
        const all = parts.length === 1 ? parts[0]! : tf.concat(parts, 0); // (n * k, d)
        y = tf.sum(tf.reshape(tf.gather(all, tf.tensor1d(perm, 'int32')), [n, k, d]), 1);
      }
      return tf.reshape(y, [b, l, d]);
    });
  }

  dispose(): void {
    this.router.dispose();
    for (const e of this.experts) e.dispose();
  }
}

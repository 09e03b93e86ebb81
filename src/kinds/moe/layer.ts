/**
 * Mixture of experts (HF `modeling_jamba.py` `JambaSparseMoeBlock`, `modeling_mixtral.py`, `modeling_qwen3_next.py`
 * `Qwen3NextSparseMoeBlock`, DeepSeek-V3 / Kimi `MoEGate`):
 *   logits = x Wr (no bias)                                         (n, E)
 *   s = softmax(logits) or sigmoid(logits)                          (n, E)   `router`
 *   top-k experts by s + b (b = e_score_correction_bias when `routerBias`: selection only)
 *   w_e = s_e for the k selected, 0 elsewhere; / sum of the k when `normTopK`; × `routedScale`
 *   y = sum_e w_e · expert_e(x)  [+ g(x) · shared(x), g = sigmoid(x Wg) with `sharedExpertGate`, else 1]
 * Jamba is softmax without renormalising; Mixtral's softmax over the top-k logits equals the renormalised softmax.
 * Each expert (and the shared experts, one MLP of width fs) is an MLP with the experts' activation.
 * Glossary: E = nExperts, k = topK, f = expertWidth, fs = shared expert width, n = tokens.
 *
 * Two combine strategies, both exact (they compute the same sum):
 * - `gather` (cpu, wasm): reads the top-k indices back, gathers each expert's tokens, runs the expert on those rows
 *   only, concatenates the results and gathers them back into (token, slot) order, then sums the k slots. Uses only
 *   GatherV2/Concat, never UnsortedSegmentSum (no wasm kernel, tfjs-notes).
 * - `dense` (webgpu, webgl): runs every expert on every token and weights the results with a (tokens, E) matrix that
 *   is zero outside the top-k. E/k times the expert FLOPs, but no synchronous read-back of the indices, which would
 *   stall the GPU pipeline on every MoE layer and decode step. The run profile caps E, so the overhead is bounded;
 *   the result records which strategy ran.
 *
 * Both read the weights w from the one (n, E) matrix the routing makes, so they agree whatever the options. That
 * matrix is the router scores masked by the top-k one-hots (the top-k only choose *which* experts), so a gradient
 * reaches the router when training: `dense` splits it into columns, `gather` gathers each selected weight from its
 * flattened (n · E) form. The router bias only chooses (selection only) and gets no gradient.
 */
import * as tf from '@tensorflow/tfjs';
import type { MoeFfn, MoeRouter } from './spec';
import { sharedExpertWidth } from './spec';
import type { BackendName } from '../../sim/protocol';
import type { RuntimeFfn } from '../../sim/runtime/types';
import { CONSTANT_TENSORS, linearParam, randnParam, type Param, type TensorSource } from '../../sim/runtime/params';
import type { Rng } from '../../sim/runtime/rng';
import { MlpTensors, initMlpWeights, type Activation, type MlpWeights } from '../mlp/layer';

export type MoeCombine = 'gather' | 'dense';

/** How tokens are routed (the MoE kind's options, see spec.ts). */
export interface MoeRouting {
  router: MoeRouter;
  normTopK: boolean;
  routedScale: number;
}

export interface MoeWeights {
  topK: number;
  /** (d, E). */
  router: Param;
  experts: MlpWeights[];
  routing: MoeRouting;
  /** e_score_correction_bias (E), added to the scores for selection only; null without. */
  routerBias: Param | null;
  /** The shared experts as one MLP of width fs, always active; null without. */
  shared: MlpWeights | null;
  /** shared_expert_gate (d, 1): sigmoid(x Wg) scales the shared experts' output; null without. */
  sharedGate: Param | null;
}

/** The options of `initMoeWeights` beyond the routed experts (the kind's defaults when absent). */
export interface MoeInitOptions extends Partial<MoeRouting> {
  routerBias?: boolean;
  /** Width of the shared experts as one MLP; 0 = none. */
  sharedWidth?: number;
  sharedGate?: boolean;
}

/**
 * Seeded MoE weights. The router comes from fork 0 and expert e from fork 100 + e, as before the options existed,
 * so a design without them keeps its weights; the selection bias, shared experts and gate use forks 1, 2 and 3.
 */
export function initMoeWeights(activation: Activation, d: number, nExperts: number, topK: number, expertWidth: number, rng: Rng, opts: MoeInitOptions = {}): MoeWeights {
  const sharedWidth = opts.sharedWidth ?? 0;
  return {
    topK,
    router: linearParam(rng.fork(0), d, nExperts),
    experts: Array.from({ length: nExperts }, (_, e) => initMlpWeights(activation, d, expertWidth, false, rng.fork(100 + e))),
    routing: { router: opts.router ?? 'softmax', normTopK: opts.normTopK ?? true, routedScale: opts.routedScale ?? 1 },
    // A learnt bias of the scores' scale (sigmoid scores lie in (0, 1)), so it really changes which experts are picked.
    routerBias: opts.routerBias ? randnParam(rng.fork(1), [nExperts], 0.3) : null,
    shared: sharedWidth > 0 ? initMlpWeights(activation, d, sharedWidth, false, rng.fork(2)) : null,
    sharedGate: sharedWidth > 0 && opts.sharedGate ? linearParam(rng.fork(3), d, 1) : null,
  };
}

/** Weights for a `moe` FFN of the design. */
export function initMoeFromDesign(ffn: MoeFfn, d: number, rng: Rng): MoeWeights {
  return initMoeWeights(ffn.activation, d, ffn.nExperts, ffn.topK, ffn.expertWidth, rng, {
    router: ffn.router,
    normTopK: ffn.normTopK,
    routedScale: ffn.routedScale,
    routerBias: ffn.routerBias,
    sharedWidth: sharedExpertWidth(ffn),
    sharedGate: ffn.sharedExpertGate,
  });
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
  private readonly routerBias: tf.Tensor1D | null;
  private readonly shared: MlpTensors | null;
  private readonly sharedGate: tf.Tensor2D | null;
  constructor(
    readonly weights: MoeWeights,
    readonly combine: MoeCombine,
    src: TensorSource = CONSTANT_TENSORS,
  ) {
    this.router = src.tensor(weights.router) as tf.Tensor2D;
    this.experts = weights.experts.map((w) => new MlpTensors(w, src));
    this.routerBias = weights.routerBias ? (src.tensor(weights.routerBias) as tf.Tensor1D) : null;
    this.shared = weights.shared ? new MlpTensors(weights.shared, src) : null;
    this.sharedGate = weights.sharedGate ? (src.tensor(weights.sharedGate) as tf.Tensor2D) : null;
  }

  /**
   * The routing of n tokens: the top-k expert indices (n, k) and the weights (n, E), zero off the top-k, normalised
   * and scaled as the options say. Called inside the caller's tidy.
   */
  private route(x2: tf.Tensor2D): { indices: tf.Tensor2D; weights: tf.Tensor2D } {
    const { router, normTopK, routedScale } = this.weights.routing;
    const nE = this.experts.length;
    const logits = tf.matMul(x2, this.router); // (n, E)
    const scores = router === 'softmax' ? tf.softmax(logits) : tf.sigmoid(logits); // (n, E)
    const top = tf.topk(this.routerBias ? tf.add(scores, this.routerBias) : scores, this.weights.topK); // (n, k)
    // The (n, E) mask of the top-k: the int32 one-hots times float ones, summed over the k slots. Not a sum of the
    // one-hots cast to float32 (tfjs 4.22 webgpu sums those to 0 on SwiftShader, and a later read of the device
    // returned zeros), nor a float32 oneHot (the wasm kernel ignores the dtype and writes integer bits).
    const ones = tf.ones([x2.shape[0], this.weights.topK, 1]);
    const mask = tf.sum(tf.mul(tf.oneHot(top.indices, nE), ones), 1); // (n, E)
    let w = tf.mul(scores, mask) as tf.Tensor2D; // (n, E), zero off the top-k
    if (normTopK) w = tf.div(w, tf.sum(w, 1, true));
    if (routedScale !== 1) w = tf.mul(w, routedScale);
    return { indices: top.indices as tf.Tensor2D, weights: w };
  }

  apply(x: tf.Tensor3D): tf.Tensor3D {
    const [b, l, d] = x.shape;
    const n = b * l;
    const k = this.weights.topK;
    const nE = this.experts.length;
    return tf.tidy(() => {
      const x2 = tf.reshape(x, [n, d]) as tf.Tensor2D;
      const { indices, weights } = this.route(x2);
      let y: tf.Tensor2D;
      if (this.combine === 'dense') {
        const cols = tf.split(weights, nE, 1);
        y = tf.zeros([n, d]);
        this.experts.forEach((ex, e) => {
          y = tf.add(y, tf.mul(ex.forward(x2 as tf.Tensor2D), cols[e]!));
        });
      } else {
        const idx = indices.dataSync();
        const flat = tf.reshape(weights, [n * nE]); // (token, expert) -> weight
        const rowsOf: number[][] = Array.from({ length: nE }, () => []);
        for (let s = 0; s < n * k; s++) rowsOf[idx[s]!]!.push(s);
        const perm = new Int32Array(n * k); // (token * k + slot) -> row of the concatenated expert outputs
        const parts: tf.Tensor2D[] = [];
        let row = 0;
        rowsOf.forEach((slots, e) => {
          if (!slots.length) return;
          const tokens = tf.tensor1d(slots.map((s) => Math.floor(s / k)), 'int32');
          const scale = tf.reshape(tf.gather(flat, tf.tensor1d(slots.map((s) => Math.floor(s / k) * nE + e), 'int32')), [slots.length, 1]);
          parts.push(tf.mul(this.experts[e]!.forward(tf.gather(x2, tokens) as tf.Tensor2D), scale)); // (n_e, d)
          for (const s of slots) perm[s] = row++;
        });
        const all = parts.length === 1 ? parts[0]! : tf.concat(parts, 0); // (n * k, d)
        y = tf.sum(tf.reshape(tf.gather(all, tf.tensor1d(perm, 'int32')), [n, k, d]), 1);
      }
      if (this.shared) {
        const s = this.shared.forward(x2); // (n, d)
        y = tf.add(y, this.sharedGate ? tf.mul(s, tf.sigmoid(tf.matMul(x2, this.sharedGate))) : s);
      }
      return tf.reshape(y, [b, l, d]);
    });
  }

  dispose(): void {
    this.router.dispose();
    for (const e of this.experts) e.dispose();
    this.routerBias?.dispose();
    this.shared?.dispose();
    this.sharedGate?.dispose();
  }
}

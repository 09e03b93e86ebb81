/**
 * The Hyena mixer of StripedHyena in modal form, in tfjs (togethercomputer/stripedhyena `model.py`
 * ParallelGatedConvBlock.forward without its norms and MLP, ParallelHyenaFilter, `engine.py` parallel_fir /
 * parallel_iir / step_fir / step_iir). Float64 twin: `reference/hyena.ts`.
 *
 * Prefill: projections d → 3d (+ bias); short causal depthwise FIR over the 3d channels (+ bias); split x2, x1, v
 * (plain split: our designs carry no head count, so the checkpoint's column split is not reproduced; with random
 * weights the two are the same up to a permutation of projection rows); long filter h[t] = Re Σ_s R_s p_s^t applied
 * to x1·v as the modal scan chosen by `ctx.scan` (`scan/runScan.ts`, never tfjs FFT); y = x2·(filter + D·x1v);
 * out_filter_dense (+ bias). Prefill starts from a zero state. Decode: `step_fir` + `step_iir` on the cache.
 *
 * Weights come from a `TensorSource` (constants, or the lab's variables); the FIR's depthwise filter layout and the
 * real and imaginary parts of the interleaved poles and residues are `Derived`, so that training reaches the stored
 * parameters themselves.
 *
 * Cache (role 'state', float32, exact shapes):
 *   fir_state (b, 3d, shortFilterLength − 1): the last Ks − 1 projected inputs, oldest first (absent when Ks = 1);
 *   iir_state_re, iir_state_im (b, d, stateSize): the complex modal state as two real tensors (2·d·S reals in all,
 *   the bytes of the cost model's iir_state [d, S, 2]).
 */
import * as tf from '@tensorflow/tfjs';
import type { HyenaMixer } from './spec';
import { runModalScan } from '../../sim/runtime/scan/runScan';
import type { ForwardContext, LayerCache, RuntimeMixer } from '../../sim/runtime/types';
import { asStateCache } from '../mamba/layer';
import type { HyenaWeights } from './weights';
import { StateCache, causalDepthwiseConv, linear3d } from '../../sim/runtime/layers/stateCache';
import { CONSTANT_TENSORS, Derived, type TensorSource } from '../../sim/runtime/params';

export { initHyenaWeights, hyenaWeightEntries, type HyenaWeights } from './weights';

/** Real (0) or imaginary (1) parts of an interleaved (d, S, 2) tensor: (d, S). */
function part(t: tf.Tensor3D, which: 0 | 1): tf.Tensor2D {
  const [d, S] = t.shape;
  return tf.reshape(tf.slice(t, [0, 0, which], [d, S, 1]), [d, S]);
}

export class HyenaLayer implements RuntimeMixer {
  readonly kind = 'hyena' as const;
  private readonly t: {
    proj: tf.Tensor2D;
    projBias: tf.Tensor1D | null;
    /** (3d, Ks) FIR taps (the decode step's layout). */
    firTaps: tf.Tensor2D;
    firBias: tf.Tensor1D | null;
    /** (d, S, 2) interleaved (re, im). */
    poles: tf.Tensor3D;
    residues: tf.Tensor3D;
    D: tf.Tensor1D;
    outDense: tf.Tensor2D;
    outDenseBias: tf.Tensor1D | null;
  };

  /** (1, Ks, 3d, 1): the taps as a depthwise filter. */
  private readonly firFilter: Derived<tf.Tensor4D>;
  /** (d, S) each. */
  private readonly polesRe: Derived<tf.Tensor2D>;
  private readonly polesIm: Derived<tf.Tensor2D>;
  private readonly residuesRe: Derived<tf.Tensor2D>;
  private readonly residuesIm: Derived<tf.Tensor2D>;

  constructor(
    readonly cfg: HyenaMixer,
    readonly dModel: number,
    readonly weights: HyenaWeights,
    src: TensorSource = CONSTANT_TENSORS,
  ) {
    const d = dModel;
    const K = cfg.shortFilterLength;
    const w = weights;
    const opt = (p: HyenaWeights['projBias']) => (p ? (src.tensor(p) as tf.Tensor1D) : null);
    const t = (this.t = {
      proj: src.tensor(w.proj, [d, 3 * d]) as tf.Tensor2D,
      projBias: opt(w.projBias),
      firTaps: src.tensor(w.shortFilter, [3 * d, K]) as tf.Tensor2D,
      firBias: opt(w.shortFilterBias),
      poles: src.tensor(w.poles) as tf.Tensor3D,
      residues: src.tensor(w.residues) as tf.Tensor3D,
      D: src.tensor(w.d) as tf.Tensor1D,
      outDense: src.tensor(w.outDense, [d, d]) as tf.Tensor2D,
      outDenseBias: opt(w.outDenseBias),
    });
    this.firFilter = new Derived(src, () => tf.reshape(tf.transpose(t.firTaps), [1, K, 3 * d, 1]) as tf.Tensor4D);
    this.polesRe = new Derived(src, () => part(t.poles, 0));
    this.polesIm = new Derived(src, () => part(t.poles, 1));
    this.residuesRe = new Derived(src, () => part(t.residues, 0));
    this.residuesIm = new Derived(src, () => part(t.residues, 1));
  }

  private get names(): string[] {
    return this.cfg.shortFilterLength > 1 ? ['fir_state', 'iir_state_re', 'iir_state_im'] : ['iir_state_re', 'iir_state_im'];
  }

  /** fir_state (b, 3d, Ks − 1) when Ks > 1, iir_state_re and iir_state_im (b, d, S). */
  createCache(batch: number, _capacity: number): LayerCache {
    const d = this.dModel;
    const S = this.cfg.stateSize;
    const K = this.cfg.shortFilterLength;
    const shapes = [
      ...(K > 1 ? [[batch, 3 * d, K - 1]] : []),
      [batch, d, S],
      [batch, d, S],
    ];
    return new StateCache(this.names, shapes);
  }

  prefill(x: tf.Tensor3D, cache: LayerCache | null, ctx: ForwardContext): tf.Tensor3D {
    const [b, l] = x.shape;
    const d = this.dModel;
    const K = this.cfg.shortFilterLength;
    const pre = tf.tidy(() => {
      const z = linear3d(x, this.t.proj, this.t.projBias); // (b, l, 3d)
      const fir = causalDepthwiseConv(z, this.firFilter.get(), this.t.firBias);
      const [x2, x1, v] = tf.split(fir.y, 3, 2) as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D];
      const firState = K > 1 ? [tf.transpose(tf.slice(fir.padded, [0, l, 0], [b, K - 1, 3 * d]), [0, 2, 1])] : [];
      return { x2, x1v: tf.mul(x1, v) as tf.Tensor3D, firState };
    });
    let scan: { y: tf.Tensor3D; stateRe: tf.Tensor3D; stateIm: tf.Tensor3D } | null = null;
    try {
      scan = runModalScan(ctx.scan, {
        x: pre.x1v,
        polesRe: this.polesRe.get(),
        polesIm: this.polesIm.get(),
        residuesRe: this.residuesRe.get(),
        residuesIm: this.residuesIm.get(),
        stateRe: null,
        stateIm: null,
      });
      const s = scan;
      const out = tf.tidy(() => linear3d(tf.mul(pre.x2, tf.add(s.y, tf.mul(pre.x1v, this.t.D))) as tf.Tensor3D, this.t.outDense, this.t.outDenseBias));
      if (cache) asStateCache(cache).replace([...pre.firState, s.stateRe, s.stateIm]);
      else tf.dispose([...pre.firState, s.stateRe, s.stateIm]);
      return out;
    } catch (e) {
      tf.dispose([...pre.firState, ...(scan ? [scan.stateRe, scan.stateIm] : [])]);
      throw e;
    } finally {
      tf.dispose([pre.x2, pre.x1v, ...(scan ? [scan.y] : [])]);
    }
  }

  decode(x: tf.Tensor3D, cache: LayerCache, _pos: number, _ctx: ForwardContext): tf.Tensor3D {
    const sc = asStateCache(cache);
    const [b] = x.shape;
    const d = this.dModel;
    const K = this.cfg.shortFilterLength;
    const res = tf.tidy(() => {
      const z = tf.reshape(linear3d(x, this.t.proj, this.t.projBias), [b, 3 * d]);
      // step_fir: the current input meets tap K-1, the cached K-1 inputs the taps before it.
      const window = K > 1 ? tf.concat([sc.get('fir_state'), tf.reshape(z, [b, 3 * d, 1])], 2) : tf.reshape(z, [b, 3 * d, 1]);
      let f = tf.sum(tf.mul(window, this.t.firTaps), 2);
      if (this.t.firBias) f = tf.add(f, this.t.firBias);
      const firState = K > 1 ? [tf.slice(window, [0, 0, 1], [b, 3 * d, K - 1])] : [];
      const [x2, x1, v] = tf.split(f, 3, 1);
      const x1v = tf.mul(x1!, v!); // (b, d)
      const xin = tf.reshape(x1v, [b, d, 1]);
      const sr = sc.get('iir_state_re');
      const si = sc.get('iir_state_im');
      const [pr, pi, rr, ri] = [this.polesRe.get(), this.polesIm.get(), this.residuesRe.get(), this.residuesIm.get()];
      const nr = tf.add(tf.sub(tf.mul(pr, sr), tf.mul(pi, si)), xin);
      const ni = tf.add(tf.mul(pr, si), tf.mul(pi, sr));
      const filt = tf.sum(tf.sub(tf.mul(rr, nr), tf.mul(ri, ni)), 2); // (b, d)
      const y = tf.mul(x2!, tf.add(filt, tf.mul(x1v, this.t.D)));
      const out = linear3d(tf.reshape(y, [b, 1, d]) as tf.Tensor3D, this.t.outDense, this.t.outDenseBias);
      return { out, next: [...firState, nr, ni] };
    });
    sc.replace(res.next);
    return res.out;
  }

  dispose(): void {
    for (const v of Object.values(this.t) as (tf.Tensor | null)[]) v?.dispose();
    for (const v of [this.firFilter, this.polesRe, this.polesIm, this.residuesRe, this.residuesIm]) v.dispose();
  }
}

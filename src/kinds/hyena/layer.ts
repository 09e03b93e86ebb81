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
import { StateCache, causalDepthwiseConv, depthwiseFilter, linear3d } from '../../sim/runtime/layers/stateCache';

export { initHyenaWeights, hyenaWeightEntries, type HyenaWeights } from './weights';

const opt = (p: { data: Float32Array } | null) => (p ? tf.tensor1d(p.data) : null);

/** Real or imaginary parts of an interleaved (d, S, 2) parameter. */
function part(data: Float32Array, d: number, S: number, which: 0 | 1): tf.Tensor2D {
  const out = new Float32Array(d * S);
  for (let i = 0; i < d * S; i++) out[i] = data[2 * i + which]!;
  return tf.tensor2d(out, [d, S]);
}

export class HyenaLayer implements RuntimeMixer {
  readonly kind = 'hyena' as const;
  private readonly t: {
    proj: tf.Tensor2D;
    projBias: tf.Tensor1D | null;
    firFilter: tf.Tensor4D;
    firTaps: tf.Tensor2D;
    firBias: tf.Tensor1D | null;
    polesRe: tf.Tensor2D;
    polesIm: tf.Tensor2D;
    residuesRe: tf.Tensor2D;
    residuesIm: tf.Tensor2D;
    D: tf.Tensor1D;
    outDense: tf.Tensor2D;
    outDenseBias: tf.Tensor1D | null;
  };

  constructor(
    readonly cfg: HyenaMixer,
    readonly dModel: number,
    readonly weights: HyenaWeights,
  ) {
    const d = dModel;
    const S = cfg.stateSize;
    const K = cfg.shortFilterLength;
    const w = weights;
    this.t = {
      proj: tf.tensor2d(w.proj.data, [d, 3 * d]),
      projBias: opt(w.projBias),
      firFilter: depthwiseFilter(w.shortFilter.data, 3 * d, K),
      firTaps: tf.tensor2d(w.shortFilter.data, [3 * d, K]),
      firBias: opt(w.shortFilterBias),
      polesRe: part(w.poles.data, d, S, 0),
      polesIm: part(w.poles.data, d, S, 1),
      residuesRe: part(w.residues.data, d, S, 0),
      residuesIm: part(w.residues.data, d, S, 1),
      D: tf.tensor1d(w.d.data),
      outDense: tf.tensor2d(w.outDense.data, [d, d]),
      outDenseBias: opt(w.outDenseBias),
    };
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
      const fir = causalDepthwiseConv(z, this.t.firFilter, this.t.firBias);
      const [x2, x1, v] = tf.split(fir.y, 3, 2) as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D];
      const firState = K > 1 ? [tf.transpose(tf.slice(fir.padded, [0, l, 0], [b, K - 1, 3 * d]), [0, 2, 1])] : [];
      return { x2, x1v: tf.mul(x1, v) as tf.Tensor3D, firState };
    });
    let scan: { y: tf.Tensor3D; stateRe: tf.Tensor3D; stateIm: tf.Tensor3D } | null = null;
    try {
      scan = runModalScan(ctx.scan, {
        x: pre.x1v,
        polesRe: this.t.polesRe,
        polesIm: this.t.polesIm,
        residuesRe: this.t.residuesRe,
        residuesIm: this.t.residuesIm,
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
      const { polesRe: pr, polesIm: pi, residuesRe: rr, residuesIm: ri } = this.t;
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
  }
}

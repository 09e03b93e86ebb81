/**
 * The linear-attention mixer in tfjs (glossary and the makers' files in spec.ts; the Float64 twin is reference.ts).
 *
 * Prefill: the projections x·Wq, x·Wk, x·Wv (one matMul each: a fused projection would need a split, and SplitV on
 * wasm copies row by row, which grew to a third of the prefill at L = 8192); the short causal depthwise conv over q, k
 * and v (no bias, HF `conv1d(bias=False)`) and SiLU (SiLU of the projections when convSize is 0); the delta rule L2-normalises q and k per head; q·dk^−½; log α from
 * the decay (−slope; −exp(A_log)·softplus(a + dt_bias) per value head; the same per key channel from (x·f_a)·f_b);
 * β = sigmoid(x·Wb); the scan chosen by `ctx.scan` (scan.ts: naive, js or simd; other choices fall back); RMSNorm of
 * the output (per value head, or over all nv·dv channels for minimax) times the gain, times the gate; ·Wo.
 * Decode: one recurrence step on the cache, a fixed number of ops whatever the position.
 *
 * Cache (role 'state', float32, as HF caches it: `conv_states` K columns, `recurrent_states`):
 *   conv_state (b, convDim = 2·nk·dk + nv·dv, K) when convSize > 0; recurrent_state (b, nv, dk, dv).
 */
import * as tf from '@tensorflow/tfjs';
import { linearAttentionDims, linearGateActivation, linearNormSpan, type LinearAttentionDims, type LinearAttentionMixer } from './spec';
import { LINEAR_L2_EPS, LINEAR_NORM_EPS, type LinearAttentionWeights } from './weights';
import { runLinearScan, type LinearDecayInput, type LinearScanOutput } from './scan';
import type { ForwardContext, LayerCache, RuntimeMixer } from '../../sim/runtime/types';
import { asStateCache } from '../mamba/layer';
import { expandTo } from '../../sim/runtime/scan/selectiveScanNaive';
import { StateCache, causalDepthwiseConv, depthwiseFilter, silu } from '../../sim/runtime/layers/stateCache';

export class LinearAttentionLayer implements RuntimeMixer {
  readonly kind = 'linear-attention' as const;
  readonly dims: LinearAttentionDims;
  private readonly t: {
    /** (d, nk·dk), (d, nk·dk), (d, nv·dv). */
    wq: tf.Tensor2D;
    wk: tf.Tensor2D;
    wv: tf.Tensor2D;
    /** The gate's projection (d, nv·dv), or the first factor of the low-rank one (d, R). */
    wg: tf.Tensor2D | null;
    gb: tf.Tensor2D | null;
    /** (d, nv): β = sigmoid(x·Wb). */
    wb: tf.Tensor2D | null;
    /** The decay's projection: (d, nv) per head, or the first factor (d, R) of the per-channel one. */
    wa: tf.Tensor2D | null;
    fb: tf.Tensor2D | null;
    /** Depthwise filters (1, K, ch, 1) of q, k and v, and their taps (convDim, K) for decode. */
    conv: [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D] | null;
    convTaps: tf.Tensor2D | null;
    /** (nv, 1): −exp(A_log), broadcast over the decay's key channels. */
    negA: tf.Tensor | null;
    /** (nv) or (nv, dk). */
    dtBias: tf.Tensor | null;
    /** (nv): −slope (fixed decay), and α = exp(−slope) as (1, nv, 1, 1) for decode. */
    logFixed: tf.Tensor1D | null;
    alphaFixed: tf.Tensor4D | null;
    norm: tf.Tensor1D | null;
    wo: tf.Tensor2D;
  };

  constructor(
    readonly cfg: LinearAttentionMixer,
    readonly dModel: number,
    readonly weights: LinearAttentionWeights,
  ) {
    const s = (this.dims = linearAttentionDims(cfg));
    const w = weights;
    const up = (p: { data: Float32Array; shape: number[] }) => tf.tensor2d(p.data, [p.shape[0]!, p.shape[1]!]);
    const opt = (p: { data: Float32Array; shape: number[] } | null) => (p ? up(p) : null);
    const K = s.convSize;
    const taps = (from: number, n: number) => depthwiseFilter(w.conv!.data.subarray(from * K, (from + n) * K), n, K);
    this.t = {
      wq: up(w.wq),
      wk: up(w.wk),
      wv: up(w.wv),
      wg: opt(w.wg ?? w.ga),
      gb: opt(w.gb),
      wb: opt(w.wb),
      wa: opt(w.wa ?? w.fa),
      fb: opt(w.fb),
      conv: w.conv ? [taps(0, s.keyDim), taps(s.keyDim, s.keyDim), taps(2 * s.keyDim, s.valueDim)] : null,
      convTaps: w.conv ? tf.tensor2d(w.conv.data, [s.convDim, K]) : null,
      negA: w.aLog ? tf.tidy(() => tf.reshape(tf.neg(tf.exp(tf.tensor1d(w.aLog!.data))), [s.nv, 1])) : null,
      dtBias: w.dtBias ? tf.tensor(w.dtBias.data, cfg.decay === 'channel' ? [s.nv, s.dk] : [s.nv]) : null,
      logFixed: w.slopes ? tf.tidy(() => tf.neg(tf.tensor1d(w.slopes!))) : null,
      alphaFixed: w.slopes ? tf.tidy(() => tf.reshape(tf.exp(tf.neg(tf.tensor1d(w.slopes!))), [1, s.nv, 1, 1]) as tf.Tensor4D) : null,
      norm: w.norm ? tf.tensor1d(w.norm.data) : null,
      wo: up(w.wo),
    };
  }

  /** conv_state (b, convDim, K) when there is a conv, and recurrent_state (b, nv, dk, dv). */
  createCache(batch: number, _capacity: number): LayerCache {
    const s = this.dims;
    const conv = s.convSize > 0;
    return new StateCache(conv ? ['conv_state', 'recurrent_state'] : ['recurrent_state'], [
      ...(conv ? [[batch, s.convDim, s.convSize]] : []),
      [batch, s.nv, s.dk, s.dv],
    ]);
  }

  /** x · rsqrt(Σx² + eps) over the last axis (HF `l2norm`). */
  private static l2norm(x: tf.Tensor): tf.Tensor {
    return tf.mul(x, tf.rsqrt(tf.add(tf.sum(tf.square(x), -1, true), LINEAR_L2_EPS)));
  }

  /**
   * q, k (rows, nk·dk) and v (rows, nv·dv) after conv and SiLU -> q, k (rows, nk, dk), L2-normalised for the delta
   * rule, q scaled by dk^−½; v (rows, nv, dv).
   */
  private features(qf: tf.Tensor, kf: tf.Tensor, vf: tf.Tensor, rows: number): { q: tf.Tensor; k: tf.Tensor; v: tf.Tensor } {
    const { nk, nv, dk, dv } = this.dims;
    let q = tf.reshape(silu(qf), [rows, nk, dk]);
    let k = tf.reshape(silu(kf), [rows, nk, dk]);
    if (this.cfg.update === 'delta') {
      q = LinearAttentionLayer.l2norm(q);
      k = LinearAttentionLayer.l2norm(k);
    }
    return { q: tf.mul(q, 1 / Math.sqrt(dk)), k, v: tf.reshape(silu(vf), [rows, nv, dv]) };
  }

  /** log α from x (rows, d): (rows, nv) per head, (rows, nv, dk) per channel; null without data-dependent decay. */
  private logDecay(x: tf.Tensor2D, rows: number): tf.Tensor | null {
    const { nv, dk } = this.dims;
    if (this.cfg.decay === 'head') return tf.mul(tf.softplus(tf.add(tf.matMul(x, this.t.wa!), this.t.dtBias!)), tf.reshape(this.t.negA!, [nv]));
    if (this.cfg.decay === 'channel') {
      const f = tf.reshape(tf.matMul(tf.matMul(x, this.t.wa!), this.t.fb!), [rows, nv, dk]); // (x·f_a)·f_b
      return tf.mul(tf.softplus(tf.add(f, this.t.dtBias!)), this.t.negA!);
    }
    return null;
  }

  /** Output norm, gate and o_proj: o (rows, nv·dv), x (rows, d) -> (rows, d). */
  private output(o: tf.Tensor, x: tf.Tensor2D, rows: number): tf.Tensor2D {
    const { valueDim } = this.dims;
    let y = o;
    if (this.t.norm) {
      const span = linearNormSpan(this.cfg);
      const g = tf.reshape(o, [rows, valueDim / span, span]);
      y = tf.reshape(tf.mul(tf.mul(g, tf.rsqrt(tf.add(tf.mean(tf.square(g), 2, true), LINEAR_NORM_EPS))), this.t.norm), [rows, valueDim]);
    }
    if (this.t.wg) {
      const g1 = tf.matMul(x, this.t.wg);
      const z = this.t.gb ? tf.matMul(g1, this.t.gb) : g1;
      y = tf.mul(y, linearGateActivation(this.cfg) === 'silu' ? silu(z) : tf.sigmoid(z));
    }
    return tf.matMul(y as tf.Tensor2D, this.t.wo);
  }

  prefill(x: tf.Tensor3D, cache: LayerCache | null, ctx: ForwardContext): tf.Tensor3D {
    const [b, l] = x.shape;
    const { nk, nv, dk, dv, convSize: K, valueDim } = this.dims;
    const rows = b * l;
    const delta = this.cfg.update === 'delta';
    // Each input is made in its own tidy, so that only its result (and conv window) outlives it: the prefill's peak
    // is one projection's intermediates plus the scan's inputs, not all of them at once.
    const pre = tf.tidy(() => {
      const x2 = tf.reshape(x, [rows, this.dModel]) as tf.Tensor2D;
      // One projection each (a fused projection would need a split, and SplitV on wasm copies row by row).
      const feature = (w: tf.Tensor2D, i: number, heads: number, hd: number, normed: boolean, scale: number) =>
        tf.tidy(() => {
          const ch = heads * hd;
          let p: tf.Tensor = tf.matMul(x2, w); // (b·l, ch)
          let state: tf.Tensor | undefined;
          if (this.t.conv) {
            const conv = causalDepthwiseConv(tf.reshape(p, [b, l, ch]) as tf.Tensor3D, this.t.conv[i]!, null);
            state = tf.transpose(tf.slice(conv.padded, [0, l - 1, 0], [b, K, ch]), [0, 2, 1]); // (b, ch, K)
            p = conv.y;
          }
          let f = tf.reshape(silu(p), [b, l, heads, hd]);
          if (normed) f = LinearAttentionLayer.l2norm(f);
          if (scale !== 1) f = tf.mul(f, scale);
          return { f: f as tf.Tensor4D, state };
        });
      const q = feature(this.t.wq, 0, nk, dk, delta, 1 / Math.sqrt(dk));
      const k = feature(this.t.wk, 1, nk, dk, delta, 1);
      const v = feature(this.t.wv, 2, nv, dv, false, 1);
      const logA = tf.tidy(() => {
        const g = this.logDecay(x2, rows);
        return g ? (this.cfg.decay === 'head' ? tf.reshape(g, [b, l, nv]) : tf.reshape(g, [b, l, nv, dk])) : undefined;
      });
      return {
        q: q.f,
        k: k.f,
        v: v.f,
        logA,
        beta: this.t.wb ? (tf.reshape(tf.sigmoid(tf.matMul(x2, this.t.wb)), [b, l, nv]) as tf.Tensor3D) : undefined,
        convState: q.state && k.state && v.state ? tf.concat([q.state, k.state, v.state], 1) : undefined, // (b, convDim, K)
      };
    });
    const decay: LinearDecayInput =
      this.cfg.decay === 'fixed'
        ? { kind: 'fixed', logAlpha: this.t.logFixed! }
        : this.cfg.decay === 'head'
          ? { kind: 'head', logAlpha: pre.logA as tf.Tensor3D }
          : this.cfg.decay === 'channel'
            ? { kind: 'channel', logAlpha: pre.logA as tf.Tensor4D }
            : { kind: 'none' };
    const inputs = [pre.q, pre.k, pre.v, ...(pre.logA ? [pre.logA] : []), ...(pre.beta ? [pre.beta] : [])];
    let scan: LinearScanOutput | null = null;
    try {
      scan = runLinearScan(ctx.scan, { q: pre.q, k: pre.k, v: pre.v, decay, beta: pre.beta ?? null, h0: null });
      tf.dispose(inputs); // before the output's intermediates are made
      const y = scan.y;
      const out = tf.tidy(() => tf.reshape(this.output(tf.reshape(y, [rows, valueDim]), tf.reshape(x, [rows, this.dModel]) as tf.Tensor2D, rows), [b, l, this.dModel]) as tf.Tensor3D);
      const next = pre.convState ? [pre.convState, scan.state] : [scan.state];
      if (cache) asStateCache(cache).replace(next);
      else tf.dispose(next);
      return out;
    } catch (e) {
      tf.dispose([...(pre.convState ? [pre.convState] : []), ...(scan ? [scan.state] : [])]);
      throw e;
    } finally {
      tf.dispose([...inputs.filter((t) => !t.isDisposed), ...(scan ? [scan.y] : [])]);
    }
  }

  decode(x: tf.Tensor3D, cache: LayerCache, _pos: number, _ctx: ForwardContext): tf.Tensor3D {
    const sc = asStateCache(cache);
    const [b] = x.shape;
    const { nk, nv, dk, dv, ratio: r, keyDim, valueDim, convDim, convSize: K } = this.dims;
    const res = tf.tidy(() => {
      const x2 = tf.reshape(x, [b, this.dModel]) as tf.Tensor2D;
      let parts: tf.Tensor[] = [tf.matMul(x2, this.t.wq), tf.matMul(x2, this.t.wk), tf.matMul(x2, this.t.wv)];
      let convState: tf.Tensor | null = null;
      if (this.t.convTaps) {
        const old = sc.get('conv_state'); // (b, convDim, K)
        const col = tf.reshape(tf.concat(parts, 1), [b, convDim, 1]);
        convState = K > 1 ? tf.concat([tf.slice(old, [0, 0, 1], [b, convDim, K - 1]), col], 2) : col;
        parts = tf.split(tf.sum(tf.mul(convState, this.t.convTaps), 2), [keyDim, keyDim, valueDim], 1);
      }
      const f = this.features(parts[0]!, parts[1]!, parts[2]!, b);
      const heads = (t: tf.Tensor) => tf.reshape(r === 1 ? t : expandTo(tf.reshape(t, [b, nk, 1, dk]), [b, nk, r, dk]), [b, nv, 1, dk]);
      const q = heads(f.q);
      const k = heads(f.k);
      const v = tf.reshape(f.v, [b, nv, 1, dv]);
      let S = sc.get('recurrent_state'); // (b, nv, dk, dv)
      const logA = this.logDecay(x2, b);
      if (this.cfg.decay === 'fixed') S = tf.mul(S, this.t.alphaFixed!);
      else if (this.cfg.decay === 'head') S = tf.mul(S, tf.reshape(tf.exp(logA!), [b, nv, 1, 1]));
      else if (this.cfg.decay === 'channel') S = tf.mul(S, tf.reshape(tf.exp(logA!), [b, nv, dk, 1]));
      let write: tf.Tensor = v;
      if (this.t.wb) write = tf.mul(tf.sub(v, tf.matMul(k, S)), tf.reshape(tf.sigmoid(tf.matMul(x2, this.t.wb)), [b, nv, 1, 1])); // β (v − Sᵀk)
      const h = tf.add(S, tf.matMul(k, write, true, false)); // (b, nv, dk, dv)
      const o = tf.reshape(tf.matMul(q, h), [b, valueDim]);
      const out = tf.reshape(this.output(o, x2, b), [b, 1, this.dModel]) as tf.Tensor3D;
      return { out, next: convState ? [convState, h] : [h] };
    });
    sc.replace(res.next);
    return res.out;
  }

  dispose(): void {
    for (const v of Object.values(this.t) as (tf.Tensor | tf.Tensor[] | null)[]) tf.dispose(v ?? []);
  }
}

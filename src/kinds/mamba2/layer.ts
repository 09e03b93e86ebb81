/**
 * The Mamba-2 mixer in tfjs (state-spaces `mamba_ssm/modules/mamba2.py` forward/step; SSD as `ssd_minimal.py`).
 * Float64 twin: `reference/mamba2.ts`.
 *
 * Prefill: in_proj → z (di), xBC (convDim), dt (nh); causal depthwise conv over xBC + bias; SiLU; split x (nh, P),
 * B (ng, N), C (ng, N); Δ = softplus(dt + dt_bias); the SSD chosen by `ctx.scan` (chunked = SSD matmul form,
 * naive / wgsl = the same recurrence as a selective scan, `scan/runScan.ts`) with A = −exp(A_log) per head;
 * y = ssd + D·x; gated RMSNorm (y·SiLU(z), normalised per group of di/ng channels, `RMSNormGated` with
 * norm_before_gate = False); out_proj. Prefill starts from a zero state. Decode: the recurrence step on the cache.
 *
 * Cache (role 'state', float32, exact shapes, as `allocate_inference_cache` in `mamba2.py`):
 *   conv_state (b, convDim = dInner + 2·nGroups·dState, dConv); ssm_state (b, nHeads, headDim, dState).
 */
import * as tf from '@tensorflow/tfjs';
import type { Mamba2Mixer } from './spec';
import { runSsd } from '../../sim/runtime/scan/runScan';
import { expandTo } from '../../sim/runtime/scan/selectiveScanNaive';
import type { ForwardContext, LayerCache, RuntimeMixer } from '../../sim/runtime/types';
import { asStateCache } from '../mamba/layer';
import { MAMBA2_NORM_EPS, mamba2Dims, type Mamba2Dims, type Mamba2Weights } from './weights';
import { StateCache, causalDepthwiseConv, depthwiseFilter, linear3d, silu } from '../../sim/runtime/layers/stateCache';

export { initMamba2Weights, mamba2WeightEntries, type Mamba2Weights } from './weights';

const opt = (p: { data: Float32Array } | null) => (p ? tf.tensor1d(p.data) : null);

export class Mamba2Layer implements RuntimeMixer {
  readonly kind = 'mamba2' as const;
  readonly dims: Mamba2Dims;
  private readonly t: {
    inProj: tf.Tensor2D;
    inProjBias: tf.Tensor1D | null;
    convFilter: tf.Tensor4D;
    convTaps: tf.Tensor2D;
    convBias: tf.Tensor1D | null;
    dtBias: tf.Tensor1D;
    A: tf.Tensor1D;
    D: tf.Tensor1D;
    normWeight: tf.Tensor1D | null;
    outProj: tf.Tensor2D;
    outProjBias: tf.Tensor1D | null;
  };

  constructor(
    readonly cfg: Mamba2Mixer,
    readonly dModel: number,
    readonly weights: Mamba2Weights,
  ) {
    const s = (this.dims = mamba2Dims(cfg, dModel));
    const w = weights;
    this.t = {
      inProj: tf.tensor2d(w.inProj.data, [dModel, s.inProjDim]),
      inProjBias: opt(w.inProjBias),
      convFilter: depthwiseFilter(w.convWeight.data, s.convDim, s.dConv),
      convTaps: tf.tensor2d(w.convWeight.data, [s.convDim, s.dConv]),
      convBias: opt(w.convBias),
      dtBias: tf.tensor1d(w.dtBias.data),
      A: tf.tidy(() => tf.neg(tf.exp(tf.tensor1d(w.aLog.data)))),
      D: tf.tensor1d(w.d.data),
      normWeight: opt(w.normWeight),
      outProj: tf.tensor2d(w.outProj.data, [s.dInner, dModel]),
      outProjBias: opt(w.outProjBias),
    };
  }

  /** conv_state (b, convDim, dConv) and ssm_state (b, nHeads, headDim, dState). */
  createCache(batch: number, _capacity: number): LayerCache {
    const s = this.dims;
    return new StateCache(['conv_state', 'ssm_state'], [
      [batch, s.convDim, s.dConv],
      [batch, s.nHeads, s.headDim, s.dState],
    ]);
  }

  /**
   * Gated RMSNorm then out_proj: y, z (rows, di) -> (rows, d). Without the norm (`gatedNorm` false, Falcon-H1's
   * `mamba_rms_norm: false`) the output is only gated: y · silu(z).
   */
  private gatedOut(y: tf.Tensor2D, z: tf.Tensor2D): tf.Tensor2D {
    const { dInner: di, nGroups: ng } = this.dims;
    const rows = y.shape[0];
    const gated = tf.mul(y, silu(z)) as tf.Tensor2D;
    let normed: tf.Tensor2D = gated;
    if (this.t.normWeight) {
      const g = tf.reshape(gated, [rows, ng, di / ng]);
      normed = tf.mul(tf.reshape(tf.mul(g, tf.rsqrt(tf.add(tf.mean(tf.square(g), 2, true), MAMBA2_NORM_EPS))), [rows, di]), this.t.normWeight) as tf.Tensor2D;
    }
    const o = tf.matMul(normed, this.t.outProj);
    return (this.t.outProjBias ? tf.add(o, this.t.outProjBias) : o) as tf.Tensor2D;
  }

  prefill(x: tf.Tensor3D, cache: LayerCache | null, ctx: ForwardContext): tf.Tensor3D {
    const [b, l] = x.shape;
    const { dInner: di, nHeads: nh, headDim: P, nGroups: ng, dState: N, convDim, dConv: K } = this.dims;
    const pre = tf.tidy(() => {
      const zxbcdt = linear3d(x, this.t.inProj, this.t.inProjBias);
      const [z, xBC, dtRaw] = tf.split(zxbcdt, [di, convDim, nh], 2) as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D];
      const conv = causalDepthwiseConv(xBC, this.t.convFilter, this.t.convBias);
      const act = silu(conv.y) as tf.Tensor3D;
      const [xs, B, C] = tf.split(act, [di, ng * N, ng * N], 2) as [tf.Tensor, tf.Tensor, tf.Tensor];
      return {
        z,
        x: tf.reshape(xs, [b, l, nh, P]) as tf.Tensor4D,
        B: tf.reshape(B, [b, l, ng, N]) as tf.Tensor4D,
        C: tf.reshape(C, [b, l, ng, N]) as tf.Tensor4D,
        dt: tf.softplus(tf.add(dtRaw, this.t.dtBias)) as tf.Tensor3D,
        convState: tf.transpose(tf.slice(conv.padded, [0, l - 1, 0], [b, K, convDim]), [0, 2, 1]),
      };
    });
    let ssd: { y: tf.Tensor4D; state: tf.Tensor4D } | null = null;
    try {
      ssd = runSsd(ctx.scan, { x: pre.x, dt: pre.dt, A: this.t.A, B: pre.B, C: pre.C, h0: null }, this.cfg.chunkSize);
      const s = ssd;
      const out = tf.tidy(() => {
        const y = tf.add(s.y, tf.mul(pre.x, tf.reshape(this.t.D, [nh, 1]))); // (b, l, nh, P)
        const o = this.gatedOut(tf.reshape(y, [b * l, di]), tf.reshape(pre.z, [b * l, di]));
        return tf.reshape(o, [b, l, this.dModel]) as tf.Tensor3D;
      });
      if (cache) asStateCache(cache).replace([pre.convState, s.state]);
      else tf.dispose([pre.convState, s.state]);
      return out;
    } catch (e) {
      tf.dispose([pre.convState, ...(ssd ? [ssd.state] : [])]);
      throw e;
    } finally {
      tf.dispose([pre.z, pre.x, pre.B, pre.C, pre.dt, ...(ssd ? [ssd.y] : [])]);
    }
  }

  decode(x: tf.Tensor3D, cache: LayerCache, _pos: number, _ctx: ForwardContext): tf.Tensor3D {
    const sc = asStateCache(cache);
    const [b] = x.shape;
    const { dInner: di, nHeads: nh, headDim: P, nGroups: ng, dState: N, convDim, dConv: K } = this.dims;
    const res = tf.tidy(() => {
      const zxbcdt = tf.reshape(linear3d(x, this.t.inProj, this.t.inProjBias), [b, di + convDim + nh]);
      const [z, xBC, dtRaw] = tf.split(zxbcdt, [di, convDim, nh], 1) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
      const old = sc.get('conv_state');
      const convState = K > 1 ? tf.concat([tf.slice(old, [0, 0, 1], [b, convDim, K - 1]), tf.reshape(xBC, [b, convDim, 1])], 2) : tf.reshape(xBC, [b, convDim, 1]);
      let conv = tf.sum(tf.mul(convState, this.t.convTaps), 2);
      if (this.t.convBias) conv = tf.add(conv, this.t.convBias);
      const [xs, B, C] = tf.split(silu(conv), [di, ng * N, ng * N], 1) as [tf.Tensor, tf.Tensor, tf.Tensor];
      const dt = tf.softplus(tf.add(dtRaw, this.t.dtBias)); // (b, nh)
      const dA = tf.reshape(tf.exp(tf.mul(dt, this.t.A)), [b, nh, 1, 1]);
      const xh = tf.reshape(xs, [b, nh, P]);
      const toHeads = (t: tf.Tensor) => tf.reshape(expandTo(tf.reshape(t, [b, ng, 1, 1, N]), [b, ng, nh / ng, 1, N]), [b, nh, 1, N]);
      const h = tf.add(tf.mul(dA, sc.get('ssm_state')), tf.mul(tf.reshape(tf.mul(xh, tf.reshape(dt, [b, nh, 1])), [b, nh, P, 1]), toHeads(B)));
      const y = tf.add(tf.sum(tf.mul(h, toHeads(C)), 3), tf.mul(xh, tf.reshape(this.t.D, [nh, 1]))); // (b, nh, P)
      const out = tf.reshape(this.gatedOut(tf.reshape(y, [b, di]), z), [b, 1, this.dModel]) as tf.Tensor3D;
      return { out, convState, h };
    });
    sc.replace([res.convState, res.h]);
    return res.out;
  }

  dispose(): void {
    for (const v of Object.values(this.t) as (tf.Tensor | null)[]) v?.dispose();
  }
}

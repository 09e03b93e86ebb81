/**
 * The Mamba-1 mixer in tfjs (state-spaces `mamba_simple.py` forward/step + `selective_scan_ref`; Jamba's inner
 * RMSNorms from HF `modeling_jamba.py`). Float64 twin: `reference/mamba.ts`.
 *
 * Prefill: in_proj → x, z; causal depthwise conv (one `depthwiseConv2d`) + bias; SiLU; x_proj → dt (r), B (N), C (N)
 * (+ RMSNorms when `innerNorms`); Δ = softplus(dt_proj(dt) + bias); the selective scan chosen by `ctx.scan`
 * (naive / chunked / wgsl, `scan/runScan.ts`) with A = −exp(A_log); y = scan + D·x; y·SiLU(z); out_proj.
 * Prefill always starts from a zero state (like an attention prefill at position 0) and writes the final state into
 * the cache. Decode: the recurrence step on the cached state, about 30 kernels whatever the position.
 *
 * Cache (role 'state', float32, exact shapes, as `allocate_inference_cache` in `mamba_simple.py`):
 *   conv_state (b, dInner, dConv): the last dConv conv inputs, oldest first;
 *   ssm_state  (b, dInner, dState).
 */
import * as tf from '@tensorflow/tfjs';
import type { MambaMixer } from './spec';
import { runSelectiveScan } from '../../sim/runtime/scan/runScan';
import type { ForwardContext, LayerCache, RuntimeMixer } from '../../sim/runtime/types';
import { MAMBA_INNER_NORM_EPS, mambaDInner, mambaDtRank, type MambaWeights } from './weights';
import { StateCache, causalDepthwiseConv, depthwiseFilter, linear3d, rmsNorm, silu } from '../../sim/runtime/layers/stateCache';

export { initMambaWeights, mambaWeightEntries, type MambaWeights } from './weights';

const opt = (p: { data: Float32Array } | null) => (p ? tf.tensor1d(p.data) : null);

export class MambaLayer implements RuntimeMixer {
  readonly kind = 'mamba' as const;
  readonly dInner: number;
  readonly dtRank: number;
  private readonly t: {
    inProj: tf.Tensor2D;
    inProjBias: tf.Tensor1D | null;
    convFilter: tf.Tensor4D;
    /** (di, K) for the decode step. */
    convTaps: tf.Tensor2D;
    convBias: tf.Tensor1D | null;
    xProj: tf.Tensor2D;
    dtProj: tf.Tensor2D;
    dtProjBias: tf.Tensor1D;
    A: tf.Tensor2D;
    D: tf.Tensor1D;
    outProj: tf.Tensor2D;
    outProjBias: tf.Tensor1D | null;
    dtNorm: tf.Tensor1D | null;
    bNorm: tf.Tensor1D | null;
    cNorm: tf.Tensor1D | null;
  };

  constructor(
    readonly cfg: MambaMixer,
    readonly dModel: number,
    readonly weights: MambaWeights,
  ) {
    this.dInner = mambaDInner(cfg, dModel);
    this.dtRank = mambaDtRank(cfg, dModel);
    const w = weights;
    const di = this.dInner;
    this.t = {
      inProj: tf.tensor2d(w.inProj.data, [dModel, 2 * di]),
      inProjBias: opt(w.inProjBias),
      convFilter: depthwiseFilter(w.convWeight.data, di, cfg.dConv),
      convTaps: tf.tensor2d(w.convWeight.data, [di, cfg.dConv]),
      convBias: opt(w.convBias),
      xProj: tf.tensor2d(w.xProj.data, [di, this.dtRank + 2 * cfg.dState]),
      dtProj: tf.tensor2d(w.dtProj.data, [this.dtRank, di]),
      dtProjBias: tf.tensor1d(w.dtProjBias.data),
      A: tf.tidy(() => tf.neg(tf.exp(tf.tensor2d(w.aLog.data, [di, cfg.dState])))),
      D: tf.tensor1d(w.d.data),
      outProj: tf.tensor2d(w.outProj.data, [di, dModel]),
      outProjBias: opt(w.outProjBias),
      dtNorm: opt(w.dtNorm),
      bNorm: opt(w.bNorm),
      cNorm: opt(w.cNorm),
    };
  }

  /** conv_state (b, dInner, dConv) and ssm_state (b, dInner, dState); `capacity` does not matter for a recurrence. */
  createCache(batch: number, _capacity: number): LayerCache {
    return new StateCache(['conv_state', 'ssm_state'], [
      [batch, this.dInner, this.cfg.dConv],
      [batch, this.dInner, this.cfg.dState],
    ]);
  }

  /** dt (r), B (N), C (N) from the conv output rows (rows, di), with Jamba's norms when present. */
  private dtBC(u2: tf.Tensor2D): { delta: tf.Tensor2D; B: tf.Tensor; C: tf.Tensor } {
    const N = this.cfg.dState;
    const [dtr, B, C] = tf.split(tf.matMul(u2, this.t.xProj), [this.dtRank, N, N], 1) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
    const { dtNorm, bNorm, cNorm } = this.t;
    const dtn = dtNorm ? rmsNorm(dtr, dtNorm, MAMBA_INNER_NORM_EPS) : dtr;
    const Bn = bNorm ? rmsNorm(B, bNorm, MAMBA_INNER_NORM_EPS) : B;
    const Cn = cNorm ? rmsNorm(C, cNorm, MAMBA_INNER_NORM_EPS) : C;
    const delta = tf.softplus(tf.add(tf.matMul(dtn as tf.Tensor2D, this.t.dtProj), this.t.dtProjBias)) as tf.Tensor2D;
    return { delta, B: Bn, C: Cn };
  }

  prefill(x: tf.Tensor3D, cache: LayerCache | null, ctx: ForwardContext): tf.Tensor3D {
    const [b, l] = x.shape;
    const di = this.dInner;
    const N = this.cfg.dState;
    const K = this.cfg.dConv;
    const pre = tf.tidy(() => {
      const xz = linear3d(x, this.t.inProj, this.t.inProjBias); // (b, l, 2di)
      const [xi, z] = tf.split(xz, 2, 2) as [tf.Tensor3D, tf.Tensor3D];
      const conv = causalDepthwiseConv(xi, this.t.convFilter, this.t.convBias);
      const u = silu(conv.y) as tf.Tensor3D; // (b, l, di)
      const p = this.dtBC(tf.reshape(u, [b * l, di]));
      const convState = tf.transpose(tf.slice(conv.padded, [0, l - 1, 0], [b, K, di]), [0, 2, 1]); // (b, di, K)
      return {
        u,
        z,
        delta: tf.reshape(p.delta, [b, l, di]) as tf.Tensor3D,
        B: tf.reshape(p.B, [b, l, 1, N]) as tf.Tensor4D,
        C: tf.reshape(p.C, [b, l, 1, N]) as tf.Tensor4D,
        convState,
      };
    });
    let scan: { y: tf.Tensor3D; state: tf.Tensor3D } | null = null;
    try {
      scan = runSelectiveScan(ctx.scan, { u: pre.u, delta: pre.delta, A: this.t.A, B: pre.B, C: pre.C, h0: null });
      const s = scan;
      const out = tf.tidy(() => {
        const y = tf.mul(tf.add(s.y, tf.mul(pre.u, this.t.D)), silu(pre.z)) as tf.Tensor3D; // (b, l, di)
        return linear3d(y, this.t.outProj, this.t.outProjBias);
      });
      if (cache) {
        asStateCache(cache).replace([pre.convState, s.state]);
      } else {
        tf.dispose([pre.convState, s.state]);
      }
      return out;
    } catch (e) {
      tf.dispose([pre.convState, ...(scan ? [scan.state] : [])]);
      throw e;
    } finally {
      tf.dispose([pre.u, pre.z, pre.delta, pre.B, pre.C, ...(scan ? [scan.y] : [])]);
    }
  }

  decode(x: tf.Tensor3D, cache: LayerCache, _pos: number, _ctx: ForwardContext): tf.Tensor3D {
    const sc = asStateCache(cache);
    const [b] = x.shape;
    const di = this.dInner;
    const N = this.cfg.dState;
    const K = this.cfg.dConv;
    const res = tf.tidy(() => {
      const xz = linear3d(x, this.t.inProj, this.t.inProjBias); // (b, 1, 2di)
      const [xi, z] = tf.split(tf.reshape(xz, [b, 2 * di]), 2, 1) as [tf.Tensor2D, tf.Tensor2D];
      const old = sc.get('conv_state'); // (b, di, K)
      const convState = K > 1 ? tf.concat([tf.slice(old, [0, 0, 1], [b, di, K - 1]), tf.reshape(xi, [b, di, 1])], 2) : tf.reshape(xi, [b, di, 1]);
      let conv = tf.sum(tf.mul(convState, this.t.convTaps), 2);
      if (this.t.convBias) conv = tf.add(conv, this.t.convBias);
      const u = silu(conv) as tf.Tensor2D; // (b, di)
      const p = this.dtBC(u);
      const dt = tf.reshape(p.delta, [b, di, 1]);
      const h = tf.add(tf.mul(tf.exp(tf.mul(dt, this.t.A)), sc.get('ssm_state')), tf.mul(tf.mul(dt, tf.reshape(u, [b, di, 1])), tf.reshape(p.B, [b, 1, N])));
      const yScan = tf.sum(tf.mul(h, tf.reshape(p.C, [b, 1, N])), 2); // (b, di)
      const y = tf.mul(tf.add(yScan, tf.mul(u, this.t.D)), silu(z));
      const out = linear3d(tf.reshape(y, [b, 1, di]) as tf.Tensor3D, this.t.outProj, this.t.outProjBias);
      return { out, convState, h };
    });
    sc.replace([res.convState, res.h]);
    return res.out;
  }

  dispose(): void {
    for (const v of Object.values(this.t) as (tf.Tensor | null)[]) v?.dispose();
  }
}

/** The cache as the StateCache this layer made; a foreign cache is refused with a clear error. */
export function asStateCache(cache: LayerCache): StateCache {
  if (!(cache instanceof StateCache)) throw new Error('state-space layer: the cache was not made by this layer kind (expected a state cache)');
  return cache;
}

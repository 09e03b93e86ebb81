/**
 * MLA layer (tfjs): multi-head latent attention with a cache that holds only the latent and the rope key.
 * Follows HF `modeling_deepseek_v3.py` `DeepseekV3Attention` / `modeling_kimi_linear.py` `KimiLinearAttention`
 * (layouts in weights.ts; softmax scale 1/sqrt(dn + dr); RoPE with `rotate_half` on the dr dims, or none for Kimi
 * Linear's NoPE MLA; DeepSeek checkpoints with `rope_interleave` pair dims differently, a fixed permutation of the
 * rope columns of q and kv_a_proj_with_mqa).
 *
 * Prefill (naive form): K and V are expanded per head from the latent, key = [k_nope | k_pe], and attention runs in
 * query blocks of MLA_QUERY_BLOCK rows so the scores stay (b, H, Q, L). Decode (absorbed form, DeepSeek-V3
 * `inference/model.py` `MLA` with `attn_impl = "absorb"`): W_UK is folded into the query (q_lat = q_nope · W_UK,
 * [H, r]) and W_UV into the output, so a step reads only the cached latent c [slots, r] and rope key [slots, dr]:
 *   scores = (q_lat · cᵀ + q_pe · k_peᵀ) / sqrt(dn + dr),   o = (softmax(scores) · c) · W_UV.
 * The tests check the two forms against the same Float64 reference (reference.ts).
 *
 * Cache (`MlaCache`): a `KvCache` whose two tensors are the latent (b, 1, cap, r) and the rope key (b, 1, cap, dr),
 * with the attention KV cache's capacity policy and growth (exact or pow2 first capacity, then power-of-two buckets,
 * rows copied once per growth; see src/kinds/attention/layer.ts).
 * Glossary: H = nHeads, r = kvLoraRank, rq = qLoraRank, dn/dr/dv = nope/rope/value head dims, dq = dn + dr.
 */
import * as tf from '@tensorflow/tfjs';
import type { KvCapacityPolicy } from '../../sim/protocol';
import type { ForwardContext, LayerCache, RuntimeMixer } from '../../sim/runtime/types';
import { paramTensor, type Param } from '../../sim/runtime/params';
import { KvCache, kvCacheSlots } from '../attention/layer';
import { MLA_NORM_EPS, type MlaDims, type MlaWeights } from './weights';

/** Query rows per prefill block (as attention's PREFILL_QUERY_BLOCK). */
export const MLA_QUERY_BLOCK = 256;
const MASKED = -1e9;
/**
 * Backends where a loop of 2D matMuls beats one batched matMul (measured for attention on wasm, 3-5x; see
 * src/kinds/attention/layer.ts PER_HEAD_BACKENDS; for MLA see docs/benchmarks.md): prefill attends per (sequence,
 * head) there.
 */
const PER_HEAD_BACKENDS = new Set(['wasm', 'cpu']);

/**
 * The MLA cache: `k` holds the normed latent c (b, 1, cap, r), `v` the rope key k_pe (b, 1, cap, dr), already
 * rotated. Growth, capacity and disposal are KvCache's.
 */
export class MlaCache extends KvCache {
  /** The latent c (b, 1, cap, r). */
  get latent(): tf.Tensor4D {
    return this.k;
  }
  /** The rope key k_pe (b, 1, cap, dr). */
  get ropeKey(): tf.Tensor4D {
    return this.v;
  }
  /** Bytes of the filled slots: filled × b × (r + dr) × 4. */
  override filledBytes(): number {
    const [b, , , r] = this.k.shape;
    const dr = this.v.shape[3];
    return b * this.filledSlots * (r + dr) * 4;
  }
}

/** (rows, in) @ (in, out). */
const mm = (x: tf.Tensor, w: tf.Tensor2D) => tf.matMul(x as tf.Tensor2D, w);

/** W_UK (H, dn, r) and W_UV (H, r, dv) out of kv_b_proj (r, H (dn + dv)), for the absorbed decode. */
function absorbed(kvB: Param, d: MlaDims): { wUK: Float32Array; wUV: Float32Array } {
  const { nHeads: h, kvLoraRank: r, qkNopeHeadDim: dn, vHeadDim: dv } = d;
  const cols = h * (dn + dv);
  const wUK = new Float32Array(h * dn * r);
  const wUV = new Float32Array(h * r * dv);
  for (let c = 0; c < r; c++) {
    for (let hh = 0; hh < h; hh++) {
      const base = c * cols + hh * (dn + dv);
      for (let t = 0; t < dn; t++) wUK[(hh * dn + t) * r + c] = kvB.data[base + t]!;
      for (let t = 0; t < dv; t++) wUV[(hh * r + c) * dv + t] = kvB.data[base + dn + t]!;
    }
  }
  return { wUK, wUV };
}

/** The `mla` mixer. */
export class MlaLayer implements RuntimeMixer {
  readonly kind = 'mla' as const;
  private readonly qProj?: tf.Tensor2D;
  private readonly qAProj?: tf.Tensor2D;
  private readonly qANorm?: tf.Tensor1D;
  private readonly qBProj?: tf.Tensor2D;
  private readonly kvAProj: tf.Tensor2D;
  private readonly kvANorm: tf.Tensor1D;
  private readonly kvBProj: tf.Tensor2D;
  private readonly oProj: tf.Tensor2D;
  /** (H, dn, r) and (H, r, dv): kv_b_proj split per head for the absorbed decode. */
  private readonly wUK: tf.Tensor3D;
  private readonly wUV: tf.Tensor3D;
  /** RoPE inverse frequencies theta^(-2i/dr), i < dr/2; null for NoPE. */
  private readonly invFreq: Float64Array | null;

  constructor(readonly weights: MlaWeights) {
    const w = weights;
    const d = w.dims;
    if (w.qProj) this.qProj = paramTensor(w.qProj) as tf.Tensor2D;
    if (w.qAProj) this.qAProj = paramTensor(w.qAProj) as tf.Tensor2D;
    if (w.qANorm) this.qANorm = paramTensor(w.qANorm) as tf.Tensor1D;
    if (w.qBProj) this.qBProj = paramTensor(w.qBProj) as tf.Tensor2D;
    this.kvAProj = paramTensor(w.kvAProj) as tf.Tensor2D;
    this.kvANorm = paramTensor(w.kvANorm) as tf.Tensor1D;
    this.kvBProj = paramTensor(w.kvBProj) as tf.Tensor2D;
    this.oProj = paramTensor(w.oProj) as tf.Tensor2D;
    const { wUK, wUV } = absorbed(w.kvBProj, d);
    this.wUK = tf.tensor3d(wUK, [d.nHeads, d.qkNopeHeadDim, d.kvLoraRank]);
    this.wUV = tf.tensor3d(wUV, [d.nHeads, d.kvLoraRank, d.vHeadDim]);
    const dr = d.qkRopeHeadDim;
    this.invFreq = d.rope ? Float64Array.from({ length: dr / 2 }, (_, i) => Math.pow(d.ropeTheta, (-2 * i) / dr)) : null;
  }

  get dims(): MlaDims {
    return this.weights.dims;
  }

  /** A zeroed cache for `batch` sequences and `capacity` positions, sized by `policy` like attention's. */
  createCache(batch: number, capacity: number, policy: KvCapacityPolicy = 'exact'): MlaCache {
    const { kvLoraRank: r, qkRopeHeadDim: dr } = this.dims;
    const slots = kvCacheSlots({ slidingWindow: null }, capacity, policy);
    return new MlaCache(tf.zeros([batch, 1, slots, r]), tf.zeros([batch, 1, slots, dr]), null);
  }

  /** RMSNorm over the last axis with gain g (DeepseekV3RMSNorm / KimiLinearRMSNorm). */
  private rms<T extends tf.Tensor>(x: T, g: tf.Tensor1D): T {
    return tf.mul(tf.mul(x, tf.rsqrt(tf.add(tf.mean(tf.square(x), -1, true), MLA_NORM_EPS))), g) as T;
  }

  /** RoPE (rotate_half) on x (b, n, l, dr) at positions start..start+l-1; identity for NoPE. */
  private rope(x: tf.Tensor4D, start: number): tf.Tensor4D {
    if (!this.invFreq) return x;
    const [, , l, dr] = x.shape;
    const half = dr / 2;
    const cos = new Float32Array(l * dr);
    const sin = new Float32Array(l * dr);
    for (let t = 0; t < l; t++) {
      for (let i = 0; i < half; i++) {
        const ang = (start + t) * this.invFreq[i]!;
        cos[t * dr + i] = cos[t * dr + half + i] = Math.cos(ang);
        sin[t * dr + i] = sin[t * dr + half + i] = Math.sin(ang);
      }
    }
    const [x1, x2] = tf.split(x, [half, half], 3);
    const rot = tf.concat([tf.neg(x2!), x1!], 3);
    return tf.add(tf.mul(x, tf.tensor2d(cos, [l, dr])), tf.mul(rot, tf.tensor2d(sin, [l, dr])));
  }

  /**
   * x (rows, d) -> q_nope (b, H, l, dn) and q_pe (b, H, l, dr) (RoPE at start..), c (rows, r) normed and k_pe
   * (b, 1, l, dr) (RoPE at start..).
   */
  private project(x: tf.Tensor3D, start: number) {
    const [b, l, dm] = x.shape;
    const { nHeads: h, kvLoraRank: r, qkNopeHeadDim: dn, qkRopeHeadDim: dr } = this.dims;
    const x2 = tf.reshape(x, [b * l, dm]);
    const qRows = this.qProj ? mm(x2, this.qProj) : mm(this.rms(mm(x2, this.qAProj!), this.qANorm!), this.qBProj!); // (rows, H dq)
    const q = tf.transpose(tf.reshape(qRows, [b, l, h, dn + dr]), [0, 2, 1, 3]) as tf.Tensor4D; // (b, H, l, dq)
    const [qNope, qPe] = tf.split(q, [dn, dr], 3) as [tf.Tensor4D, tf.Tensor4D];
    const [cRaw, kpeRaw] = tf.split(mm(x2, this.kvAProj), [r, dr], 1); // (rows, r), (rows, dr)
    const c = this.rms(cRaw!, this.kvANorm) as tf.Tensor2D;
    const kpe = this.rope(tf.reshape(kpeRaw!, [b, 1, l, dr]), start); // (b, 1, l, dr)
    return { qNope, qPe: this.rope(qPe, start), c, kpe };
  }

  /** o (b, H, l, dv) -> (b, l, d) through o_proj. */
  private out(o: tf.Tensor4D): tf.Tensor3D {
    const [b, h, l, dv] = o.shape;
    const flat = tf.reshape(tf.transpose(o, [0, 2, 1, 3]), [b * l, h * dv]);
    return tf.reshape(mm(flat, this.oProj), [b, l, this.dims.dModel]);
  }

  /** The additive causal mask of query rows [s, e) over keys [0, e): (nq, e). */
  private static causal(s: number, e: number): tf.Tensor2D {
    const nq = e - s;
    const m = new Float32Array(nq * e);
    for (let i = 0; i < nq; i++) for (let j = s + i + 1; j < e; j++) m[i * e + j] = MASKED;
    return tf.tensor2d(m, [nq, e]);
  }

  /**
   * Causal attention of q (b, H, l, dq) over k (b, H, l, dq), v (b, H, l, dv) in query blocks, batched over (b, H):
   * the path of webgl / webgpu (public so the cpu tests can check it against the per-head path).
   */
  static attendBatched(q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D): tf.Tensor4D {
    const [b, h, l, dq] = q.shape;
    const dv = v.shape[3];
    const blocks: tf.Tensor4D[] = [];
    for (let s = 0; s < l; s += MLA_QUERY_BLOCK) {
      const e = Math.min(l, s + MLA_QUERY_BLOCK);
      const qb = e - s === l ? q : tf.slice(q, [0, 0, s, 0], [b, h, e - s, dq]);
      const kb = e === l ? k : tf.slice(k, [0, 0, 0, 0], [b, h, e, dq]);
      const vb = e === l ? v : tf.slice(v, [0, 0, 0, 0], [b, h, e, dv]);
      const p = tf.softmax(tf.add(tf.matMul(qb, kb, false, true), MlaLayer.causal(s, e))); // (b, H, nq, e)
      blocks.push(tf.matMul(p, vb));
    }
    return blocks.length === 1 ? blocks[0]! : (tf.concat(blocks, 2) as tf.Tensor4D);
  }

  /**
   * The same with one pair of 2D matMuls per (sequence, head, block), k transposed once per layer (a 2D matMul with
   * transposeB is slow on wasm; attention's layer.ts measured it). The path of cpu and wasm.
   */
  static attendPerHead(q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D): tf.Tensor4D {
    const [b, h, l, dq] = q.shape;
    const dv = v.shape[3];
    const n = b * h;
    const rows = <T extends tf.Tensor>(t: tf.Tensor, shape: [number, number]): T[] =>
      Array.from({ length: n }, (_, i) => tf.reshape(tf.slice(t, [i, 0, 0], [1, ...shape]), shape) as T);
    const qs = rows<tf.Tensor2D>(tf.reshape(q, [n, l, dq]), [l, dq]);
    const kTs = rows<tf.Tensor2D>(tf.reshape(tf.transpose(k, [0, 1, 3, 2]), [n, dq, l]), [dq, l]);
    const vs = rows<tf.Tensor2D>(tf.reshape(v, [n, l, dv]), [l, dv]);
    const outs: tf.Tensor2D[][] = Array.from({ length: n }, () => []);
    for (let s = 0; s < l; s += MLA_QUERY_BLOCK) {
      const e = Math.min(l, s + MLA_QUERY_BLOCK);
      const nq = e - s;
      const bias = MlaLayer.causal(s, e);
      for (let i = 0; i < n; i++) {
        const qh = nq === l ? qs[i]! : tf.slice(qs[i]!, [s, 0], [nq, dq]);
        const kh = e === l ? kTs[i]! : tf.slice(kTs[i]!, [0, 0], [dq, e]);
        const vh = e === l ? vs[i]! : tf.slice(vs[i]!, [0, 0], [e, dv]);
        outs[i]!.push(tf.matMul(tf.softmax(tf.add(tf.matMul(qh, kh), bias)) as tf.Tensor2D, vh)); // (nq, dv)
      }
    }
    const perHead = outs.map((o) => (o.length === 1 ? o[0]! : (tf.concat(o, 0) as tf.Tensor2D))); // (l, dv)
    return tf.reshape(tf.stack(perHead), [b, h, l, dv]) as tf.Tensor4D;
  }

  /**
   * x: (b, l, d) -> (b, l, d), naive form (K, V expanded per head); fills `cache` with c and k_pe of positions
   * 0..l-1 when given (moving it straight to the bucket that holds l when it is too small).
   */
  prefill(x: tf.Tensor3D, cache: LayerCache | null, _ctx?: ForwardContext): tf.Tensor3D {
    const mc = cache as MlaCache | null;
    const [b, l] = x.shape;
    const { nHeads: h, kvLoraRank: r, qkNopeHeadDim: dn, qkRopeHeadDim: dr, vHeadDim: dv } = this.dims;
    const slots = mc ? mc.slotsFor(l) : 0;
    const res = tf.tidy(() => {
      const { qNope, qPe, c, kpe } = this.project(x, 0);
      const kv = tf.transpose(tf.reshape(mm(c, this.kvBProj), [b, l, h, dn + dv]), [0, 2, 1, 3]); // (b, H, l, dn + dv)
      const [kNope, v] = tf.split(kv, [dn, dv], 3) as [tf.Tensor4D, tf.Tensor4D];
      const k = tf.concat([kNope, tf.tile(kpe, [1, h, 1, 1])], 3) as tf.Tensor4D; // (b, H, l, dq): k_pe shared by the heads
      const q = tf.mul(tf.concat([qNope, qPe], 3), 1 / Math.sqrt(dn + dr)) as tf.Tensor4D; // pre-scaled
      const y = this.out(PER_HEAD_BACKENDS.has(tf.getBackend()) ? MlaLayer.attendPerHead(q, k, v) : MlaLayer.attendBatched(q, k, v));
      if (!mc) return { y };
      const pad = (t: tf.Tensor4D) => tf.pad(t, [[0, 0], [0, 0], [0, slots - l], [0, 0]]) as tf.Tensor4D;
      return { y, latent: pad(tf.reshape(c, [b, 1, l, r])), pe: pad(kpe) };
    });
    if (mc) {
      mc.replace(res.latent!, res.pe!);
      mc.positions = l;
    }
    return res.y;
  }

  /**
   * x: (b, 1, d) at absolute position `pos` -> (b, 1, d), absorbed form; writes c and k_pe of `pos` into the cache
   * (after growing it to the next bucket when `pos` is past its capacity) and attends over positions 0..pos.
   */
  decode(x: tf.Tensor3D, cache: LayerCache, pos: number, _ctx?: ForwardContext): tf.Tensor3D {
    const mc = cache as MlaCache;
    const { nHeads: h, kvLoraRank: r, qkNopeHeadDim: dn, qkRopeHeadDim: dr, vHeadDim: dv } = this.dims;
    mc.reserve(pos + 1);
    const slots = mc.slots;
    const b = x.shape[0];
    const res = tf.tidy(() => {
      const { qNope, qPe, c, kpe } = this.project(x, pos); // q (b, H, 1, ·), c (b, r), k_pe (b, 1, 1, dr)
      // Write slot `pos` of every sequence: one TensorScatterUpdate per tensor (see attention's decode).
      const idx = new Int32Array(b * 3);
      for (let i = 0; i < b; i++) idx.set([i, 0, pos], 3 * i);
      const at = tf.tensor2d(idx, [b, 3], 'int32');
      const latent = tf.tensorScatterUpdate(mc.latent, at, c) as tf.Tensor4D; // (b, 1, slots, r)
      const pe = tf.tensorScatterUpdate(mc.ropeKey, at, tf.reshape(kpe, [b, dr])) as tf.Tensor4D; // (b, 1, slots, dr)
      const c3 = tf.reshape(latent, [b, slots, r]);
      const pe3 = tf.reshape(pe, [b, slots, dr]);
      // q_lat = q_nope · W_UK per head: (H, b, dn) x (H, dn, r) -> (H, b, r) -> (b, H, r).
      const qLat = tf.transpose(tf.matMul(tf.transpose(tf.reshape(qNope, [b, h, dn]), [1, 0, 2]), this.wUK), [1, 0, 2]);
      const scores = tf.add(tf.matMul(qLat, c3, false, true), tf.matMul(tf.reshape(qPe, [b, h, dr]), pe3, false, true)); // (b, H, slots)
      const bias = tf.mul(tf.cast(tf.greaterEqual(tf.range(0, slots, 1, 'float32'), pos + 1), 'float32'), MASKED);
      const p = tf.softmax(tf.add(tf.mul(scores, 1 / Math.sqrt(dn + dr)), bias));
      const oLat = tf.matMul(p, c3); // (b, H, r)
      const o = tf.transpose(tf.matMul(tf.transpose(oLat, [1, 0, 2]), this.wUV), [1, 0, 2]); // (b, H, dv)
      return { y: this.out(tf.reshape(o, [b, h, 1, dv])), latent, pe };
    });
    mc.replace(res.latent, res.pe);
    mc.positions = pos + 1;
    return res.y;
  }

  dispose(): void {
    for (const t of [this.qProj, this.qAProj, this.qANorm, this.qBProj, this.kvAProj, this.kvANorm, this.kvBProj, this.oProj, this.wUK, this.wUV]) t?.dispose();
  }
}

/**
 * Causal self-attention: MHA (KVH = H), GQA (1 < KVH < H), MQA (KVH = 1), optional RoPE and sliding window.
 * Mirrors HF `modeling_jamba.py` `JambaAttention` / `modeling_llama.py` (q, k, v, o projections; query head h uses
 * key/value head floor(h / G), G = H / KVH, as `repeat_kv` does; scores scaled by 1/sqrt(hd); RoPE with
 * `rotate_half` on the two halves of each head, inverse frequencies theta^(-2i/hd)).
 * Options (HF `modeling_qwen3_next.py` `Qwen3NextAttention`): an output gate (q_proj emits 2·hd per head, the query
 * then the gate, as `torch.chunk(q_proj(x).view(..., -1, 2 * head_dim), 2, dim=-1)`; the attention output, heads
 * flattened, is multiplied by sigmoid(gate) before o_proj), q/k RMSNorm over each head before RoPE (`q_norm`,
 * `k_norm`), and partial rotary: RoPE rotates the first rd dims of each head (`rotate_half` on them, inverse
 * frequencies theta^(-2i/rd)) and passes the rest (HF `apply_rotary_pos_emb` with `rotary_dim = cos.shape[-1]`).
 * Glossary: dIn = input width (dModel, or 2 dModel for a Zamba shared block), dOut = output width, H = nHeads,
 * KVH = nKvHeads, hd = headDim, rd = rotated dims per head (hd unless partial), W = sliding window.
 *
 * KV cache: preallocated, shape (b, KVH, cap, hd), in capacity buckets (tfjs-notes: the webgpu buffer pool reuses a
 * freed buffer only for the same size, so a cache grown by concat each token inflates memory). The policy sets the
 * first capacity: `exact` = the positions asked for (bench sweeps: measured bytes = the cost model's), `pow2` = the
 * smallest power of two >= them, at least KV_MIN_BUCKET. Prefill pads k/v to the capacity; a decode step writes its
 * position with `tensorScatterUpdate` into a tensor of the same shape. When a step needs a position past the capacity
 * the cache grows ONCE to the next power-of-two bucket (new tensors, old rows copied, old ones disposed), so shapes
 * stay constant between growths: 16 -> 32 -> 64 ... With a sliding window the cache is a ring of at most W slots
 * (slot = position mod cap; softmax ignores slot order) and never grows past W; below W it holds position p at slot p.
 */
import * as tf from '@tensorflow/tfjs';
import { ropeDims, type AttentionMixer } from './spec';
import type { KvCapacityPolicy } from '../../sim/protocol';
import type { ForwardContext, LayerCache, RuntimeMixer } from '../../sim/runtime/types';
import { CONSTANT_TENSORS, constParam, gainParam, linear, linearParam, type Param, type TensorSource } from '../../sim/runtime/params';
import type { Rng } from '../../sim/runtime/rng';
import { simdBatchMatMulTakes } from '../../sim/runtime/kernels/wasmBatchMatMul';

export interface AttentionDims {
  dIn: number;
  dOut: number;
  nHeads: number;
  nKvHeads: number;
  headDim: number;
  rope: boolean;
  ropeTheta: number;
  slidingWindow: number | null;
  /** Output gate (q_proj emits query and gate per head); false when absent. */
  outputGate?: boolean;
  /** RMSNorm of each q and k head before RoPE; false when absent. */
  qkNorm?: boolean;
  /** Dims of each head RoPE rotates (even, <= hd); hd when absent. Ignored without `rope`. */
  ropeDims?: number;
}

export interface AttentionWeights {
  dims: AttentionDims;
  /** (dIn, H hd) or, with the output gate, (dIn, H 2hd) (per head: query then gate), (dIn, KVH hd), (dIn, KVH hd), (H hd, dOut). */
  wq: Param;
  wk: Param;
  wv: Param;
  wo: Param;
  bq: Param | null;
  bk: Param | null;
  bv: Param | null;
  bo: Param | null;
  /** (hd) RMSNorm gains of q and k heads, with `qkNorm`. */
  qNorm?: Param | null;
  kNorm?: Param | null;
}

/** Epsilon of the q/k norms (Qwen3-Next `rms_norm_eps`). */
export const QK_NORM_EPS = 1e-6;

/** Default RoPE base (Llama, Mistral). */
export const DEFAULT_ROPE_THETA = 10_000;
/** Query rows processed per block in prefill, so the score matrix stays (b, H, Q, L) instead of (b, H, L, L). */
export const PREFILL_QUERY_BLOCK = 256;
const MASKED = -1e9;
/**
 * Backends whose batched matMul is much slower than a loop of 2D ones: on wasm a (8, 256, 32) x (8, 32, 1024) batched
 * product ran at 0.7-1.3 GFLOP/s while the same work as eight 2D products ran at 3-5 GFLOP/s (2-core VM, Node 20);
 * 2D products of the projections reach 13-19 GFLOP/s there. Prefill attention loops over (sequence, KV head) on these,
 * except when training (trainable weights): the gradient of each per-head slice pads back to the full tensor, b·KVH
 * times over, so the lab takes the batched path (short sequences, where dispatches dominate anyway).
 */
const PER_HEAD_BACKENDS = new Set(['wasm', 'cpu']);

/**
 * The additive mask of a prefill block, (nq, nk): 0 where query position s + i may attend to key position k0 + j
 * (0 <= i + s - k0 - j, and < W with a window), MASKED elsewhere. Built in JS and uploaded: the same mask from tf
 * ops cost six dispatches per block, 3 % of a dense prefill on wasm.
 */
function blockBias(s: number, e: number, k0: number, win: number | null): tf.Tensor2D {
  const nq = e - s;
  const nk = e - k0;
  const m = new Float32Array(nq * nk);
  for (let i = 0; i < nq; i++) {
    for (let j = 0; j < nk; j++) {
      const diff = s + i - (k0 + j);
      if (diff < 0 || (win !== null && diff >= win)) m[i * nk + j] = MASKED;
    }
  }
  return tf.tensor2d(m, [nq, nk]);
}

/** The runtime dims of an attention mixer of the design, at input width dIn and output width dOut. */
export function attentionDims(a: AttentionMixer, dIn: number, dOut: number): AttentionDims {
  return {
    dIn,
    dOut,
    nHeads: a.nHeads,
    nKvHeads: a.nKvHeads,
    headDim: a.headDim,
    rope: a.positional === 'rope',
    ropeTheta: a.ropeTheta ?? DEFAULT_ROPE_THETA,
    slidingWindow: a.slidingWindow,
    outputGate: a.outputGate,
    qkNorm: a.qkNorm,
    ropeDims: a.positional === 'rope' ? ropeDims(a) : a.headDim,
  };
}

/** Seeded attention weights (the options add tensors from their own forks, so the others stay as they were). */
export function initAttentionWeights(dims: AttentionDims, bias: boolean, rng: Rng): AttentionWeights {
  const { dIn, dOut, nHeads: h, nKvHeads: kvh, headDim: hd } = dims;
  const qOut = dims.outputGate ? 2 * h * hd : h * hd;
  return {
    dims,
    wq: linearParam(rng.fork(1), dIn, qOut),
    wk: linearParam(rng.fork(2), dIn, kvh * hd),
    wv: linearParam(rng.fork(3), dIn, kvh * hd),
    wo: linearParam(rng.fork(4), h * hd, dOut),
    bq: bias ? constParam([qOut], 0.01) : null,
    bk: bias ? constParam([kvh * hd], -0.01) : null,
    bv: bias ? constParam([kvh * hd], 0.02) : null,
    bo: bias ? constParam([dOut], 0.01) : null,
    qNorm: dims.qkNorm ? gainParam(rng.fork(5), hd) : null,
    kNorm: dims.qkNorm ? gainParam(rng.fork(6), hd) : null,
  };
}

/** The smallest KV-cache bucket: a `pow2` cache, or a grown one, holds at least this many positions. */
export const KV_MIN_BUCKET = 16;

/** The smallest power of two >= `positions`, and >= KV_MIN_BUCKET. */
export function kvBucket(positions: number): number {
  let cap = KV_MIN_BUCKET;
  while (cap < positions) cap *= 2;
  return cap;
}

/** The KV-cache slots for a requested capacity under a policy: the window caps it (cost model `kvWindow`). */
export function kvCacheSlots(dims: Pick<AttentionDims, 'slidingWindow'>, capacity: number, policy: KvCapacityPolicy = 'exact'): number {
  const cap = policy === 'pow2' ? kvBucket(capacity) : capacity;
  return dims.slidingWindow === null ? cap : Math.min(cap, dims.slidingWindow);
}

/**
 * A preallocated KV cache of shape (b, KVH, cap, hd), constant between growths. `positions` counts the positions
 * written (0..positions-1); the cache holds the last min(positions, cap) of them.
 */
export class KvCache implements LayerCache {
  readonly role = 'kv' as const;
  /** Positions written so far (the next position to decode, in order). */
  positions = 0;
  constructor(
    public k: tf.Tensor4D,
    public v: tf.Tensor4D,
    /** The sliding window W, or null. */
    readonly window: number | null,
  ) {}
  /** Positions the cache can hold now (cap). */
  get slots(): number {
    return this.k.shape[2];
  }
  /** Slots that hold a written position. */
  get filledSlots(): number {
    return Math.min(this.positions, this.slots);
  }
  /** Bytes of the tensors allocated: cap x 2 b KVH hd x 4 (float32). */
  heldBytes(): number {
    return (this.k.size + this.v.size) * 4;
  }
  /** Bytes of the filled slots (<= heldBytes). */
  filledBytes(): number {
    const [b, kvh, , hd] = this.k.shape;
    return 2 * b * kvh * this.filledSlots * hd * 4;
  }
  tensors(): tf.Tensor[] {
    return [this.k, this.v];
  }
  /**
   * The slots needed to hold positions 0..positions-1 (the last W of them with a window): the current capacity when
   * it is enough (a cache never shrinks), else the next power-of-two bucket, capped by the window.
   */
  slotsFor(positions: number): number {
    const need = this.window === null ? positions : Math.min(positions, this.window);
    if (need <= this.slots) return this.slots;
    const cap = kvBucket(need);
    return this.window === null ? cap : Math.min(cap, this.window);
  }
  /**
   * Makes room for positions 0..positions-1: when they do not fit, moves to the next bucket once (new tensors of
   * cap2 slots, the held rows copied, the old tensors disposed). Below the window no slot has wrapped yet (position
   * p sits at slot p), so the copy keeps every row in place. Returns whether the cache grew.
   */
  reserve(positions: number): boolean {
    const next = this.slotsFor(positions);
    const grow = next - this.slots;
    if (grow === 0) return false;
    // Rows past the filled ones are zeros (or masked stale rows): copying them whole is one pad per tensor.
    const pad = (t: tf.Tensor4D) => tf.pad(t, [[0, 0], [0, 0], [0, grow], [0, 0]]);
    this.replace(pad(this.k), pad(this.v));
    return true;
  }
  /** Replaces both tensors, disposing the old ones. */
  replace(k: tf.Tensor4D, v: tf.Tensor4D): void {
    this.k.dispose();
    this.v.dispose();
    this.k = k;
    this.v = v;
  }
  dispose(): void {
    this.k.dispose();
    this.v.dispose();
  }
}

/**
 * (hd, hd): x @ R = rotate_half(x) over the first rd dims = concat(−x2, x1, pass) (HF `rotate_half`, partial rotary):
 * R[half + t, t] = −1, R[t, half + t] = 1 for t < half = rd/2, R[j, j] = 1 for the pass dims j ≥ rd.
 */
function rotateHalfMatrix(hd: number, rd: number): tf.Tensor2D {
  const half = rd / 2;
  const r = new Float32Array(hd * hd);
  for (let t = 0; t < half; t++) {
    r[(half + t) * hd + t] = -1;
    r[t * hd + half + t] = 1;
  }
  for (let j = rd; j < hd; j++) r[j * hd + j] = 1;
  return tf.tensor2d(r, [hd, hd]);
}

/** Slot -> absolute position of a ring of `slots` after `len` prefill tokens (len > slots). */
function ringOrder(len: number, slots: number): Int32Array {
  const idx = new Int32Array(slots);
  for (let p = len - slots; p < len; p++) idx[p % slots] = p;
  return idx;
}

/** The attention computation with plain tensors; shared by `AttentionLayer` and the Zamba shared block. */
export class AttentionCore {
  private readonly wq: tf.Tensor2D;
  private readonly wk: tf.Tensor2D;
  private readonly wv: tf.Tensor2D;
  private readonly wo: tf.Tensor2D;
  private readonly bq?: tf.Tensor1D;
  private readonly bk?: tf.Tensor1D;
  private readonly bv?: tf.Tensor1D;
  private readonly bo?: tf.Tensor1D;
  private readonly qNorm?: tf.Tensor1D;
  private readonly kNorm?: tf.Tensor1D;
  /** RoPE inverse frequencies theta^(-2i/rd), i < rd/2; kept in JS so a step uploads its cos/sin rows directly. */
  private readonly invFreq: Float64Array | null;
  /** Trainable weights: prefill takes the batched path (see PER_HEAD_BACKENDS). */
  private readonly training: boolean;

  constructor(
    readonly weights: AttentionWeights,
    src: TensorSource = CONSTANT_TENSORS,
  ) {
    const w = weights;
    this.training = src.trainable;
    this.wq = src.tensor(w.wq) as tf.Tensor2D;
    this.wk = src.tensor(w.wk) as tf.Tensor2D;
    this.wv = src.tensor(w.wv) as tf.Tensor2D;
    this.wo = src.tensor(w.wo) as tf.Tensor2D;
    if (w.bq) this.bq = src.tensor(w.bq) as tf.Tensor1D;
    if (w.bk) this.bk = src.tensor(w.bk) as tf.Tensor1D;
    if (w.bv) this.bv = src.tensor(w.bv) as tf.Tensor1D;
    if (w.bo) this.bo = src.tensor(w.bo) as tf.Tensor1D;
    if (w.qNorm) this.qNorm = src.tensor(w.qNorm) as tf.Tensor1D;
    if (w.kNorm) this.kNorm = src.tensor(w.kNorm) as tf.Tensor1D;
    const { headDim: hd, rope, ropeTheta } = w.dims;
    const rd = w.dims.ropeDims ?? hd;
    this.invFreq = rope ? Float64Array.from({ length: rd / 2 }, (_, i) => Math.pow(ropeTheta, (-2 * i) / rd)) : null;
  }

  get dims(): AttentionDims {
    return this.weights.dims;
  }

  /** A zeroed cache for `batch` sequences and `capacity` positions, sized by `policy` (see the module doc). */
  createCache(batch: number, capacity: number, policy: KvCapacityPolicy = 'exact'): KvCache {
    const { nKvHeads: kvh, headDim: hd } = this.dims;
    const slots = kvCacheSlots(this.dims, capacity, policy);
    return new KvCache(tf.zeros([batch, kvh, slots, hd]), tf.zeros([batch, kvh, slots, hd]), this.dims.slidingWindow);
  }

  /**
   * RoPE on (b, heads, l, hd) at positions start..start+l-1 (HF `apply_rotary_pos_emb` with `rotate_half`), times
   * `scale`. The cos/sin rows are computed in JS and uploaded (2 uploads instead of ~6 ops per call); folding the
   * attention scale 1/sqrt(hd) into q's rows saves a pass over the (much larger) score matrix. Partial rotary: the
   * first rd dims rotate, the rest pass (cos = scale, sin = 0 there).
   */
  private rope(x: tf.Tensor4D, start: number, scale: number): tf.Tensor4D {
    if (!this.invFreq) return scale === 1 ? x : tf.mul(x, scale);
    const [, , l, hd] = x.shape;
    const half = this.invFreq.length;
    const rd = 2 * half;
    const cos = new Float32Array(l * hd).fill(scale);
    const sin = new Float32Array(l * hd);
    for (let t = 0; t < l; t++) {
      for (let i = 0; i < half; i++) {
        const ang = (start + t) * this.invFreq[i]!;
        const c = Math.cos(ang) * scale;
        const s = Math.sin(ang) * scale;
        cos[t * hd + i] = cos[t * hd + half + i] = c;
        sin[t * hd + i] = sin[t * hd + half + i] = s;
      }
    }
    let rot: tf.Tensor;
    if (this.training) {
      // rotate_half as a product with a signed permutation (exact: one ±1 per column, pass dims kept); when training,
      // its one matMul and gradient cost less than split + neg + concat and their gradients on wasm (SplitV copies
      // strided halves)
      const [b, h] = x.shape;
      rot = tf.reshape(tf.matMul(tf.reshape(x, [b * h * l, hd]), rotateHalfMatrix(hd, rd)), x.shape);
    } else {
      const [x1, x2, pass] = tf.split(x, rd === hd ? [half, half] : [half, half, hd - rd], 3);
      rot = tf.concat(pass ? [tf.neg(x2!), x1!, pass] : [tf.neg(x2!), x1!], 3); // pass dims meet sin = 0
    }
    return tf.add(tf.mul(x, tf.tensor2d(cos, [l, hd])), tf.mul(rot, tf.tensor2d(sin, [l, hd])));
  }

  /** RMSNorm over the last axis (one head) with gain `w` (HF `Qwen3NextRMSNorm` applied to `view(..., -1, head_dim)`). */
  private headNorm(x: tf.Tensor4D, w: tf.Tensor1D | undefined): tf.Tensor4D {
    if (!w) return x;
    return tf.mul(tf.mul(x, tf.rsqrt(tf.add(tf.mean(tf.square(x), 3, true), QK_NORM_EPS))), w);
  }

  /**
   * x (b, l, dIn) -> q (b, H, l, hd), k, v (b, KVH, l, hd), q/k normed (with `qkNorm`) then RoPE applied at positions
   * start..; and the output gate's pre-activation (b·l, H·hd) with `outputGate`, else null.
   */
  private qkv(x: tf.Tensor3D, start: number): [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D, tf.Tensor2D | null] {
    const [b, l, dIn] = x.shape;
    const { nHeads: h, nKvHeads: kvh, headDim: hd } = this.dims;
    const x2 = tf.reshape(x, [b * l, dIn]);
    const heads = (y: tf.Tensor, n: number) => tf.transpose(tf.reshape(y, [b, l, n, hd]), [0, 2, 1, 3]) as tf.Tensor4D;
    const qAll = linear(x2, this.wq, this.bq); // (b·l, H·hd), or (b·l, H·2hd) with the gate
    let qRows: tf.Tensor = qAll;
    let gate: tf.Tensor2D | null = null;
    if (this.dims.outputGate) {
      const [qh, gh] = tf.split(tf.reshape(qAll, [b * l, h, 2 * hd]), 2, 2); // per head: query, then gate
      qRows = qh!;
      gate = tf.reshape(gh!, [b * l, h * hd]);
    }
    const q = this.headNorm(heads(qRows, h), this.qNorm);
    const k = this.headNorm(heads(linear(x2, this.wk, this.bk), kvh), this.kNorm);
    const v = heads(linear(x2, this.wv, this.bv), kvh);
    // q carries the 1/sqrt(hd) score scale.
    return [this.rope(q, start, 1 / Math.sqrt(hd)), this.rope(k, start, 1), v, gate];
  }

  /** o (b, H, l, hd) -> (b, l, dOut); with the output gate, o (heads flattened) ·= sigmoid(gate) first. */
  private out(o: tf.Tensor4D, gate: tf.Tensor2D | null): tf.Tensor3D {
    const [b, h, l, hd] = o.shape;
    const flat = tf.reshape(tf.transpose(o, [0, 2, 1, 3]), [b * l, h * hd]) as tf.Tensor2D;
    const y = gate ? tf.mul(flat, tf.sigmoid(gate)) : flat;
    return tf.reshape(linear(y, this.wo, this.bo), [b, l, this.dims.dOut]);
  }

  /**
   * Causal attention of all l positions, in query blocks of PREFILL_QUERY_BLOCK rows; each block sees only the
   * keys it may attend to (positions up to its last row, and within the window).
   */
  private attendPrefill(q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D): tf.Tensor4D {
    const [b, h, l, hd] = q.shape;
    const kvh = k.shape[1];
    const g = h / kvh;
    const win = this.dims.slidingWindow;
    const starts: number[] = [];
    for (let s = 0; s < l; s += PREFILL_QUERY_BLOCK) starts.push(s);
    /** Query rows [s, e) and the keys [k0, e) they may attend to. */
    const block = (s: number) => {
      const e = Math.min(l, s + PREFILL_QUERY_BLOCK);
      const k0 = win === null ? 0 : Math.max(0, s - win + 1);
      return { s, e, nq: e - s, k0, nk: e - k0 };
    };
    if (PER_HEAD_BACKENDS.has(tf.getBackend()) && !this.training) {
      // One 2D matMul pair per (sequence, KV head, block): 3-5x faster than the batched kernel on wasm (module doc).
      // Heads are split once per layer (q and v by rows, k^T by columns); a block then takes contiguous row slices of
      // q and v and a column slice of k^T. k^T is formed once per layer because a 2D matMul with transposeB takes a
      // slow path on wasm (7-15 ms vs 0.3 ms for the same (256 x 32) x (32 x 256) product with b already transposed).
      const n = b * kvh;
      // Contiguous slices, not tf.unstack: Unpack took 5-7 ms per call on wasm for these 1 MB tensors.
      const split = <T extends tf.Tensor>(t: tf.Tensor, shape: number[]): T[] =>
        Array.from({ length: n }, (_, i) => tf.reshape(tf.slice(t, [i, ...shape.map(() => 0)], [1, ...shape]), shape) as T);
      const qs = split<tf.Tensor3D>(tf.reshape(q, [n, g, l, hd]), [g, l, hd]); // the g query heads of each KV head
      const kTs = split<tf.Tensor2D>(tf.reshape(tf.transpose(k, [0, 1, 3, 2]), [n, hd, l]), [hd, l]);
      const vs = split<tf.Tensor2D>(tf.reshape(v, [n, l, hd]), [l, hd]);
      const outs: tf.Tensor3D[][] = Array.from({ length: n }, () => []);
      for (const { s, e, nq, k0, nk } of starts.map(block)) {
        const bias = blockBias(s, e, k0, win);
        for (let i = 0; i < n; i++) {
          const qh = tf.reshape(nq === l ? qs[i]! : tf.slice(qs[i]!, [0, s, 0], [g, nq, hd]), [g * nq, hd]) as tf.Tensor2D;
          const kh = nk === l ? kTs[i]! : tf.slice(kTs[i]!, [0, k0], [hd, nk]);
          const vh = nk === l ? vs[i]! : tf.slice(vs[i]!, [k0, 0], [nk, hd]);
          const sc = tf.reshape(tf.matMul(qh, kh), [g, nq, nk]); // q is pre-scaled
          const p = tf.reshape(tf.softmax(tf.add(sc, bias)), [g * nq, nk]) as tf.Tensor2D;
          outs[i]!.push(tf.reshape(tf.matMul(p, vh), [g, nq, hd]) as tf.Tensor3D);
        }
      }
      const perHead = outs.map((o) => (o.length === 1 ? o[0]! : (tf.concat(o, 1) as tf.Tensor3D))); // (g, l, hd)
      return tf.reshape(tf.stack(perHead), [b, h, l, hd]) as tf.Tensor4D;
    }
    const blocks: tf.Tensor4D[] = [];
    for (const { s, e, nq, k0, nk } of starts.map(block)) {
      // Grouped queries: (b, KVH, G * nq, hd), so one batched matMul per block with equal batch dims (no broadcast).
      const qb = tf.reshape(l === nq ? q : tf.slice(q, [0, 0, s, 0], [b, h, nq, hd]), [b, kvh, g * nq, hd]);
      const kb = nk === l ? k : tf.slice(k, [0, 0, k0, 0], [b, kvh, nk, hd]);
      const vb = nk === l ? v : tf.slice(v, [0, 0, k0, 0], [b, kvh, nk, hd]);
      // A transposed operand takes a slow path in tfjs's wasm/cpu kernels (see PER_HEAD_BACKENDS): transpose k
      // explicitly there, unless our wasm kernel takes the product (kernels/wasmBatchMatMul.ts: transposes are free).
      const kT = PER_HEAD_BACKENDS.has(tf.getBackend()) && !simdBatchMatMulTakes(qb.shape, kb.shape, false, true);
      const qk = kT ? tf.matMul(qb, tf.transpose(kb, [0, 1, 3, 2])) : tf.matMul(qb, kb, false, true);
      const scores = tf.reshape(qk, [b, kvh, g, nq, nk]); // q is pre-scaled
      const p = tf.reshape(tf.softmax(tf.add(scores, blockBias(s, e, k0, win))), [b, kvh, g * nq, nk]);
      blocks.push(tf.reshape(tf.matMul(p, vb), [b, h, nq, hd]));
    }
    return blocks.length === 1 ? blocks[0]! : (tf.concat(blocks, 2) as tf.Tensor4D);
  }

  /**
   * x: (b, l, dIn) -> (b, l, dOut); fills `cache` with positions 0..l-1 when given. Prefill starts at position 0 and
   * overwrites the cache, so a cache too small for l moves straight to the bucket that holds l (nothing to copy).
   */
  prefill(x: tf.Tensor3D, cache: KvCache | null): tf.Tensor3D {
    const [, l] = x.shape;
    const slots = cache ? cache.slotsFor(l) : 0;
    const res = tf.tidy(() => {
      const [q, k, v, gate] = this.qkv(x, 0);
      const y = this.out(this.attendPrefill(q, k, v), gate);
      if (!cache) return { y };
      const fit = (t: tf.Tensor4D): tf.Tensor4D => {
        if (l <= slots) return tf.pad(t, [[0, 0], [0, 0], [0, slots - l], [0, 0]]);
        return tf.gather(t, tf.tensor1d(ringOrder(l, slots), 'int32'), 2); // only with a window: slots = W < l
      };
      return { y, k: fit(k), v: fit(v) };
    });
    if (cache) {
      cache.replace(res.k!, res.v!);
      cache.positions = l;
    }
    return res.y;
  }

  /**
   * x: (b, 1, dIn) at absolute position `pos` -> (b, 1, dOut); writes the position into the cache (after growing it
   * to the next bucket when `pos` is past its capacity) and attends over positions 0..pos (the last W with a window).
   */
  decode(x: tf.Tensor3D, cache: KvCache, pos: number): tf.Tensor3D {
    const { nHeads: h, nKvHeads: kvh, headDim: hd } = this.dims;
    cache.reserve(pos + 1);
    const slots = cache.slots;
    const b = x.shape[0];
    const res = tf.tidy(() => {
      const [q, k, v, gate] = this.qkv(x, pos); // q (b, H, 1, hd), k/v (b, KVH, 1, hd)
      const slot = pos % slots; // = pos until a window's ring is full (reserve keeps pos < slots below W)
      // Write row `slot` of every (sequence, KV head): one TensorScatterUpdate pass into a new tensor of the same
      // shape (a one-hot blend took three broadcast passes, the slowest ops of a decode step on wasm).
      const idx = new Int32Array(b * kvh * 3);
      for (let i = 0; i < b * kvh; i++) idx.set([Math.floor(i / kvh), i % kvh, slot], 3 * i);
      const at = tf.tensor2d(idx, [b * kvh, 3], 'int32');
      const kAll = tf.tensorScatterUpdate(cache.k, at, tf.reshape(k, [b * kvh, hd])) as tf.Tensor4D; // (b, KVH, slots, hd)
      const vAll = tf.tensorScatterUpdate(cache.v, at, tf.reshape(v, [b * kvh, hd])) as tf.Tensor4D;
      const filled = Math.min(pos + 1, slots);
      const qg = tf.reshape(q, [b, kvh, h / kvh, hd]);
      const scores = tf.matMul(qg, kAll, false, true); // (b, KVH, G, slots), q pre-scaled
      const bias = tf.mul(tf.cast(tf.greaterEqual(tf.range(0, slots, 1, 'float32'), filled), 'float32'), MASKED);
      const p = tf.softmax(tf.add(scores, bias));
      const o = tf.reshape(tf.matMul(p, vAll), [b, h, 1, hd]) as tf.Tensor4D;
      return { y: this.out(o, gate), k: kAll, v: vAll };
    });
    cache.replace(res.k, res.v);
    cache.positions = pos + 1;
    return res.y;
  }

  dispose(): void {
    for (const t of [this.wq, this.wk, this.wv, this.wo, this.bq, this.bk, this.bv, this.bo, this.qNorm, this.kNorm]) t?.dispose();
  }
}

/** The `attention` mixer. */
export class AttentionLayer implements RuntimeMixer {
  readonly kind = 'attention' as const;
  private readonly core: AttentionCore;
  constructor(
    readonly weights: AttentionWeights,
    src: TensorSource = CONSTANT_TENSORS,
  ) {
    this.core = new AttentionCore(weights, src);
  }
  createCache(batch: number, capacity: number, policy?: KvCapacityPolicy): LayerCache {
    return this.core.createCache(batch, capacity, policy);
  }
  prefill(x: tf.Tensor3D, cache: LayerCache | null, _ctx: ForwardContext): tf.Tensor3D {
    return this.core.prefill(x, cache as KvCache | null);
  }
  decode(x: tf.Tensor3D, cache: LayerCache, pos: number, _ctx: ForwardContext): tf.Tensor3D {
    return this.core.decode(x, cache as KvCache, pos);
  }
  dispose(): void {
    this.core.dispose();
  }
}

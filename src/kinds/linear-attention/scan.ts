/**
 * The linear-attention scan (glossary in spec.ts): given features q, k (b, l, nk, dk) and v (b, l, nv, dv), the log
 * decay, β for the delta rule and an initial state, the outputs y (b, l, nv, dv) and the final state (b, nv, dk, dv).
 * Value head h reads key head ⌊h / r⌋. Implementations (`ScanImpl` of protocol.ts):
 * - `naive`: per-token tf ops (the textbook recurrence, HF `torch_recurrent_gated_delta_rule`), ~20 kernels per token,
 *   kept to show what dispatch cost does to a sequential scan;
 * - `js`: one readback, the recurrence as a TypedArray loop, one upload;
 * - `simd`: one readback, our WebAssembly SIMD kernel (simdKernels.ts), one upload.
 * Other choices (`chunked`, `wgsl`) are not implemented for this kind: `linearScanFor` maps them to the best one
 * that is (`simd` where WebAssembly SIMD runs, else `js`), and the kind's runtime lists what it honours.
 * On cpu and wasm, `js` and `simd` from a zero state run as registered tfjs kernels whose gradient is a second kernel
 * running the reverse-time recurrence (scanKernel.ts, scanBackward.ts), so they train; with an initial state (or on
 * another backend) they run untracked.
 */
import * as tf from '@tensorflow/tfjs';
import type { ScanImpl } from '../../sim/protocol';
import { expandTo } from '../../sim/runtime/scan/selectiveScanNaive';
import { Arena, packRows, simdScanAvailable, unpackRows } from '../../sim/runtime/scan/scanSimd';
import { simdScanMemory } from '../../sim/runtime/kernels/wasm/simdScanKernels';
import { linearScanKernels } from './simdKernels';
import { scanKernelsRunHere } from '../../sim/runtime/kernels/scanKernels';
import { linearScanKernel } from './scanKernel';

/** log α, the decay of the state per token (α = exp(logAlpha) ≤ 1). */
export type LinearDecayInput =
  | { kind: 'none' }
  /** (nv): −slope per value head, the same every token. */
  | { kind: 'fixed'; logAlpha: tf.Tensor1D }
  /** (b, l, nv): one per value head and token. */
  | { kind: 'head'; logAlpha: tf.Tensor3D }
  /** (b, l, nv, dk): one per key channel (row of the state), value head and token. */
  | { kind: 'channel'; logAlpha: tf.Tensor4D };

export interface LinearScanInput {
  /** (b, l, nk, dk), normalised and scaled as the layer wants them. */
  q: tf.Tensor4D;
  k: tf.Tensor4D;
  /** (b, l, nv, dv). */
  v: tf.Tensor4D;
  decay: LinearDecayInput;
  /** (b, l, nv) write strength of the delta rule; null: additive update. */
  beta: tf.Tensor3D | null;
  /** (b, nv, dk, dv), or null for a zero state. */
  h0: tf.Tensor4D | null;
}

export interface LinearScanOutput {
  /** (b, l, nv, dv). */
  y: tf.Tensor4D;
  /** (b, nv, dk, dv). */
  state: tf.Tensor4D;
}

/** The scan implementations this kind honours. */
export const LINEAR_SCANS = ['naive', 'js', 'simd'] as const satisfies readonly ScanImpl[];

/** The implementation that runs for a requested one: itself when honoured, else `simd` (or `js` without SIMD). */
export function linearScanFor(impl: ScanImpl): ScanImpl {
  if ((LINEAR_SCANS as readonly ScanImpl[]).includes(impl)) return impl;
  return simdScanAvailable() ? 'simd' : 'js';
}

/** Runs the scan with `impl` (mapped by `linearScanFor`). */
export function runLinearScan(impl: ScanImpl, inp: LinearScanInput): LinearScanOutput {
  const use = linearScanFor(impl);
  if (use === 'naive') return linearScanNaive(inp);
  if (inp.h0 === null && scanKernelsRunHere()) return linearScanKernel(use === 'simd' ? 'simd' : 'js', inp);
  if (use === 'simd') return linearScanSimd(inp);
  return linearScanJs(inp);
}

/** The sizes of a scan: batch, length, key and value heads, key and value head dims. */
export interface LinearScanDims {
  b: number;
  l: number;
  nk: number;
  nv: number;
  dk: number;
  dv: number;
}

/** The decay kind, and log α as a flat array (its shape follows the kind; null for none). */
export interface LinearDecayArrays {
  kind: LinearDecayInput['kind'];
  logAlpha: Float32Array | null;
}

/** A scan's inputs as plain arrays (the layouts of `LinearScanInput`). */
export interface LinearScanArrays {
  q: Float32Array;
  k: Float32Array;
  v: Float32Array;
  decay: LinearDecayArrays;
  beta: Float32Array | null;
  h0: Float32Array | null;
}

const f32 = (t: tf.Tensor): Float32Array => t.dataSync() as Float32Array;

/** One readback of a scan's inputs. */
export function linearScanArrays(inp: LinearScanInput): { dims: LinearScanDims; arrays: LinearScanArrays } {
  const [b, l, nk, dk] = inp.q.shape;
  const [, , nv, dv] = inp.v.shape;
  const d = inp.decay;
  return {
    dims: { b, l, nk, nv, dk, dv },
    arrays: {
      q: f32(inp.q),
      k: f32(inp.k),
      v: f32(inp.v),
      decay: { kind: d.kind, logAlpha: d.kind === 'none' ? null : f32(d.logAlpha) },
      beta: inp.beta ? f32(inp.beta) : null,
      h0: inp.h0 ? f32(inp.h0) : null,
    },
  };
}

/** (b, nk, dk) rows of one token -> (b, nv, 1, dk): key head kh serves value heads kh·r … kh·r + r − 1. */
function toValueHeads(x: tf.Tensor, b: number, nk: number, r: number, dk: number): tf.Tensor {
  const y = tf.reshape(x, [b, nk, 1, 1, dk]);
  return tf.reshape(r === 1 ? y : expandTo(y, [b, nk, r, 1, dk]), [b, nk * r, 1, dk]);
}

/** Per-token tf ops. Each token's inputs are picked with `gather` (`slice` copies the whole tensor on wasm). */
export function linearScanNaive(inp: LinearScanInput): LinearScanOutput {
  const [b, l, nk, dk] = inp.q.shape;
  const [, , nv, dv] = inp.v.shape;
  const r = nv / nk;
  const dec = inp.decay;
  const tm = tf.tidy(() => ({
    q: tf.transpose(inp.q, [1, 0, 2, 3]), // (l, b, nk, dk)
    k: tf.transpose(inp.k, [1, 0, 2, 3]),
    v: tf.transpose(inp.v, [1, 0, 2, 3]), // (l, b, nv, dv)
    beta: inp.beta ? tf.transpose(inp.beta, [1, 0, 2]) : undefined, // (l, b, nv)
    alpha:
      dec.kind === 'head' ? tf.exp(tf.transpose(dec.logAlpha, [1, 0, 2])) : dec.kind === 'channel' ? tf.exp(tf.transpose(dec.logAlpha, [1, 0, 2, 3])) : dec.kind === 'fixed' ? tf.reshape(tf.exp(dec.logAlpha), [1, nv, 1, 1]) : undefined,
  }));
  let S: tf.Tensor = inp.h0 ? tf.clone(inp.h0) : tf.zeros([b, nv, dk, dv]);
  const ys: tf.Tensor[] = [];
  try {
    for (let t = 0; t < l; t++) {
      const next = tf.tidy(() => {
        const idx = tf.tensor1d([t], 'int32');
        const q = toValueHeads(tf.gather(tm.q, idx), b, nk, r, dk); // (b, nv, 1, dk)
        const k = toValueHeads(tf.gather(tm.k, idx), b, nk, r, dk);
        const v = tf.reshape(tf.gather(tm.v, idx), [b, nv, 1, dv]);
        let s = S;
        if (dec.kind === 'fixed') s = tf.mul(s, tm.alpha!);
        else if (dec.kind === 'head') s = tf.mul(s, tf.reshape(tf.gather(tm.alpha!, idx), [b, nv, 1, 1]));
        else if (dec.kind === 'channel') s = tf.mul(s, tf.reshape(tf.gather(tm.alpha!, idx), [b, nv, dk, 1]));
        let write: tf.Tensor = v; // (b, nv, 1, dv)
        if (tm.beta) {
          const beta = tf.reshape(tf.gather(tm.beta, idx), [b, nv, 1, 1]);
          write = tf.mul(tf.sub(v, tf.matMul(k, s)), beta); // β (v − Sᵀk)
        }
        const sNew = tf.add(s, tf.matMul(k, write, true, false)); // k ⊗ write: (b, nv, dk, dv)
        return { S: sNew, y: tf.matMul(q, sNew) }; // y: (b, nv, 1, dv)
      });
      S.dispose();
      S = next.S;
      ys.push(next.y);
    }
    const y = l > 0 ? (tf.tidy(() => tf.reshape(tf.stack(ys, 1), [b, l, nv, dv])) as tf.Tensor4D) : (tf.zeros([b, 0, nv, dv]) as tf.Tensor4D);
    return { y, state: S as tf.Tensor4D };
  } catch (e) {
    S.dispose();
    throw e;
  } finally {
    for (const y of ys) y.dispose();
    for (const v of [tm.q, tm.k, tm.v, tm.beta, tm.alpha]) v?.dispose();
  }
}

/** α as a flat array with its strides (floats) per token, head and key channel; one 1.0 for no decay. */
export interface AlphaLayout {
  data: Float32Array;
  perToken: number;
  perHead: number;
  perChannel: number;
  /** Floats per batch row (0 when shared by the batch). */
  perBatch: number;
}

/** α = exp(log α) laid out with its strides (the shape of log α follows the decay kind, see LinearDecayInput). */
export function alphaLayout(dec: LinearDecayArrays, l: number, nv: number, dk: number): AlphaLayout {
  const exp = (a: ArrayLike<number>) => Float32Array.from(a, (v) => Math.exp(v));
  switch (dec.kind) {
    case 'none':
      return { data: Float32Array.of(1), perToken: 0, perHead: 0, perChannel: 0, perBatch: 0 };
    case 'fixed':
      return { data: exp(dec.logAlpha!), perToken: 0, perHead: 1, perChannel: 0, perBatch: 0 };
    case 'head':
      return { data: exp(dec.logAlpha!), perToken: nv, perHead: 1, perChannel: 0, perBatch: l * nv };
    case 'channel':
      return { data: exp(dec.logAlpha!), perToken: nv * dk, perHead: dk, perChannel: 1, perBatch: l * nv * dk };
  }
}

/** One readback, the recurrence as a TypedArray loop (float32 state), one upload. */
export function linearScanJs(inp: LinearScanInput): LinearScanOutput {
  const { dims, arrays } = linearScanArrays(inp);
  const r = linearScanJsArrays(dims, arrays);
  return { y: tf.tensor4d(r.y, [dims.b, dims.l, dims.nv, dims.dv]), state: tf.tensor4d(r.state, [dims.b, dims.nv, dims.dk, dims.dv]) };
}

/** The recurrence on plain arrays: y (b, l, nv, dv) and the final state (b, nv, dk, dv). */
export function linearScanJsArrays(dims: LinearScanDims, arrays: LinearScanArrays): { y: Float32Array; state: Float32Array } {
  const { b, l, nk, nv, dk, dv } = dims;
  const r = nv / nk;
  const { q, k, v, beta } = arrays;
  const a = alphaLayout(arrays.decay, l, nv, dk);
  const S = arrays.h0 ? Float32Array.from(arrays.h0) : new Float32Array(b * nv * dk * dv);
  const y = new Float32Array(b * l * nv * dv);
  const w = new Float32Array(dv);
  for (let bi = 0; bi < b; bi++) {
    for (let t = 0; t < l; t++) {
      for (let h = 0; h < nv; h++) {
        const kh = Math.floor(h / r);
        const kq = ((bi * l + t) * nk + kh) * dk;
        const vo = ((bi * l + t) * nv + h) * dv;
        const so = (bi * nv + h) * dk * dv;
        const ao = bi * a.perBatch + t * a.perToken + h * a.perHead;
        if (beta) {
          w.fill(0);
          for (let i = 0; i < dk; i++) {
            const al = a.data[ao + i * a.perChannel]!;
            const ki = k[kq + i]!;
            for (let j = 0; j < dv; j++) {
              const s = S[so + i * dv + j]! * al;
              S[so + i * dv + j] = s;
              w[j] = w[j]! + ki * s;
            }
          }
          const bt = beta[(bi * l + t) * nv + h]!;
          for (let j = 0; j < dv; j++) w[j] = bt * (v[vo + j]! - w[j]!);
          for (let j = 0; j < dv; j++) y[vo + j] = 0;
          for (let i = 0; i < dk; i++) {
            const ki = k[kq + i]!;
            const qi = q[kq + i]!;
            for (let j = 0; j < dv; j++) {
              const s = S[so + i * dv + j]! + ki * w[j]!;
              S[so + i * dv + j] = s;
              y[vo + j] = y[vo + j]! + qi * s;
            }
          }
        } else {
          for (let j = 0; j < dv; j++) y[vo + j] = 0;
          for (let i = 0; i < dk; i++) {
            const al = a.data[ao + i * a.perChannel]!;
            const ki = k[kq + i]!;
            const qi = q[kq + i]!;
            for (let j = 0; j < dv; j++) {
              const s = S[so + i * dv + j]! * al + ki * v[vo + j]!;
              S[so + i * dv + j] = s;
              y[vo + j] = y[vo + j]! + qi * s;
            }
          }
        }
      }
    }
  }
  return { y, state: S };
}

/** One readback, one call of the WebAssembly SIMD kernel per batch row, one upload. */
export function linearScanSimd(inp: LinearScanInput): LinearScanOutput {
  const { dims, arrays } = linearScanArrays(inp);
  const r = linearScanSimdArrays(dims, arrays);
  return { y: tf.tensor4d(r.y, [dims.b, dims.l, dims.nv, dims.dv]), state: tf.tensor4d(r.state, [dims.b, dims.nv, dims.dk, dims.dv]) };
}

/** The SIMD recurrence on plain arrays: y (b, l, nv, dv) and the final state (b, nv, dk, dv). */
export function linearScanSimdArrays(dims: LinearScanDims, arrays: LinearScanArrays): { y: Float32Array; state: Float32Array } {
  const { b, l, nk, nv, dk, dv } = dims;
  const dv4 = Math.ceil(dv / 4) * 4;
  const kern = linearScanKernels(dv4);
  if (!kern) throw new Error('scan "simd" needs WebAssembly SIMD, which this runtime lacks; use js, naive or auto');
  const { q, k, v, beta, h0 } = arrays;
  const a = alphaLayout(arrays.decay, l, nv, dk);
  const arena = new Arena(simdScanMemory());
  const alphaRow = a.perBatch || a.data.length;
  const hq = arena.reserve(l * nk * dk), hk = arena.reserve(l * nk * dk), hv = arena.reserve(l * nv * dv4), ha = arena.reserve(alphaRow);
  const hb = arena.reserve(beta ? l * nv : 1), hs = arena.reserve(nv * dk * dv4), hy = arena.reserve(l * nv * dv4), hu = arena.reserve(dv4);
  arena.commit();
  const y = new Float32Array(b * l * nv * dv);
  const state = new Float32Array(b * nv * dk * dv);
  for (let bi = 0; bi < b; bi++) {
    arena.view(hq).set(q.subarray(bi * l * nk * dk, (bi + 1) * l * nk * dk));
    arena.view(hk).set(k.subarray(bi * l * nk * dk, (bi + 1) * l * nk * dk));
    packRows(arena.view(hv), v, bi * l * nv * dv, l * nv, dv, dv4);
    arena.view(ha).set(a.data.subarray(bi * a.perBatch, bi * a.perBatch + alphaRow));
    if (beta) arena.view(hb).set(beta.subarray(bi * l * nv, (bi + 1) * l * nv));
    if (h0) packRows(arena.view(hs), h0, bi * nv * dk * dv, nv * dk, dv, dv4);
    else arena.view(hs).fill(0);
    const common = [l, nk, nv / nk, dk, arena.ptr(hq), arena.ptr(hk), arena.ptr(hv), arena.ptr(ha), a.perToken * 4, a.perHead * 4, a.perChannel * 4] as const;
    if (beta) kern.delta(...common, arena.ptr(hb), arena.ptr(hs), arena.ptr(hy), arena.ptr(hu));
    else kern.additive(...common, arena.ptr(hs), arena.ptr(hy));
    unpackRows(y, bi * l * nv * dv, arena.view(hy), l * nv, dv, dv4);
    unpackRows(state, bi * nv * dk * dv, arena.view(hs), nv * dk, dv, dv4);
  }
  return { y, state };
}

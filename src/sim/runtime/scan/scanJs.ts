/**
 * The `js` scans: one readback of the scan inputs (`dataSync`; on cpu and wasm the tensors already live in CPU
 * memory, so this is a copy, not a device stall), the sequential recurrence as a plain TypedArray loop, and one
 * upload of y and the final state. Not tf ops: named `js` so that no figure calls it a tfjs kernel path. tfjs-notes:
 * 3-6 ms at L = 1024 for dInner·dState = 1024, against ~10 kernels per token for the per-token tf ops.
 */
import * as tf from '@tensorflow/tfjs';
import { modalArrays, selectiveArrays, ssdArrays, type ModalArrays, type ModalDims, type SelectiveArrays, type SelectiveDims, type SsdArrays, type SsdDims } from './scanArrays';
import type { ModalScanInput, ModalScanOutput, SelectiveScanInput, SelectiveScanOutput } from './selectiveScanTypes';
import type { SsdInput, SsdOutput } from './ssdChunked';

/** Mamba-1 selective scan (channels grouped as in `selectiveScanTypes.ts`). */
export function selectiveScanJs(inp: SelectiveScanInput): SelectiveScanOutput {
  const s = selectiveArrays(inp);
  const r = selectiveScanJsArrays(s.dims, s.arrays);
  return { y: tf.tensor3d(r.y, [s.dims.b, s.dims.l, s.dims.C]), state: tf.tensor3d(r.state, [s.dims.b, s.dims.C, s.dims.N]) };
}

/** The selective scan on plain arrays: y (b, l, C) and the final state (b, C, N). */
export function selectiveScanJsArrays(dims: SelectiveDims, a: SelectiveArrays): { y: Float32Array; state: Float32Array } {
  const { b, l, C, G, N } = dims;
  const { u, delta, A, B, C: Cm } = a;
  const h = a.h0 ? Float32Array.from(a.h0) : new Float32Array(b * C * N);
  const y = new Float32Array(b * l * C);
  const perGroup = C / G;
  for (let bi = 0; bi < b; bi++) {
    for (let t = 0; t < l; t++) {
      const row = (bi * l + t) * C;
      for (let c = 0; c < C; c++) {
        const dt = delta[row + c]!;
        const du = dt * u[row + c]!;
        const bc = ((bi * l + t) * G + Math.floor(c / perGroup)) * N;
        const hs = (bi * C + c) * N;
        const as = c * N;
        let acc = 0;
        for (let n = 0; n < N; n++) {
          const v = Math.exp(dt * A[as + n]!) * h[hs + n]! + du * B[bc + n]!;
          h[hs + n] = v;
          acc += v * Cm[bc + n]!;
        }
        y[row + c] = acc;
      }
    }
  }
  return { y, state: h };
}

/** Mamba-2 SSD recurrence with one decay per head and token. */
export function ssdJs(inp: SsdInput): SsdOutput {
  const s = ssdArrays(inp);
  const { b, l, nh, P, N } = s.dims;
  const r = ssdJsArrays(s.dims, s.arrays);
  return { y: tf.tensor4d(r.y, [b, l, nh, P]), state: tf.tensor4d(r.state, [b, nh, P, N]) };
}

/** The SSD recurrence on plain arrays: y (b, l, nh, P) and the final state (b, nh, P, N). */
export function ssdJsArrays(dims: SsdDims, a: SsdArrays): { y: Float32Array; state: Float32Array } {
  const { b, l, nh, P, ng, N } = dims;
  const { x, dt: dtv, A, B, C: Cm } = a;
  const h = a.h0 ? Float32Array.from(a.h0) : new Float32Array(b * nh * P * N);
  const y = new Float32Array(b * l * nh * P);
  const hpg = nh / ng;
  for (let bi = 0; bi < b; bi++) {
    for (let t = 0; t < l; t++) {
      for (let hd = 0; hd < nh; hd++) {
        const dt = dtv[(bi * l + t) * nh + hd]!;
        const dA = Math.exp(dt * A[hd]!);
        const bc = ((bi * l + t) * ng + Math.floor(hd / hpg)) * N;
        for (let p = 0; p < P; p++) {
          const xi = ((bi * l + t) * nh + hd) * P + p;
          const dx = dt * x[xi]!;
          const hs = ((bi * nh + hd) * P + p) * N;
          let acc = 0;
          for (let n = 0; n < N; n++) {
            const v = dA * h[hs + n]! + dx * B[bc + n]!;
            h[hs + n] = v;
            acc += v * Cm[bc + n]!;
          }
          y[xi] = acc;
        }
      }
    }
  }
  return { y, state: h };
}

/** Hyena modal recurrence. */
export function modalScanJs(inp: ModalScanInput): ModalScanOutput {
  const s = modalArrays(inp);
  const { b, l, d, S } = s.dims;
  const r = modalScanJsArrays(s.dims, s.arrays);
  return { y: tf.tensor3d(r.y, [b, l, d]), stateRe: tf.tensor3d(r.stateRe, [b, d, S]), stateIm: tf.tensor3d(r.stateIm, [b, d, S]) };
}

/** The modal recurrence on plain arrays: y (b, l, d) and the final state (b, d, S), real and imaginary parts. */
export function modalScanJsArrays(dims: ModalDims, a: ModalArrays): { y: Float32Array; stateRe: Float32Array; stateIm: Float32Array } {
  const { b, l, d, S } = dims;
  const { x, polesRe: pr, polesIm: pi, residuesRe: rr, residuesIm: ri } = a;
  const sr = a.stateRe ? Float32Array.from(a.stateRe) : new Float32Array(b * d * S);
  const si = a.stateIm ? Float32Array.from(a.stateIm) : new Float32Array(b * d * S);
  const y = new Float32Array(b * l * d);
  for (let bi = 0; bi < b; bi++) {
    for (let t = 0; t < l; t++) {
      for (let c = 0; c < d; c++) {
        const xv = x[(bi * l + t) * d + c]!;
        const k0 = (bi * d + c) * S;
        let acc = 0;
        for (let s = 0; s < S; s++) {
          const k = k0 + s;
          const p = c * S + s;
          const nr = pr[p]! * sr[k]! - pi[p]! * si[k]! + xv;
          const ni = pr[p]! * si[k]! + pi[p]! * sr[k]!;
          sr[k] = nr;
          si[k] = ni;
          acc += rr[p]! * nr - ri[p]! * ni;
        }
        y[(bi * l + t) * d + c] = acc;
      }
    }
  }
  return { y, stateRe: sr, stateIm: si };
}

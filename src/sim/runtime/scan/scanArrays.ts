/**
 * The three scan problems as plain arrays (row-major Float32Arrays with their sizes), shared by the `js` and `simd`
 * scans, the registered scan kernels and their backward passes (`scanBackward.ts`). Shapes as in
 * `selectiveScanTypes.ts` and `ssdChunked.ts`.
 */
import type { ModalScanInput, SelectiveScanInput } from './selectiveScanTypes';
import type { SsdInput } from './ssdChunked';

/** Mamba-1: b batch, l tokens, C channels, G groups sharing B and C, N state per channel. */
export interface SelectiveDims {
  b: number;
  l: number;
  C: number;
  G: number;
  N: number;
}
/** u, delta (b, l, C); A (C, N); B, C (b, l, G, N); h0 (b, C, N) or null. */
export interface SelectiveArrays {
  u: Float32Array;
  delta: Float32Array;
  A: Float32Array;
  B: Float32Array;
  C: Float32Array;
  h0: Float32Array | null;
}

/** Mamba-2: nh heads of P channels, ng groups, N state. */
export interface SsdDims {
  b: number;
  l: number;
  nh: number;
  P: number;
  ng: number;
  N: number;
}
/** x (b, l, nh, P); dt (b, l, nh); A (nh); B, C (b, l, ng, N); h0 (b, nh, P, N) or null. */
export interface SsdArrays {
  x: Float32Array;
  dt: Float32Array;
  A: Float32Array;
  B: Float32Array;
  C: Float32Array;
  h0: Float32Array | null;
}

/** Hyena modal scan: d channels, S poles each. */
export interface ModalDims {
  b: number;
  l: number;
  d: number;
  S: number;
}
/** x (b, l, d); poles and residues (d, S); state (b, d, S) or null. */
export interface ModalArrays {
  x: Float32Array;
  polesRe: Float32Array;
  polesIm: Float32Array;
  residuesRe: Float32Array;
  residuesIm: Float32Array;
  stateRe: Float32Array | null;
  stateIm: Float32Array | null;
}

const f32 = (v: ArrayLike<number>): Float32Array => (v instanceof Float32Array ? v : Float32Array.from(v));

/** Reads a selective-scan input back (one `dataSync` per tensor: a copy on cpu and wasm). */
export function selectiveArrays(inp: SelectiveScanInput): { dims: SelectiveDims; arrays: SelectiveArrays } {
  const [b, l, C] = inp.u.shape;
  const [, , G, N] = inp.B.shape;
  return {
    dims: { b, l, C, G, N },
    arrays: {
      u: f32(inp.u.dataSync()),
      delta: f32(inp.delta.dataSync()),
      A: f32(inp.A.dataSync()),
      B: f32(inp.B.dataSync()),
      C: f32(inp.C.dataSync()),
      h0: inp.h0 ? f32(inp.h0.dataSync()) : null,
    },
  };
}

/** Reads an SSD input back. */
export function ssdArrays(inp: SsdInput): { dims: SsdDims; arrays: SsdArrays } {
  const [b, l, nh, P] = inp.x.shape;
  const [, , ng, N] = inp.B.shape;
  return {
    dims: { b, l, nh, P, ng, N },
    arrays: {
      x: f32(inp.x.dataSync()),
      dt: f32(inp.dt.dataSync()),
      A: f32(inp.A.dataSync()),
      B: f32(inp.B.dataSync()),
      C: f32(inp.C.dataSync()),
      h0: inp.h0 ? f32(inp.h0.dataSync()) : null,
    },
  };
}

/** Reads a modal-scan input back. */
export function modalArrays(inp: ModalScanInput): { dims: ModalDims; arrays: ModalArrays } {
  const [b, l, d] = inp.x.shape;
  const S = inp.polesRe.shape[1];
  return {
    dims: { b, l, d, S },
    arrays: {
      x: f32(inp.x.dataSync()),
      polesRe: f32(inp.polesRe.dataSync()),
      polesIm: f32(inp.polesIm.dataSync()),
      residuesRe: f32(inp.residuesRe.dataSync()),
      residuesIm: f32(inp.residuesIm.dataSync()),
      stateRe: inp.stateRe ? f32(inp.stateRe.dataSync()) : null,
      stateIm: inp.stateIm ? f32(inp.stateIm.dataSync()) : null,
    },
  };
}

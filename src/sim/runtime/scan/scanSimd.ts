/**
 * The `simd` scans: one readback of the scan inputs (`dataSync`; on cpu and wasm a copy, not a device stall), the
 * WebAssembly SIMD kernels per batch row (`kernels/wasm/simdScanKernels.ts`, our own, assembled in memory), one
 * upload of y and the final state. The recurrence is the same as `scanJs.ts`, four lanes at a time, with exp
 * computed in the kernel. Not tf ops: named `simd` so that no figure calls it a tfjs kernel path.
 *
 * Threads: channels (Mamba-1, Hyena) and heads (Mamba-2) are independent recurrences, so each batch row's scan is
 * cut into contiguous pieces (`splitRange`), a few per thread, which the scan pool's threads take in turn
 * (`kernels/wasm/scanPool.ts`; one thread, one piece per group, when no pool runs). Pieces start on 64-byte
 * boundaries of a row where the widths allow, so two threads rarely write one cache line.
 */
import * as tf from '@tensorflow/tfjs';
import { simdScanKernels, simdScanMemory, wasmSimdSupported, type SimdScanKernels } from '../kernels/wasm/simdScanKernels';
import { runScanCalls, simdScanThreads } from '../kernels/wasm/scanPool';
import { modalArrays, selectiveArrays, ssdArrays, type ModalArrays, type ModalDims, type SelectiveArrays, type SelectiveDims, type SsdArrays, type SsdDims } from './scanArrays';
import type { ModalScanInput, ModalScanOutput, SelectiveScanInput, SelectiveScanOutput } from './selectiveScanTypes';
import type { SsdInput, SsdOutput } from './ssdChunked';

/** True where WebAssembly SIMD runs (every current browser and Node ≥ 16). */
export function simdScanAvailable(): boolean {
  return wasmSimdSupported();
}

function kernels(N4: number, S = 1): SimdScanKernels {
  const k = simdScanKernels(N4, S);
  if (!k) throw new Error('scan "simd" needs WebAssembly SIMD, which this runtime lacks; use js, chunked or auto');
  return k;
}

const roundUp4 = (n: number) => Math.ceil(n / 4) * 4;

/** Pieces per thread: more than one, so a thread slowed by other work takes fewer. */
export const PIECES_PER_THREAD = 4;
/** Arena alignment: a cache line, so row starts (and 16-float piece boundaries) never share one. */
const ALIGN_BYTES = 64;

/**
 * Cuts [start, end) into about `parts` contiguous pieces whose sizes are multiples of `align` (except the last),
 * each at least `align` long. Every index lands in exactly one piece, in order.
 */
export function splitRange(start: number, end: number, parts: number, align: number): [number, number][] {
  if (end <= start) return [];
  const size = Math.max(align, Math.ceil((end - start) / Math.max(1, parts) / align) * align);
  const out: [number, number][] = [];
  for (let a = start; a < end; a += size) out.push([a, Math.min(end, a + size)]);
  return out;
}

/** Pieces of a scan of `groups` groups of `perGroup` units each, for the threads running now. */
function groupPieces(groups: number, perGroup: number, align: number): { g: number; from: number; to: number }[] {
  const threads = simdScanThreads();
  const parts = threads > 1 ? Math.max(1, Math.ceil((threads * PIECES_PER_THREAD) / groups)) : 1;
  const out: { g: number; from: number; to: number }[] = [];
  for (let g = 0; g < groups; g++) for (const [from, to] of splitRange(g * perGroup, (g + 1) * perGroup, parts, align)) out.push({ g, from, to });
  return out;
}

/**
 * Lays out float32 arrays in the kernels' memory (ALIGN_BYTES-aligned; the linear-attention scan uses it too),
 * growing it when needed, and hands out views.
 * Views are taken after the last grow, since growing detaches the old buffer.
 */
export class Arena {
  private readonly sizes: number[] = [];
  private readonly offsets: number[] = [];
  private end = 0;

  constructor(private readonly memory: WebAssembly.Memory) {}

  /** Reserves `floats` float32s; returns a handle for `ptr`/`view` once `commit` has run. */
  reserve(floats: number): number {
    this.offsets.push(this.end);
    this.sizes.push(floats);
    this.end += Math.ceil((Math.max(1, floats) * 4) / ALIGN_BYTES) * ALIGN_BYTES;
    return this.offsets.length - 1;
  }

  commit(): void {
    const need = this.end - this.memory.buffer.byteLength;
    if (need > 0) this.memory.grow(Math.ceil(need / 65536));
  }

  ptr(h: number): number {
    return this.offsets[h]!;
  }

  view(h: number): Float32Array {
    return new Float32Array(this.memory.buffer, this.offsets[h]!, this.sizes[h]!);
  }
}

/** Copies `rows` rows of `width` floats from src (row stride `width`) into dst with row stride `stride` (≥ width). */
export function packRows(dst: Float32Array, s: Float32Array, srcOffset: number, rows: number, width: number, stride: number): void {
  if (stride === width) {
    dst.set(s.subarray(srcOffset, srcOffset + rows * width));
    return;
  }
  dst.fill(0);
  for (let r = 0; r < rows; r++) dst.set(s.subarray(srcOffset + r * width, srcOffset + (r + 1) * width), r * stride);
}

/** The inverse of `packRows`. */
export function unpackRows(dst: Float32Array, dstOffset: number, src: Float32Array, rows: number, width: number, stride: number): void {
  if (stride === width) {
    dst.set(src.subarray(0, rows * width), dstOffset);
    return;
  }
  for (let r = 0; r < rows; r++) dst.set(src.subarray(r * stride, r * stride + width), dstOffset + r * width);
}

/** Mamba-1 selective scan (channels grouped as in `selectiveScanTypes.ts`). */
export function selectiveScanSimd(inp: SelectiveScanInput): SelectiveScanOutput {
  const s = selectiveArrays(inp);
  const r = selectiveScanSimdArrays(s.dims, s.arrays);
  return { y: tf.tensor3d(r.y, [s.dims.b, s.dims.l, s.dims.C]), state: tf.tensor3d(r.state, [s.dims.b, s.dims.C, s.dims.N]) };
}

/** The selective scan on plain arrays: y (b, l, C) and the final state (b, C, N). */
export function selectiveScanSimdArrays(dims: SelectiveDims, a: SelectiveArrays): { y: Float32Array; state: Float32Array } {
  const { b, l, C, G, N } = dims;
  const N4 = roundUp4(N);
  const k = kernels(N4);
  const { u, delta, A, B, C: Cm, h0 } = a;
  const arena = new Arena(simdScanMemory());
  const hu = arena.reserve(l * C), hd = arena.reserve(l * C), hA = arena.reserve(C * N4);
  const hB = arena.reserve(l * G * N4), hC = arena.reserve(l * G * N4), hh = arena.reserve(C * N4), hy = arena.reserve(l * C);
  arena.commit();
  const pieces = groupPieces(G, C / G, 16);
  const y = new Float32Array(b * l * C);
  const state = new Float32Array(b * C * N);
  packRows(arena.view(hA), A, 0, C, N, N4);
  for (let bi = 0; bi < b; bi++) {
    arena.view(hu).set(u.subarray(bi * l * C, (bi + 1) * l * C));
    arena.view(hd).set(delta.subarray(bi * l * C, (bi + 1) * l * C));
    packRows(arena.view(hB), B, bi * l * G * N, l * G, N, N4);
    packRows(arena.view(hC), Cm, bi * l * G * N, l * G, N, N4);
    if (h0) packRows(arena.view(hh), h0, bi * C * N, C, N, N4);
    else arena.view(hh).fill(0);
    const ptrs = [arena.ptr(hu), arena.ptr(hd), arena.ptr(hA), arena.ptr(hB), arena.ptr(hC), arena.ptr(hh), arena.ptr(hy)];
    runScanCalls(k, N4, 1, 'selective', pieces.map((p) => [l, C, G, p.g, p.from, p.to, ...ptrs]));
    y.set(arena.view(hy), bi * l * C);
    unpackRows(state, bi * C * N, arena.view(hh), C, N, N4);
  }
  return { y, state };
}

/** Mamba-2 SSD recurrence with one decay per head and token (exp(Δ·A) computed here, L·nh of them). */
export function ssdSimd(inp: SsdInput): SsdOutput {
  const s = ssdArrays(inp);
  const { b, l, nh, P, N } = s.dims;
  const r = ssdSimdArrays(s.dims, s.arrays);
  return { y: tf.tensor4d(r.y, [b, l, nh, P]), state: tf.tensor4d(r.state, [b, nh, P, N]) };
}

/** The SSD recurrence on plain arrays: y (b, l, nh, P) and the final state (b, nh, P, N). */
export function ssdSimdArrays(dims: SsdDims, a: SsdArrays): { y: Float32Array; state: Float32Array } {
  const { b, l, nh, P, ng, N } = dims;
  const N4 = roundUp4(N);
  const k = kernels(N4);
  const { x, dt, A, B, C: Cm, h0 } = a;
  const arena = new Arena(simdScanMemory());
  const hx = arena.reserve(l * nh * P), hdt = arena.reserve(l * nh), hdA = arena.reserve(l * nh);
  const hB = arena.reserve(l * ng * N4), hC = arena.reserve(l * ng * N4), hh = arena.reserve(nh * P * N4), hy = arena.reserve(l * nh * P);
  arena.commit();
  const pieces = groupPieces(ng, nh / ng, Math.ceil(16 / P));
  const y = new Float32Array(b * l * nh * P);
  const state = new Float32Array(b * nh * P * N);
  for (let bi = 0; bi < b; bi++) {
    arena.view(hx).set(x.subarray(bi * l * nh * P, (bi + 1) * l * nh * P));
    const dtRow = dt.subarray(bi * l * nh, (bi + 1) * l * nh);
    arena.view(hdt).set(dtRow);
    const dA = arena.view(hdA);
    for (let i = 0; i < l * nh; i++) dA[i] = Math.exp(dtRow[i]! * A[i % nh]!);
    packRows(arena.view(hB), B, bi * l * ng * N, l * ng, N, N4);
    packRows(arena.view(hC), Cm, bi * l * ng * N, l * ng, N, N4);
    if (h0) packRows(arena.view(hh), h0, bi * nh * P * N, nh * P, N, N4);
    else arena.view(hh).fill(0);
    const ptrs = [arena.ptr(hx), arena.ptr(hdt), arena.ptr(hdA), arena.ptr(hB), arena.ptr(hC), arena.ptr(hh), arena.ptr(hy)];
    runScanCalls(k, N4, 1, 'ssd', pieces.map((p) => [l, nh, P, ng, p.g, p.from, p.to, ...ptrs]));
    y.set(arena.view(hy), bi * l * nh * P);
    unpackRows(state, bi * nh * P * N, arena.view(hh), nh * P, N, N4);
  }
  return { y, state };
}

/** (d, S) row-major → (S, d4) row-major, zero-padded. */
function transposePad(dst: Float32Array, src: ArrayLike<number>, srcOffset: number, d: number, S: number, d4: number): void {
  dst.fill(0);
  for (let c = 0; c < d; c++) for (let s = 0; s < S; s++) dst[s * d4 + c] = src[srcOffset + c * S + s]!;
}

/** (S, d4) → (d, S) at dstOffset. */
function untranspose(dst: Float32Array, dstOffset: number, src: Float32Array, d: number, S: number, d4: number): void {
  for (let c = 0; c < d; c++) for (let s = 0; s < S; s++) dst[dstOffset + c * S + s] = src[s * d4 + c]!;
}

/** Hyena modal recurrence. */
export function modalScanSimd(inp: ModalScanInput): ModalScanOutput {
  const s = modalArrays(inp);
  const { b, l, d, S } = s.dims;
  const r = modalScanSimdArrays(s.dims, s.arrays);
  return { y: tf.tensor3d(r.y, [b, l, d]), stateRe: tf.tensor3d(r.stateRe, [b, d, S]), stateIm: tf.tensor3d(r.stateIm, [b, d, S]) };
}

/** The modal recurrence on plain arrays: y (b, l, d) and the final state (b, d, S), real and imaginary parts. */
export function modalScanSimdArrays(dims: ModalDims, a: ModalArrays): { y: Float32Array; stateRe: Float32Array; stateIm: Float32Array } {
  const { b, l, d, S } = dims;
  const k = kernels(4, S);
  const d4 = roundUp4(d);
  const { x, stateRe: sr0, stateIm: si0 } = a;
  const arena = new Arena(simdScanMemory());
  const hx = arena.reserve(l * d4), hy = arena.reserve(l * d4);
  const hpr = arena.reserve(S * d4), hpi = arena.reserve(S * d4), hrr = arena.reserve(S * d4), hri = arena.reserve(S * d4);
  const hsr = arena.reserve(S * d4), hsi = arena.reserve(S * d4);
  arena.commit();
  // byte ranges of a row, 64-byte aligned
  const pieces = groupPieces(1, d4 * 4, ALIGN_BYTES).map((p) => [p.from, p.to] as const);
  transposePad(arena.view(hpr), a.polesRe, 0, d, S, d4);
  transposePad(arena.view(hpi), a.polesIm, 0, d, S, d4);
  transposePad(arena.view(hrr), a.residuesRe, 0, d, S, d4);
  transposePad(arena.view(hri), a.residuesIm, 0, d, S, d4);
  const y = new Float32Array(b * l * d);
  const stateRe = new Float32Array(b * d * S);
  const stateIm = new Float32Array(b * d * S);
  for (let bi = 0; bi < b; bi++) {
    packRows(arena.view(hx), x, bi * l * d, l, d, d4);
    if (sr0) transposePad(arena.view(hsr), sr0, bi * d * S, d, S, d4);
    else arena.view(hsr).fill(0);
    if (si0) transposePad(arena.view(hsi), si0, bi * d * S, d, S, d4);
    else arena.view(hsi).fill(0);
    const ptrs = [arena.ptr(hx), arena.ptr(hpr), arena.ptr(hpi), arena.ptr(hrr), arena.ptr(hri), arena.ptr(hsr), arena.ptr(hsi), arena.ptr(hy)];
    runScanCalls(k, 4, S, 'modal', pieces.map(([from, to]) => [l, d4, from, to, ...ptrs]));
    unpackRows(y, bi * l * d, arena.view(hy), l, d, d4);
    untranspose(stateRe, bi * d * S, arena.view(hsr), d, S, d4);
    untranspose(stateIm, bi * d * S, arena.view(hsi), d, S, d4);
  }
  return { y, stateRe, stateIm };
}

/**
 * The selective scan's backward with the SIMD kernel (`kernels/wasm/simdScanGradKernel.ts`), zero initial state;
 * the same gradients as `scanBackward.ts` selectiveScanBackward, four state lanes at a time.
 */
export function selectiveScanBackwardSimd(
  dims: SelectiveDims,
  a: SelectiveArrays,
  dy: Float32Array,
  dState: Float32Array | null,
): { du: Float32Array; ddelta: Float32Array; dA: Float32Array; dB: Float32Array; dC: Float32Array } {
  const { b, l, C, G, N } = dims;
  const N4 = roundUp4(N);
  const k = kernels(N4);
  const arena = new Arena(simdScanMemory());
  const hu = arena.reserve(l * C), hd = arena.reserve(l * C), hdy = arena.reserve(l * C), hA = arena.reserve(C * N4);
  const hB = arena.reserve(l * G * N4), hC = arena.reserve(l * G * N4), hG0 = arena.reserve(C * N4);
  const hHs = arena.reserve((l + 1) * N4), hAs = arena.reserve(l * N4), hG = arena.reserve(N4);
  const hDU = arena.reserve(l * C), hDD = arena.reserve(l * C), hDA = arena.reserve(C * N4), hDB = arena.reserve(l * G * N4), hDC = arena.reserve(l * G * N4);
  arena.commit();
  const du = new Float32Array(b * l * C);
  const ddelta = new Float32Array(b * l * C);
  const dB = new Float32Array(b * l * G * N);
  const dC = new Float32Array(b * l * G * N);
  packRows(arena.view(hA), a.A, 0, C, N, N4);
  arena.view(hDA).fill(0);
  for (let bi = 0; bi < b; bi++) {
    arena.view(hu).set(a.u.subarray(bi * l * C, (bi + 1) * l * C));
    arena.view(hd).set(a.delta.subarray(bi * l * C, (bi + 1) * l * C));
    arena.view(hdy).set(dy.subarray(bi * l * C, (bi + 1) * l * C));
    packRows(arena.view(hB), a.B, bi * l * G * N, l * G, N, N4);
    packRows(arena.view(hC), a.C, bi * l * G * N, l * G, N, N4);
    if (dState) packRows(arena.view(hG0), dState, bi * C * N, C, N, N4);
    else arena.view(hG0).fill(0);
    arena.view(hDB).fill(0);
    arena.view(hDC).fill(0);
    const p = (h: number) => arena.ptr(h);
    k.selectiveGrad(l, C, G, C / G, p(hu), p(hd), p(hA), p(hB), p(hC), p(hdy), p(hG0), p(hHs), p(hAs), p(hG), p(hDU), p(hDD), p(hDA), p(hDB), p(hDC));
    du.set(arena.view(hDU), bi * l * C);
    ddelta.set(arena.view(hDD), bi * l * C);
    unpackRows(dB, bi * l * G * N, arena.view(hDB), l * G, N, N4);
    unpackRows(dC, bi * l * G * N, arena.view(hDC), l * G, N, N4);
  }
  const dA = new Float32Array(C * N);
  unpackRows(dA, 0, arena.view(hDA), C, N, N4);
  return { du, ddelta, dA, dB, dC };
}

/**
 * The SSD's backward through the selective kernel: the SSD is the selective scan over nh·P channels with Δ and A
 * shared by the P channels of a head (as `runScan.ts` maps it for naive and wgsl), so dΔ and dA are summed back over
 * the head's channels (and dA over the state too).
 */
export function ssdBackwardSimd(
  dims: SsdDims,
  a: SsdArrays,
  dy: Float32Array,
  dState: Float32Array | null,
): { dx: Float32Array; ddt: Float32Array; dA: Float32Array; dB: Float32Array; dC: Float32Array } {
  const { b, l, nh, P, ng, N } = dims;
  const Cch = nh * P;
  const delta = new Float32Array(b * l * Cch);
  for (let r = 0; r < b * l; r++) for (let h = 0; h < nh; h++) delta.fill(a.dt[r * nh + h]!, r * Cch + h * P, r * Cch + (h + 1) * P);
  const A = new Float32Array(Cch * N);
  for (let h = 0; h < nh; h++) A.fill(a.A[h]!, h * P * N, (h + 1) * P * N);
  const g = selectiveScanBackwardSimd({ b, l, C: Cch, G: ng, N }, { u: a.x, delta, A, B: a.B, C: a.C, h0: null }, dy, dState);
  const ddt = new Float32Array(b * l * nh);
  for (let r = 0; r < b * l; r++) for (let h = 0; h < nh; h++) {
    let s = 0;
    for (let p = 0; p < P; p++) s += g.ddelta[r * Cch + h * P + p]!;
    ddt[r * nh + h] = s;
  }
  const dA = new Float32Array(nh);
  for (let h = 0; h < nh; h++) {
    let s = 0;
    for (let i = h * P * N; i < (h + 1) * P * N; i++) s += g.dA[i]!;
    dA[h] = s;
  }
  return { dx: g.du, ddt, dA, dB: g.dB, dC: g.dC };
}

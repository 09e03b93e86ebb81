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
 * Lays out float32 arrays in the kernel's memory (16-byte aligned), growing it when needed, and hands out views.
 * Views are taken after the last grow, since growing detaches the old buffer.
 */
class Arena {
  private readonly sizes: number[] = [];
  private readonly offsets: number[] = [];
  private end = 0;

  constructor(private readonly memory: WebAssembly.Memory) {}

  /** Reserves `floats` float32s; returns a handle for `ptr`/`view` once `commit` has run. */
  reserve(floats: number): number {
    this.offsets.push(this.end);
    this.sizes.push(floats);
    this.end += Math.ceil((floats * 4) / ALIGN_BYTES) * ALIGN_BYTES;
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
function packRows(dst: Float32Array, s: Float32Array, srcOffset: number, rows: number, width: number, stride: number): void {
  if (stride === width) {
    dst.set(s.subarray(srcOffset, srcOffset + rows * width));
    return;
  }
  dst.fill(0);
  for (let r = 0; r < rows; r++) dst.set(s.subarray(srcOffset + r * width, srcOffset + (r + 1) * width), r * stride);
}

/** The inverse of `packRows`. */
function unpackRows(dst: Float32Array, dstOffset: number, src: Float32Array, rows: number, width: number, stride: number): void {
  if (stride === width) {
    dst.set(src.subarray(0, rows * width), dstOffset);
    return;
  }
  for (let r = 0; r < rows; r++) dst.set(src.subarray(r * stride, r * stride + width), dstOffset + r * width);
}

/** Mamba-1 selective scan (channels grouped as in `selectiveScanTypes.ts`). */
export function selectiveScanSimd(inp: SelectiveScanInput): SelectiveScanOutput {
  const [b, l, C] = inp.u.shape;
  const [, , G, N] = inp.B.shape;
  const N4 = roundUp4(N);
  const k = kernels(N4);
  const u = inp.u.dataSync() as Float32Array;
  const delta = inp.delta.dataSync() as Float32Array;
  const A = inp.A.dataSync() as Float32Array;
  const B = inp.B.dataSync() as Float32Array;
  const Cm = inp.C.dataSync() as Float32Array;
  const h0 = inp.h0 ? (inp.h0.dataSync() as Float32Array) : null;
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
  return { y: tf.tensor3d(y, [b, l, C]), state: tf.tensor3d(state, [b, C, N]) };
}

/** Mamba-2 SSD recurrence with one decay per head and token (exp(Δ·A) computed here, L·nh of them). */
export function ssdSimd(inp: SsdInput): SsdOutput {
  const [b, l, nh, P] = inp.x.shape;
  const [, , ng, N] = inp.B.shape;
  const N4 = roundUp4(N);
  const k = kernels(N4);
  const x = inp.x.dataSync() as Float32Array;
  const dt = inp.dt.dataSync() as Float32Array;
  const A = inp.A.dataSync();
  const B = inp.B.dataSync() as Float32Array;
  const Cm = inp.C.dataSync() as Float32Array;
  const h0 = inp.h0 ? (inp.h0.dataSync() as Float32Array) : null;
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
  return { y: tf.tensor4d(y, [b, l, nh, P]), state: tf.tensor4d(state, [b, nh, P, N]) };
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
  const [b, l, d] = inp.x.shape;
  const S = inp.polesRe.shape[1];
  const k = kernels(4, S);
  const d4 = roundUp4(d);
  const x = inp.x.dataSync() as Float32Array;
  const sr0 = inp.stateRe ? inp.stateRe.dataSync() : null;
  const si0 = inp.stateIm ? inp.stateIm.dataSync() : null;
  const arena = new Arena(simdScanMemory());
  const hx = arena.reserve(l * d4), hy = arena.reserve(l * d4);
  const hpr = arena.reserve(S * d4), hpi = arena.reserve(S * d4), hrr = arena.reserve(S * d4), hri = arena.reserve(S * d4);
  const hsr = arena.reserve(S * d4), hsi = arena.reserve(S * d4);
  arena.commit();
  // byte ranges of a row, 64-byte aligned
  const pieces = groupPieces(1, d4 * 4, ALIGN_BYTES).map((p) => [p.from, p.to] as const);
  transposePad(arena.view(hpr), inp.polesRe.dataSync(), 0, d, S, d4);
  transposePad(arena.view(hpi), inp.polesIm.dataSync(), 0, d, S, d4);
  transposePad(arena.view(hrr), inp.residuesRe.dataSync(), 0, d, S, d4);
  transposePad(arena.view(hri), inp.residuesIm.dataSync(), 0, d, S, d4);
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
  return { y: tf.tensor3d(y, [b, l, d]), stateRe: tf.tensor3d(stateRe, [b, d, S]), stateIm: tf.tensor3d(stateIm, [b, d, S]) };
}

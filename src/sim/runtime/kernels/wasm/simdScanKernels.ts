/**
 * The three scan recurrences as WebAssembly SIMD kernels (f32x4), written with `assembler.ts` and assembled in memory
 * on first use. They are the cpu/wasm counterpart of the WGSL programs in `../scanPrograms.ts`: one call per scan
 * and batch row, whatever L is, instead of ~16 tf ops per token. Memory is the module's own; `scanSimd.ts` packs the
 * inputs into it, calls a kernel and copies the outputs out. Every pointer is a byte offset, every array float32.
 *
 * - `selective` (Mamba-1, h = exp(Δ·A)·h + Δ·B·u, y = Σ_n C·h): vectorised over the state n (N padded to N4, a
 *   multiple of 4, with A = B = C = 0 in the padding, which keeps those lanes at 0); exp is computed in the kernel
 *   by range reduction, 2^y = 2^k·2^f with k = round(y) and |f| ≤ 1/2, and a degree-5 polynomial for 2^f
 *   (relative error 8e-8, below float32's rounding).
 * - `ssd` (Mamba-2, one decay per head and token, given as dA = exp(Δ·A) by the caller): vectorised over n.
 * - `modal` (Hyena, s = p·s + x per complex pole, y = Re Σ R·s): vectorised over channels (d padded to d4).
 */
import { assembleModule, FunctionBuilder, type Local } from './assembler';

const LOG2E = Math.LOG2E;
/**
 * 2^f ≈ Σ c_i f^i on [−1/2, 1/2], degree 5: a least-squares fit of the relative error on 2001 Chebyshev nodes (max
 * relative error 7.7e-8; the Taylor series of the same degree is 30× worse at the ends).
 */
const POW2_POLY = [1.000000071065166, 0.6931469490692166, 0.24022121576227395, 0.055507426754069916, 0.00967546939542474, 0.0013266979925350975];
/** 1.5·2^23: adding it to |y| < 2^22 rounds y to an integer held in the low mantissa bits (bits 0x4b400000 + k). */
const ROUND_MAGIC = 12582912;
const ROUND_MAGIC_BITS = 0x4b400000;

/** v128 constants splatted once per call. */
function expConstants(f: FunctionBuilder) {
  const splat = (v: number) => {
    const l = f.local('v128');
    f.f32(v).f32x4Splat().set(l);
    return l;
  };
  const bias = f.local('v128');
  f.i32(127 - ROUND_MAGIC_BITS).i32x4Splat().set(bias);
  return { log2e: splat(LOG2E), lo: splat(-126), hi: splat(126), magic: splat(ROUND_MAGIC), poly: POW2_POLY.map(splat), bias };
}

/** exp of the f32x4 on the stack, leaving the result on the stack. */
function emitExp4(f: FunctionBuilder, k: ReturnType<typeof expConstants>, y: Local, n: Local, frac: Local) {
  // y = clamp(x·log2 e, −126, 126)
  f.get(k.log2e).f32x4Mul().get(k.lo).f32x4Pmax().get(k.hi).f32x4Pmin().tee(y);
  // n = y + magic (k = round(y) in its low bits); frac = y − k
  f.get(k.magic).f32x4Add().tee(n).get(k.magic).f32x4Sub().set(frac);
  f.get(y).get(frac).f32x4Sub().set(frac);
  // Horner: p = c5; p = p·f + c_i for i = 4 … 0
  const deg = POW2_POLY.length - 1;
  f.get(k.poly[deg]!);
  for (let i = deg - 1; i >= 0; i--) f.get(frac).f32x4Mul().get(k.poly[i]!).f32x4Add();
  // 2^k from the exponent bits: (bits(n) − bits(magic) + 127) << 23
  f.get(n).get(k.bias).i32x4Add().i32(23).i32x4Shl();
  f.f32x4Mul();
}

/** Sum of the four lanes of the v128 in `v`, left on the stack as an f32. */
function emitLaneSum(f: FunctionBuilder, v: Local) {
  f.get(v).f32x4ExtractLane(0).get(v).f32x4ExtractLane(1).f32Add();
  f.get(v).f32x4ExtractLane(2).get(v).f32x4ExtractLane(3).f32Add();
  f.f32Add();
}

/** Widest state (in floats) whose loop is unrolled; wider states keep a loop. */
export const UNROLL_MAX_FLOATS = 128;

/**
 * Emits `body` once per 16-byte step of a row of `floats` floats: unrolled with constant memarg offsets when
 * `floats` ≤ UNROLL_MAX_FLOATS (no loop control, no address arithmetic), else as a loop over the byte offset `nb`.
 * `body` gets `at(base)`, which pushes the address for a row starting at local `base` and returns the memarg offset.
 */
function emitRowSteps(f: FunctionBuilder, floats: number, nb: Local, body: (at: (base: Local) => number) => void): void {
  if (floats <= UNROLL_MAX_FLOATS) {
    for (let o = 0; o < floats * 4; o += 16) {
      body((base) => {
        f.get(base);
        return o;
      });
    }
    return;
  }
  f.forRange(nb, () => f.i32(0), () => f.i32(floats * 4), 16, () =>
    body((base) => {
      f.get(base).get(nb).i32Add();
      return 0;
    }),
  );
}

/** Widest state (in floats) kept in locals (registers) across the time loop of `selective`. */
export const REGISTER_MAX_FLOATS = 16;

/**
 * selective(L, C, G, g, c0, c1, u, delta, A, B, C, h, y) for a state of N4 floats: u, delta, y (L, C); A, h (C, N4);
 * B, C (L, G, N4). Scans channels c0 … c1 − 1, which must all belong to group g (they read row g of B and C), so a
 * caller can split the channels between threads (`scanSimd.ts`). Channel-outer, time-inner: a channel's A row and
 * state stay in locals (N4 ≤ REGISTER_MAX_FLOATS) or in one hot cache line for the whole scan, and the time loop
 * walks u, delta, y, B and C with running pointers.
 */
function selectiveKernel(N4: number): FunctionBuilder {
  const f = new FunctionBuilder('selective', Array<'i32'>(13).fill('i32'));
  const [L, C, G, g, c0, c1, pU, pD, pA, pB, pC, pH, pY] = f.params as [Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local];
  const nBytes = N4 * 4;
  const k = expConstants(f);
  const t = f.local('i32'), c = f.local('i32'), nb = f.local('i32');
  const idx = f.local('i32'), rowStep = f.local('i32'), bcStep = f.local('i32');
  const bOff = f.local('i32'), cOff = f.local('i32'), aOff = f.local('i32'), hOff = f.local('i32');
  const dt = f.local('f32');
  const dtv = f.local('v128'), duv = f.local('v128'), acc = f.local('v128'), hv = f.local('v128');
  const ey = f.local('v128'), en = f.local('v128'), ef = f.local('v128');
  const inRegs = N4 <= REGISTER_MAX_FLOATS;
  const hRegs = inRegs ? Array.from({ length: N4 / 4 }, () => f.local('v128')) : [];
  const aRegs = inRegs ? Array.from({ length: N4 / 4 }, () => f.local('v128')) : [];
  f.get(C).i32(4).i32Mul().set(rowStep);
  f.get(G).i32(nBytes).i32Mul().set(bcStep);
  f.forRange(c, () => f.get(c0), () => f.get(c1), 1, () => {
    f.get(c).i32(nBytes).i32Mul().tee(aOff).get(pH).i32Add().set(hOff);
    f.get(aOff).get(pA).i32Add().set(aOff);
    hRegs.forEach((r, j) => f.get(hOff).v128Load(16 * j).set(r));
    aRegs.forEach((r, j) => f.get(aOff).v128Load(16 * j).set(r));
    f.get(c).i32(4).i32Mul().set(idx);
    f.get(g).i32(nBytes).i32Mul().tee(bOff).get(pC).i32Add().set(cOff);
    f.get(bOff).get(pB).i32Add().set(bOff);
    f.forRange(t, () => f.i32(0), () => f.get(L), 1, () => {
      f.get(pD).get(idx).i32Add().f32Load().tee(dt).f32x4Splat().set(dtv);
      f.get(dt).get(pU).get(idx).i32Add().f32Load().f32Mul().f32x4Splat().set(duv);
      if (inRegs) {
        // the C·h products are left on the stack and summed at the end, so no add chain runs through acc
        hRegs.forEach((h, j) => {
          f.get(dtv).get(aRegs[j]!).f32x4Mul();
          emitExp4(f, k, ey, en, ef);
          f.get(h).f32x4Mul();
          f.get(duv).get(bOff).v128Load(16 * j).f32x4Mul().f32x4Add().tee(h);
          f.get(cOff).v128Load(16 * j).f32x4Mul();
        });
        for (let j = 1; j < hRegs.length; j++) f.f32x4Add();
        f.set(acc);
      } else {
        f.f32(0).f32x4Splat().set(acc);
        emitRowSteps(f, N4, nb, (at) => {
          f.get(dtv);
          f.v128Load(at(aOff)).f32x4Mul();
          emitExp4(f, k, ey, en, ef);
          f.v128Load(at(hOff)).f32x4Mul();
          f.get(duv);
          f.v128Load(at(bOff)).f32x4Mul().f32x4Add().set(hv);
          const o = at(hOff);
          f.get(hv).v128Store(o);
          f.get(acc).get(hv);
          f.v128Load(at(cOff)).f32x4Mul().f32x4Add().set(acc);
        });
      }
      f.get(pY).get(idx).i32Add();
      emitLaneSum(f, acc);
      f.f32Store();
      f.get(idx).get(rowStep).i32Add().set(idx);
      f.get(bOff).get(bcStep).i32Add().set(bOff);
      f.get(cOff).get(bcStep).i32Add().set(cOff);
    });
    hRegs.forEach((r, j) => f.get(hOff).get(r).v128Store(16 * j));
  });
  return f;
}

/**
 * ssd(L, nh, P, ng, g, h0, h1, x, dt, dA, B, C, h, y) for a state of N4 floats: x, y (L, nh, P); dt, dA (L, nh);
 * B, C (L, ng, N4); h (nh, P, N4). Scans heads h0 … h1 − 1, which must all read group g (heads g·hpg … (g + 1)·hpg − 1
 * do), so a caller can split the heads between threads.
 */
function ssdKernel(N4: number): FunctionBuilder {
  const f = new FunctionBuilder('ssd', Array<'i32'>(14).fill('i32'));
  const [L, nh, P, ng, g, h0, h1, pX, pDt, pDA, pB, pC, pH, pY] = f.params as [Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local];
  const nBytes = N4 * 4;
  const t = f.local('i32'), hd = f.local('i32'), p = f.local('i32'), nb = f.local('i32');
  const th = f.local('i32'), xi = f.local('i32'), bOff = f.local('i32'), cOff = f.local('i32'), hOff = f.local('i32');
  const dt = f.local('f32');
  const dAv = f.local('v128'), dxv = f.local('v128'), acc = f.local('v128'), hv = f.local('v128');
  f.forRange(t, () => f.i32(0), () => f.get(L), 1, () => {
    f.get(t).get(ng).i32Mul().get(g).i32Add().i32(nBytes).i32Mul().tee(bOff);
    f.get(pC).i32Add().set(cOff);
    f.get(bOff).get(pB).i32Add().set(bOff);
    f.forRange(hd, () => f.get(h0), () => f.get(h1), 1, () => {
      f.get(t).get(nh).i32Mul().get(hd).i32Add().set(th);
      f.get(pDA).get(th).i32(4).i32Mul().i32Add().f32Load().f32x4Splat().set(dAv);
      f.get(pDt).get(th).i32(4).i32Mul().i32Add().f32Load().set(dt);
      f.forRange(p, () => f.i32(0), () => f.get(P), 1, () => {
        f.get(th).get(P).i32Mul().get(p).i32Add().i32(4).i32Mul().set(xi);
        f.get(dt).get(pX).get(xi).i32Add().f32Load().f32Mul().f32x4Splat().set(dxv);
        f.get(hd).get(P).i32Mul().get(p).i32Add().i32(nBytes).i32Mul().get(pH).i32Add().set(hOff);
        f.f32(0).f32x4Splat().set(acc);
        emitRowSteps(f, N4, nb, (at) => {
          f.get(dAv);
          f.v128Load(at(hOff)).f32x4Mul();
          f.get(dxv);
          f.v128Load(at(bOff)).f32x4Mul().f32x4Add().set(hv);
          const o = at(hOff);
          f.get(hv).v128Store(o);
          f.get(acc).get(hv);
          f.v128Load(at(cOff)).f32x4Mul().f32x4Add().set(acc);
        });
        f.get(pY).get(xi).i32Add();
        emitLaneSum(f, acc);
        f.f32Store();
      });
    });
  });
  return f;
}

/**
 * modal(L, d4, b0, b1, x, polesRe, polesIm, resRe, resIm, stateRe, stateIm, y) for S poles: x, y (L, d4); poles,
 * residues and state (S, d4). Scans the channels whose bytes within a row are b0 … b1 − 1 (multiples of 16), so a
 * caller can split the channels between threads. The pole loop is unrolled.
 */
function modalKernel(S: number): FunctionBuilder {
  const f = new FunctionBuilder('modal', Array<'i32'>(12).fill('i32'));
  const [L, d4, b0, b1, pX, pPR, pPI, pRR, pRI, pSR, pSI, pY] = f.params as [Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local];
  const t = f.local('i32'), cb = f.local('i32'), dBytes = f.local('i32'), row = f.local('i32');
  const aPR = f.local('i32'), aPI = f.local('i32'), aRR = f.local('i32'), aRI = f.local('i32'), aSR = f.local('i32'), aSI = f.local('i32');
  const xv = f.local('v128'), acc = f.local('v128'), pr = f.local('v128'), pi = f.local('v128');
  const sr = f.local('v128'), si = f.local('v128'), nr = f.local('v128'), ni = f.local('v128');
  f.get(d4).i32(4).i32Mul().set(dBytes);
  f.forRange(t, () => f.i32(0), () => f.get(L), 1, () => {
    f.get(t).get(dBytes).i32Mul().set(row);
    f.forRange(cb, () => f.get(b0), () => f.get(b1), 16, () => {
      f.get(pX).get(row).i32Add().get(cb).i32Add().v128Load().set(xv);
      f.f32(0).f32x4Splat().set(acc);
      for (const [a, base] of [[aPR, pPR], [aPI, pPI], [aRR, pRR], [aRI, pRI], [aSR, pSR], [aSI, pSI]] as const) f.get(base).get(cb).i32Add().set(a);
      for (let s = 0; s < S; s++) {
        // pole s of this channel block: offset s·dBytes from the block's address (dBytes is a runtime value)
        if (s > 0) for (const a of [aPR, aPI, aRR, aRI, aSR, aSI]) f.get(a).get(dBytes).i32Add().set(a);
        f.get(aPR).v128Load().set(pr);
        f.get(aPI).v128Load().set(pi);
        f.get(aSR).v128Load().set(sr);
        f.get(aSI).v128Load().set(si);
        f.get(pr).get(sr).f32x4Mul().get(pi).get(si).f32x4Mul().f32x4Sub().get(xv).f32x4Add().set(nr);
        f.get(pr).get(si).f32x4Mul().get(pi).get(sr).f32x4Mul().f32x4Add().set(ni);
        f.get(aSR).get(nr).v128Store();
        f.get(aSI).get(ni).v128Store();
        f.get(acc).get(aRR).v128Load().get(nr).f32x4Mul().f32x4Add();
        f.get(aRI).v128Load().get(ni).f32x4Mul().f32x4Sub().set(acc);
      }
      f.get(pY).get(row).i32Add().get(cb).i32Add().get(acc).v128Store();
    });
  });
  return f;
}

type I32Fn<N extends number, A extends number[] = []> = A['length'] extends N ? (...args: A) => void : I32Fn<N, [...A, number]>;

/** The kernels for one state width (selective, ssd) or one pole count (modal). */
export interface SimdScanKernels {
  selective: I32Fn<13>;
  ssd: I32Fn<14>;
  modal: I32Fn<12>;
}

/** Maximum of the shared memory (64 KiB pages): 4 GiB, all a 32-bit memory addresses, as tfjs's threaded wasm. */
export const SHARED_MAX_PAGES = 65536;

/**
 * The module's bytes, specialised for a state of `N4` floats (a multiple of 4) and `S` poles: unrolled code with
 * constant offsets is much faster than a generic loop at these widths, and assembling is cheap (well under 1 ms).
 * `shared` imports a shared memory (for the threaded scans of `scanPool.ts`) instead of an ordinary one.
 */
export function simdScanModuleBytes(N4: number, S: number, shared = false): Uint8Array<ArrayBuffer> {
  if (!Number.isInteger(N4) || N4 < 4 || N4 % 4 !== 0) throw new Error(`simd scan: state width must be a positive multiple of 4, got ${N4}`);
  if (!Number.isInteger(S) || S < 1) throw new Error(`simd scan: pole count must be a positive integer, got ${S}`);
  return assembleModule([selectiveKernel(N4), ssdKernel(N4), modalKernel(S)], shared ? { pages: 1, sharedMaxPages: SHARED_MAX_PAGES } : 1);
}

let simdSupported: boolean | undefined;
let memory: WebAssembly.Memory | null = null;
let sharedMode = false;
const instances = new Map<string, SimdScanKernels>();

/** Whether WebAssembly SIMD runs here (a module using it validates). */
export function wasmSimdSupported(): boolean {
  if (simdSupported === undefined) simdSupported = typeof WebAssembly !== 'undefined' && WebAssembly.validate(simdScanModuleBytes(4, 1));
  return simdSupported;
}

/**
 * The memory every kernel instance shares (created on first use): an ordinary memory, or a shared one while the
 * threaded scans run (`setSimdScanMemoryShared`). It grows to the largest scan run so far and is only returned to the
 * system by `releaseSimdScanMemory`.
 */
export function simdScanMemory(): WebAssembly.Memory {
  if (!memory) memory = sharedMode ? new WebAssembly.Memory({ initial: 1, maximum: SHARED_MAX_PAGES, shared: true }) : new WebAssembly.Memory({ initial: 1 });
  return memory;
}

/**
 * Switches the kernels to a shared memory (threads) or back to an ordinary one. The old memory and instances are
 * dropped; the caller must not hold views into them.
 */
export function setSimdScanMemoryShared(shared: boolean): void {
  if (shared === sharedMode) return;
  releaseSimdScanMemory();
  sharedMode = shared;
}

/** The kernels for `N4` and `S` instantiated on `mem` (whose kind, shared or not, must match `shared`). */
export function instantiateSimdScanKernels(N4: number, S: number, mem: WebAssembly.Memory, shared: boolean): SimdScanKernels {
  return new WebAssembly.Instance(new WebAssembly.Module(simdScanModuleBytes(N4, S, shared)), { env: { memory: mem } }).exports as unknown as SimdScanKernels;
}

/** The instantiated kernels for `N4` and `S` (cached), or null where WebAssembly SIMD is unavailable. */
export function simdScanKernels(N4: number, S = 1): SimdScanKernels | null {
  if (!wasmSimdSupported()) return null;
  const key = `${N4}:${S}`;
  let k = instances.get(key);
  if (!k) {
    k = instantiateSimdScanKernels(N4, S, simdScanMemory(), sharedMode);
    instances.set(key, k);
  }
  return k;
}

/** Drops the kernels and their memory (a run calls this when it ends, so a long sweep's buffers do not linger). */
export function releaseSimdScanMemory(): number {
  const bytes = memory?.buffer.byteLength ?? 0;
  instances.clear();
  memory = null;
  return bytes;
}

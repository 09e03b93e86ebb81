/**
 * The linear-attention recurrences as WebAssembly SIMD kernels (f32x4), written with the project's assembler
 * (src/sim/runtime/kernels/wasm/assembler.ts) and assembled in memory on first use, in the style of
 * `simdScanKernels.ts`: one call per scan and batch row, whatever L is. They share that module's memory
 * (`simdScanMemory`), so a run's `releaseSimdScanMemory` hands theirs back too. Every pointer is a byte offset,
 * every array float32. Glossary in spec.ts.
 *
 * Layout: q, k (L, nk, dk); v, y (L, nv, dv4); S (nv, dk, dv4) with dv padded to dv4, a multiple of 4 (v = 0 in the
 * padding keeps those state columns at 0); β (L, nv); α addressed as pA + t·aT + h·aH + i·aC (bytes), which covers a
 * decay per key channel (aC = 4), per head (aC = 0), fixed per head (aT = 0) and none (all 0 over one 1.0). The
 * state is vectorised over dv (a row of S per key channel i); value head h reads key head ⌊h / r⌋ (heads are walked
 * key head by key head, so no division is needed).
 *
 * - `delta` (Gated DeltaNet, KDA): per token and head, S = α ⊙ S while accumulating w = Sᵀk; u = β(v − w);
 *   S += k uᵀ while accumulating y = Sᵀq: two passes over the state.
 * - `additive` (lightning, GLA, RetNet): S = α ⊙ S + k vᵀ while accumulating y = Sᵀq: one pass.
 *
 * Rows of up to UNROLL_MAX_FLOATS floats are unrolled with constant offsets, and the accumulators (w / u and y) stay
 * in locals up to REGISTER_MAX_FLOATS; wider rows keep a loop and accumulate in memory (u in the scratch row pU, y in
 * its output row).
 */
import { assembleModule, FunctionBuilder, type Local } from '../../sim/runtime/kernels/wasm/assembler';
import { SHARED_MAX_PAGES, simdScanMemory, wasmSimdSupported } from '../../sim/runtime/kernels/wasm/simdScanKernels';

/** Widest row (floats) whose steps are unrolled. */
export const LINEAR_UNROLL_MAX_FLOATS = 128;
/** Widest row (floats) whose accumulators are kept in locals. */
export const LINEAR_REGISTER_MAX_FLOATS = 32;

/** A row of dv4 floats: an accumulator held in locals, or in memory at a base address. */
interface Row {
  /** Pushes the v128 at step j (byte offset o). */
  load(j: number, o: number): void;
  /** Before the value is pushed (a memory store needs its address first). */
  begin(j: number, o: number): void;
  /** After the value is pushed. */
  end(j: number, o: number): void;
}

/**
 * Emits `body(j, o, addr)` once per 16-byte step of a row of `floats` floats: unrolled with constant offsets when
 * `floats` ≤ LINEAR_UNROLL_MAX_FLOATS, else a loop over the byte offset `nb` (j = −1; `addr(base)` adds nb).
 * `addr(base)` pushes the address of a row starting at local `base` and returns the memarg offset.
 */
function steps(f: FunctionBuilder, floats: number, nb: Local, body: (j: number, addr: (base: Local) => number) => void): void {
  if (floats <= LINEAR_UNROLL_MAX_FLOATS) {
    for (let o = 0, j = 0; o < floats * 4; o += 16, j++) {
      body(j, (base) => {
        f.get(base);
        return o;
      });
    }
    return;
  }
  f.forRange(nb, () => f.i32(0), () => f.i32(floats * 4), 16, () =>
    body(-1, (base) => {
      f.get(base).get(nb).i32Add();
      return 0;
    }),
  );
}

/** An accumulator row: locals when unrolled and narrow enough, else memory at `base` (+ nb in the loop form). */
function accumulator(f: FunctionBuilder, floats: number, base: Local, nb: Local): Row {
  if (floats <= LINEAR_REGISTER_MAX_FLOATS) {
    const regs = Array.from({ length: floats / 4 }, () => f.local('v128'));
    return { load: (j) => f.get(regs[j]!), begin: () => undefined, end: (j) => f.set(regs[j]!) };
  }
  const unrolled = floats <= LINEAR_UNROLL_MAX_FLOATS;
  const push = () => (unrolled ? f.get(base) : f.get(base).get(nb).i32Add());
  return {
    load: (_j, o) => push().v128Load(unrolled ? o : 0),
    begin: () => push(),
    end: (_j, o) => f.v128Store(unrolled ? o : 0),
  };
}

/** Offsets of the step for `addr`-style rows: unrolled → o, loop → 0 (the address already holds nb). */
function stepOffset(floats: number, j: number): number {
  return floats <= LINEAR_UNROLL_MAX_FLOATS ? j * 16 : 0;
}

/** Locals and loop scaffolding shared by both kernels: walks t, key head, value head; hands the body its pointers. */
interface HeadPointers {
  qOff: Local;
  kOff: Local;
  vOff: Local;
  yOff: Local;
  bOff: Local;
  aHead: Local;
  sHead: Local;
  dk: Local;
  aC: Local;
  rowBytes: number;
}

function walkHeads(f: FunctionBuilder, p: { L: Local; nk: Local; r: Local; dk: Local; pQ: Local; pK: Local; pV: Local; pA: Local; aT: Local; aH: Local; aC: Local; pB: Local | null; pS: Local; pY: Local }, dv4: number, body: (h: HeadPointers) => void): void {
  const rowBytes = dv4 * 4;
  const t = f.local('i32'), kh = f.local('i32'), rr = f.local('i32');
  const qOff = f.local('i32'), kOff = f.local('i32'), vOff = f.local('i32'), yOff = f.local('i32'), bOff = f.local('i32');
  const aTok = f.local('i32'), aHead = f.local('i32'), sHead = f.local('i32'), headBytes = f.local('i32'), dkBytes = f.local('i32');
  f.get(p.dk).i32(rowBytes).i32Mul().set(headBytes);
  f.get(p.dk).i32(4).i32Mul().set(dkBytes);
  f.get(p.pQ).set(qOff);
  f.get(p.pK).set(kOff);
  f.get(p.pV).set(vOff);
  f.get(p.pY).set(yOff);
  if (p.pB) f.get(p.pB).set(bOff);
  f.get(p.pA).set(aTok);
  f.forRange(t, () => f.i32(0), () => f.get(p.L), 1, () => {
    f.get(p.pS).set(sHead);
    f.get(aTok).set(aHead);
    f.forRange(kh, () => f.i32(0), () => f.get(p.nk), 1, () => {
      f.forRange(rr, () => f.i32(0), () => f.get(p.r), 1, () => {
        body({ qOff, kOff, vOff, yOff, bOff, aHead, sHead, dk: p.dk, aC: p.aC, rowBytes });
        f.get(vOff).i32(rowBytes).i32Add().set(vOff);
        f.get(yOff).i32(rowBytes).i32Add().set(yOff);
        f.get(bOff).i32(4).i32Add().set(bOff);
        f.get(aHead).get(p.aH).i32Add().set(aHead);
        f.get(sHead).get(headBytes).i32Add().set(sHead);
      });
      f.get(qOff).get(dkBytes).i32Add().set(qOff);
      f.get(kOff).get(dkBytes).i32Add().set(kOff);
    });
    f.get(aTok).get(p.aT).i32Add().set(aTok);
  });
}

/**
 * delta(L, nk, r, dk, q, k, v, α, aT, aH, aC, β, S, y, u): the gated delta rule for value rows of dv4 floats; `u` is a
 * scratch row of dv4 floats.
 */
function deltaKernel(dv4: number): FunctionBuilder {
  const f = new FunctionBuilder('delta', Array<'i32'>(15).fill('i32'));
  const [L, nk, r, dk, pQ, pK, pV, pA, aT, aH, aC, pB, pS, pY, pU] = f.params as [Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local];
  const i = f.local('i32'), nb = f.local('i32'), sRow = f.local('i32'), aRow = f.local('i32'), kp = f.local('i32'), qp = f.local('i32');
  const av = f.local('v128'), kv = f.local('v128'), qv = f.local('v128'), bv = f.local('v128'), sv = f.local('v128'), zero = f.local('v128');
  const yBase = f.local('i32');
  const w = accumulator(f, dv4, pU, nb);
  const y = accumulator(f, dv4, yBase, nb);
  f.f32(0).f32x4Splat().set(zero);
  walkHeads(f, { L, nk, r, dk, pQ, pK, pV, pA, aT, aH, aC, pB, pS, pY }, dv4, (hp) => {
    f.get(hp.yOff).set(yBase);
    // pass 1: S = α ⊙ S, w = Sᵀk
    steps(f, dv4, nb, (j) => {
      w.begin(j, stepOffset(dv4, j));
      f.get(zero);
      w.end(j, stepOffset(dv4, j));
    });
    f.get(hp.sHead).set(sRow);
    f.get(hp.aHead).set(aRow);
    f.get(hp.kOff).set(kp);
    f.forRange(i, () => f.i32(0), () => f.get(hp.dk), 1, () => {
      f.get(aRow).f32Load().f32x4Splat().set(av);
      f.get(kp).f32Load().f32x4Splat().set(kv);
      steps(f, dv4, nb, (j, addr) => {
        const o = addr(sRow);
        addr(sRow);
        f.v128Load(o).get(av).f32x4Mul().tee(sv);
        f.v128Store(o);
        const so = stepOffset(dv4, j);
        w.begin(j, so);
        w.load(j, so);
        f.get(kv).get(sv).f32x4Mul().f32x4Add();
        w.end(j, so);
      });
      f.get(sRow).i32(hp.rowBytes).i32Add().set(sRow);
      f.get(aRow).get(hp.aC).i32Add().set(aRow);
      f.get(kp).i32(4).i32Add().set(kp);
    });
    // u = β (v − w), kept where w was
    f.get(hp.bOff).f32Load().f32x4Splat().set(bv);
    steps(f, dv4, nb, (j, addr) => {
      const so = stepOffset(dv4, j);
      w.begin(j, so);
      const o = addr(hp.vOff);
      f.v128Load(o);
      w.load(j, so);
      f.f32x4Sub().get(bv).f32x4Mul();
      w.end(j, so);
    });
    // pass 2: S += k uᵀ, y = Sᵀq
    steps(f, dv4, nb, (j) => {
      y.begin(j, stepOffset(dv4, j));
      f.get(zero);
      y.end(j, stepOffset(dv4, j));
    });
    f.get(hp.sHead).set(sRow);
    f.get(hp.kOff).set(kp);
    f.get(hp.qOff).set(qp);
    f.forRange(i, () => f.i32(0), () => f.get(hp.dk), 1, () => {
      f.get(kp).f32Load().f32x4Splat().set(kv);
      f.get(qp).f32Load().f32x4Splat().set(qv);
      steps(f, dv4, nb, (j, addr) => {
        const so = stepOffset(dv4, j);
        const o = addr(sRow);
        addr(sRow);
        f.v128Load(o).get(kv);
        w.load(j, so);
        f.f32x4Mul().f32x4Add().tee(sv);
        f.v128Store(o);
        y.begin(j, so);
        y.load(j, so);
        f.get(qv).get(sv).f32x4Mul().f32x4Add();
        y.end(j, so);
      });
      f.get(sRow).i32(hp.rowBytes).i32Add().set(sRow);
      f.get(kp).i32(4).i32Add().set(kp);
      f.get(qp).i32(4).i32Add().set(qp);
    });
    if (dv4 <= LINEAR_REGISTER_MAX_FLOATS) {
      steps(f, dv4, nb, (j, addr) => {
        const o = addr(hp.yOff);
        y.load(j, o);
        f.v128Store(o);
      });
    }
  });
  return f;
}

/** additive(L, nk, r, dk, q, k, v, α, aT, aH, aC, S, y): S = α ⊙ S + k vᵀ, y = Sᵀq, for value rows of dv4 floats. */
function additiveKernel(dv4: number): FunctionBuilder {
  const f = new FunctionBuilder('additive', Array<'i32'>(13).fill('i32'));
  const [L, nk, r, dk, pQ, pK, pV, pA, aT, aH, aC, pS, pY] = f.params as [Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local];
  const i = f.local('i32'), nb = f.local('i32'), sRow = f.local('i32'), aRow = f.local('i32'), kp = f.local('i32'), qp = f.local('i32');
  const av = f.local('v128'), kv = f.local('v128'), qv = f.local('v128'), sv = f.local('v128'), zero = f.local('v128');
  const yBase = f.local('i32');
  const y = accumulator(f, dv4, yBase, nb);
  f.f32(0).f32x4Splat().set(zero);
  walkHeads(f, { L, nk, r, dk, pQ, pK, pV, pA, aT, aH, aC, pB: null, pS, pY }, dv4, (hp) => {
    f.get(hp.yOff).set(yBase);
    steps(f, dv4, nb, (j) => {
      y.begin(j, stepOffset(dv4, j));
      f.get(zero);
      y.end(j, stepOffset(dv4, j));
    });
    f.get(hp.sHead).set(sRow);
    f.get(hp.aHead).set(aRow);
    f.get(hp.kOff).set(kp);
    f.get(hp.qOff).set(qp);
    f.forRange(i, () => f.i32(0), () => f.get(hp.dk), 1, () => {
      f.get(aRow).f32Load().f32x4Splat().set(av);
      f.get(kp).f32Load().f32x4Splat().set(kv);
      f.get(qp).f32Load().f32x4Splat().set(qv);
      steps(f, dv4, nb, (j, addr) => {
        const so = stepOffset(dv4, j);
        const o = addr(sRow);
        addr(sRow);
        f.v128Load(o).get(av).f32x4Mul().get(kv);
        const ov = addr(hp.vOff);
        f.v128Load(ov).f32x4Mul().f32x4Add().tee(sv);
        f.v128Store(o);
        y.begin(j, so);
        y.load(j, so);
        f.get(qv).get(sv).f32x4Mul().f32x4Add();
        y.end(j, so);
      });
      f.get(sRow).i32(hp.rowBytes).i32Add().set(sRow);
      f.get(aRow).get(hp.aC).i32Add().set(aRow);
      f.get(kp).i32(4).i32Add().set(kp);
      f.get(qp).i32(4).i32Add().set(qp);
    });
    if (dv4 <= LINEAR_REGISTER_MAX_FLOATS) {
      steps(f, dv4, nb, (j, addr) => {
        const o = addr(hp.yOff);
        y.load(j, o);
        f.v128Store(o);
      });
    }
  });
  return f;
}

type I32Fn<N extends number, A extends number[] = []> = A['length'] extends N ? (...args: A) => void : I32Fn<N, [...A, number]>;

/** The kernels for one padded value width dv4. */
export interface LinearScanKernels {
  delta: I32Fn<15>;
  additive: I32Fn<13>;
}

/**
 * The module's bytes, specialised for value rows of dv4 floats (a positive multiple of 4). `shared` imports a shared
 * memory: while the threaded scans run (scanPool.ts) the scan memory is one, and a module declaring an ordinary
 * memory cannot be instantiated on it ("mismatch in shared state of memory").
 */
export function linearScanModuleBytes(dv4: number, shared = false): Uint8Array<ArrayBuffer> {
  if (!Number.isInteger(dv4) || dv4 < 4 || dv4 % 4 !== 0) throw new Error(`linear-attention simd scan: value width must be a positive multiple of 4, got ${dv4}`);
  return assembleModule([deltaKernel(dv4), additiveKernel(dv4)], shared ? { pages: 1, sharedMaxPages: SHARED_MAX_PAGES } : 1);
}

/** Whether a memory is shared (its buffer a SharedArrayBuffer, which exists only where threads may run). */
export function isSharedMemory(memory: WebAssembly.Memory): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
}

/** Instances by dv4, each remembering the memory it was bound to (a released memory means a fresh instance). */
const instances = new Map<number, { memory: WebAssembly.Memory; kernels: LinearScanKernels }>();

/** The instantiated kernels for dv4 on the shared scan memory, or null where WebAssembly SIMD is unavailable. */
export function linearScanKernels(dv4: number): LinearScanKernels | null {
  if (!wasmSimdSupported()) return null;
  const memory = simdScanMemory();
  const hit = instances.get(dv4);
  if (hit && hit.memory === memory) return hit.kernels;
  const kernels = new WebAssembly.Instance(new WebAssembly.Module(linearScanModuleBytes(dv4, isSharedMemory(memory))), { env: { memory } }).exports as unknown as LinearScanKernels;
  instances.set(dv4, { memory, kernels });
  return kernels;
}

/**
 * Threads for the `simd` scans: helper Web Workers that run the same WebAssembly kernels on the same (shared)
 * memory, each on its own channels or heads. Browser only, and only where memory can be shared (a cross-origin
 * isolated page) and the caller may block (a worker: `Atomics.wait` is refused on a page's main thread).
 *
 * Glossary: *participant* = the calling thread (the runtime worker) or a helper; *call* = one kernel invocation on a
 * contiguous range of channels (selective, modal) or heads (ssd), its arguments 16 int32 slots; *job* = the calls of
 * one scan, taken by the participants from a shared counter until none is left (so a slow core takes fewer).
 *
 * Protocol, over one SharedArrayBuffer of int32 (`ctrl`): the caller writes the calls, resets NEXT, sets PENDING to
 * the number of helpers, bumps GEN and wakes the helpers (`Atomics.notify`); everyone takes calls with
 * `Atomics.add(NEXT, 1)`; each helper decrements PENDING when the counter runs out, and the caller waits until it is
 * 0. The atomics order the plain (non-atomic) kernel writes: inputs written before GEN is bumped are seen by the
 * helpers, outputs written before PENDING drops are seen by the caller (ECMAScript memory model, synchronizes-with).
 */
import { instantiateSimdScanKernels, simdScanMemory, setSimdScanMemoryShared, type SimdScanKernels } from './simdScanKernels';

/** Int32 slots of the control block. */
export const CTRL = { GEN: 0, PENDING: 1, NEXT: 2, QUIT: 3, N4: 4, S: 5, COUNT: 6, FN: 7, ERROR: 8, CALLS: 16 } as const;
/** Slots per call (the widest kernel, ssd, takes 14 arguments). */
export const ARGS_PER_CALL = 16;
/** Most calls per job. */
export const MAX_CALLS = 256;
/** How long the caller waits for helpers once every call is taken before it gives the pool up (a helper died). */
export const HELPER_TIMEOUT_MS = 120_000;

/** The kernels, by the number written in CTRL.FN. */
export const KERNEL_IDS = { selective: 0, ssd: 1, modal: 2 } as const;
export type KernelName = keyof typeof KERNEL_IDS;

/** Invokes kernel `fn` with the first arguments of `a`. */
export function invokeKernel(k: SimdScanKernels, fn: number, a: ArrayLike<number>): void {
  const v = (i: number) => a[i]!;
  if (fn === KERNEL_IDS.selective) k.selective(v(0), v(1), v(2), v(3), v(4), v(5), v(6), v(7), v(8), v(9), v(10), v(11), v(12));
  else if (fn === KERNEL_IDS.ssd) k.ssd(v(0), v(1), v(2), v(3), v(4), v(5), v(6), v(7), v(8), v(9), v(10), v(11), v(12), v(13));
  else if (fn === KERNEL_IDS.modal) k.modal(v(0), v(1), v(2), v(3), v(4), v(5), v(6), v(7), v(8), v(9), v(10), v(11));
  else throw new Error(`scan pool: unknown kernel id ${fn}`);
}

/** Takes calls of the current job from the shared counter and runs them until none is left. */
export function drainCalls(ctrl: Int32Array, k: SimdScanKernels): void {
  const fn = ctrl[CTRL.FN]!;
  const count = ctrl[CTRL.COUNT]!;
  for (;;) {
    const i = Atomics.add(ctrl, CTRL.NEXT, 1);
    if (i >= count) return;
    invokeKernel(k, fn, ctrl.subarray(CTRL.CALLS + i * ARGS_PER_CALL, CTRL.CALLS + (i + 1) * ARGS_PER_CALL));
  }
}

/** What a helper is sent once, before it starts waiting for jobs. */
export interface HelperInit {
  memory: WebAssembly.Memory;
  ctrl: SharedArrayBuffer;
}

interface Pool {
  workers: Worker[];
  ctrl: Int32Array;
}

let pool: Pool | null = null;

/** Whether this context can run the pool: workers, shared memory and a thread that may block. */
export function scanPoolSupported(): boolean {
  const g = globalThis as { crossOriginIsolated?: boolean; WorkerGlobalScope?: unknown };
  return typeof Worker === 'function' && typeof SharedArrayBuffer === 'function' && g.crossOriginIsolated === true && g.WorkerGlobalScope !== undefined;
}

/** Threads the scans run on now: the caller plus its helpers (1 when no pool runs). */
export function simdScanThreads(): number {
  return pool ? pool.workers.length + 1 : 1;
}

/**
 * Starts `threads − 1` helpers and switches the kernels to a shared memory. Resolves true once every helper is
 * ready, false where the pool cannot run here (then the scans stay on one thread). A running pool of another size is
 * stopped first.
 */
export async function startSimdScanPool(threads: number, timeoutMs = 10_000): Promise<boolean> {
  if (pool && pool.workers.length + 1 === threads) return true;
  stopSimdScanPool();
  if (threads < 2 || !scanPoolSupported()) return false;
  setSimdScanMemoryShared(true);
  const memory = simdScanMemory();
  const ctrlBuffer = new SharedArrayBuffer((CTRL.CALLS + MAX_CALLS * ARGS_PER_CALL) * 4);
  const ctrl = new Int32Array(ctrlBuffer);
  const workers: Worker[] = [];
  const ready: Promise<void>[] = [];
  for (let i = 0; i < threads - 1; i++) {
    const w = new Worker(new URL('./scanHelper.worker.ts', import.meta.url), { type: 'module', name: `simd-scan-${i + 1}` });
    workers.push(w);
    ready.push(
      new Promise<void>((resolve, reject) => {
        w.addEventListener('message', (ev: MessageEvent<{ type: string; message?: string }>) => (ev.data.type === 'ready' ? resolve() : reject(new Error(ev.data.message ?? 'scan helper failed'))), { once: true });
        w.addEventListener('error', (ev) => reject(new Error(`scan helper failed to start: ${ev.message || 'unknown error'}`)), { once: true });
      }),
    );
    w.postMessage({ memory, ctrl: ctrlBuffer } satisfies HelperInit);
  }
  pool = { workers, ctrl };
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([Promise.all(ready), new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('scan helpers did not start in time')), timeoutMs)))]);
    return true;
  } catch {
    stopSimdScanPool();
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/** Stops the helpers (they are waiting, or finishing a job the caller already waited for) and drops the memory. */
export function stopSimdScanPool(): void {
  if (!pool) return;
  const { workers, ctrl } = pool;
  pool = null;
  Atomics.store(ctrl, CTRL.QUIT, 1);
  Atomics.add(ctrl, CTRL.GEN, 1);
  Atomics.notify(ctrl, CTRL.GEN);
  for (const w of workers) w.terminate();
  setSimdScanMemoryShared(false);
}

/**
 * Runs `calls` of kernel `fn` (instantiated for `N4`, `S`): on the pool's threads when one runs, else one after the
 * other here. Returns when every call has finished, on every thread.
 */
export function runScanCalls(k: SimdScanKernels, N4: number, S: number, fn: KernelName, calls: readonly (readonly number[])[]): void {
  const id = KERNEL_IDS[fn];
  if (!pool || calls.length < 2) {
    for (const a of calls) invokeKernel(k, id, a);
    return;
  }
  const { ctrl, workers } = pool;
  for (let start = 0; start < calls.length; start += MAX_CALLS) {
    const batch = calls.slice(start, start + MAX_CALLS);
    ctrl[CTRL.N4] = N4;
    ctrl[CTRL.S] = S;
    ctrl[CTRL.FN] = id;
    ctrl[CTRL.COUNT] = batch.length;
    batch.forEach((a, i) => ctrl.set(a, CTRL.CALLS + i * ARGS_PER_CALL));
    Atomics.store(ctrl, CTRL.NEXT, 0);
    Atomics.store(ctrl, CTRL.PENDING, workers.length);
    Atomics.store(ctrl, CTRL.ERROR, 0);
    Atomics.add(ctrl, CTRL.GEN, 1);
    Atomics.notify(ctrl, CTRL.GEN);
    let failure: unknown = null;
    try {
      drainCalls(ctrl, k);
    } catch (e) {
      failure = e;
    }
    // Wait for every helper even when this thread failed: the next job must not start under a running one.
    const deadline = performance.now() + HELPER_TIMEOUT_MS;
    for (let p = Atomics.load(ctrl, CTRL.PENDING); p !== 0; p = Atomics.load(ctrl, CTRL.PENDING)) {
      if (Atomics.wait(ctrl, CTRL.PENDING, p, 1000) === 'timed-out' && performance.now() > deadline) {
        stopSimdScanPool();
        throw new Error(`simd scan: a helper thread stopped responding (no answer in ${HELPER_TIMEOUT_MS / 1000} s)`);
      }
    }
    if (failure) throw failure;
    if (Atomics.load(ctrl, CTRL.ERROR) !== 0) throw new Error('simd scan: a kernel failed on a helper thread');
  }
}

/**
 * A helper's life (called by scanHelper.worker.ts once it has its memory and control block): wait for a job, run
 * calls until none is left, report, repeat until QUIT. Kernels are assembled and instantiated here, on the shared
 * memory, the first time a job needs their (N4, S).
 */
export function helperLoop(init: HelperInit): void {
  const ctrl = new Int32Array(init.ctrl);
  const kernels = new Map<string, SimdScanKernels>();
  let seen = Atomics.load(ctrl, CTRL.GEN);
  for (;;) {
    Atomics.wait(ctrl, CTRL.GEN, seen);
    const gen = Atomics.load(ctrl, CTRL.GEN);
    if (gen === seen) continue;
    seen = gen;
    if (Atomics.load(ctrl, CTRL.QUIT) !== 0) return;
    const key = `${ctrl[CTRL.N4]}:${ctrl[CTRL.S]}`;
    try {
      let k = kernels.get(key);
      if (!k) {
        k = instantiateSimdScanKernels(ctrl[CTRL.N4]!, ctrl[CTRL.S]!, init.memory, true);
        kernels.set(key, k);
      }
      drainCalls(ctrl, k);
    } catch {
      // reported to the caller through ERROR, which fails the scan (and with it the run)
      Atomics.store(ctrl, CTRL.ERROR, 1);
    }
    if (Atomics.sub(ctrl, CTRL.PENDING, 1) === 1) Atomics.notify(ctrl, CTRL.PENDING);
  }
}

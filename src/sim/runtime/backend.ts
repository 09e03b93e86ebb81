/**
 * Backend selection and initialisation for the runtime.
 *
 * Auto mode picks the fastest *real* backend: `webgpu` only when the adapter is a hardware one
 * (`isFallbackAdapter` false and not SwiftShader), because a software WebGPU adapter is the slowest choice on
 * these machines (tfjs-notes: wasm+SIMD 11-25 GFLOP/s vs SwiftShader WebGPU 0.24-0.63 on a 512³ matmul); otherwise
 * `wasm`, then `cpu`. A forced backend is always honoured, or fails with a clear error. Every result carries the
 * backend and the reason it was chosen, and the number of CPU threads its kernels run on.
 *
 * Threads (glossary): a *cross-origin isolated* page (COOP same-origin + COEP require-corp, see vite.config.ts and
 * public/coi-sw.js) may share memory between workers, so tfjs's wasm backend loads its threaded SIMD binary
 * (`tfjs-backend-wasm-threaded-simd.wasm`, an Emscripten pthreads build whose XNNPACK kernels split across a pool).
 * The pool size is fixed when the backend instance is created (`setThreadsCount` before init), so a run asking for
 * another count re-creates the wasm backend. tfjs caps the pool at 8 (Emscripten preallocates 8 pthread workers,
 * tfjs-backend-wasm's PTHREAD_POOL_SIZE), so `threads` is at most min(navigator.hardwareConcurrency, 8). Without
 * isolation (or in Node, where tfjs-backend-wasm has no threads) every backend runs on one thread.
 */
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import type { BackendChoice, BackendName } from '../protocol';
import { resolveThreads, threadsSupported } from '../threads';
import { registerSimdBatchMatMul } from './kernels/wasmBatchMatMul';

export { availableThreads, resolveThreads, threadsSupported, TFJS_WASM_MAX_THREADS } from '../threads';

/** The backend that runs, and why it was chosen (shown in the UI and stored with every result). */
export interface BackendInfo {
  backend: BackendName;
  reason: string;
  /** CPU threads the backend's kernels run on (the wasm thread pool; 1 for cpu, webgl and webgpu). */
  threads: number;
  /** Why that many: cores available, the user's cap, or why threads are unavailable. */
  threadsReason: string;
}

/** What `initBackend` may be told besides the backend. */
export interface BackendOptions {
  /** Most CPU threads to use (the run panel's cap); all available when absent. */
  threads?: number;
}

const isNode = typeof process !== 'undefined' && !!process.versions?.node && typeof window === 'undefined' && typeof self === 'undefined';

let wasmPathsSet = false;

/** Where the `.wasm` binaries are: `/tfjs-wasm/` in the app (copied there by vite.config.ts), node_modules in Node. */
async function configureWasmPaths(): Promise<void> {
  if (wasmPathsSet) return;
  if (isNode) {
    const { createRequire } = await import('node:module');
    const { dirname } = await import('node:path');
    const require = createRequire(import.meta.url);
    // Keep the trailing slash: setWasmPaths treats the string as a prefix.
    setWasmPaths(dirname(require.resolve('@tensorflow/tfjs-backend-wasm')) + '/');
  } else {
    const base = (import.meta.env?.BASE_URL as string | undefined) ?? '/';
    setWasmPaths(new URL(`${base}tfjs-wasm/`, self.location.origin).href);
  }
  wasmPathsSet = true;
}

/** What the WebGPU adapter is, or null when the platform has none. */
export interface AdapterReport {
  available: boolean;
  isFallbackAdapter: boolean;
  architecture: string;
  vendor: string;
}

/** Asks the platform for a WebGPU adapter and reports whether it is a software (fallback) one. */
export async function probeWebGpu(): Promise<AdapterReport> {
  const gpu = (globalThis.navigator as (Navigator & { gpu?: GPU }) | undefined)?.gpu;
  if (!gpu) return { available: false, isFallbackAdapter: false, architecture: '', vendor: '' };
  const adapter = await gpu.requestAdapter();
  if (!adapter) return { available: false, isFallbackAdapter: false, architecture: '', vendor: '' };
  const info = (adapter as GPUAdapter & { info?: GPUAdapterInfo }).info;
  const architecture = info?.architecture ?? '';
  const vendor = info?.vendor ?? '';
  const isFallback = (adapter as GPUAdapter & { isFallbackAdapter?: boolean }).isFallbackAdapter === true || /swiftshader/i.test(architecture);
  return { available: true, isFallbackAdapter: isFallback, architecture, vendor };
}

/** Thread count the current wasm backend instance was created with (null: none created yet). */
let wasmPoolThreads: number | null = null;

/**
 * Makes the next wasm backend instance use `threads` threads. The pool size is fixed at creation, so when an
 * instance with another count exists it is disposed (its pthread workers terminated) and the factory registered
 * again; tensors on it must already be disposed, as for any backend switch.
 */
function prepareWasmThreads(threads: number): void {
  if (!threadsSupported()) return;
  setThreadsCount(threads);
  if (wasmPoolThreads === null || wasmPoolThreads === threads) return;
  const factory = tf.findBackendFactory('wasm');
  if (!factory) return;
  tf.removeBackend('wasm');
  tf.registerBackend('wasm', factory, 2);
  wasmPoolThreads = null;
}

async function registerBrowserBackends(name: BackendName): Promise<void> {
  if (name === 'webgpu') await import('@tensorflow/tfjs-backend-webgpu');
}

/**
 * Runs `f` while `navigator.hardwareConcurrency` reads `cores`. tfjs's threaded binary caps its pool at
 * hardwareConcurrency / 2 (its backend.cc assumes two hyperthreads per core, computed when the module is
 * instantiated), so on a 2-core machine it would never use more than one thread. Creating the backend while the
 * platform reports 2·threads makes the pool exactly the size asked for (the count was already checked against the
 * real cores); the real value is restored as soon as the backend exists.
 */
async function withReportedCores<T>(cores: number, f: () => Promise<T>): Promise<T> {
  const nav = globalThis.navigator as Navigator | undefined;
  if (!nav) return f();
  Object.defineProperty(nav, 'hardwareConcurrency', { configurable: true, get: () => cores });
  try {
    return await f();
  } finally {
    delete (nav as { hardwareConcurrency?: number }).hardwareConcurrency;
  }
}

async function trySet(name: BackendName, threads: number): Promise<boolean> {
  if (name === 'wasm') {
    await configureWasmPaths();
    prepareWasmThreads(threads);
    registerSimdBatchMatMul(); // our batched matMul for the small products (kernels/wasmBatchMatMul.ts)
  }
  await registerBrowserBackends(name);
  if (!tf.findBackendFactory(name)) return false;
  const set = async () => {
    const ok = await tf.setBackend(name);
    if (ok) await tf.ready();
    return ok;
  };
  try {
    const creatingPool = name === 'wasm' && threadsSupported() && wasmPoolThreads === null;
    const ok = creatingPool ? await withReportedCores(2 * threads, set) : await set();
    if (ok && name === 'wasm') wasmPoolThreads = threadsSupported() ? getThreadsCount() : 1;
    return ok && tf.getBackend() === name;
  } catch {
    return false;
  }
}

/** The thread fields of a result for the backend that initialised. */
function threadInfo(backend: BackendName, wanted: { threads: number; reason: string }): Pick<BackendInfo, 'threads' | 'threadsReason'> {
  if (backend !== 'wasm') return { threads: 1, threadsReason: `${backend}: tfjs runs its kernels on one thread` };
  const threads = wasmPoolThreads ?? 1;
  if (!threadsSupported()) return { threads, threadsReason: wanted.reason };
  return { threads, threadsReason: threads === wanted.threads ? `threaded SIMD wasm, ${wanted.reason}` : `threaded SIMD wasm, the pool reports ${threads} (${wanted.reason})` };
}

/**
 * Initialises a backend. `choice` 'auto' picks as described above; a named backend is honoured or throws.
 * Safe to call again: switching backends is allowed (tensors of the old backend must already be disposed).
 */
export async function initBackend(choice: BackendChoice, options: BackendOptions = {}): Promise<BackendInfo> {
  const wanted = resolveThreads(options.threads);
  const done = (backend: BackendName, reason: string): BackendInfo => ({ backend, reason, ...threadInfo(backend, wanted) });
  if (choice !== 'auto') {
    if (isNode && (choice === 'webgpu' || choice === 'webgl')) {
      throw new Error(`backend "${choice}" is not available in Node; use wasm or cpu`);
    }
    if (!(await trySet(choice, wanted.threads))) throw new Error(`backend "${choice}" failed to initialise on this platform`);
    return done(choice, `forced by the user (${choice})`);
  }
  if (!isNode) {
    const probe = await probeWebGpu().catch(() => null);
    if (probe?.available && !probe.isFallbackAdapter && (await trySet('webgpu', wanted.threads))) {
      return done('webgpu', `auto: hardware WebGPU adapter (${probe.vendor || 'unknown vendor'} ${probe.architecture})`.trim());
    }
    const why = !probe
      ? 'WebGPU probe failed'
      : !probe.available
        ? 'no WebGPU adapter'
        : probe.isFallbackAdapter
          ? `WebGPU adapter is a software fallback (${probe.architecture || 'isFallbackAdapter'}), slower than wasm`
          : 'WebGPU failed to initialise';
    if (await trySet('wasm', wanted.threads)) return done('wasm', `auto: ${why}; wasm (SIMD) chosen`);
    if (await trySet('cpu', wanted.threads)) return done('cpu', `auto: ${why}; wasm failed to initialise; cpu chosen`);
    throw new Error('no tfjs backend could be initialised');
  }
  if (await trySet('wasm', wanted.threads)) return done('wasm', 'auto: Node, wasm (SIMD) is the fastest available backend');
  if (await trySet('cpu', wanted.threads)) return done('cpu', 'auto: Node, wasm failed to initialise; cpu chosen');
  throw new Error('no tfjs backend could be initialised');
}

/**
 * Backend selection and initialisation for the runtime.
 *
 * Auto mode picks the fastest *real* backend: `webgpu` only when the adapter is a hardware one
 * (`isFallbackAdapter` false and not SwiftShader), because a software WebGPU adapter is the slowest choice on
 * these machines (tfjs-notes: wasm+SIMD 11-25 GFLOP/s vs SwiftShader WebGPU 0.24-0.63 on a 512³ matmul); otherwise
 * `wasm`, then `cpu`. A forced backend is always honoured, or fails with a clear error. Every result carries the
 * backend and the reason it was chosen.
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import type { BackendChoice, BackendName } from '../protocol';

/** The backend that runs, and why it was chosen (shown in the UI and stored with every result). */
export interface BackendInfo {
  backend: BackendName;
  reason: string;
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

async function registerBrowserBackends(name: BackendName): Promise<void> {
  if (name === 'webgpu') await import('@tensorflow/tfjs-backend-webgpu');
}

async function trySet(name: BackendName): Promise<boolean> {
  if (name === 'wasm') await configureWasmPaths();
  await registerBrowserBackends(name);
  if (!tf.findBackendFactory(name)) return false;
  try {
    const ok = await tf.setBackend(name);
    if (ok) await tf.ready();
    return ok && tf.getBackend() === name;
  } catch {
    return false;
  }
}

/**
 * Initialises a backend. `choice` 'auto' picks as described above; a named backend is honoured or throws.
 * Safe to call again: switching backends is allowed (tensors of the old backend must already be disposed).
 */
export async function initBackend(choice: BackendChoice): Promise<BackendInfo> {
  if (choice !== 'auto') {
    if (isNode && (choice === 'webgpu' || choice === 'webgl')) {
      throw new Error(`backend "${choice}" is not available in Node; use wasm or cpu`);
    }
    if (!(await trySet(choice))) throw new Error(`backend "${choice}" failed to initialise on this platform`);
    return { backend: choice, reason: `forced by the user (${choice})` };
  }
  if (!isNode) {
    const probe = await probeWebGpu().catch(() => null);
    if (probe?.available && !probe.isFallbackAdapter && (await trySet('webgpu'))) {
      return { backend: 'webgpu', reason: `auto: hardware WebGPU adapter (${probe.vendor || 'unknown vendor'} ${probe.architecture})`.trim() };
    }
    const why = !probe
      ? 'WebGPU probe failed'
      : !probe.available
        ? 'no WebGPU adapter'
        : probe.isFallbackAdapter
          ? `WebGPU adapter is a software fallback (${probe.architecture || 'isFallbackAdapter'}), slower than wasm`
          : 'WebGPU failed to initialise';
    if (await trySet('wasm')) return { backend: 'wasm', reason: `auto: ${why}; wasm (SIMD) chosen` };
    if (await trySet('cpu')) return { backend: 'cpu', reason: `auto: ${why}; wasm failed to initialise; cpu chosen` };
    throw new Error('no tfjs backend could be initialised');
  }
  if (await trySet('wasm')) return { backend: 'wasm', reason: 'auto: Node, wasm (SIMD) is the fastest available backend' };
  if (await trySet('cpu')) return { backend: 'cpu', reason: 'auto: Node, wasm failed to initialise; cpu chosen' };
  throw new Error('no tfjs backend could be initialised');
}

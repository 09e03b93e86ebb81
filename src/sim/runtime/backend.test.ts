import * as tf from '@tensorflow/tfjs';
import { describe, expect, it, vi } from 'vitest';
import { availableThreads, initBackend, probeWebGpu, resolveThreads, TFJS_WASM_MAX_THREADS } from './backend';

describe('initBackend in Node', () => {
  it('auto picks wasm and says why', async () => {
    const info = await initBackend('auto');
    expect(info).toEqual({ backend: 'wasm', reason: expect.stringMatching(/^auto: Node, wasm/), threads: 1, threadsReason: expect.stringMatching(/Node: tfjs-backend-wasm has no threads/) });
    expect(tf.getBackend()).toBe('wasm');
  });

  it('honours a forced backend', async () => {
    expect(await initBackend('cpu')).toEqual({ backend: 'cpu', reason: 'forced by the user (cpu)', threads: 1, threadsReason: 'cpu: tfjs runs its kernels on one thread' });
    expect(tf.getBackend()).toBe('cpu');
    expect((await initBackend('wasm')).backend).toBe('wasm');
  });

  it('runs wasm on one thread in Node whatever the cap, and refuses a cap that is not an integer >= 1', async () => {
    expect(await initBackend('wasm', { threads: 4 })).toMatchObject({ backend: 'wasm', threads: 1, threadsReason: expect.stringMatching(/4 asked, 1 available: Node/) });
    for (const bad of [0, 1.5, -2, Number.NaN]) await expect(initBackend('wasm', { threads: bad })).rejects.toThrow(`threads must be an integer in [1, 1024], got ${bad}`);
  });

  it.each(['webgpu', 'webgl'] as const)('refuses %s with a clear error', async (b) => {
    await expect(initBackend(b)).rejects.toThrow(`backend "${b}" is not available in Node; use wasm or cpu`);
  });

  it('reports no WebGPU adapter where the platform has none', async () => {
    expect((await probeWebGpu()).available).toBe(false);
  });

  it('reads isFallbackAdapter (and SwiftShader) from the adapter', async () => {
    const gpu = (adapter: unknown) => vi.stubGlobal('navigator', { gpu: { requestAdapter: async () => adapter } });
    try {
      gpu({ isFallbackAdapter: true, info: { architecture: '', vendor: 'google' } });
      expect(await probeWebGpu()).toMatchObject({ available: true, isFallbackAdapter: true });
      gpu({ isFallbackAdapter: false, info: { architecture: 'swiftshader', vendor: 'google' } });
      expect(await probeWebGpu()).toMatchObject({ available: true, isFallbackAdapter: true, architecture: 'swiftshader' });
      gpu({ isFallbackAdapter: false, info: { architecture: 'ampere', vendor: 'nvidia' } });
      expect(await probeWebGpu()).toMatchObject({ available: true, isFallbackAdapter: false, vendor: 'nvidia' });
      gpu(null);
      expect((await probeWebGpu()).available).toBe(false);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});

describe('thread count', () => {
  const browser = (hardware: number, isolated = true) => ({ node: false, isolated, hardware });

  it('uses every core of an isolated page, up to the pool tfjs creates', () => {
    expect(resolveThreads(undefined, browser(2))).toEqual({ threads: 2, reason: 'all available: 2 cores (navigator.hardwareConcurrency)' });
    expect(resolveThreads(undefined, browser(1)).threads).toBe(1);
    expect(resolveThreads(undefined, browser(16))).toEqual({ threads: TFJS_WASM_MAX_THREADS, reason: `all available: 16 cores, tfjs's wasm pool holds at most ${TFJS_WASM_MAX_THREADS}` });
  });

  it('honours the user cap below the cores, and says when more were asked than there are', () => {
    expect(resolveThreads(1, browser(8))).toEqual({ threads: 1, reason: 'capped at 1 by the user (8 cores (navigator.hardwareConcurrency))' });
    expect(resolveThreads(3, browser(8)).threads).toBe(3);
    expect(resolveThreads(8, browser(8)).reason).toMatch(/^all available/);
    expect(resolveThreads(12, browser(4))).toEqual({ threads: 4, reason: '12 asked, 4 available: 4 cores (navigator.hardwareConcurrency)' });
  });

  it('is 1 without cross-origin isolation, and says why', () => {
    expect(availableThreads(browser(8, false))).toEqual({ max: 1, reason: 'the page is not cross-origin isolated, so WebAssembly threads are unavailable' });
    expect(resolveThreads(4, browser(8, false)).threads).toBe(1);
    expect(availableThreads({ node: true, isolated: false, hardware: 8 }).max).toBe(1);
  });
});

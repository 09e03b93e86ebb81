import * as tf from '@tensorflow/tfjs';
import { describe, expect, it, vi } from 'vitest';
import { initBackend, probeWebGpu } from './backend';

describe('initBackend in Node', () => {
  it('auto picks wasm and says why', async () => {
    const info = await initBackend('auto');
    expect(info).toEqual({ backend: 'wasm', reason: expect.stringMatching(/^auto: Node, wasm/) });
    expect(tf.getBackend()).toBe('wasm');
  });

  it('honours a forced backend', async () => {
    expect(await initBackend('cpu')).toEqual({ backend: 'cpu', reason: 'forced by the user (cpu)' });
    expect(tf.getBackend()).toBe('cpu');
    expect((await initBackend('wasm')).backend).toBe('wasm');
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

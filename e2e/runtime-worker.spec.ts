import { expect, test, type Page } from '@playwright/test';

/**
 * Runs small sweeps in real Chromium through the runtime worker (src/sim/worker.ts) via the typed client
 * (src/app/workerClient.ts), imported into the page by Vite's dev server. WebGPU is SwiftShader here
 * (--enable-unsafe-webgpu in playwright.config.ts), a software adapter and slow, so its sweep is tiny.
 */
interface Summary {
  backend: string;
  backendReason: string;
  scan: string;
  cancelled: boolean;
  started: boolean;
  progress: number;
  points: { seqLen: number; prefillTokensPerSec: number; decodeMsPerToken: number; kvCacheBytes: number; predictedKvCacheBytes: number; stateBytes: number; predictedStateBytes: number }[];
  error: string | null;
}

async function sweep(page: Page, presetId: string, backend: string, seqLens: number[]): Promise<Summary> {
  return page.evaluate(
    async ({ presetId, backend, seqLens }) => {
      // Served by Vite's dev server; a variable specifier keeps TypeScript from resolving the browser paths.
      const load = (path: string): Promise<unknown> => import(/* @vite-ignore */ path);
      const client = (await load('/src/app/workerClient.ts')) as typeof import('../src/app/workerClient');
      const presets = (await load('/src/models/presets.ts')) as typeof import('../src/models/presets');
      const profiles = (await load('/src/sim/runtime/profile.ts')) as typeof import('../src/sim/runtime/profile');
      let started = false;
      let progress = 0;
      const pointsSeen: number[] = [];
      const handle = client.runtimeClient().start(
        {
          design: presets.getPreset(presetId)!.design,
          seqLens,
          backend: backend as 'wasm' | 'webgpu' | 'auto',
          scan: 'auto',
          profile: profiles.getRunProfile('tiny')!,
          seed: 1,
          batch: 1,
          decodeSteps: 2,
          repeats: 1,
          memoryBudgetBytes: 2 ** 30,
        },
        { onStarted: () => (started = true), onProgress: () => progress++, onPoint: (p) => pointsSeen.push(p.seqLen) },
      );
      try {
        const r = await handle.done;
        return { backend: r.backend, backendReason: r.backendReason, scan: r.scan, cancelled: r.cancelled, started, progress, points: r.points, error: null };
      } catch (e) {
        return { backend: '', backendReason: '', scan: '', cancelled: false, started, progress, points: [], error: String(e) };
      }
    },
    { presetId, backend, seqLens },
  );
}

test.describe('runtime worker', () => {
  test('the tfjs chunk is not loaded until a run starts', async ({ page }) => {
    const urls: string[] = [];
    page.on('request', (r) => urls.push(r.url()));
    await page.goto('/');
    await expect(page.getByTestId('app')).toBeVisible();
    expect(urls.filter((u) => /tfjs|sim\/worker/.test(u))).toEqual([]);
  });

  test('a sweep on wasm returns points whose measured bytes equal the prediction', async ({ page }) => {
    await page.goto('/');
    const s = await sweep(page, 'jamba-v0.1', 'wasm', [16, 32]);
    expect(s.error).toBeNull();
    expect(s.started).toBe(true);
    expect(s.progress).toBeGreaterThan(0);
    expect(s.backend).toBe('wasm');
    expect(s.scan).toBe('simd'); // auto on wasm: our WebAssembly SIMD scan kernel, assembled inside the worker
    expect(s.points.map((p) => p.seqLen)).toEqual([16, 32]);
    for (const p of s.points) {
      expect(p.prefillTokensPerSec).toBeGreaterThan(0);
      expect(p.decodeMsPerToken).toBeGreaterThan(0);
      expect(p.kvCacheBytes).toBe(p.predictedKvCacheBytes);
      expect(p.stateBytes).toBe(p.predictedStateBytes);
    }
  });

  test('cancel stops a running wasm sweep and reports cancelled with the points so far', async ({ page }) => {
    await page.goto('/');
    const r = await page.evaluate(async () => {
      const load = (path: string): Promise<unknown> => import(/* @vite-ignore */ path);
      const client = (await load('/src/app/workerClient.ts')) as typeof import('../src/app/workerClient');
      const presets = (await load('/src/models/presets.ts')) as typeof import('../src/models/presets');
      const profiles = (await load('/src/sim/runtime/profile.ts')) as typeof import('../src/sim/runtime/profile');
      let handle: ReturnType<ReturnType<typeof client.runtimeClient>['start']> | null = null;
      handle = client.runtimeClient().start(
        {
          design: presets.getPreset('zamba-7b')!.design,
          seqLens: [16, 32, 64, 128],
          backend: 'wasm',
          scan: 'auto',
          profile: profiles.getRunProfile('tiny')!,
          seed: 1,
          batch: 1,
          decodeSteps: 4,
          repeats: 2,
          memoryBudgetBytes: 2 ** 30,
        },
        { onPoint: () => handle!.cancel() },
      );
      const res = await handle.done;
      return { cancelled: res.cancelled, n: res.points.length };
    });
    expect(r.cancelled).toBe(true);
    expect(r.n).toBeLessThan(4);
  });

  test('auto picks wasm over the software (SwiftShader) WebGPU adapter and says why', async ({ page }) => {
    await page.goto('/');
    const s = await sweep(page, 'stripedhyena-7b', 'auto', [8]);
    expect(s.error).toBeNull();
    expect(s.backend).toBe('wasm');
    expect(s.backendReason).toMatch(/software|no WebGPU adapter/);
    expect(s.scan).toBe('simd'); // Hyena's modal scan through the SIMD kernel
    expect(s.points).toHaveLength(1);
  });

  test('a forced webgpu sweep runs on SwiftShader and returns points', async ({ page }) => {
    test.setTimeout(300_000);
    await page.goto('/');
    const s = await sweep(page, 'jamba-v0.1', 'webgpu', [8]);
    expect(s.error).toBeNull();
    expect(s.backend).toBe('webgpu');
    expect(s.scan).toBe('wgsl');
    expect(s.points).toHaveLength(1);
    expect(s.points[0]!.kvCacheBytes).toBe(s.points[0]!.predictedKvCacheBytes);
    expect(s.points[0]!.decodeMsPerToken).toBeGreaterThan(0);
  });

  test('on webgpu (SwiftShader), prefill-then-decode logits equal a full forward and match wasm (jamba tiny)', async ({ page }) => {
    test.setTimeout(300_000);
    await page.goto('/');
    const r = await page.evaluate(async () => {
      const load = (path: string): Promise<unknown> => import(/* @vite-ignore */ path);
      const fwd = (await load('/src/sim/runtime/testing/forward.ts')) as typeof import('../src/sim/runtime/testing/forward');
      const backend = (await load('/src/sim/runtime/backend.ts')) as typeof import('../src/sim/runtime/backend');
      const builder = (await load('/src/sim/runtime/builder.ts')) as typeof import('../src/sim/runtime/builder');
      const presets = (await load('/src/models/presets.ts')) as typeof import('../src/models/presets');
      const profiles = (await load('/src/sim/runtime/profile.ts')) as typeof import('../src/sim/runtime/profile');
      const chooser = (await load('/src/sim/runtime/scan/chooseScan.ts')) as typeof import('../src/sim/runtime/scan/chooseScan');
      const design = profiles.scaleDesign(presets.getPreset('jamba-v0.1')!.design, profiles.getRunProfile('tiny')!).design;
      const weights = builder.initModelWeights(design, 3);
      const tokens = [5, 17, 250, 3, 99, 42, 7, 128];
      const run = async (name: 'wasm' | 'webgpu') => {
        const info = await backend.initBackend(name);
        const m = new builder.RuntimeModel(weights, { backend: info.backend, scan: chooser.chooseScan(info.backend, 'auto', 16) });
        const fullV = await fwd.prefillLogits(m, tokens, null);
        const caches = m.createCaches(1, 8);
        await fwd.prefillLogits(m, tokens.slice(0, 6), caches);
        await fwd.decodeLogits(m, tokens[6]!, caches, 6);
        const stepV = await fwd.decodeLogits(m, tokens[7]!, caches, 7);
        caches.dispose();
        m.dispose();
        return { backend: info.backend, fullV, stepV };
      };
      const gpu = await run('webgpu');
      const cpu = await run('wasm');
      const diff = (a: number[], b: number[]) => Math.max(...a.map((v, i) => Math.abs(v - b[i]!) / Math.max(1, Math.abs(b[i]!))));
      return { backend: gpu.backend, n: gpu.fullV.length, decodeVsFull: diff(gpu.stepV, gpu.fullV), gpuVsWasm: diff(gpu.fullV, cpu.fullV) };
    });
    expect(r.backend).toBe('webgpu');
    expect(r.n).toBe(256);
    expect(r.decodeVsFull).toBeLessThan(1e-3);
    expect(r.gpuVsWasm).toBeLessThan(1e-3);
  });
});

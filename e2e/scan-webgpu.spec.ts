import { expect, test, type Page } from '@playwright/test';
import type { WgslCheckResult } from '../src/sim/runtime/kernels/wgslScanCheck';

/**
 * The custom WGSL scans (src/sim/runtime/kernels) in real Chromium on WebGPU (SwiftShader here, with
 * --enable-unsafe-webgpu from playwright.config.ts): every scan and every state-space layer with the `wgsl` scan must
 * match its Float64 reference to 1e-4 relative error, and free every tensor. Run with PW_PORT=4324.
 */

const CHECK_MODULE = '/src/sim/runtime/kernels/wgslScanCheck.ts';

/**
 * Imports the check module through Vite's dev server (so the page runs the same source the app ships) and calls one
 * of its exports. Vite may reload the page once while it optimises dependencies; a destroyed context is retried.
 */
async function callCheck<T>(page: Page, fn: 'wgslScanCheck' | 'wgslScanTiming', args: unknown[]): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    await page.waitForLoadState('load');
    try {
      return (await page.evaluate(
        async ([path, name, a]) => {
          const mod = (await import(/* @vite-ignore */ path as string)) as Record<string, (...x: unknown[]) => Promise<unknown>>;
          return mod[name as string]!(...(a as unknown[]));
        },
        [CHECK_MODULE, fn, args] as const,
      )) as T;
    } catch (e) {
      if (attempt >= 2 || !/Execution context was destroyed|navigation/i.test(String(e))) throw e;
    }
  }
}

test('wgsl scans and state-space layers match their references on webgpu', async ({ page }) => {
  test.setTimeout(240_000);
  await page.goto('/');
  const result = await callCheck<WgslCheckResult>(page, 'wgslScanCheck', []);
  console.log(`adapter: ${result.adapter}; worst relative errors: ${JSON.stringify(result.errors)}`);
  expect(result.backend).toBe('webgpu');
  expect(Object.keys(result.errors)).toHaveLength(7 + 12);
  for (const [name, err] of Object.entries(result.errors)) expect(err, name).toBeLessThan(1e-4);
  expect(result.tensorsAfter).toBe(result.tensorsBefore);
});

test('wgsl selective scan timing on webgpu (printed for the benchmark notes, not asserted)', async ({ page }) => {
  test.setTimeout(300_000);
  await page.goto('/');
  const r = await callCheck<{ adapter: string; l: number; wgslMs: number; chunkedMs: number }>(page, 'wgslScanTiming', [256, 128, 16]);
  console.log(`webgpu (${r.adapter}) selective scan L=${r.l}, C=128, N=16: wgsl ${r.wgslMs.toFixed(1)} ms, chunked tf ops ${r.chunkedMs.toFixed(1)} ms, speed-up ${(r.chunkedMs / r.wgslMs).toFixed(1)}x`);
  expect(r.wgslMs).toBeGreaterThan(0);
});

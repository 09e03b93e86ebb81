import { expect, test } from '@playwright/test';

/**
 * The custom WGSL scans (src/sim/runtime/kernels) in real Chromium on WebGPU (SwiftShader here, with
 * --enable-unsafe-webgpu from playwright.config.ts): every scan and every state-space layer with the `wgsl` scan must
 * match its Float64 reference to 1e-4 relative error, and free every tensor. Run with PW_PORT=4324.
 */
test('wgsl scans and state-space layers match their references on webgpu', async ({ page }) => {
  test.setTimeout(240_000);
  await page.goto('/');
  // Vite's dev server transforms the module and its imports, so the page runs the same source the app ships.
  const result = await page.evaluate(async (path) => {
    const mod = (await import(/* @vite-ignore */ path)) as typeof import('../src/sim/runtime/kernels/wgslScanCheck');
    return mod.wgslScanCheck();
  }, '/src/sim/runtime/kernels/wgslScanCheck.ts');
  console.log(`adapter: ${result.adapter}; worst relative errors: ${JSON.stringify(result.errors)}`);
  expect(result.backend).toBe('webgpu');
  expect(Object.keys(result.errors)).toHaveLength(7 + 12);
  for (const [name, err] of Object.entries(result.errors)) expect(err, name).toBeLessThan(1e-4);
  expect(result.tensorsAfter).toBe(result.tensorsBefore);
});

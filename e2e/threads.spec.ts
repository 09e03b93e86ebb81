import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { parseCsv } from '../src/components/charts/exportData';

/**
 * Runs on every core (issue 13): the app is served cross-origin isolated, so the runtime worker loads tfjs's threaded
 * SIMD wasm and the simd scans split across helper workers. A threaded run must report its thread count and give the
 * logits of a single-thread run (to 1e-5). Tiny sweeps: CI has 2 cores. No timing is asserted here; the speed-up is
 * measured by `npm run bench -- browser` (docs/benchmarks.md).
 */

interface RunOut {
  threads: number;
  threadsReason: string;
  backend: string;
  scan: string;
  logits: number[];
}

/** Runs `presetId` (tiny profile, wasm, one length) through the app's worker client with `threads`, returning its logits. */
async function runWith(page: Page, presetId: string, threads: number): Promise<RunOut> {
  return page.evaluate(
    async ({ presetId, threads }) => {
      const load = (path: string): Promise<unknown> => import(/* @vite-ignore */ path);
      const client = (await load('/src/app/workerClient.ts')) as typeof import('../src/app/workerClient');
      const presets = (await load('/src/models/presets.ts')) as typeof import('../src/models/presets');
      const profiles = (await load('/src/sim/runtime/profile.ts')) as typeof import('../src/sim/runtime/profile');
      const r = await client.runtimeClient().start({
        design: presets.getPreset(presetId)!.design,
        seqLens: [96],
        backend: 'wasm',
        scan: 'auto',
        profile: profiles.getRunProfile('tiny')!,
        seed: 3,
        batch: 1,
        decodeSteps: 2,
        repeats: 1,
        memoryBudgetBytes: 2 ** 30,
        threads,
        returnLogits: true,
      }).done;
      return { threads: r.threads, threadsReason: r.threadsReason, backend: r.backend, scan: r.scan, logits: r.logits ?? [] };
    },
    { presetId, threads },
  );
}

/** The thread count a run gets here: every logical core, at most tfjs's pool of 8. */
const expectedThreads = (page: Page) => page.evaluate(() => Math.min(navigator.hardwareConcurrency || 1, 8));

test('the page is cross-origin isolated', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('app')).toBeVisible();
  expect(await page.evaluate(() => self.crossOriginIsolated)).toBe(true);
  expect(await page.evaluate(() => typeof SharedArrayBuffer)).toBe('function');
});

test('a run from the run panel uses every core by default and says how many; a cap is kept across a reload', async ({ page }) => {
  await page.goto('/');
  await page.evaluate(() => localStorage.clear());
  await page.goto('/');
  const want = await expectedThreads(page);
  await page.getByTestId('run-seqlens').fill('16, 32');
  await page.getByTestId('run-backend-select').selectOption('wasm');
  await page.getByTestId('run-profile-select').selectOption('tiny');
  await expect(page.getByTestId('run-threads-select')).toHaveValue('all');
  await page.getByTestId('run-start').click();
  await expect(page.getByTestId('run-threads')).toHaveText(`${want} thread${want === 1 ? '' : 's'}`, { timeout: 60_000 });
  await expect(page.getByTestId('run-progress')).toBeHidden({ timeout: 90_000 });
  const runs = await page.evaluate(() => (window as unknown as { hybridExplorer: { getRuns: () => { isCurrent: boolean; runs: { threads: number | null; backend: string; status: string }[] }[] } }).hybridExplorer.getRuns());
  const run = runs.find((d) => d.isCurrent)!.runs.at(-1)!;
  expect(run).toMatchObject({ status: 'done', backend: 'wasm', threads: want });
  // The chart legend and the compare table say it too.
  await page.getByTestId('tab-throughput').click();
  await expect(page.getByTestId('throughput-legend')).toContainText(`wasm, ${want} thread`);
  await expect(page.getByTestId('compare-table').locator('tr[data-row="measured-on"]')).toContainText(`wasm ×${want}`);
  // ... and the exported data: a threads column, and the count and its reason in the JSON's run list.
  const chart = page.getByTestId('chart-throughput');
  const [csv] = await Promise.all([page.waitForEvent('download'), chart.getByTestId('export-csv').click()]);
  const rows = parseCsv(readFileSync((await csv.path())!, 'utf8'));
  const col = rows[0]!.indexOf('threads');
  expect(col).toBeGreaterThan(0);
  expect(rows.slice(1).map((r) => Number(r[col]))).toEqual([want, want]);
  const [json] = await Promise.all([page.waitForEvent('download'), chart.getByTestId('chart-export-json').click()]);
  const meta = JSON.parse(readFileSync((await json.path())!, 'utf8')) as { meta: { runs: { threads: number; threadsReason: string }[] } };
  expect(meta.meta.runs[0]).toMatchObject({ threads: want, threadsReason: expect.stringContaining('all available') });

  if (want < 2) return; // one core: no cap to choose
  await page.getByTestId('run-threads-select').selectOption('1');
  await page.reload();
  await expect(page.getByTestId('run-threads-select')).toHaveValue('1');
});

// Kimi Linear: the linear-attention simd kernels on the shared scan memory, and MLA; Falcon-H1: parallel layers.
for (const presetId of ['jamba-v0.1', 'mamba2-hybrid-8b', 'stripedhyena-7b', 'kimi-linear-48b-a3b', 'falcon-h1-7b']) {
  test(`${presetId}: a threaded run's logits equal the single-thread run's (1e-5); tfjs and the simd scans use the threads`, async ({ page }) => {
    await page.goto('/');
    const want = await expectedThreads(page);
    const many = await runWith(page, presetId, 8);
    const one = await runWith(page, presetId, 1);
    expect(many.backend).toBe('wasm');
    expect(many.scan).toBe('simd');
    expect(many.threads).toBe(want);
    expect(one.threads).toBe(1);
    if (want > 1) expect(many.threadsReason).toContain(`simd scans on ${want} threads`);
    expect(one.threadsReason).toMatch(/capped at 1 by the user/);
    expect(many.logits).toHaveLength(256);
    expect(one.logits).toHaveLength(256);
    const maxDiff = Math.max(...many.logits.map((v, i) => Math.abs(v - one.logits[i]!) / Math.max(1, Math.abs(one.logits[i]!))));
    console.log(`${presetId}: ${many.threads} threads vs 1, largest logit difference ${maxDiff.toExponential(2)}`);
    expect(maxDiff).toBeLessThan(1e-5);
  });
}

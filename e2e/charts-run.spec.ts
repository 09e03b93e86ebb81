import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { parseCsv } from '../src/components/charts/exportData';

/** Benchmark runs from the run panel, in the worker, on wasm with the tiny profile (issue 5). Kept tiny: CI has 2 cores. */

interface RunView {
  status: string;
  backend: string | null;
  profile: { name: string };
  points: { seqLen: number; prefillTokensPerSec: number; decodeMsPerToken: number }[];
}
type Api = { hybridExplorer: { getRuns: () => { isCurrent: boolean; runs: RunView[] }[] } };

async function latestRun(page: Page): Promise<RunView | null> {
  const all = await page.evaluate(() => (window as unknown as Api).hybridExplorer.getRuns());
  return all.find((d) => d.isCurrent)?.runs.at(-1) ?? null;
}

async function setUpRun(page: Page, lengths: string) {
  await page.goto('/');
  await page.evaluate(() => localStorage.clear());
  await page.goto('/');
  await page.getByTestId('run-seqlens').fill(lengths);
  await page.getByTestId('run-backend-select').selectOption('wasm');
  await page.getByTestId('run-profile-select').selectOption('tiny');
}

test('a small wasm run shows progress, then measured points labelled with the backend; CSV holds them', async ({ page }) => {
  await setUpRun(page, '16, 32, 64');
  await page.getByTestId('run-start').click();
  await expect(page.getByTestId('run-progress')).toBeVisible();
  await expect(page.getByTestId('run-backend')).toHaveText('wasm', { timeout: 60_000 });
  await expect(page.getByTestId('run-progress')).toBeHidden({ timeout: 90_000 });
  const run = (await latestRun(page))!;
  expect(run.status).toBe('done');
  expect(run.backend).toBe('wasm');
  expect(run.profile.name).toBe('tiny');
  expect(run.points.map((p) => p.seqLen)).toEqual([16, 32, 64]);
  for (const p of run.points) expect(p.prefillTokensPerSec).toBeGreaterThan(0);

  await page.getByTestId('tab-throughput').click();
  const chart = page.getByTestId('chart-throughput');
  await expect(chart.getByTestId('throughput-legend')).toContainText('wasm');
  await expect(chart.getByTestId('throughput-legend')).toContainText('tiny');
  await expect(chart.locator('.recharts-line-dots > *')).toHaveCount(3);

  const [download] = await Promise.all([page.waitForEvent('download'), chart.getByTestId('export-csv').click()]);
  const rows = parseCsv(readFileSync((await download.path())!, 'utf8'));
  const col = (k: string) => rows[0]!.indexOf(k);
  const body = rows.slice(1);
  expect(body).toHaveLength(3);
  for (const [i, p] of run.points.entries()) {
    expect(Number(body[i]![col('seq_len_tokens')])).toBe(p.seqLen);
    expect(Number(body[i]![col('prefill_tokens_per_s')])).toBe(p.prefillTokensPerSec);
    expect(Number(body[i]![col('decode_ms_per_token')])).toBe(p.decodeMsPerToken);
    expect(body[i]![col('backend')]).toBe('wasm');
  }

  // The run profile's predicted cache bytes (lines) are drawn with the measured ones (dots: KV and state per length).
  await page.getByTestId('tab-memory').click();
  await page.getByRole('radio', { name: 'Run profile' }).click();
  const mem = page.getByTestId('chart-memory');
  await expect(mem.locator('.recharts-line-dots circle')).toHaveCount(6);
  await expect(mem.getByText('predicted (cost model, run profile, fp32)')).toBeVisible();

  // Results are kept per design and survive a reload.
  await page.reload();
  await page.getByTestId('tab-throughput').click();
  await expect(page.getByTestId('chart-throughput').locator('.recharts-line-dots > *')).toHaveCount(3);
  expect((await latestRun(page))!.points).toEqual(run.points);
});

test('cancel mid-run stops it at once and keeps the points measured before', async ({ page }) => {
  await setUpRun(page, '16, 32, 1024, 2048, 4096');
  await page.getByTestId('run-start').click();
  await expect(page.getByTestId('run-progress')).toBeVisible();
  await expect.poll(async () => (await latestRun(page))?.points.length ?? 0, { timeout: 90_000 }).toBeGreaterThanOrEqual(1);
  // The page stays responsive while the worker runs: switch charts and change the budget mid-run.
  await page.getByTestId('tab-state').click();
  await expect(page.getByTestId('chart-state')).toBeVisible({ timeout: 2000 });
  await page.getByTestId('chart-budget').selectOption('24');
  await expect(page.getByTestId('compare-table')).toContainText('24.0 GiB', { timeout: 2000 });
  await expect(page.getByTestId('run-progress')).toBeVisible();
  await page.getByTestId('run-cancel').click();
  await expect(page.getByTestId('run-progress')).toBeHidden({ timeout: 1000 });
  const run = (await latestRun(page))!;
  expect(run.status).toBe('cancelled');
  const kept = run.points.length;
  expect(kept).toBeGreaterThanOrEqual(1);
  expect(kept).toBeLessThan(5);
  await page.waitForTimeout(1500);
  expect((await latestRun(page))!.points.length).toBe(kept);
  await page.getByTestId('tab-throughput').click();
  await expect(page.getByTestId('chart-throughput').getByTestId('throughput-legend')).toContainText('cancelled');
  await expect(page.getByTestId('chart-throughput').locator('.recharts-line-dots > *')).toHaveCount(kept);
});

test('a run the memory check refuses shows the reason in words and keeps the editor usable', async ({ page }) => {
  await setUpRun(page, '32768');
  await page.getByTestId('run-start').click();
  await expect(page.getByTestId('run-error')).toContainText('refused', { timeout: 60_000 });
  await expect(page.getByTestId('run-progress')).toBeHidden();
  expect((await latestRun(page))!.status).toBe('error');
  await expect(page.getByTestId('run-start')).toBeEnabled();
});

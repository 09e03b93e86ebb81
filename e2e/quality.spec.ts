import { expect, test, type Page } from '@playwright/test';

/**
 * The Quality tab (issue 11): Compare ratios, then train the pinned designs on stacked MQAR at a tiny budget, in the
 * runtime worker (wasm). Curves appear as runs progress; Cancel stops the run in flight and drops the queue; the
 * accuracy-vs-memory chart and the compare table's accuracy row show the finished results, which survive a reload.
 * Kept small (3 steps, 8 pairs): CI has 2 cores, and the figures are not the point here.
 */
interface QualityView {
  designKey: string;
  designName: string;
  status: string;
  backend: string | null;
  scan: string | null;
  curve: { step: number; accuracy: number }[];
  trainSteps: number;
  final: { accuracy: number; steps: number } | null;
  gradientPaths: { kind: string; path: string }[];
  labLayers: number | null;
  labDModel: number | null;
  kvPairs: number;
}
type Api = { hybridExplorer: { getQuality: () => QualityView[]; getPinned: () => { id: string; name: string }[] } };
const getQuality = (page: Page) => page.evaluate(() => (window as unknown as Api).hybridExplorer.getQuality());

test('train the pinned designs at a small budget: curves, cancel, accuracy vs memory, table row, reload', async ({ page }) => {
  test.setTimeout(600_000);
  await page.goto('/');
  await page.evaluate(() => localStorage.clear());
  await page.goto('/');
  await page.getByTestId('compare-ratios').click();
  const pinned = await page.evaluate(() => (window as unknown as Api).hybridExplorer.getPinned());
  expect(pinned).toHaveLength(5);
  await page.getByTestId('tab-quality').click();
  await expect(page.getByTestId('chart-quality')).toContainText('Train the current and pinned designs');
  await page.getByTestId('quality-kv').selectOption('8');
  await page.getByTestId('quality-steps').fill('3');
  await page.getByTestId('quality-backend').selectOption('wasm');
  await expect(page.getByTestId('quality-train')).toHaveText(/Train 6 designs/);
  await page.getByTestId('quality-train').click();

  // progress, then a live curve for the first design
  await expect(page.getByTestId('quality-progress')).toBeVisible();
  await expect(page.getByTestId('quality-cancel')).toBeEnabled();
  await expect.poll(async () => (await getQuality(page)).filter((r) => r.status === 'done').length, { timeout: 400_000 }).toBeGreaterThanOrEqual(2);
  await expect(page.getByTestId('quality-curves').locator('path.recharts-curve').first()).toBeAttached();
  await expect(page.getByTestId('quality-legend').first()).toBeVisible();

  // cancel the run in flight: it ends cancelled with its curve so far, the queue is dropped, Train is back
  await page.getByTestId('quality-cancel').click();
  await expect(page.getByTestId('quality-train')).toBeEnabled();
  const after = await getQuality(page);
  expect(after.some((r) => r.status === 'queued' || r.status === 'running')).toBe(false);
  const done = after.filter((r) => r.status === 'done');
  expect(done.length).toBeGreaterThanOrEqual(2);
  expect(after.length).toBeLessThan(6);
  for (const r of done) {
    expect(r).toMatchObject({ backend: 'wasm', scan: 'simd', kvPairs: 8, labLayers: 8, labDModel: 32, trainSteps: 3 });
    expect(r.curve.map((p) => p.step)).toEqual([0, 1, 2, 3]);
    expect(r.final!.steps).toBe(3);
    expect(r.gradientPaths.map((g) => g.kind)).toContain('attention');
  }

  // accuracy against memory: one marker per finished design
  await page.getByTestId('quality-view-memory').click();
  await expect(page.getByTestId('chart-quality').locator('.recharts-scatter')).toHaveCount(done.length);
  await expect(page.getByTestId('chart-quality')).toContainText('KV cache + state of the full-size design');

  // the compare table's accuracy row shows each finished design's result, with what produced it
  const table = page.getByTestId('compare-table');
  for (const r of done) {
    const col = await table.locator('thead th').evaluateAll((ths, k) => ths.findIndex((th) => th.getAttribute('data-design-key') === k), r.designKey);
    const cell = table.locator('tr[data-row="accuracy"] > *').nth(col);
    await expect(cell).toHaveText(`${(100 * r.final!.accuracy).toFixed(1)} %`);
    await expect(cell).toHaveAttribute('data-exact', /Stacked MQAR · 8 pairs · lab d=32 × 8 layers · 3 steps · wasm/);
  }

  // results survive a reload
  await page.reload();
  await page.getByTestId('tab-quality').click();
  const back = await getQuality(page);
  expect(back.filter((r) => r.status === 'done').map((r) => r.designKey)).toEqual(done.map((r) => r.designKey));
  await expect(page.getByTestId('chart-quality').locator('.recharts-scatter')).toHaveCount(done.length);
});

import { expect, test } from '@playwright/test';
import { existsSync, readFileSync } from 'node:fs';

/**
 * Screenshots of the Quality tab (issue 11), light and dark, at 1440×900 and 1024×768: Jamba-v0.1 with its ratio
 * variants pinned and their results on stacked MQAR loaded from docs/quality-compare.json (real runs, written by
 * `npm run bench -- quality --compare --out=docs/quality-compare.json`), the curves and accuracy against memory.
 * Written to $SCREENS_DIR (default test-results/screens).
 */
const dir = process.env.SCREENS_DIR ?? 'test-results/screens';
const FIXTURE = 'docs/quality-compare.json';

for (const [w, h] of [
  [1440, 900],
  [1024, 768],
] as const) {
  for (const theme of ['light', 'dark'] as const) {
    test(`quality ${theme} ${w}x${h}`, async ({ page }) => {
      // Committed results of real runs (npm run bench -- quality --compare --out=docs/quality-compare.json): never skipped.
      expect(existsSync(FIXTURE), `${FIXTURE} is written by npm run bench -- quality --compare --out=${FIXTURE}`).toBe(true);
      const fixture = JSON.parse(readFileSync(FIXTURE, 'utf8')) as { results: unknown[] };
      await page.setViewportSize({ width: w, height: h });
      await page.emulateMedia({ colorScheme: theme });
      await page.goto('/');
      await page.evaluate(() => localStorage.clear());
      await page.goto('/');
      await page.getByTestId('compare-ratios').click();
      const n = await page.evaluate((r) => (window as unknown as { hybridExplorer: { importQuality: (x: unknown) => number } }).hybridExplorer.importQuality(r), fixture.results);
      expect(n).toBe(fixture.results.length);
      const box = (await page.getByTestId('charts-resizer').boundingBox())!;
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width / 2, 150, { steps: 8 });
      await page.mouse.up();
      await page.getByTestId('tab-quality').click();
      await expect(page.getByTestId('quality-curves').locator('path.recharts-curve').first()).toBeAttached();
      await page.mouse.move(0, 0);
      await page.waitForTimeout(300);
      await page.screenshot({ path: `${dir}/quality-curves-${theme}-${w}x${h}.png` });
      await page.getByTestId('quality-view-memory').click();
      await expect(page.getByTestId('chart-quality').locator('.recharts-scatter').first()).toBeAttached();
      await page.getByTestId('compare-table').locator('tr[data-row="accuracy"]').scrollIntoViewIfNeeded();
      await page.mouse.move(0, 0);
      await page.waitForTimeout(300);
      await page.screenshot({ path: `${dir}/quality-memory-${theme}-${w}x${h}.png` });
    });
  }
}

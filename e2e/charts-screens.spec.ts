import { expect, test } from '@playwright/test';

/**
 * Screenshots of the compare view (Jamba-v0.1 with its ratio variants pinned, 141 GiB budget), light and dark, at
 * 1440×900 and 1024×768, with the automatic split (pinned designs give the charts most of the screen). Written to
 * $SCREENS_DIR (default test-results/screens); the checked-in copies are docs/compare-light.png, docs/compare-dark.png
 * (1440×900) and docs/compare-1024-light.png, docs/compare-1024-dark.png.
 */
const dir = process.env.SCREENS_DIR ?? 'test-results/screens';
for (const [w, h] of [
  [1440, 900],
  [1024, 768],
] as const) {
  for (const theme of ['light', 'dark'] as const) {
    test(`compare view ${theme} ${w}x${h}`, async ({ page }) => {
      await page.setViewportSize({ width: w, height: h });
      await page.emulateMedia({ colorScheme: theme });
      await page.goto('/');
      await page.evaluate(() => localStorage.clear());
      await page.goto('/');
      await page.getByTestId('compare-ratios').click();
      await page.getByTestId('chart-budget').selectOption('141');
      await expect(page.getByTestId('chart-memory').locator('path.recharts-curve').first()).toBeAttached();
      await expect(page.getByTestId('compare-table')).toBeVisible();
      await page.mouse.move(0, 0);
      await page.waitForTimeout(300);
      await page.screenshot({ path: `${dir}/compare-${theme}-${w}x${h}.png` });
    });
  }
}

import { expect, test, type Page } from '@playwright/test';

/**
 * Screenshots of the main views (light and dark, 1440×900 and 1024×768, Jamba-v0.1 and the 72-layer
 * Jamba-1.5-Large). Written to test-results/screens/; the checked-in copies live in docs/.
 */
async function open(page: Page, theme: 'light' | 'dark', preset: string) {
  await page.emulateMedia({ colorScheme: theme });
  await page.goto('/');
  await page.evaluate(() => localStorage.clear());
  await page.goto('/');
  await page.getByTestId('preset-select').selectOption(preset);
  await expect(page.getByTestId('canvas').locator('.react-flow__node').first()).toBeVisible();
  await page.waitForTimeout(400);
}

for (const [w, h] of [
  [1440, 900],
  [1024, 768],
] as const) {
  for (const theme of ['light', 'dark'] as const) {
    for (const preset of ['jamba-v0.1', 'jamba-1.5-large']) {
      test(`screenshot ${preset} ${theme} ${w}x${h}`, async ({ page }) => {
        await page.setViewportSize({ width: w, height: h });
        await open(page, theme, preset);
        await page.screenshot({ path: `${process.env.SCREENS_DIR ?? 'test-results/screens'}/${preset}-${theme}-${w}x${h}.png` });
        await page.getByTestId('group-node').first().dblclick();
        await page.locator('[data-testid="layer-node"][data-index="4"]').click();
        await page.waitForTimeout(300);
        await page.screenshot({ path: `${process.env.SCREENS_DIR ?? 'test-results/screens'}/${preset}-${theme}-${w}x${h}-expanded.png` });
      });
    }
  }
}

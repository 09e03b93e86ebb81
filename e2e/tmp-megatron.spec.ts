import { expect, test } from '@playwright/test';
for (const [w, h] of [[1440, 900], [1024, 768]] as const) for (const theme of ['light', 'dark'] as const) {
  test(`megatron dialog ${theme} ${w}`, async ({ page }) => {
    await page.setViewportSize({ width: w, height: h });
    await page.emulateMedia({ colorScheme: theme });
    await page.goto('/');
    await page.evaluate(() => localStorage.clear());
    await page.goto('/');
    await page.getByTestId('preset-select').selectOption('mamba2-hybrid-8b');
    await page.locator('header').getByTestId('export-menu').click();
    await page.screenshot({ path: `/tmp/shots/menu-${theme}-${w}.png` });
    await page.getByTestId('export-megatron').click();
    await page.getByTestId('megatron-pp').fill('2');
    await expect(page.getByTestId('megatron-text')).toHaveValue(/\|/);
    await page.screenshot({ path: `/tmp/shots/megatron-${theme}-${w}.png` });
  });
}

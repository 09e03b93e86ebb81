import { expect, test } from '@playwright/test';

/**
 * Screenshots of the planner (issue 12), light and dark, at 1440×900 and 1024×768: the Hardware tab with Llama-2-7B and
 * Mixtral-8x7B pinned beside Jamba-v0.1, H100 and RTX 4090, batch 8, fp8 KV; and the canvas shaded by decode time.
 * Written to $SCREENS_DIR (default test-results/screens).
 */
const dir = process.env.SCREENS_DIR ?? 'test-results/screens';
for (const [w, h] of [
  [1440, 900],
  [1024, 768],
] as const) {
  for (const theme of ['light', 'dark'] as const) {
    test(`planner ${theme} ${w}x${h}`, async ({ page }) => {
      await page.setViewportSize({ width: w, height: h });
      await page.emulateMedia({ colorScheme: theme });
      await page.goto('/');
      await page.evaluate(() => localStorage.clear());
      await page.goto('/');
      await page.getByTestId('pin-preset').selectOption('llama-2-7b');
      await page.getByTestId('pin-preset').selectOption('mixtral-8x7b');
      const box = (await page.getByTestId('charts-resizer').boundingBox())!;
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width / 2, 150, { steps: 8 });
      await page.mouse.up();
      await page.getByTestId('tab-hardware').click();
      await page.getByTestId('planner-add-hardware').click();
      await page.getByTestId('planner-hardware-1').selectOption('rtx-4090');
      await page.getByTestId('planner-batch').fill('8');
      await page.getByTestId('planner-kv-dtype').selectOption('fp8');
      await page.getByTestId('planner-gpus-2').click();
      await expect(page.getByTestId('chart-hardware').locator('path.recharts-curve').first()).toBeAttached();
      await page.mouse.move(0, 0);
      await page.waitForTimeout(300);
      await page.screenshot({ path: `${dir}/planner-${theme}-${w}x${h}.png` });
      // The compare table's planner rows, scrolled into view.
      await page.getByTestId('compare-table').locator('tr[data-row="gpus-needed"]').scrollIntoViewIfNeeded();
      await page.screenshot({ path: `${dir}/planner-table-${theme}-${w}x${h}.png` });
      // The canvas shaded by decode time, one Jamba block expanded.
      await page.getByTestId('planner-shade').selectOption('decode');
      await page.getByTestId('charts-toggle').click();
      await page.getByTestId('group-node').first().dblclick();
      await expect(page.getByTestId('layer-node').first()).toHaveClass(/heat/);
      await page.waitForTimeout(400);
      await page.screenshot({ path: `${dir}/planner-canvas-${theme}-${w}x${h}.png` });
    });
  }
}

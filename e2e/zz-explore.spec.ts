import { expect, test } from '@playwright/test';
for (const [w, h] of [[1440, 900], [1024, 768]] as const) {
test(`explore ${w}`, async ({ page }) => {
  await page.setViewportSize({ width: w, height: h });
  await page.goto('/');
  await page.evaluate(() => localStorage.clear());
  await page.goto('/');
  await page.getByTestId('compare-ratios').click();
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
  await page.waitForTimeout(500);
  await page.screenshot({ path: `/tmp/pw/hw-${w}.png` });
  await page.getByTestId('planner-shade').selectOption('decode');
  await page.getByTestId('tab-throughput').click();
  await page.getByTestId('throughput-overlay').check();
  await page.waitForTimeout(500);
  await page.screenshot({ path: `/tmp/pw/tp-${w}.png` });
  await page.getByTestId('charts-toggle').click();
  await page.waitForTimeout(500);
  await page.screenshot({ path: `/tmp/pw/canvas-${w}.png` });
});
}

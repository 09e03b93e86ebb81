import { expect, test } from '@playwright/test';
import { EditorPage } from './editorPage';

/**
 * A lighter first load (issue 13): the editor draws and works without the charts' code (recharts, the image and data
 * exports), which loads afterwards; the help dialog's code loads when it is opened. Sizes are checked by
 * `npm run size` (scripts/bundleSize.ts), not here.
 */
test('the editor draws and edits while the charts code is held back, and the chart appears once it arrives', async ({ page }) => {
  let release: () => void = () => undefined;
  const held = new Promise<void>((ok) => (release = ok));
  const requested: string[] = [];
  // Hold every request for the chart views and recharts until the editor has been used.
  await page.route(/\/(src\/components\/charts\/ChartViews\.ts|node_modules\/\.vite\/deps\/recharts\.js)/, async (route) => {
    requested.push(route.request().url());
    await held;
    await route.continue();
  });
  const editor = new EditorPage(page);
  await editor.openFresh();
  await expect(page.getByTestId('chart-loading')).toBeVisible();
  const before = (await editor.layers()).length;
  await editor.palette('mamba').focus();
  await page.keyboard.press('Enter');
  await expect.poll(async () => (await editor.layers()).length).toBe(before + 1);
  await expect(page.getByTestId('compare-table')).toBeVisible(); // the table and the run panel do not wait either
  expect(requested.length).toBeGreaterThan(0);
  release();
  await expect(page.getByTestId('chart-memory')).toBeVisible();
  await expect(page.getByTestId('chart-loading')).toHaveCount(0);
});

test('the help dialog loads on demand', async ({ page }) => {
  const editor = new EditorPage(page);
  await editor.openFresh();
  await page.keyboard.press('?');
  await expect(page.getByRole('dialog')).toBeVisible();
});

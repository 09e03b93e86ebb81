import { expect, test, type Locator, type Page } from '@playwright/test';

/**
 * The compare table at a 1024 px laptop width (and wider): with Compare ratios (the current design and five variants)
 * every column fits without sideways scrolling; with more designs it scrolls, and the row labels stay in view.
 */

async function openWithRatios(page: Page, width: number) {
  await page.setViewportSize({ width, height: 768 });
  await page.goto('/');
  await page.evaluate(() => localStorage.clear());
  await page.goto('/');
  await page.getByTestId('compare-ratios').click();
  await expect(page.getByTestId('compare-table').locator('thead th')).toHaveCount(1 + 6);
}

const widths = (scroll: Locator) => scroll.evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));

for (const width of [1024, 1280, 1440]) {
  test(`at ${width} px the compare table fits: no sideways scroll, every column and its Run button in view`, async ({ page }) => {
    await openWithRatios(page, width);
    const scroll = page.getByTestId('compare-scroll');
    const w = await widths(scroll);
    console.log(`compare table at ${width} px: scrollWidth ${w.scroll}, clientWidth ${w.client}`);
    expect(w.scroll).toBeLessThanOrEqual(w.client);
    const box = (await scroll.boundingBox())!;
    const runButtons = page.getByTestId('compare-run');
    await expect(runButtons).toHaveCount(6);
    for (const el of [...(await page.getByTestId('compare-table').locator('thead th').all()), ...(await runButtons.all())]) {
      const b = (await el.boundingBox())!;
      expect(b.x).toBeGreaterThanOrEqual(box.x - 0.5);
      expect(b.x + b.width).toBeLessThanOrEqual(box.x + box.width + 0.5);
    }
    // Nothing is cut off inside a cell either: no cell's content is wider than the cell.
    const overflowing = await page.getByTestId('compare-table').evaluate((t) => [...t.querySelectorAll('th, td')].filter((c) => c.scrollWidth > c.clientWidth + 1).map((c) => c.textContent));
    expect(overflowing).toEqual([]);
    // The page itself never scrolls sideways.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
  });
}

test('with more designs than fit, the table scrolls sideways and the row labels stay in view', async ({ page }) => {
  // The app keeps a 1000 px minimum width, so at 1024 px eight designs are what makes the table too wide.
  await openWithRatios(page, 1024);
  await page.getByTestId('pin-preset').selectOption('mixtral-8x7b');
  await page.getByTestId('pin-preset').selectOption('zamba-7b');
  await expect(page.getByTestId('compare-table').locator('thead th')).toHaveCount(1 + 8);
  const scroll = page.getByTestId('compare-scroll');
  const w = await widths(scroll);
  expect(w.scroll).toBeGreaterThan(w.client);
  const label = page.getByTestId('compare-table').locator('tr[data-row="weights"] > th');
  await label.scrollIntoViewIfNeeded();
  await scroll.evaluate((el) => (el.scrollLeft = el.scrollWidth));
  await expect.poll(() => scroll.evaluate((el) => el.scrollLeft)).toBeGreaterThan(0);
  const box = (await scroll.boundingBox())!;
  const b = (await label.boundingBox())!;
  expect(Math.abs(b.x - box.x)).toBeLessThanOrEqual(1);
  await expect(label).toHaveText('Weights');
  // The label column is opaque: what scrolls under it is hidden, not drawn through it.
  const hit = await page.evaluate(([x, y]) => document.elementFromPoint(x!, y!)?.closest('th')?.textContent ?? null, [b.x + b.width / 2, b.y + b.height / 2]);
  expect(hit).toBe('Weights');
  // The last column, scrolled into view, sits beside the labels rather than under them.
  const lastHead = (await page.getByTestId('compare-table').locator('thead th').last().boundingBox())!;
  expect(lastHead.x).toBeGreaterThanOrEqual(b.x + b.width - 1);
  expect(lastHead.x + lastHead.width).toBeLessThanOrEqual(box.x + box.width + 1);
});

import { expect, test, type Page } from '@playwright/test';

/**
 * The screen at a 1024×768 laptop and at 1440×900 (issue 13): with designs pinned the automatic split favours the
 * charts (src/components/chartsSplit.ts), the chart is drawn whole and tall, the comparison's Run row is in view, the
 * editor still shows the whole design (the palette its blocks, as many as fit: 7 of 7 today), and every control is
 * reachable without scrolling the page (at most a panel of its own scrolls).
 */

interface Box {
  top: number;
  bottom: number;
  left: number;
  right: number;
  height: number;
}

const box = (page: Page, selector: string): Promise<Box> =>
  page.locator(selector).first().evaluate((el) => {
    const r = el.getBoundingClientRect();
    return { top: r.top, bottom: r.bottom, left: r.left, right: r.right, height: r.height };
  });

const inside = (a: Box, b: Box) => a.top >= b.top - 0.5 && a.bottom <= b.bottom + 0.5 && a.left >= b.left - 0.5 && a.right <= b.right + 0.5;

async function openWithRatios(page: Page, width: number, height: number) {
  await page.setViewportSize({ width, height });
  await page.goto('/');
  await page.evaluate(() => localStorage.clear());
  await page.goto('/');
  await page.getByTestId('compare-ratios').click();
  await expect(page.getByTestId('compare-table').locator('thead th')).toHaveCount(1 + 6);
  await expect(page.getByTestId('chart-memory').locator('svg.recharts-surface')).toBeVisible();
  await page.waitForTimeout(400); // the canvas refits after the split moved
}

/** Interactive elements that are neither on screen nor inside a panel that scrolls (and is itself on screen). */
function unreachable(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const vw = innerWidth;
    const vh = innerHeight;
    const onScreen = (r: DOMRect) => r.top >= -0.5 && r.left >= -0.5 && r.bottom <= vh + 0.5 && r.right <= vw + 0.5;
    const out: string[] = [];
    for (const el of document.querySelectorAll<HTMLElement>('button, select, input, textarea, [tabindex="0"]')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue; // not displayed (hidden inputs, collapsed menus)
      if (el.closest('.react-flow__renderer')) continue; // canvas nodes: panned and zoomed, not scrolled
      if (onScreen(r)) continue;
      let p = el.parentElement;
      let ok = false;
      while (p) {
        const s = getComputedStyle(p);
        const scrolls = /(auto|scroll)/.test(s.overflowY + s.overflowX) && (p.scrollHeight > p.clientHeight || p.scrollWidth > p.clientWidth);
        if (scrolls) {
          ok = onScreen(p.getBoundingClientRect());
          break;
        }
        p = p.parentElement;
      }
      if (!ok) out.push(`${el.tagName.toLowerCase()} ${el.getAttribute('data-testid') ?? el.getAttribute('aria-label') ?? el.textContent?.trim().slice(0, 30)}`);
    }
    return out;
  });
}

for (const [width, height, minPlot] of [
  [1024, 768, 220],
  [1440, 900, 300],
] as const) {
  test(`at ${width}x${height} with designs pinned: a tall chart, the Run row in view, the whole design, nothing out of reach`, async ({ page }) => {
    await openWithRatios(page, width, height);
    const viewport: Box = { top: 0, left: 0, bottom: height, right: width, height };

    // The page itself never scrolls.
    const doc = await page.evaluate(() => ({ h: document.documentElement.scrollHeight, w: document.documentElement.scrollWidth }));
    expect(doc.h).toBeLessThanOrEqual(height);
    expect(doc.w).toBeLessThanOrEqual(width);

    // The charts got the room: the plot is whole and at least `minPlot` px tall.
    const slot = await box(page, '.hx-chart-slot');
    const plot = await box(page, '[data-testid="chart-memory"] svg.recharts-surface');
    console.log(`${width}x${height}: charts region ${(await box(page, '.charts-region')).height} px, plot ${plot.height} px, canvas ${(await box(page, '.react-flow')).height} px`);
    expect(plot.height).toBeGreaterThanOrEqual(minPlot);
    expect(inside(plot, slot)).toBe(true);
    expect(inside(plot, viewport)).toBe(true);

    // The comparison's Run row is in view without scrolling its panel.
    const side = await box(page, '.hx-charts-side');
    const runs = page.getByTestId('compare-run');
    await expect(runs).toHaveCount(6);
    for (const b of await runs.all()) {
      const r = (await b.boundingBox())!;
      expect(inside({ top: r.y, bottom: r.y + r.height, left: r.x, right: r.x + r.width, height: r.height }, side)).toBe(true);
    }
    expect(await page.locator('.hx-charts-side').evaluate((el) => el.scrollTop)).toBe(0);

    // The editor keeps a usable canvas: the whole design (embedding to LM head) is in it.
    const canvas = await box(page, '.react-flow');
    expect(canvas.height).toBeGreaterThanOrEqual(200);
    for (const node of await page.locator('.react-flow__node').all()) {
      const r = (await node.boundingBox())!;
      expect(inside({ top: r.y, bottom: r.y + r.height, left: r.x, right: r.x + r.width, height: r.height }, canvas)).toBe(true);
    }
    // The short palette drops its descriptions; blocks that do not fit stay reachable by its own scroll (below).
    const palette = await box(page, '.side-left');
    let shown = 0;
    for (const item of await page.locator('.palette-item').all()) {
      const r = (await item.boundingBox())!;
      if (inside({ top: r.y, bottom: r.y + r.height, left: r.x, right: r.x + r.width, height: r.height }, palette)) shown++;
    }
    console.log(`${width}x${height}: ${shown} of ${await page.locator('.palette-item').count()} palette blocks in view`);

    // Every control is on screen or in a panel of its own that scrolls.
    expect(await unreachable(page)).toEqual([]);
  });
}

test('a split the user drags is kept (within the window) across a reload; double-click returns to the automatic one', async ({ page }) => {
  await openWithRatios(page, 1024, 768);
  const region = page.locator('.charts-region');
  const auto = (await region.boundingBox())!.height;
  await expect(region).toHaveAttribute('data-split', 'auto');
  const handle = (await page.getByTestId('charts-resizer').boundingBox())!;
  await page.mouse.move(handle.x + handle.width / 2, handle.y + handle.height / 2);
  await page.mouse.down();
  await page.mouse.move(handle.x + handle.width / 2, handle.y + 120, { steps: 6 });
  await page.mouse.up();
  const dragged = (await region.boundingBox())!.height;
  expect(dragged).toBeLessThan(auto - 100);
  await expect(region).toHaveAttribute('data-split', 'manual');
  await page.reload();
  await expect(page.locator('.charts-region')).toHaveAttribute('data-split', 'manual');
  expect((await page.locator('.charts-region').boundingBox())!.height).toBeCloseTo(dragged, 0);
  // The editor is never squeezed below its minimum, whatever the user drags.
  const h2 = (await page.getByTestId('charts-resizer').boundingBox())!;
  await page.mouse.move(h2.x + 50, h2.y + h2.height / 2);
  await page.mouse.down();
  await page.mouse.move(h2.x + 50, 5, { steps: 6 });
  await page.mouse.up();
  expect((await page.locator('.react-flow').boundingBox())!.height).toBeGreaterThanOrEqual(150);
  await page.getByTestId('charts-resizer').dblclick();
  await expect(page.locator('.charts-region')).toHaveAttribute('data-split', 'auto');
  expect((await page.locator('.charts-region').boundingBox())!.height).toBeCloseTo(auto, 0);
});

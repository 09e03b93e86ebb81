import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { makeTemplate } from '../src/models/presets';
import { parseCsv } from '../src/components/charts/exportData';

/** Compare ratios on a 32-layer design, the compare table, the share link and the CSV export (issue 5). */

interface PinnedView {
  name: string;
  color: string;
  cost: { kvBytesAt256K: number; paramsTotal: number };
}

type Api = { hybridExplorer: { loadDesign: (d: unknown) => unknown; getPinned: () => PinnedView[] } };

async function openWith32Layers(page: Page) {
  await page.goto('/');
  await page.evaluate(() => localStorage.clear());
  await page.goto('/');
  const design = makeTemplate('1:7', { dModel: 2048, nLayers: 32, vocabSize: 32000 });
  await page.evaluate((d) => (window as unknown as Api).hybridExplorer.loadDesign(d), design);
  await expect(page.getByTestId('charts-panel')).toBeVisible();
}

const getPinned = (page: Page) => page.evaluate(() => (window as unknown as Api).hybridExplorer.getPinned());

test('compare ratios pins five variants; at 256K the 1:1 variant holds 4x the KV cache of 1:7', async ({ page }) => {
  await openWith32Layers(page);
  await page.getByTestId('compare-ratios').click();
  const pinned = await getPinned(page);
  expect(pinned).toHaveLength(5);
  expect(new Set(pinned.map((p) => p.color)).size).toBe(5);
  const kv = (label: string) => pinned.find((p) => p.name.endsWith(`(${label})`))!.cost.kvBytesAt256K;
  expect(kv('1:7')).toBeGreaterThan(0);
  expect(kv('1:1')).toBe(4 * kv('1:7'));

  // The table shows the same figures, one column per design, in the design's colour.
  const table = page.getByTestId('compare-table');
  await expect(table).toBeVisible();
  const header = table.locator('thead th');
  await expect(header).toHaveCount(1 + 6); // row labels + current design + five pins
  const cellExact = async (label: string) => {
    const col = await header.evaluateAll((ths, l) => ths.findIndex((th) => th.textContent?.includes(l as string)), label);
    const text = await table.locator('tr[data-row="kv-256k"] > *').nth(col).getAttribute('data-exact');
    return Number(text!.replace(/[^0-9]/g, ''));
  };
  expect(await cellExact('1:1')).toBe(kv('1:1'));
  expect(await cellExact('1:1')).toBe(4 * (await cellExact('1:7')));

  // Every pinned design is drawn on the memory chart in its colour.
  const chart = page.getByTestId('chart-memory');
  for (const p of pinned) await expect(chart.locator(`path.recharts-curve[stroke="${p.color}"]`).first()).toBeAttached();

  // Hovering shows exact values: the length in tokens and each value in binary units with its byte count.
  const box = (await chart.locator('.recharts-surface').boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.8, box.y + box.height * 0.5);
  const tip = chart.locator('.recharts-tooltip-wrapper');
  await expect(tip).toContainText(/L = [\d,]+ tokens/);
  await expect(tip).toContainText(/\(1:1\) · KV cache : [\d.]+ [KMG]iB \([\d,]+ B\)/);
});

test('CSV export of the memory chart holds the plotted numbers', async ({ page }) => {
  await openWith32Layers(page);
  await page.getByTestId('compare-ratios').click();
  const pinned = await getPinned(page);
  await page.getByTestId('tab-memory').click();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('chart-memory').getByTestId('export-csv').click()]);
  expect(download.suggestedFilename()).toMatch(/memory\.csv$/);
  const rows = parseCsv(readFileSync((await download.path())!, 'utf8'));
  const head = rows[0]!;
  const col = (k: string) => head.indexOf(k);
  expect(col('kv_cache_bytes')).toBeGreaterThanOrEqual(0);
  for (const p of pinned) {
    const at256K = rows.find((r) => r[col('design')] === p.name && r[col('seq_len_tokens')] === '262144');
    expect(at256K, `a row for ${p.name} at 262144`).toBeTruthy();
    expect(Number(at256K![col('kv_cache_bytes')])).toBe(p.cost.kvBytesAt256K);
  }
});

test('the comparison survives a reload and travels in a share link', async ({ page }) => {
  await openWith32Layers(page);
  await page.getByTestId('compare-ratios').click();
  await page.getByTestId('tab-state').click();
  const before = await getPinned(page);
  await page.reload();
  await expect(page.getByTestId('chart-state')).toBeVisible();
  expect((await getPinned(page)).map((p) => [p.name, p.color])).toEqual(before.map((p) => [p.name, p.color]));

  const link = await page.evaluate(() => (window as unknown as { hybridExplorer: { getCompareLink: () => string } }).hybridExplorer.getCompareLink());
  const fresh = await page.context().newPage();
  await fresh.goto('/');
  await fresh.evaluate(() => localStorage.clear());
  await fresh.goto(link);
  await expect(fresh.getByTestId('chart-state')).toBeVisible();
  expect((await getPinned(fresh)).map((p) => p.name)).toEqual(before.map((p) => p.name));
});

test('each chart exports as SVG (standalone, with legend) and PNG, and its data as JSON with units', async ({ page }) => {
  await openWith32Layers(page);
  await page.getByTestId('compare-ratios').click();
  const pinned = await getPinned(page);
  for (const id of ['chart-memory', 'chart-state'] as const) {
    await page.getByTestId(id === 'chart-memory' ? 'tab-memory' : 'tab-state').click();
    const chart = page.getByTestId(id);
    const [svgDl] = await Promise.all([page.waitForEvent('download'), chart.getByTestId('chart-export-svg').click()]);
    const svg = readFileSync((await svgDl.path())!, 'utf8');
    expect(svg.startsWith('<?xml')).toBe(true);
    expect(svg).toContain('xmlns="http://www.w3.org/2000/svg"');
    expect(svg).not.toContain('var(--');
    for (const p of pinned) expect(svg).toContain(p.color);
    expect(svg).toContain('1:1 ·');
    const [pngDl] = await Promise.all([page.waitForEvent('download'), chart.getByTestId('chart-export-png').click()]);
    const png = readFileSync((await pngDl.path())!);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(png.length).toBeGreaterThan(5000);
  }
  const [jsonDl] = await Promise.all([page.waitForEvent('download'), page.getByTestId('chart-state').getByTestId('chart-export-json').click()]);
  const json = JSON.parse(readFileSync((await jsonDl.path())!, 'utf8')) as { meta: { units: Record<string, string>; designs: { name: string }[] }; rows: unknown[] };
  expect(json.meta.units.bytes).toBeTruthy();
  expect(json.meta.designs.map((d) => d.name)).toEqual(expect.arrayContaining(pinned.map((p) => p.name)));
  expect(json.rows.length).toBeGreaterThan(0);
});

test('pin a preset and a design file; a bad file is refused with the reason and pins nothing', async ({ page }) => {
  await openWith32Layers(page);
  await page.getByTestId('pin-preset').selectOption('mixtral-8x7b');
  await page.getByTestId('pin-design').click();
  const file = makeTemplate('mamba', { dModel: 1024, nLayers: 24, vocabSize: 50280 });
  await page.getByTestId('pin-file').setInputFiles({ name: 'mamba.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(file)) });
  await expect.poll(async () => (await getPinned(page)).length).toBe(3);
  const pinned = await getPinned(page);
  expect(pinned.map((p) => (p as unknown as { origin: string }).origin)).toEqual(['preset', 'current', 'file']);
  expect(pinned[0]!.cost.paramsTotal).toBe(46_702_792_704); // Mixtral-8x7B, the published check
  expect(pinned[2]!.name).toBe(file.name);
  await expect(page.getByTestId('compare-table').locator('thead th')).toHaveCount(4);

  await page.getByTestId('pin-file').setInputFiles({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify({ ...file, dModel: 0 })) });
  await expect(page.getByText(/bad\.json was not pinned/)).toBeVisible();
  await expect(page.getByText(/dModel/).first()).toBeVisible();
  expect(await getPinned(page)).toHaveLength(3);

  // Unpinning from the table removes the design from the comparison.
  await page.getByRole('button', { name: `Unpin ${file.name}` }).click();
  expect(await getPinned(page)).toHaveLength(2);
});

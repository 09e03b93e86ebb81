import { expect, test, type Page } from '@playwright/test';

/**
 * The deployment planner (issue 12) in a real browser: the Hardware tab's settings change the Hardware chart, the fit
 * table, the compare table's planner rows and the throughput chart; the canvas shades layers by their share of decode
 * time; "this device" is measured in the worker and predicts a measured run. Kept small: CI has 2 cores.
 */

interface PlannedView {
  design: string;
  designKey: string;
  hardware: string;
  fits: boolean;
  ttftSeconds: number | null;
  decodeTokensPerSec: number | null;
  maxConcurrency: number | null;
  gpusNeeded: number | null;
  fitsOn: Record<string, boolean>;
}
interface PlannerView {
  settings: { hardware: string[]; batch: number; gpus: number; seqLen: number; precision: { kv: string } };
  hardware: string[];
  designs: PlannedView[];
  layerShares: number[] | null;
}
type Api = { hybridExplorer: { getPlanner: () => PlannerView; getPinned: () => { id: string; name: string }[] } };
const getPlanner = (page: Page) => page.evaluate(() => (window as unknown as Api).hybridExplorer.getPlanner());

async function open(page: Page) {
  await page.goto('/');
  await page.evaluate(() => localStorage.clear());
  await page.goto('/');
  // Llama-2-7B (fits one H100) and Mixtral-8x7B (87 GiB of bf16 weights: needs two).
  await page.getByTestId('pin-preset').selectOption('llama-2-7b');
  await page.getByTestId('pin-preset').selectOption('mixtral-8x7b');
  const box = (await page.getByTestId('charts-resizer').boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2, 150, { steps: 8 });
  await page.mouse.up();
  const pinned = await page.evaluate(() => (window as unknown as Api).hybridExplorer.getPinned());
  return { llama: pinned.find((p) => p.name === 'Llama-2-7B')!.id, mixtral: pinned.find((p) => p.name === 'Mixtral-8x7B')!.id };
}

/** The compare-table cell of `row` in the column of the design with key `key`. */
async function cell(page: Page, row: string, key: string) {
  const table = page.getByTestId('compare-table');
  const col = await table.locator('thead th').evaluateAll((ths, k) => ths.findIndex((th) => th.getAttribute('data-design-key') === k), key);
  expect(col).toBeGreaterThan(0);
  return table.locator(`tr[data-row="${row}"] > *`).nth(col);
}

const planned = (v: PlannerView, key: string, hw: string) => v.designs.find((d) => d.designKey === key && d.hardware === hw)!;

test('H100 and RTX 4090, batch 8, fp8 KV: the chart, the fit table and the compare table follow; Mixtral needs two GPUs', async ({ page }) => {
  const keys = await open(page);
  await page.getByTestId('tab-hardware').click();
  await page.getByTestId('planner-seqlen').selectOption('4096');
  const before = await getPlanner(page);
  expect(before.hardware).toEqual(['h100-sxm']);
  const llamaBefore = planned(before, keys.llama, 'h100-sxm');
  expect(llamaBefore.fits).toBe(true);
  const decodeCellBefore = await (await cell(page, 'decode-tps', keys.llama)).getAttribute('data-exact');

  await page.getByTestId('planner-hardware-0').selectOption('h100-sxm');
  await page.getByTestId('planner-add-hardware').click();
  await page.getByTestId('planner-hardware-1').selectOption('rtx-4090');
  await page.getByTestId('planner-batch').fill('8');
  await page.getByTestId('planner-kv-dtype').selectOption('fp8');
  await expect.poll(async () => (await getPlanner(page)).settings.batch).toBe(8);
  const after = await getPlanner(page);
  expect(after.hardware).toEqual(['h100-sxm', 'rtx-4090']);
  expect(after.settings.precision.kv).toBe('fp8');

  // Batch 8 decodes more tokens per second in all (memory-bound: the weights are read once for eight sequences), and
  // fp8 halves the KV cache, so more sequences fit.
  const llamaAfter = planned(after, keys.llama, 'h100-sxm');
  expect(llamaAfter.decodeTokensPerSec!).toBeGreaterThan(5 * llamaBefore.decodeTokensPerSec!);
  expect(llamaAfter.maxConcurrency!).toBeGreaterThan(1.9 * llamaBefore.maxConcurrency!);
  const decodeCell = await cell(page, 'decode-tps', keys.llama);
  await expect(decodeCell).not.toHaveAttribute('data-exact', decodeCellBefore!);
  await expect(decodeCell).toHaveAttribute('data-exact', new RegExp(`^${llamaAfter.decodeTokensPerSec!.toFixed(1)} tokens/s for the batch`));
  await expect(await cell(page, 'planned-on', keys.llama)).toHaveText(/H100 SXM · 1 GPU · b8/);
  // The RTX 4090 (1.0 TB/s) decodes Llama-2-7B about 3.3× more slowly than the H100 (3.35 TB/s).
  const rtx = planned(after, keys.llama, 'rtx-4090');
  expect(rtx.fits).toBe(true);
  expect(llamaAfter.decodeTokensPerSec! / rtx.decodeTokensPerSec!).toBeGreaterThan(2.5);

  // The chart draws each design in its colour, solid on the H100 and dashed on the RTX 4090.
  const chart = page.getByTestId('chart-hardware');
  await expect(chart.locator('path.recharts-curve[stroke-dasharray="7 4"]').first()).toBeAttached();
  await expect(chart.locator('.hx-legend')).toContainText('RTX 4090 ×1');

  // The fit table: Mixtral does not fit one H100 (its weights) and fits two (TP 2); the compare table agrees.
  const mixtral = planned(after, keys.mixtral, 'h100-sxm');
  expect(mixtral.fitsOn).toMatchObject({ 1: false, 2: true });
  expect(mixtral.gpusNeeded).toBe(2);
  const row = page.getByTestId('fit-table').locator(`tr[data-design-key="${keys.mixtral}"][data-hardware="h100-sxm"]`);
  await expect(row.locator('td[data-gpus="1"]')).toHaveAttribute('data-fits', 'no');
  await expect(row.locator('td[data-gpus="1"]')).toContainText('✗ weights');
  await expect(row.locator('td[data-gpus="2"]')).toHaveAttribute('data-fits', 'yes');
  await expect(row.locator('td[data-gpus="2"]')).toContainText('✓ TP 2');
  await expect(await cell(page, 'gpus-needed', keys.mixtral)).toHaveText('2 (TP 2)');
  await expect(await cell(page, 'ttft', keys.mixtral)).toHaveText('—');
  await expect(await cell(page, 'ttft', keys.mixtral)).toHaveClass(/hx-none/);

  // Two GPUs: Mixtral now has a TTFT in the table.
  await page.getByTestId('planner-gpus-2').click();
  await expect(await cell(page, 'ttft', keys.mixtral)).toHaveText(/\d+(\.\d+)? (ms|s)$/);

  // The throughput chart gains the full designs on the first hardware (dashed, same unit), labelled with it.
  await page.getByTestId('tab-throughput').click();
  await page.getByTestId('throughput-overlay').check();
  const tp = page.getByTestId('chart-throughput');
  await expect(tp.getByTestId('full-design-legend').first()).toContainText('full design on H100 SXM ×2');
  await expect(tp.locator('.hx-chart-subtitle')).toContainText('batch 8 · weights bf16 · KV fp8');

  // Bad input is refused at the field and changes nothing; the settings survive a reload.
  await page.getByTestId('tab-hardware').click();
  await page.getByTestId('planner-batch').fill('0');
  await expect(page.getByTestId('planner-toolbar').getByRole('alert')).toContainText('batch must be an integer from 1 to 4096');
  expect((await getPlanner(page)).settings.batch).toBe(8);
  await page.reload();
  await page.getByTestId('tab-hardware').click();
  await expect(page.getByTestId('planner-batch')).toHaveValue('8');
  await expect(page.getByTestId('planner-kv-dtype')).toHaveValue('fp8');
  await expect(page.getByTestId('planner-hardware-1')).toHaveValue('rtx-4090');
});

test('the canvas colours layers by their share of decode time; a layer tooltip shows its roofline', async ({ page }) => {
  await open(page);
  await page.getByTestId('tab-hardware').click();
  await page.getByTestId('planner-gpus-2').click();
  await page.getByTestId('planner-shade').selectOption('decode');
  const v = await getPlanner(page);
  expect(v.layerShares).not.toBeNull();
  // Jamba-v0.1 (the current design): the shares of the layers plus the head and the all-reduces make the whole step.
  expect(v.layerShares!.reduce((a, b) => a + b, 0)).toBeLessThan(1);
  expect(v.layerShares!.reduce((a, b) => a + b, 0)).toBeGreaterThan(0.9);
  await page.getByTestId('charts-toggle').click();
  const group = page.getByTestId('group-node').first();
  await expect(group).toHaveClass(/heat/);
  await expect(group).toContainText('dec');
  await group.dblclick();
  const layer = page.getByTestId('layer-node').first();
  await expect(layer).toHaveClass(/heat/);
  await expect(layer).toHaveAttribute('title', /Decode on 2 × NVIDIA H100 SXM 80GB .*(memory|compute)-bound · [\d.]+ [KMGT]?FLOP · [\d.]+ [KMG]iB moved/);
});

test('this device: the probe in the worker predicts a measured run; the chart shows measured ÷ predicted', async ({ page }) => {
  await page.goto('/');
  await page.evaluate(() => localStorage.clear());
  await page.goto('/');
  await page.getByTestId('run-seqlens').fill('32, 64');
  await page.getByTestId('run-backend-select').selectOption('wasm');
  await page.getByTestId('run-profile-select').selectOption('tiny');
  await page.getByTestId('tab-throughput').click();
  await page.getByTestId('throughput-measure').click();
  await expect.poll(() => page.evaluate(() => JSON.parse(localStorage.getItem('hybrid-explorer') ?? '{}').state?.deviceProbe?.backend ?? null), { timeout: 60_000 }).toBe('wasm');
  await page.getByTestId('run-start').click();
  const legend = page.getByTestId('chart-throughput').getByTestId('calibration-legend');
  await expect(legend.first()).toContainText(/roofline on this device \(wasm probe\) · measured ÷ predicted [\d.]+×/, { timeout: 90_000 });
  await expect(page.getByTestId('chart-throughput').locator('path.recharts-curve[stroke-dasharray="1 3"]').first()).toBeAttached();
  // "This device" joins the Hardware tab as a measured entry.
  await page.getByTestId('tab-hardware').click();
  await page.getByTestId('planner-hardware-0').selectOption('this-device');
  await expect.poll(async () => (await getPlanner(page)).hardware).toEqual(['this-device']);
});

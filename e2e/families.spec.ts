import { expect, test, type Page } from '@playwright/test';
import { getPreset } from '../src/models/presets';
import { analyzeDesign } from '../src/sim/cost/analyzeDesign';
import { costPointAt } from '../src/sim/cost/costAt';

/**
 * The 2025-2026 hybrids (issue 10): four presets pinned side by side in the compare table and charts, the Megatron-LM
 * export dialog, a malformed config of a new family refused without touching the design, and screenshots at
 * 1440×900 and 1024×768, light and dark ($SCREENS_DIR, default test-results/screens).
 */
interface PinnedView {
  name: string;
  color: string;
  cost: { kvBytesAt256K: number; paramsTotal: number };
}
type Api = { hybridExplorer: { getPinned: () => PinnedView[]; getDesign: () => unknown; loadDesign: (d: unknown) => unknown } };

const PINNED = ['qwen3-next-80b-a3b', 'nemotron-h-8b', 'jamba-1.5-mini', 'falcon-h1-7b'] as const;
const dir = process.env.SCREENS_DIR ?? 'test-results/screens';

async function fresh(page: Page) {
  await page.goto('/');
  await page.evaluate(() => localStorage.clear());
  await page.goto('/');
  await expect(page.getByTestId('charts-panel')).toBeVisible();
}

async function pinFour(page: Page) {
  for (const id of PINNED) await page.getByTestId('pin-preset').selectOption(id);
}

test('Qwen3-Next, Nemotron-H-8B, Jamba-1.5-Mini and Falcon-H1-7B side by side: table figures equal the cost model, each drawn in its colour', async ({ page }) => {
  await fresh(page);
  await pinFour(page);
  const pinned = await page.evaluate(() => (window as unknown as Api).hybridExplorer.getPinned());
  expect(pinned.map((p) => p.name)).toEqual(PINNED.map((id) => getPreset(id)!.design.name));
  expect(new Set(pinned.map((p) => p.color)).size).toBe(4);
  const table = page.getByTestId('compare-table');
  await expect(table).toBeVisible();
  const header = table.locator('thead th');
  for (const id of PINNED) {
    const design = getPreset(id)!.design;
    const cost = analyzeDesign(design);
    const col = await header.evaluateAll((ths, name) => ths.findIndex((th) => th.textContent?.includes(name as string)), design.name);
    expect(col, design.name).toBeGreaterThan(0);
    const exact = async (row: string) => Number(((await table.locator(`tr[data-row="${row}"] > *`).nth(col).getAttribute('data-exact')) ?? '').replace(/[^0-9]/g, ''));
    expect(await exact('params-total'), `${id} params`).toBe(cost.params.total);
    expect(await exact('kv-256k'), `${id} KV at 262,144`).toBe(costPointAt(cost, 262144).kvCacheBytes);
    expect(await exact('state'), `${id} state`).toBe(cost.stateBytes);
  }
  // Falcon-H1 keeps KV on all 44 layers: the largest KV of the four at 262K; Qwen3-Next's 12 gated-attention layers the smallest.
  const kv = Object.fromEntries(pinned.map((p) => [p.name, p.cost.kvBytesAt256K]));
  const byKv = [...pinned].sort((a, b) => b.cost.kvBytesAt256K - a.cost.kvBytesAt256K).map((p) => p.name);
  expect(byKv[0]).toBe('Falcon-H1-7B');
  expect(kv['Qwen3-Next-80B-A3B']).toBe(12 * 2 * 2 * 256 * 2 * 262144);
  const chart = page.getByTestId('chart-memory');
  for (const p of pinned) await expect(chart.locator(`path.recharts-curve[stroke="${p.color}"]`).first()).toBeAttached();
});

test('the presets menu groups presets by family and year, newest first', async ({ page }) => {
  await fresh(page);
  const groups = await page.getByTestId('preset-select').locator('optgroup').evaluateAll((gs) => (gs as HTMLOptGroupElement[]).map((g) => ({ label: g.label, ids: [...g.querySelectorAll('option')].map((o) => o.value) })));
  const nemotron = groups.find((g) => g.label.startsWith('Nemotron-H'))!;
  expect(nemotron).toEqual({ label: 'Nemotron-H (NVIDIA) · 2025', ids: ['nemotron-h-8b', 'nemotron-h-56b', 'nemotron-nano-9b-v2', 'nemotron-3-nano-30b-a3b'] });
  expect(groups.find((g) => g.label.startsWith('Zamba'))!.label).toBe('Zamba (Zyphra) · 2024');
  const years = groups.filter((g) => /· \d{4}/.test(g.label)).map((g) => Number(/(\d{4})$/.exec(g.label)![1]));
  expect([...years].sort((a, b) => b - a)).toEqual(years);
  expect(groups.at(-1)!.label).toMatch(/^Templates/);
});

test('the Export menu offers the Megatron-LM arguments: Nemotron-H-8B prints its pattern, stages split it, a bad stage count is named', async ({ page }) => {
  await fresh(page);
  await page.getByTestId('preset-select').selectOption('nemotron-h-8b');
  await page.locator('header').getByTestId('export-menu').click();
  await page.getByTestId('export-megatron').click();
  const dialog = page.getByTestId('megatron-dialog');
  await expect(dialog).toBeVisible();
  const text = page.getByTestId('megatron-text');
  await expect(text).toHaveValue(/--hybrid-layer-pattern "M-M-M-M\*-M-M-M-M-M\*-M-M-M-M-M\*-M-M-M-M-M\*-M-M-M-M-M-"/);
  await expect(text).toHaveValue(/--squared-relu/);
  await page.getByTestId('megatron-pp').fill('4');
  await expect(text).toHaveValue(/--hybrid-layer-pattern "[-M*]+\|[-M*]+\|[-M*]+\|[-M*]+"/);
  await expect(text).toHaveValue(/--pipeline-model-parallel-size 4/);
  await page.getByTestId('megatron-pp').fill('0');
  await expect(page.getByTestId('megatron-error')).toContainText('pipeline stages');
  await expect(page.getByTestId('megatron-copy')).toBeDisabled();
  await page.getByTestId('megatron-pp').fill('1');
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.getByTestId('megatron-copy').click();
  await expect(page.getByTestId('megatron-copy')).toHaveText('Copied');
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  // A design Megatron-LM cannot express shows the reason instead of the text.
  await page.getByTestId('preset-select').selectOption('jamba-v0.1');
  await page.locator('header').getByTestId('export-menu').click();
  await page.getByTestId('export-megatron').click();
  await expect(page.getByTestId('megatron-error')).toContainText('no Mamba-1 layer');
  await expect(page.getByTestId('megatron-text')).toHaveCount(0);
});

test('a malformed config of a new family is refused with one line and changes nothing', async ({ page }) => {
  await fresh(page);
  await page.getByTestId('preset-select').selectOption('qwen3-next-80b-a3b');
  const before = await page.evaluate(() => JSON.stringify((window as unknown as Api).hybridExplorer.getDesign()));
  const bad = JSON.stringify({ model_type: 'kimi_linear', num_hidden_layers: 4, linear_attn_config: { full_attn_layers: [0, 4], kda_layers: [1, 2, 3] } });
  await page.getByTestId('import-json').setInputFiles({ name: 'config.json', mimeType: 'application/json', buffer: Buffer.from(bad) });
  await expect(page.getByTestId('notice-error').last()).toContainText('linear_attn_config.full_attn_layers[0]');
  const after = await page.evaluate(() => JSON.stringify((window as unknown as Api).hybridExplorer.getDesign()));
  expect(after).toBe(before);
  // A good config of the same family imports.
  const good = JSON.stringify({ model_type: 'nemotron_h', hybrid_override_pattern: 'M-M*-', hidden_size: 512, num_attention_heads: 8, num_key_value_heads: 2, head_dim: 64, mamba_num_heads: 16, mamba_head_dim: 64, intermediate_size: 1024, vocab_size: 1000 });
  await page.getByTestId('import-json').setInputFiles({ name: 'config.json', mimeType: 'application/json', buffer: Buffer.from(good) });
  await expect(page.getByTestId('strip-cell')).toHaveCount(5);
});

for (const [w, h] of [
  [1440, 900],
  [1024, 768],
] as const) {
  for (const theme of ['light', 'dark'] as const) {
    test(`screenshots: four 2025 hybrids compared, ${theme} ${w}x${h}`, async ({ page }) => {
      await page.setViewportSize({ width: w, height: h });
      await page.emulateMedia({ colorScheme: theme });
      await fresh(page);
      await page.getByTestId('preset-select').selectOption('qwen3-next-80b-a3b');
      await pinFour(page);
      await page.getByTestId('chart-budget').selectOption('141');
      const box = (await page.getByTestId('charts-resizer').boundingBox())!;
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width / 2, 150, { steps: 8 });
      await page.mouse.up();
      await expect(page.getByTestId('chart-memory').locator('path.recharts-curve').first()).toBeAttached();
      await expect(page.getByTestId('compare-table')).toBeVisible();
      await page.mouse.move(0, 0);
      await page.waitForTimeout(300);
      await page.screenshot({ path: `${dir}/families-compare-${theme}-${w}x${h}.png` });
      // The editor with the Nemotron-H-8B preset and the Megatron dialog open.
      await page.getByTestId('preset-select').selectOption('nemotron-h-8b');
      await page.locator('header').getByTestId('export-menu').click();
      await page.getByTestId('export-megatron').click();
      await page.getByTestId('megatron-pp').fill('2');
      await expect(page.getByTestId('megatron-text')).toHaveValue(/\|/);
      await page.screenshot({ path: `${dir}/families-megatron-${theme}-${w}x${h}.png` });
    });
  }
}

import { expect, test } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { EditorPage } from './editorPage';

/**
 * The editor in real Chromium. Layer counts are read through window.hybridExplorer (the cost model's per-layer
 * list), because a collapsed group draws many layers as one node. `layer-node` counts follow the documented rule
 * (src/components/canvas/graphModel.ts): one per layer outside collapsed groups.
 */

test.describe('editor', () => {
  let ed: EditorPage;
  test.beforeEach(async ({ page }) => {
    ed = new EditorPage(page);
    await ed.openFresh();
  });

  test('starts with Jamba-v0.1 collapsed to one group; expanding shows one layer-node per layer', async ({ page }) => {
    expect((await ed.design()).name).toBe('Jamba-v0.1');
    expect(await ed.layers()).toHaveLength(32);
    await expect(page.getByTestId('group-node')).toHaveCount(1);
    await expect(page.getByTestId('layer-node')).toHaveCount(0);
    await page.getByTestId('group-node').dblclick();
    await expect(page.getByTestId('layer-node')).toHaveCount(32);
    await expect(page.getByTestId('strip-cell')).toHaveCount(32);
  });

  test('dragging a Mamba block from the palette inserts a layer and changes the total parameters', async ({ page }) => {
    const before = await ed.metricValue('params-total');
    const n = (await ed.layers()).length;
    await ed.dropBlock('mamba', page.getByTestId('io-node').filter({ hasText: 'Final norm' }));
    await expect.poll(async () => (await ed.layers()).length).toBe(n + 1);
    const layers = await ed.layers();
    expect(layers[n]?.mixer).toBe('mamba');
    expect(await ed.metricValue('params-total')).toBeGreaterThan(before);
  });

  test('dropping an MoE block on a layer makes it MoE and active < total', async ({ page }) => {
    await ed.loadPreset('llama-2-7b');
    const m0 = await ed.metrics();
    expect(m0.params.active).toBe(m0.params.total);
    await ed.expandAll();
    await ed.dropBlock('moe', ed.layerNode(5));
    await expect.poll(async () => (await ed.layers())[5]?.ffn).toBe('moe');
    const layers = await ed.layers();
    expect(layers.filter((l) => l.ffn === 'moe')).toHaveLength(1);
    expect(layers[5]?.mixer).toBe('attention');
    const active = await ed.metricValue('params-active');
    const total = await ed.metricValue('params-total');
    expect(active).toBeLessThan(total);
    expect(total).toBeGreaterThan(m0.params.total);
    await expect(page.getByTestId('metric-params-active')).not.toHaveText(await page.getByTestId('metric-params-total').innerText());
  });

  test('ratio 1:7 over 32 layers gives 4 attention layers, 1:1 gives 16, and KV of 1:1 is 4× that of 1:7', async () => {
    await ed.applyRatio(1, 7, 32);
    let layers = await ed.layers();
    expect(layers).toHaveLength(32);
    expect(layers.filter((l) => l.mixer === 'attention')).toHaveLength(4);
    const kv17 = await ed.metricValue('kv');
    expect(kv17).toBeGreaterThan(0);
    await ed.applyRatio(1, 1, 32);
    layers = await ed.layers();
    expect(layers.filter((l) => l.mixer === 'attention')).toHaveLength(16);
    const kv11 = await ed.metricValue('kv');
    expect(kv11).toBe(4 * kv17);
  });

  test('undo and redo restore exactly (buttons and keys)', async ({ page }) => {
    const d0 = await ed.design();
    await ed.applyRatio(1, 3, 24);
    const d1 = await ed.design();
    expect(d1).not.toEqual(d0);
    await page.getByTestId('undo').click();
    expect(await ed.design()).toEqual(d0);
    await page.getByTestId('redo').click();
    expect(await ed.design()).toEqual(d1);
    await page.locator('body').press('Control+z');
    expect(await ed.design()).toEqual(d0);
    await page.locator('body').press('Control+Shift+z');
    expect(await ed.design()).toEqual(d1);
    await page.locator('body').press('Control+z');
    await page.locator('body').press('Control+y');
    expect(await ed.design()).toEqual(d1);
  });

  test('one drag to reorder is one undo step', async ({ page }) => {
    await ed.loadPreset('stripedhyena-7b');
    await ed.expandAll();
    const before = await ed.layers();
    const d0 = await ed.design();
    const node = ed.layerNode(0);
    const target = ed.layerNode(3);
    const a = (await node.boundingBox())!;
    const b = (await target.boundingBox())!;
    await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
    await page.mouse.down();
    for (let k = 1; k <= 10; k++) await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2 + ((b.y + b.height * 0.75 - a.y - a.height / 2) * k) / 10);
    await page.mouse.up();
    await expect.poll(async () => (await ed.layers()).map((l) => l.mixer).join(',')).not.toBe(before.map((l) => l.mixer).join(','));
    const after = await ed.layers();
    expect(after).toHaveLength(before.length);
    expect(after[3]?.mixer).toBe(before[0]?.mixer);
    await page.getByTestId('undo').click();
    expect(await ed.design()).toEqual(d0);
  });

  test('select, duplicate (Ctrl+D), delete (Delete), Alt+arrows move; Enter on a palette block inserts after the selection', async ({ page }) => {
    await ed.loadPreset('stripedhyena-7b');
    await ed.expandAll();
    const n = (await ed.layers()).length;
    await ed.layerNode(2).click();
    await page.locator('body').press('Control+d');
    await expect.poll(async () => (await ed.layers()).length).toBe(n + 1);
    await ed.layerNode(0).click();
    await ed.layerNode(1).click({ modifiers: ['Shift'] });
    await page.locator('body').press('Delete');
    await expect.poll(async () => (await ed.layers()).length).toBe(n - 1);
    expect((await ed.layers()).slice(0, 3).map((l) => l.mixer)).toEqual(['hyena', 'hyena', 'attention']);
    await ed.layerNode(2).click();
    await page.keyboard.press('Alt+ArrowUp');
    await expect.poll(async () => (await ed.layers()).slice(0, 3).map((l) => l.mixer).join()).toBe('hyena,attention,hyena');
    await page.keyboard.press('Alt+ArrowUp');
    await expect.poll(async () => (await ed.layers()).slice(0, 3).map((l) => l.mixer).join()).toBe('attention,hyena,hyena');
    await page.keyboard.press('Alt+ArrowDown');
    await expect.poll(async () => (await ed.layers()).slice(0, 3).map((l) => l.mixer).join()).toBe('hyena,attention,hyena');
    await ed.layerNode(0).click();
    await ed.palette('mamba2').focus();
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await ed.layers())[1]?.mixer).toBe('mamba2');
  });

  test('an invalid inspector edit shows the message at the field and leaves the design unchanged', async ({ page }) => {
    await ed.loadPreset('llama-2-7b');
    await ed.expandAll();
    await ed.layerNode(0).click();
    const d0 = await ed.design();
    const kv = page.getByTestId('inspector-nKvHeads');
    await kv.fill('5');
    await expect(page.getByRole('alert').filter({ hasText: 'does not divide' })).toBeVisible();
    await kv.press('Enter');
    expect(await ed.design()).toEqual(d0);
    await kv.fill('8');
    await kv.press('Enter');
    await expect.poll(async () => JSON.stringify(await ed.design())).toContain('"nKvHeads":8');
  });

  test('reload restores the design', async ({ page }) => {
    await ed.applyRatio(1, 3, 20);
    const d1 = await ed.design();
    await page.reload();
    await ed.ready();
    expect(await ed.design()).toEqual(d1);
  });

  test('a corrupted autosave starts the default design and says so', async ({ page }) => {
    await page.evaluate(() => localStorage.setItem('hybrid-explorer', '{"state": {"design": [broken'));
    await page.reload();
    await ed.ready();
    await expect(page.getByTestId('notice-error')).toContainText('could not be read');
    expect((await ed.design()).name).toBe('Jamba-v0.1');
    await page.evaluate(() => localStorage.setItem('hybrid-explorer', JSON.stringify({ state: { design: { format: 'hybrid-arch/1', name: 'x' } }, version: 1 })));
    await page.reload();
    await ed.ready();
    await expect(page.getByTestId('notice-error')).toContainText('not valid');
    expect((await ed.design()).name).toBe('Jamba-v0.1');
  });

  test('the share URL opens the same design in a new page; a malformed link loads nothing', async ({ page, browser }) => {
    await ed.loadPreset('zamba-7b');
    await ed.applyRatio(1, 5, 30);
    const d1 = await ed.design();
    await page.getByTestId('share').click();
    const url = await page.getByTestId('share-url').inputValue();
    expect(url).toContain('#v=1&d=');
    const ctx = await browser.newContext();
    const other = await ctx.newPage();
    await other.goto(url);
    const ed2 = new EditorPage(other);
    await ed2.ready();
    expect(await ed2.design()).toEqual(d1);
    const bad = await ctx.newPage();
    await bad.goto(url.replace(/d=.*/, 'd=eJzLSM3JyVcozy_KSQEAGgQEXQ'));
    const ed3 = new EditorPage(bad);
    await ed3.ready();
    await expect(bad.getByTestId('notice-error')).toContainText('shared link could not be opened');
    expect(await ed3.design()).toEqual(d1);
    await ctx.close();
  });

  test('export JSON then import round-trips; a bad file shows an error and changes nothing', async ({ page }) => {
    await ed.loadPreset('mamba2-hybrid-8b');
    const d1 = await ed.design();
    await page.getByTestId('export-menu').click();
    const [dl] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-json').click()]);
    expect(dl.suggestedFilename()).toMatch(/\.json$/);
    const text = await readFile((await dl.path())!, 'utf8');
    await ed.loadPreset('llama-2-7b');
    expect((await ed.design()).name).not.toBe(d1.name);
    await page.getByTestId('import-json').setInputFiles({ name: 'design.json', mimeType: 'application/json', buffer: Buffer.from(text) });
    await expect.poll(() => ed.design()).toEqual(d1);

    const bad = JSON.stringify({ ...d1, dModel: -4 });
    await page.getByTestId('import-json').setInputFiles({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from(bad) });
    await expect(page.getByTestId('notice-error')).toContainText('dModel');
    expect(await ed.design()).toEqual(d1);
    await page.getByTestId('import-json').setInputFiles({ name: 'junk.json', mimeType: 'application/json', buffer: Buffer.from('{not json') });
    await expect(page.getByTestId('notice-error').last()).toContainText('malformed JSON');
    expect(await ed.design()).toEqual(d1);
    await expect(page.evaluate(() => (window as any).hybridExplorer.loadDesign({ format: 'hybrid-arch/1' }))).rejects.toThrow(/invalid design/);
    expect(await ed.design()).toEqual(d1);
  });

  test('exports the graph as SVG and PNG, and HF config.json where expressible', async ({ page }) => {
    await page.getByTestId('export-menu').click();
    const [svg] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-graph-svg').click()]);
    const svgText = await readFile((await svg.path())!, 'utf8');
    expect(svgText).toContain('<svg');
    expect(svgText).toContain('Jamba block × 4');
    await page.getByTestId('export-menu').click();
    const [png] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-graph-png').click()]);
    const bytes = await readFile((await png.path())!);
    expect([...bytes.subarray(1, 4)].map((b) => String.fromCharCode(b)).join('')).toBe('PNG');
    await page.getByTestId('export-menu').click();
    const [hf] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-hf').click()]);
    const cfg = JSON.parse(await readFile((await hf.path())!, 'utf8'));
    expect(cfg.model_type).toBe('jamba');
    await ed.loadPreset('stripedhyena-7b');
    await page.getByTestId('export-menu').click();
    await expect(page.getByTestId('export-hf')).toBeDisabled();
  });

  test('each preset opens', async ({ page }) => {
    const options = await page.getByTestId('preset-select').locator('option').evaluateAll((os) =>
      (os as HTMLOptionElement[]).filter((o) => o.value && !o.disabled).map((o) => ({ value: o.value, text: o.textContent ?? '' })),
    );
    expect(options.length).toBeGreaterThanOrEqual(11);
    const times: string[] = [];
    for (const o of options) {
      const t0 = Date.now();
      await ed.loadPreset(o.value);
      await expect(page.getByTestId('canvas').locator('[data-testid="layer-node"], [data-testid="group-node"]').first(), o.value).toBeVisible();
      times.push(`${o.value} ${Date.now() - t0} ms`);
      const layers = await ed.layers();
      expect(layers.length, o.value).toBeGreaterThan(0);
      const drawn = await page.getByTestId('layer-node').count();
      const grouped = await page.getByTestId('group-node').evaluateAll((els) => els.reduce((a, e) => a + Number(e.getAttribute('data-layers')), 0));
      expect(drawn + grouped, `${o.value}: layer-nodes + layers in collapsed groups`).toBe(layers.length);
      await expect(page.getByTestId('strip-cell')).toHaveCount(layers.length);
    }
    // Printed, never asserted: wall-clock time depends on the machine.
    console.log(`time to first node after choosing a preset (includes Playwright round trips): ${times.join(', ')}`);
  });
});

test.describe('editor chrome', () => {
  test('metrics explain themselves on hover; theme toggles; help lists the shortcuts; the strip selects a layer', async ({ page }) => {
    const ed = new EditorPage(page);
    await ed.openFresh();
    await page.getByTestId('metric-kv').hover();
    await expect(page.getByRole('tooltip')).toContainText('KV');
    await page.getByTestId('metric-params-total').hover();
    await expect(page.getByRole('tooltip')).toContainText('embedding');
    const before = await page.evaluate(() => document.documentElement.dataset.theme);
    await page.getByTestId('theme-toggle').click();
    await page.getByTestId('theme-toggle').click();
    const after = await page.evaluate(() => document.documentElement.dataset.theme);
    expect(after).not.toBe(before);
    await page.locator('body').press('?');
    await expect(page.getByTestId('help-dialog')).toContainText('Ctrl/⌘ D');
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('help-dialog')).toBeHidden();
    await page.getByTestId('strip-cell').nth(12).click();
    await expect(ed.layerNode(12)).toBeVisible();
    await expect(ed.layerNode(12)).toHaveAttribute('data-mixer', 'attention');
    await expect(page.getByTestId('inspector-mixer-kind')).toHaveValue('attention');
  });

  test('the cost dtype and the sequence length of interest drive the metrics', async ({ page }) => {
    const ed = new EditorPage(page);
    await ed.openFresh();
    const w16 = await ed.metricValue('weights');
    const kv256k = await ed.metricValue('kv');
    await page.getByTestId('setting-dtype').selectOption('fp32');
    await expect.poll(() => ed.metricValue('weights')).toBe(2 * w16);
    await page.getByTestId('setting-dtype').selectOption('design');
    await page.getByTestId('setting-seqlen').selectOption('4096');
    await expect.poll(() => ed.metricValue('kv')).toBe(kv256k / 64);
    await expect(page.getByText('KV cache @4,096')).toBeVisible();
  });

  test('a file dropped on the window is imported; a bad one is refused with its message', async ({ page }) => {
    const ed = new EditorPage(page);
    await ed.openFresh();
    const drop = async (name: string, text: string) =>
      page.evaluate(
        ([n, t]) => {
          const dt = new DataTransfer();
          dt.items.add(new File([t!], n!, { type: 'application/json' }));
          window.dispatchEvent(new DragEvent('dragenter', { dataTransfer: dt, bubbles: true }));
          window.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
        },
        [name, text],
      );
    const d0 = await ed.design();
    await drop('bad.json', JSON.stringify({ ...d0, layers: [] }));
    await expect(page.getByTestId('notice-error')).toContainText('layers');
    expect(await ed.design()).toEqual(d0);
    const hf = { model_type: 'mistral', vocab_size: 32000, hidden_size: 4096, intermediate_size: 14336, num_hidden_layers: 4, num_attention_heads: 32, num_key_value_heads: 8, sliding_window: 4096, max_position_embeddings: 32768 };
    await drop('config.json', JSON.stringify(hf));
    await expect.poll(async () => (await ed.layers()).length).toBe(4);
    expect((await ed.layers()).every((l) => l.mixer === 'attention')).toBe(true);
  });
});

test('the Zamba shared block is one node wired to its call sites and is edited once for all of them', async ({ page }) => {
  const ed = new EditorPage(page);
  await ed.openFresh();
  await ed.loadPreset('zamba-7b');
  await expect(page.getByTestId('shared-node')).toHaveCount(1);
  const shared = (await ed.layers()).filter((l) => l.mixer === 'shared').length;
  expect(shared).toBe(13);
  const edges = await page.locator('.react-flow__edge').evaluateAll((els) => els.filter((e) => (e.getAttribute('data-id') ?? e.getAttribute('data-testid') ?? '').includes('s-shared')).length);
  expect(edges).toBeGreaterThan(0);
  const total0 = await ed.metricValue('params-total');
  await page.getByTestId('shared-node').click();
  const width = page.getByTestId('shared-inspector').getByTestId('inspector-width');
  await width.fill('7424');
  await width.press('Enter');
  await expect.poll(() => ed.metricValue('params-total')).toBeLessThan(total0);
  await page.getByTestId('undo').click();
  await expect.poll(() => ed.metricValue('params-total')).toBe(total0);
});

test('the charts region resizes by its top edge and collapses', async ({ page }) => {
  const ed = new EditorPage(page);
  await ed.openFresh();
  const region = page.getByRole('region', { name: 'Charts region' });
  const h0 = (await region.boundingBox())!.height;
  const edge = (await page.getByTestId('charts-resizer').boundingBox())!;
  await page.mouse.move(edge.x + 200, edge.y + edge.height / 2);
  await page.mouse.down();
  await page.mouse.move(edge.x + 200, edge.y - 60, { steps: 5 });
  await page.mouse.up();
  await expect.poll(async () => (await region.boundingBox())!.height).toBeGreaterThan(h0 + 40);
  await page.getByTestId('charts-toggle').click();
  await expect.poll(async () => (await region.boundingBox())!.height).toBeLessThan(40);
  await expect(page.getByTestId('charts-panel')).toBeHidden();
  await page.getByTestId('charts-toggle').click();
  await expect(page.getByTestId('charts-panel')).toBeVisible();
});

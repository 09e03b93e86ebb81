import { expect, test, type Page } from '@playwright/test';
import { EditorPage } from './editorPage';

/**
 * MLA and the attention options in real Chromium (issue 9): drag MLA from the palette, edit its fields (a bad value is
 * refused with the field's message and the design stays as it was), toggle the attention options in the inspector,
 * run a tiny sweep on wasm and see it in the charts; screenshots of the palette with MLA and of the attention options
 * (SCREENS_DIR, default test-results/screens), light and dark, at 1440×900 and 1024×768.
 */

/** A small hybrid so the tiny wasm sweep stays quick: Mamba-2, attention with RoPE (layer 1, in view), Mamba-2 ×2. */
const SMALL = {
  format: 'hybrid-arch/1',
  name: 'MLA e2e',
  vocabSize: 1000,
  dModel: 512,
  maxContext: 32768,
  layers: [
    { mixer: { kind: 'mamba2', dState: 64, headDim: 64, nGroups: 1, dConv: 4, expand: 2 }, ffn: { kind: 'mlp', width: 1024 } },
    { mixer: { kind: 'attention', nHeads: 8, nKvHeads: 2, headDim: 64 }, ffn: { kind: 'mlp', width: 1024 } },
    { mixer: { kind: 'mamba2', dState: 64, headDim: 64, nGroups: 1, dConv: 4, expand: 2 }, ffn: { kind: 'mlp', width: 1024 } },
    { mixer: { kind: 'mamba2', dState: 64, headDim: 64, nGroups: 1, dConv: 4, expand: 2 }, ffn: { kind: 'mlp', width: 1024 } },
  ],
};

type Mixer = Record<string, unknown> & { kind: string };
const mixers = async (ed: EditorPage): Promise<Mixer[]> => ((await ed.design()).layers as { mixer: Mixer }[]).map((l) => l.mixer);

async function openSmall(page: Page): Promise<EditorPage> {
  const ed = new EditorPage(page);
  await ed.openFresh();
  await ed.loadDesign(SMALL);
  await expect.poll(async () => (await ed.design()).name).toBe('MLA e2e');
  await ed.expandAll();
  return ed;
}

test('MLA from the palette: drop, edit (bad values refused with the field named), the ratio tool offers it, a tiny wasm sweep shows in the charts', async ({ page }) => {
  const ed = await openSmall(page);
  const palette = ed.palette('mla');
  await expect(page.getByTestId('palette-group-attention').getByTestId('palette-mla')).toBeVisible();
  await expect(palette).toContainText('MLA');

  // Drop MLA on the attention layer: its mixer becomes MLA, sized for d = 512; the KV cache shrinks.
  const kvBefore = await ed.metricValue('kv');
  await ed.dropBlock('mla', ed.layerNode(1));
  await expect.poll(async () => (await mixers(ed))[1]?.kind).toBe('mla');
  const m = (await mixers(ed))[1]!;
  expect(m).toMatchObject({ nHeads: 4, kvLoraRank: 128, qLoraRank: null, qkNopeHeadDim: 128, qkRopeHeadDim: 64, vHeadDim: 128, positional: 'rope' });
  const kvAfter = await ed.metricValue('kv');
  expect(kvAfter).toBeLessThan(kvBefore); // (128 + 64) per token vs 2 × 2 × 64
  await expect(page.getByTestId('strip-cell').nth(1)).toContainText('C');

  // Edit its fields in the inspector.
  await ed.layerNode(1).click();
  const d0 = await ed.design();
  const rank = page.getByTestId('inspector-kvLoraRank');
  await rank.fill('1000');
  await expect(page.getByRole('alert').filter({ hasText: 'kvLoraRank 1000 is larger than the width dModel 512' })).toBeVisible();
  await rank.press('Enter');
  expect(await ed.design()).toEqual(d0);
  await rank.fill('96');
  await rank.press('Enter');
  await expect.poll(async () => (await mixers(ed))[1]?.kvLoraRank).toBe(96);

  const rope = page.getByTestId('inspector-qkRopeHeadDim');
  await rope.fill('33');
  await expect(page.getByRole('alert').filter({ hasText: 'qkRopeHeadDim 33 must be even with RoPE' })).toBeVisible();
  await rope.press('Enter');
  expect((await mixers(ed))[1]?.qkRopeHeadDim).toBe(64);
  await rope.fill('32');
  await rope.press('Enter');
  const q = page.getByTestId('inspector-qLoraRank');
  await q.fill('192');
  await q.press('Enter');
  await expect.poll(async () => (await mixers(ed))[1]).toMatchObject({ kind: 'mla', kvLoraRank: 96, qkRopeHeadDim: 32, qLoraRank: 192 });
  await page.getByLabel('Positional').selectOption('none');
  await expect.poll(async () => (await mixers(ed))[1]?.positional).toBe('none');
  expect(await ed.metricValue('kv')).toBe(262_144 * (96 + 32) * 2); // one MLA layer at the default 262,144 tokens of interest, bf16

  // Drag MLA between layers too: a new layer, and the ratio tool offers it as the attention side.
  await ed.dropBlock('mla', page.getByTestId('io-node').filter({ hasText: 'Final norm' }));
  await expect.poll(async () => (await ed.layers()).length).toBe(5);
  expect((await ed.layers())[4]?.mixer).toBe('mla');
  await page.getByTestId('ratio-open').click();
  await expect(page.getByTestId('ratio-attn-kind').locator('option[value="mla"]')).toHaveCount(1);
  await page.keyboard.press('Escape');

  // A tiny sweep on wasm through the worker; it shows in the throughput and memory charts.
  await page.getByTestId('run-seqlens').fill('16, 32');
  await page.getByTestId('run-backend-select').selectOption('wasm');
  await page.getByTestId('run-profile-select').selectOption('tiny');
  await page.getByTestId('run-start').click();
  await expect(page.getByTestId('run-backend')).toHaveText('wasm', { timeout: 60_000 });
  await expect(page.getByTestId('run-progress')).toBeHidden({ timeout: 120_000 });
  await page.getByTestId('tab-throughput').click();
  await expect(page.getByTestId('chart-throughput').locator('.recharts-line-dots > *')).toHaveCount(2);
  await page.getByTestId('tab-memory').click();
  await page.getByRole('radio', { name: 'Run profile' }).click();
  // KV and state, measured at each of the two lengths.
  await expect(page.getByTestId('chart-memory').locator('.recharts-line-dots circle')).toHaveCount(4);
});

test('attention options in the inspector: output gate, q/k norm, RoPE fraction (a bad fraction refused with its message)', async ({ page }) => {
  const ed = await openSmall(page);
  await ed.layerNode(1).click();
  const params0 = await ed.metricValue('params-total');
  await page.getByLabel('Output gate').check();
  await expect.poll(async () => (await mixers(ed))[1]?.outputGate).toBe(true);
  // q_proj doubles: + H·hd × d = 8·64 × 512 parameters.
  await expect.poll(() => ed.metricValue('params-total')).toBe(params0 + 8 * 64 * 512);
  await page.getByLabel('Q/K norm').check();
  await expect.poll(async () => (await mixers(ed))[1]?.qkNorm).toBe(true);
  await expect.poll(() => ed.metricValue('params-total')).toBe(params0 + 8 * 64 * 512 + 2 * 64);

  const d0 = await ed.design();
  const frac = page.getByTestId('inspector-ropeFraction');
  await expect(frac).toHaveValue('');
  await expect(frac).toHaveAttribute('placeholder', '1 (all dims)');
  await frac.fill('0.3');
  await expect(page.getByRole('alert').filter({ hasText: 'ropeFraction 0.3 rotates 19.2 of the 64 head dims' })).toBeVisible();
  await frac.press('Enter');
  expect(await ed.design()).toEqual(d0);
  await frac.fill('0.25');
  await frac.press('Enter');
  await expect.poll(async () => (await mixers(ed))[1]).toMatchObject({ outputGate: true, qkNorm: true, ropeFraction: 0.25 });
  await expect(page.getByTestId('canvas')).toContainText('gated qk-norm RoPE 16/64');
  // Emptying the field removes the key again: full rotary.
  await frac.fill('');
  await frac.press('Enter');
  await expect.poll(async () => 'ropeFraction' in (await mixers(ed))[1]!).toBe(false);
  await expect(page.getByTestId('canvas')).not.toContainText('RoPE 16/64');
  await page.getByLabel('Output gate').uncheck();
  await expect.poll(async () => (await mixers(ed))[1]?.outputGate).toBe(false);
});

for (const [w, h] of [
  [1440, 900],
  [1024, 768],
] as const) {
  for (const theme of ['light', 'dark'] as const) {
    test(`screenshot: palette with MLA and an MLA layer selected, then the attention options, ${theme} ${w}x${h}`, async ({ page }) => {
      await page.setViewportSize({ width: w, height: h });
      await page.emulateMedia({ colorScheme: theme });
      const ed = await openSmall(page);
      await ed.dropBlock('mla', ed.layerNode(2));
      await expect.poll(async () => (await mixers(ed))[2]?.kind).toBe('mla');
      await ed.layerNode(2).click();
      await page.waitForTimeout(300);
      await expect(ed.palette('mla')).toBeVisible();
      await page.screenshot({ path: `${process.env.SCREENS_DIR ?? 'test-results/screens'}/mla-palette-${theme}-${w}x${h}.png` });
      // The attention layer's inspector with the new options in view.
      await ed.layerNode(1).click();
      await page.getByLabel('Output gate').check();
      await page.getByTestId('inspector-ropeFraction').scrollIntoViewIfNeeded();
      await page.waitForTimeout(200);
      await page.screenshot({ path: `${process.env.SCREENS_DIR ?? 'test-results/screens'}/attention-options-${theme}-${w}x${h}.png` });
    });
  }
}

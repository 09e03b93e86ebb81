import { expect, test, type Page } from '@playwright/test';
import { deflateSync } from 'fflate';
import { getPreset } from '../src/models/presets';
import { encodeShareHash } from '../src/app/shareLink';
import { encodeComparison } from '../src/components/charts/compareShare';
import { DEFAULT_CHART_SETTINGS, addPins } from '../src/app/slices/compareSlice';
import { EditorPage } from './editorPage';

/**
 * Issue 13 audit, in the browser: hostile share links, import files and autosaves never blank or freeze the page;
 * each gets a visible notice with the design unchanged, and a refused run does not keep saying "Choosing a backend…".
 */

type Api = { hybridExplorer: { getPinned: () => { name: string }[] } };
const deepText = (n: number) => '['.repeat(n) + ']'.repeat(n);
/** A share-link payload: the text deflated and base64url-encoded (as the app writes it). */
const pack = (text: string) => Buffer.from(deflateSync(new TextEncoder().encode(text), { level: 9 })).toString('base64url');
const getPinned = (page: Page) => page.evaluate(() => (window as unknown as Api).hybridExplorer.getPinned());

let ed: EditorPage;
test.beforeEach(async ({ page }) => {
  ed = new EditorPage(page);
  await page.goto('/');
  await page.evaluate(() => localStorage.clear());
});

/** Opens `hash` on a fresh page load (the link typed into the address bar). */
async function openLink(page: Page, hash: string) {
  await page.goto('about:blank');
  await page.goto(`/${hash}`);
}

test('a 95-character share link holding a 5,000-level design: the editor draws, a notice says why, the hash is cleared', async ({ page }) => {
  const hash = `#v=1&d=${pack(`{"format":"hybrid-arch/1","layers":${deepText(5000)}}`)}`;
  expect(hash.length).toBeLessThan(120);
  await openLink(page, hash);
  await ed.ready();
  await expect(page.getByTestId('notice-error')).toContainText('nested more than 64 levels deep');
  expect((await ed.design()).name).toBe('Jamba-v0.1');
  expect(new URL(page.url()).hash).toBe('');
  await page.reload();
  await ed.ready();
});

test('a comparison (&c=) holding a 5,000-level pinned design: reported, nothing pinned, the page draws', async ({ page }) => {
  const c = pack(`{"v":1,"settings":{},"pins":[{"design":{"format":"hybrid-arch/1","layers":${deepText(5000)}},"origin":"file","color":"#123456"}]}`);
  await openLink(page, `${encodeShareHash(getPreset('zamba-7b')!.design)}&c=${c}`);
  await ed.ready();
  await expect(page.getByTestId('notice-error')).toContainText('The comparison in this link was not loaded');
  await expect(page.getByTestId('notice-error')).toContainText('nested more than 64 levels deep');
  expect((await ed.design()).name).toBe('Zamba-7B-v1'); // the design part was fine and is loaded
  expect(await getPinned(page)).toEqual([]);
  expect(new URL(page.url()).hash).toBe('');
});

test('#v=1&v=2&d=… is an error, not silently ignored', async ({ page }) => {
  await openLink(page, `#v=1&v=2&d=${encodeShareHash(getPreset('zamba-7b')!.design).split('&d=')[1]}`);
  await ed.ready();
  await expect(page.getByTestId('notice-error')).toContainText('the link gives "v=" 2 times');
  expect((await ed.design()).name).toBe('Jamba-v0.1');
});

test('a comparison link pasted into an open tab is applied (hashchange)', async ({ page }) => {
  await ed.ready();
  const pins = addPins([], [getPreset('llama-2-7b')!.design, getPreset('mamba-2.8b')!.design].map((design) => ({ design, origin: 'preset' as const }))).pinned;
  const hash = `${encodeShareHash(getPreset('zamba-7b')!.design)}&c=${encodeComparison(pins, { ...DEFAULT_CHART_SETTINGS, view: 'state' })}`;
  await page.evaluate((h) => (location.hash = h), hash);
  await expect(page.getByTestId('chart-state')).toBeVisible();
  await expect.poll(async () => (await getPinned(page)).map((p) => p.name)).toEqual(['Llama-2-7B', 'Mamba-2.8B']);
  expect((await ed.design()).name).toBe('Zamba-7B-v1');
  await expect.poll(() => new URL(page.url()).hash).toBe('');
});

test('import files: 5,000 levels deep, or an HF config of a million layers, get a notice; the design is unchanged', async ({ page }) => {
  await ed.ready();
  const input = page.getByTestId('import-json');
  await input.setInputFiles({ name: 'deep.json', mimeType: 'application/json', buffer: Buffer.from(`{"format":"hybrid-arch/1","layers":${deepText(5000)}}`) });
  await expect(page.getByTestId('notice-error').filter({ hasText: 'deep.json was not imported' })).toContainText('nested more than 64 levels deep');
  await input.setInputFiles({ name: 'zamba.json', mimeType: 'application/json', buffer: Buffer.from('{"model_type":"zamba","num_hidden_layers":1000000}') });
  await expect(page.getByTestId('notice-error').filter({ hasText: 'zamba.json was not imported' })).toContainText('num_hidden_layers: must be at most 1024, got 1000000');
  expect((await ed.design()).name).toBe('Jamba-v0.1');
});

test('an autosave with hostile fields: what is valid is restored, the rest is named in a notice, the page works', async ({ page }) => {
  // (1,000 pins cut to 64 before validation: src/app/hostileApp.test.ts; 64 pins take long to draw on a 2-core CI.)
  const kept = { ...getPreset('llama-2-7b')!.design, name: 'Kept design' };
  const pin = getPreset('mamba-2.8b')!.design;
  const state = {
    design: kept,
    theme: 'dark',
    seqLen: 4096.5,
    chartsHeight: 1e9,
    budgetBytes: 80 * 2 ** 30,
    pinned: [{ design: pin, origin: 'file', color: '#123456' }, { design: { ...pin, layers: 'x' }, origin: 'file', color: '#654321' }],
  };
  await page.evaluate((s) => localStorage.setItem('hybrid-explorer', JSON.stringify({ state: s, version: 1 })), state);
  await page.reload();
  await ed.ready();
  const notice = page.getByTestId('notice-error').filter({ hasText: 'Some autosaved values could not be used' });
  await expect(notice).toContainText('seqLen (must be an integer from 1 to 1073741824 tokens, got 4096.5)');
  await expect(notice).toContainText('chartsHeight (must be 0 (automatic) or a whole number of px from 120 to');
  await expect(notice).toContainText('pinned (1 pinned design is not valid and was dropped)');
  expect((await ed.design()).name).toBe('Kept design');
  expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
  expect((await getPinned(page)).map((p) => p.name)).toEqual(['Mamba-2.8B']);
  expect(Number.isFinite(await ed.metricValue('kv'))).toBe(true);
  const region = (await page.getByLabel('Charts region').boundingBox())!;
  expect(region.height).toBeLessThan(page.viewportSize()!.height - 200);
});

test('a deeply nested autosaved design is dropped with a notice; the other settings are kept', async ({ page }) => {
  const text = `{"state":{"design":{"format":"hybrid-arch/1","layers":${deepText(5000)}},"theme":"dark","seqLen":8192},"version":1}`;
  await page.evaluate((t) => localStorage.setItem('hybrid-explorer', t), text);
  await page.reload();
  await ed.ready();
  await expect(page.getByTestId('notice-error')).toContainText(/design \(not valid: layers\[0\]\[0\].*nested more than 64 levels deep/);
  expect((await ed.design()).name).toBe('Jamba-v0.1');
  expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
  await expect(page.getByTestId('setting-seqlen')).toHaveValue('8192');
});

test('a refused run says why and does not keep saying "Choosing a backend…"', async ({ page }) => {
  await ed.ready();
  await page.getByTestId('run-seqlens').fill('32768');
  await page.getByTestId('run-start').click();
  await expect(page.getByTestId('run-error')).toContainText('run refused: seqLen 32768 needs an estimated');
  await expect(page.locator('.hx-run')).not.toContainText('Choosing a backend');
  await expect(page.getByTestId('run-start')).toBeEnabled();
});

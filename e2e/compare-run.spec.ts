import { expect, test, type Page } from '@playwright/test';

/**
 * Running a pinned design from the compare table: the same run settings and worker as the run panel, the result
 * stored under the pinned design (not the current one), shown in its column and on the throughput chart with its
 * name, backend and profile; one run at a time; cancel keeps the points. Kept small (wasm, tiny profile): CI has 2 cores.
 */

interface RunView {
  status: string;
  backend: string | null;
  profile: { name: string };
  seqLens: number[];
  points: { seqLen: number; prefillTokensPerSec: number; decodeMsPerToken: number }[];
}
interface DesignRunsView {
  designKey: string;
  designName: string;
  isCurrent: boolean;
  runs: RunView[];
}
type Api = { hybridExplorer: { getRuns: () => DesignRunsView[]; getPinned: () => { id: string; name: string }[] } };

const getRuns = (page: Page) => page.evaluate(() => (window as unknown as Api).hybridExplorer.getRuns());
const getPinned = (page: Page) => page.evaluate(() => (window as unknown as Api).hybridExplorer.getPinned());
const runsOf = async (page: Page, key: string) => (await getRuns(page)).find((d) => d.designKey === key) ?? null;
/** The threads a run uses here (every core, at most tfjs's 8): shown beside the backend. */
const threadsHere = (page: Page) => page.evaluate(() => Math.min(navigator.hardwareConcurrency || 1, 8));
const threadWords = (n: number) => `${n} thread${n === 1 ? '' : 's'}`;

async function setUp(page: Page, lengths: string) {
  await page.goto('/');
  await page.evaluate(() => localStorage.clear());
  await page.goto('/');
  await page.getByTestId('run-seqlens').fill(lengths);
  await page.getByTestId('run-backend-select').selectOption('wasm');
  await page.getByTestId('run-profile-select').selectOption('tiny');
  await page.getByTestId('compare-ratios').click();
  const pinned = await getPinned(page);
  expect(pinned).toHaveLength(5);
  return pinned;
}

/** The compare-table cell of `row` in the column of the design with key `key`. */
async function cell(page: Page, row: string, key: string) {
  const table = page.getByTestId('compare-table');
  const col = await table.locator('thead th').evaluateAll((ths, k) => ths.findIndex((th) => th.getAttribute('data-design-key') === k), key);
  expect(col).toBeGreaterThan(0);
  return table.locator(`tr[data-row="${row}"] > *`).nth(col);
}

test('Run on a pinned column measures that design with the run settings and shows it under its name', async ({ page }) => {
  const pinned = await setUp(page, '64, 128');
  const target = pinned.find((p) => p.name.endsWith('(1:3)'))!;
  await page.getByRole('button', { name: `Run ${target.name}`, exact: true }).click();
  await expect.poll(async () => (await runsOf(page, target.id))?.runs.at(-1)?.status, { timeout: 90_000 }).toBe('done');

  const stored = (await runsOf(page, target.id))!;
  expect(stored.isCurrent).toBe(false);
  expect(stored.designName).toBe(target.name);
  const run = stored.runs.at(-1)!;
  expect(run).toMatchObject({ backend: 'wasm', profile: { name: 'tiny' }, seqLens: [64, 128] });
  expect(run.points.map((p) => p.seqLen)).toEqual([64, 128]);
  for (const p of run.points) expect(p.prefillTokensPerSec).toBeGreaterThan(0);
  // Nothing was stored under the current design or any other pin.
  expect((await getRuns(page)).map((d) => d.designKey)).toEqual([target.id]);

  // The table shows the measured numbers in the pinned design's column, with the backend, threads and profile.
  const n = await threadsHere(page);
  await expect(await cell(page, 'measured-on', target.id)).toHaveText(`wasm ×${n} · tiny`);
  const prefill = await cell(page, 'prefill', target.id);
  await expect(prefill).toHaveAttribute('data-exact', new RegExp(`^${run.points[1]!.prefillTokensPerSec.toFixed(1)} tokens/s on wasm, ${threadWords(n)}, tiny profile$`));
  for (const other of pinned.filter((p) => p.id !== target.id)) await expect(await cell(page, 'prefill', other.id)).toHaveText('—');

  // The throughput chart draws its points, labelled with its name, backend and profile.
  await page.getByTestId('tab-throughput').click();
  const chart = page.getByTestId('chart-throughput');
  await expect(chart.getByTestId('throughput-legend')).toHaveCount(1);
  await expect(chart.getByTestId('throughput-legend')).toContainText(`${target.name} · measured on wasm, ${threadWords(n)} · tiny profile`);
  await expect(chart.locator('.recharts-line-dots > *')).toHaveCount(2);

  // Stored per design: it survives a reload.
  await page.reload();
  await expect(await cell(page, 'measured-on', target.id)).toHaveText(`wasm ×${n} · tiny`);
  expect((await runsOf(page, target.id))!.runs.at(-1)!.points).toEqual(run.points);
});

test('one run at a time; Cancel in the table stops a pinned run at once and keeps its points', async ({ page }) => {
  const pinned = await setUp(page, '64, 1024, 2048, 4096');
  const target = pinned.find((p) => p.name.endsWith('(1:1)'))!;
  const other = pinned.find((p) => p.name.endsWith('(1:7)'))!;
  const runButton = page.getByRole('button', { name: `Run ${target.name}`, exact: true });
  await runButton.scrollIntoViewIfNeeded();
  const before = (await runButton.boundingBox())!;
  await runButton.click();
  await expect(page.getByTestId('compare-run-progress')).toBeVisible();
  // Cancel takes the place of the Run button just clicked: nothing above it moves when a run starts.
  const cancelBox = (await page.getByTestId('compare-cancel').boundingBox())!;
  expect(Math.abs(cancelBox.y + cancelBox.height / 2 - (before.y + before.height / 2))).toBeLessThanOrEqual(1);

  // While it runs: the panel and the table say which design runs, and no other run can start.
  await expect(page.getByTestId('compare-run-status')).toContainText(target.name);
  await expect(page.getByTestId('run-design')).toContainText(target.name);
  await expect(page.getByTestId('run-start')).toBeDisabled();
  await expect(page.getByRole('button', { name: `Run ${other.name}`, exact: true })).toBeDisabled();

  await expect.poll(async () => (await runsOf(page, target.id))?.runs.at(-1)?.points.length ?? 0, { timeout: 90_000 }).toBeGreaterThanOrEqual(1);
  await expect(page.getByTestId('compare-run-progress')).toBeVisible();
  await page.getByTestId('compare-cancel').click();
  await expect(page.getByTestId('compare-run-progress')).toBeHidden({ timeout: 1000 });
  await expect(page.getByTestId('compare-run-status')).toBeHidden();
  const run = (await runsOf(page, target.id))!.runs.at(-1)!;
  expect(run.status).toBe('cancelled');
  const kept = run.points.length;
  expect(kept).toBeGreaterThanOrEqual(1);
  expect(kept).toBeLessThan(4);
  await page.waitForTimeout(1500);
  expect((await runsOf(page, target.id))!.runs.at(-1)!.points.length).toBe(kept);

  // The kept points show in its column and on the chart, marked cancelled; Run is offered again everywhere.
  const n = await threadsHere(page);
  await expect(await cell(page, 'measured-on', target.id)).toHaveText(`wasm ×${n} · tiny · cancelled`);
  await expect(await cell(page, 'prefill', target.id)).not.toHaveText('—');
  await page.getByTestId('tab-throughput').click();
  const legend = page.getByTestId('chart-throughput').getByTestId('throughput-legend');
  await expect(legend).toContainText(`${target.name} · measured on wasm, ${threadWords(n)} · tiny profile (d=`);
  await expect(legend).toContainText('cancelled');
  await expect(page.getByTestId('chart-throughput').locator('.recharts-line-dots > *')).toHaveCount(kept);
  await expect(page.getByTestId('compare-run')).toHaveCount(6);
  for (const b of await page.getByTestId('compare-run').all()) await expect(b).toBeEnabled();
  await expect(page.getByTestId('run-start')).toBeEnabled();
});

import { expect, test, type Page } from '@playwright/test';
import { EditorPage } from './editorPage';

/**
 * The parallel block kind (Falcon-H1 attention ∥ Mamba-2, Hymba mean-norm) and the FFN options (MoE router, shared
 * experts), in real Chromium: drag from the palette, edit with the kinds' own fields (a bad value refused with the
 * field's message), a tiny sweep on wasm seen in the charts; screenshots of the palette and of a Falcon-H1-style
 * stack (SCREENS_DIR, else test-results/screens). Kept small: CI has 2 cores.
 */

interface RunView {
  status: string;
  backend: string | null;
  profile: { name: string };
  points: { seqLen: number; prefillTokensPerSec: number; decodeMsPerToken: number; kvCacheBytes: number; stateBytes: number }[];
}
type Api = { hybridExplorer: { getRuns: () => { isCurrent: boolean; runs: RunView[] }[] } };
const latestRun = async (page: Page) => (await page.evaluate(() => (window as unknown as Api).hybridExplorer.getRuns())).find((d) => d.isCurrent)?.runs.at(-1) ?? null;

const mixerOf = (ed: EditorPage, i: number) => ed.page.evaluate((k) => (window as any).hybridExplorer.getDesign().layers.flatMap((it: any) => ('repeat' in it ? Array.from({ length: it.repeat }, () => it.layers).flat() : [it]))[k]?.mixer, i);

/** A Falcon-H1-0.5B-style stack (hybrids-2026.md §5): 36 × (attention 8/2 ∥ Mamba-2 24 × 64, d_state 128) + MLP. */
const falconStyle = {
  format: 'hybrid-arch/1',
  name: 'Falcon-H1-0.5B-style',
  vocabSize: 32784,
  dModel: 1024,
  tiedEmbeddings: true,
  maxContext: 16384,
  layers: [
    {
      repeat: 36,
      label: 'Falcon-H1 layer',
      layers: [
        {
          mixer: {
            kind: 'parallel',
            branches: [
              { kind: 'attention', nHeads: 8, nKvHeads: 2, headDim: 64 },
              { kind: 'mamba2', dState: 128, headDim: 64, nHeads: 24, nGroups: 1, dConv: 4, expand: 2, gatedNorm: false },
            ],
          },
          ffn: { kind: 'mlp', width: 2048 },
        },
      ],
    },
  ],
};

test.describe('parallel kind and FFN options', () => {
  let ed: EditorPage;
  test.beforeEach(async ({ page }) => {
    ed = new EditorPage(page);
    await ed.openFresh();
  });

  test('drag Parallel onto a layer, edit its combine and branches; a bad branch value is refused with its message', async ({ page }) => {
    await ed.loadPreset('llama-2-7b');
    await ed.expandAll();
    const m0 = await ed.metrics();
    expect(m0.state).toBe(0);
    await expect(ed.palette('parallel')).toContainText('Parallel');
    await expect(page.getByTestId('palette-group-composite')).toContainText('Parallel');
    await ed.dropBlock('parallel', ed.layerNode(3));
    await expect.poll(async () => (await ed.layers())[3]?.mixer).toBe('parallel');
    const p0 = (await mixerOf(ed, 3)) as { branches: { kind: string; nKvHeads?: number }[]; combine: string };
    // The kind's defaults: GQA attention (32 / 8 at d = 4096) ∥ a Falcon-H1 Mamba-2, summed.
    expect(p0.branches.map((b) => b.kind)).toEqual(['attention', 'mamba2']);
    expect(p0.branches[0]!.nKvHeads).toBe(8);
    expect(p0.combine).toBe('sum');
    await expect(ed.layerNode(3)).toContainText('Attention ∥ Mamba-2');
    const m1 = await ed.metrics();
    expect(m1.state).toBeGreaterThan(0); // the Mamba-2 branch's state is held beside the KV cache
    // The layer keeps one KV cache, now of 8 KV heads instead of Llama's 32: a quarter of that layer's KV.
    expect(m0.kv - m1.kv).toBe((m0.kv / 32) * (3 / 4));

    await ed.layerNode(3).click();
    const inspector = page.getByTestId('inspector');
    await expect(inspector.getByTestId('inspector-branches-list').getByText('Branch 2')).toBeVisible();

    // combine: sum -> mean-norm adds Hymba's two per-branch norms of d = 4096.
    await inspector.getByTestId('inspector-combine').selectOption('mean-norm');
    await expect.poll(async () => ((await mixerOf(ed, 3)) as { combine: string }).combine).toBe('mean-norm');
    expect((await ed.metrics()).params.total - m1.params.total).toBe(2 * 4096);
    await expect(ed.layerNode(3)).toContainText('(mean)');

    // A branch field, edited with the branch kind's own field: Mamba-2 d_state.
    const dState = inspector.getByTestId('inspector-branches-1-dState');
    await dState.fill('64');
    await dState.press('Enter');
    await expect.poll(async () => ((await mixerOf(ed, 3)) as { branches: { dState?: number }[] }).branches[1]!.dState).toBe(64);

    // A bad value: KV heads that do not divide the query heads. Refused with the field's message; design unchanged.
    const before = await ed.design();
    const kv = inspector.getByTestId('inspector-branches-0-nKvHeads');
    await kv.fill('5');
    await expect(inspector.getByRole('alert').filter({ hasText: 'nKvHeads 5 does not divide nHeads 32' })).toBeVisible();
    await kv.press('Enter');
    expect(await ed.design()).toEqual(before);
    await kv.press('Escape');

    // A second KV branch is refused, naming the rule; the design is unchanged.
    await inspector.getByTestId('inspector-branches-1-kind').selectOption('attention');
    await expect(inspector.getByRole('alert').filter({ hasText: 'both keep a KV cache' })).toBeVisible();
    expect(await ed.design()).toEqual(before);

    // At two branches the remove buttons are disabled; a third (Hyena) can be added, then removed again.
    await expect(inspector.getByTestId('inspector-branches-0-remove')).toBeDisabled();
    await inspector.getByTestId('inspector-branches-add').selectOption('hyena');
    await expect.poll(async () => ((await mixerOf(ed, 3)) as { branches: unknown[] }).branches.length).toBe(3);
    await expect(ed.layerNode(3)).toContainText('Attention ∥ Mamba-2 ∥ Hyena (mean)');
    await inspector.getByTestId('inspector-branches-2-remove').click();
    await expect.poll(async () => ((await mixerOf(ed, 3)) as { branches: unknown[] }).branches.length).toBe(2);
  });

  test('an MoE layer switched to a sigmoid router with a shared expert; a gate without shared experts is refused', async ({ page }) => {
    await ed.expandAll(); // Jamba-v0.1: MoE at odd layers
    await ed.layerNode(1).click();
    const inspector = page.getByTestId('inspector');
    const total0 = await ed.metricValue('params-total');
    const active0 = await ed.metricValue('params-active');
    const ffn = async () => (await ed.design()) as unknown;
    const before = await ffn();
    const gate = inspector.getByTestId('inspector-sharedExpertGate');
    await gate.click(); // refused: the box stays unchecked and says why
    await expect(inspector.getByRole('alert').filter({ hasText: 'sharedExpertGate gates the shared expert, but sharedExperts is 0' })).toBeVisible();
    await expect(gate).not.toBeChecked();
    expect(await ffn()).toEqual(before);

    await inspector.getByTestId('inspector-router').selectOption('sigmoid');
    const shared = inspector.getByTestId('inspector-sharedExperts');
    await shared.fill('1');
    await shared.press('Enter');
    await inspector.getByTestId('inspector-sharedExpertGate').check();
    const scale = inspector.getByTestId('inspector-routedScale');
    await scale.fill('0');
    await expect(inspector.getByRole('alert').filter({ hasText: 'must be greater than 0' })).toBeVisible();
    await scale.fill('2.446');
    await scale.press('Enter');
    await expect
      .poll(async () => JSON.stringify(await ed.design()))
      .toMatch(/"router":"sigmoid".*"sharedExperts":1|"sharedExperts":1.*"router":"sigmoid"/);
    const layer1 = (await page.evaluate(() => (window as any).hybridExplorer.getMetrics().cost.layers[1])) as { tensors: { name: string; shape: number[] }[] };
    expect(layer1.tensors.map((t) => t.name)).toEqual(expect.arrayContaining(['ffn.shared_experts.up_proj.weight', 'ffn.shared_expert_gate.weight']));
    // One shared expert of 14336 and its gate [1, 4096], always active: both counts grow by the same amount.
    const added = 3 * 14336 * 4096 + 4096;
    expect((await ed.metricValue('params-total')) - total0).toBe(added);
    expect((await ed.metricValue('params-active')) - active0).toBe(added);
    await expect(ed.layerNode(1)).toContainText('+1 shared');
  });

  test('a tiny sweep on wasm of a parallel + MoE-options design shows in the charts, KV and state measured', async ({ page }) => {
    const design = structuredClone(falconStyle) as typeof falconStyle & { layers: { layers: { ffn: unknown }[] }[] };
    design.layers[0]!.layers.push({
      mixer: { kind: 'parallel', combine: 'mean-norm', branches: [{ kind: 'mamba', dState: 16, dConv: 4, expand: 2 }, { kind: 'attention', nHeads: 8, nKvHeads: 2, headDim: 64, slidingWindow: 32 }] },
      ffn: { kind: 'moe', nExperts: 8, topK: 2, expertWidth: 512, activation: 'relu2', sharedExperts: 1, router: 'sigmoid', routerBias: true, routedScale: 2.5 },
    } as never);
    await ed.loadDesign(design);
    await page.getByTestId('run-seqlens').fill('16, 48');
    await page.getByTestId('run-backend-select').selectOption('wasm');
    await page.getByTestId('run-profile-select').selectOption('tiny');
    await page.getByTestId('run-start').click();
    await expect.poll(async () => (await latestRun(page))?.status, { timeout: 120_000 }).toBe('done');
    const run = (await latestRun(page))!;
    expect(run).toMatchObject({ backend: 'wasm', profile: { name: 'tiny' } });
    expect(run.points.map((p) => p.seqLen)).toEqual([16, 48]);
    for (const p of run.points) {
      expect(p.prefillTokensPerSec).toBeGreaterThan(0);
      expect(p.kvCacheBytes).toBeGreaterThan(0);
      expect(p.stateBytes).toBeGreaterThan(0);
    }
    // The KV cache grows with L (one attention branch per layer); the state does not.
    expect(run.points[1]!.kvCacheBytes).toBeGreaterThan(run.points[0]!.kvCacheBytes);
    expect(run.points[1]!.stateBytes).toBe(run.points[0]!.stateBytes);

    await page.getByTestId('tab-throughput').click();
    const chart = page.getByTestId('chart-throughput');
    await expect(chart.getByTestId('throughput-legend')).toContainText('wasm');
    await expect(chart.locator('.recharts-line-dots > *')).toHaveCount(2);
    await page.getByTestId('tab-memory').click();
    await page.getByRole('radio', { name: 'Run profile' }).click();
    await expect(page.getByTestId('chart-memory').locator('.recharts-line-dots circle')).toHaveCount(4);
  });
});

const SHOTS = process.env.SCREENS_DIR ?? 'test-results/screens';
for (const [w, h] of [
  [1440, 900],
  [1024, 768],
] as const) {
  for (const theme of ['light', 'dark'] as const) {
    test(`screenshots: palette and a Falcon-H1-style stack, ${theme} ${w}x${h}`, async ({ page }) => {
      await page.setViewportSize({ width: w, height: h });
      await page.emulateMedia({ colorScheme: theme });
      const ed = new EditorPage(page);
      await ed.openFresh();
      await ed.loadDesign(falconStyle);
      await expect(page.getByTestId('group-node')).toHaveCount(1);
      await page.getByLabel('Block palette').screenshot({ path: `${SHOTS}/parallel-palette-${theme}-${w}x${h}.png` });
      await page.getByTestId('group-node').dblclick();
      await ed.layerNode(2).click();
      await page.waitForTimeout(400);
      await page.screenshot({ path: `${SHOTS}/parallel-falcon-h1-${theme}-${w}x${h}.png` });
      // The inspector scrolled to the second branch (the Mamba-2 branch's own fields).
      await page.getByTestId('inspector-branches-1').scrollIntoViewIfNeeded();
      await page.getByRole('complementary', { name: 'Metrics and inspector' }).screenshot({ path: `${SHOTS}/parallel-inspector-${theme}-${w}x${h}.png` });
      // An MoE layer with the new routing options (a Jamba layer given a sigmoid router and a gated shared expert).
      await ed.loadPreset('jamba-v0.1');
      await ed.expandAll();
      await ed.layerNode(1).click();
      await page.getByTestId('inspector-router').selectOption('sigmoid');
      await page.getByTestId('inspector-sharedExperts').fill('1');
      await page.getByTestId('inspector-sharedExperts').press('Enter');
      await page.getByTestId('inspector-sharedExpertGate').check();
      await page.getByTestId('inspector-routerBias').scrollIntoViewIfNeeded();
      await page.getByRole('complementary', { name: 'Metrics and inspector' }).screenshot({ path: `${SHOTS}/moe-inspector-${theme}-${w}x${h}.png` });
    });
  }
}

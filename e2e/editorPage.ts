import { expect, type Locator, type Page } from '@playwright/test';

/** Page object for the editor: test ids and the window.hybridExplorer reader. */
export class EditorPage {
  constructor(readonly page: Page) {}

  /** Opens the app with an empty autosave (the default design, Jamba-v0.1). */
  async openFresh(): Promise<void> {
    await this.page.goto('/');
    await this.page.evaluate(() => localStorage.clear());
    await this.page.reload();
    await this.ready();
  }

  async ready(): Promise<void> {
    await expect(this.page.getByTestId('canvas').locator('.react-flow__node').first()).toBeVisible();
    await this.page.waitForFunction(() => !!(window as unknown as { hybridExplorer?: unknown }).hybridExplorer);
  }

  palette(kind: string): Locator {
    return this.page.getByTestId(`palette-${kind}`);
  }

  layerNode(index: number): Locator {
    return this.page.locator(`[data-testid="layer-node"][data-index="${index}"]`);
  }

  design(): Promise<Record<string, unknown>> {
    return this.page.evaluate(() => (window as any).hybridExplorer.getDesign());
  }

  /** Per-layer mixer / FFN kinds from the cost model (the honest count, whatever is collapsed on screen). */
  layers(): Promise<{ mixer: string; ffn: string }[]> {
    return this.page.evaluate(() => (window as any).hybridExplorer.getMetrics().cost.layers.map((l: any) => ({ mixer: l.mixer, ffn: l.ffn })));
  }

  metrics(): Promise<{ params: { total: number; active: number }; kv: number; state: number }> {
    return this.page.evaluate(() => {
      const m = (window as any).hybridExplorer.getMetrics();
      return { params: { total: m.cost.params.total, active: m.cost.params.active }, kv: m.at.kvCacheBytes, state: m.at.stateBytes };
    });
  }

  /** The number shown by a metric row (its exact `data-value`). */
  async metricValue(id: string): Promise<number> {
    return Number(await this.page.getByTestId(`metric-${id}`).getAttribute('data-value'));
  }

  async loadPreset(id: string): Promise<void> {
    await this.page.getByTestId('preset-select').selectOption(id);
  }

  async loadDesign(json: unknown): Promise<void> {
    await this.page.evaluate((j) => (window as any).hybridExplorer.loadDesign(j), json);
  }

  async applyRatio(a: number, m: number, layers: number): Promise<void> {
    await this.page.getByTestId('ratio-open').click();
    await this.page.getByTestId('ratio-attn').fill(String(a));
    await this.page.getByTestId('ratio-mamba').fill(String(m));
    await this.page.getByTestId('ratio-layers').fill(String(layers));
    await this.page.getByTestId('ratio-apply').click();
    await expect(this.page.getByTestId('ratio-apply')).toBeHidden();
  }

  /** Drags a palette block and drops it at the centre of `target` (an element on the canvas). */
  async dropBlock(kind: string, target: Locator): Promise<void> {
    const canvas = this.page.getByTestId('canvas');
    const c = (await canvas.boundingBox())!;
    const t = (await target.boundingBox())!;
    await this.palette(kind).dragTo(canvas, { targetPosition: { x: t.x - c.x + t.width / 2, y: t.y - c.y + t.height / 2 }, force: true });
  }

  /** Expands every collapsed group on the canvas (double-click, as a user does). */
  async expandAll(): Promise<void> {
    const groups = this.page.getByTestId('group-node');
    while ((await groups.count()) > 0) {
      await groups.first().dblclick();
    }
    await this.page.waitForTimeout(400); // the view glides to the expanded layers
  }
}

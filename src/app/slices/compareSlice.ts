import type { Design } from '../../models/schema';
import { nextSeriesColor } from '../../components/charts/seriesColors';
import { validateDesign } from '../../models/validate';
import { designKey } from './designKey';
import type { SliceCreator } from './types';

/** Where a pinned design came from (shown in the legend and table). */
export type PinOrigin = 'current' | 'preset' | 'file' | 'ratio';

/** A design pinned for comparison, with the colour it has in every chart, legend and table. */
export interface PinnedDesign {
  id: string;
  design: Design;
  color: string;
  origin: PinOrigin;
}

/** Chart settings shared by every chart (and by the share URL). The memory budget is the UI slice's `budgetBytes`. */
export interface ChartSettings {
  view: 'memory' | 'throughput' | 'state' | 'hardware';
  xScale: 'log' | 'linear';
  /** Right end of the sequence-length axis, in tokens. */
  maxSeqLen: number;
  /** Memory chart: full-size design (analytic) or the run profile (predicted vs measured bytes). */
  memoryView: 'full' | 'run';
  /** Throughput chart: measured prefill, measured decode, or analytic FLOPs per token. */
  throughputView: 'prefill' | 'decode' | 'flops';
  spread: 'minmax' | 'iqr';
  /** The L at which the table shows measured prefill/decode, in tokens. */
  tableSeqLen: number;
}

/** Chart settings of a fresh start: memory chart, log x axis up to 1M (1,000,000) tokens. */
export const DEFAULT_CHART_SETTINGS: ChartSettings = {
  view: 'memory',
  xScale: 'log',
  maxSeqLen: 1_000_000,
  memoryView: 'full',
  throughputView: 'prefill',
  spread: 'minmax',
  tableSeqLen: 512,
};

/** Pinned designs and chart settings; both persisted and part of the share URL. Owned by issue 5. */
export interface CompareSlice {
  pinned: PinnedDesign[];
  chartSettings: ChartSettings;
  /** Pins a design (a second pin of the same design is ignored); returns the pin's id. */
  pinDesign: (design: Design, origin: PinOrigin) => string;
  /** Pins several designs at once, each with its own colour; returns their ids. */
  pinDesigns: (items: { design: Design; origin: PinOrigin }[]) => string[];
  unpinDesign: (id: string) => void;
  clearPinned: () => void;
  /** Replaces the whole comparison (used when a share URL is opened). */
  setComparison: (pinned: PinnedDesign[], settings: ChartSettings) => void;
  setChartSettings: (patch: Partial<ChartSettings>) => void;
}

/** Adds pins to a list: skips designs already pinned (same key), gives each new one the next free colour. */
export function addPins(pinned: readonly PinnedDesign[], items: readonly { design: Design; origin: PinOrigin }[]): { pinned: PinnedDesign[]; ids: string[] } {
  const out = pinned.slice();
  const ids: string[] = [];
  for (const { design, origin } of items) {
    const id = designKey(design);
    if (!out.some((p) => p.id === id)) out.push({ id, design, origin, color: nextSeriesColor(out.map((p) => p.color)) });
    ids.push(id);
  }
  return { pinned: out, ids };
}

export const createCompareSlice: SliceCreator<CompareSlice> = (set, get) => ({
  pinned: [],
  chartSettings: DEFAULT_CHART_SETTINGS,
  pinDesign: (design, origin) => get().pinDesigns([{ design, origin }])[0]!,
  pinDesigns: (items) => {
    const { pinned, ids } = addPins(get().pinned, items);
    set({ pinned });
    return ids;
  },
  unpinDesign: (id) => set((s) => ({ pinned: s.pinned.filter((p) => p.id !== id) })),
  clearPinned: () => set({ pinned: [] }),
  setComparison: (pinned, chartSettings) => set({ pinned, chartSettings }),
  setChartSettings: (patch) => set((s) => ({ chartSettings: { ...s.chartSettings, ...patch } })),
});

/** Pinned designs read back from storage: each design validated again (an invalid one is dropped). */
export function sanitizePinned(v: unknown): PinnedDesign[] | undefined {
  if (!Array.isArray(v)) return undefined;
  const items: { design: Design; origin: PinOrigin }[] = [];
  for (const p of v) {
    if (p === null || typeof p !== 'object') continue;
    const r = validateDesign((p as { design?: unknown }).design);
    const origin = (p as { origin?: unknown }).origin;
    if (r.ok) items.push({ design: r.value, origin: origin === 'current' || origin === 'preset' || origin === 'file' || origin === 'ratio' ? origin : 'file' });
  }
  const colors = v.map((p) => (p && typeof p === 'object' ? (p as { color?: unknown }).color : undefined));
  // Keep stored colours where they are valid and distinct, so a reload does not repaint the comparison.
  const out: PinnedDesign[] = [];
  items.forEach((it, i) => {
    const id = designKey(it.design);
    if (out.some((q) => q.id === id)) return;
    const c = colors[i];
    const color = typeof c === 'string' && /^#[0-9a-f]{6}$/i.test(c) && !out.some((q) => q.color === c) ? c : nextSeriesColor(out.map((q) => q.color));
    out.push({ id, design: it.design, origin: it.origin, color });
  });
  return out;
}

/** Stored chart settings merged over the defaults, keeping only values of the right kind. */
export function sanitizeChartSettings(v: unknown): ChartSettings | undefined {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
  const o = v as Record<string, unknown>;
  const s = { ...DEFAULT_CHART_SETTINGS };
  const pick = <K extends keyof ChartSettings>(k: K, allowed: readonly ChartSettings[K][]) => {
    if (allowed.includes(o[k] as ChartSettings[K])) s[k] = o[k] as ChartSettings[K];
  };
  pick('view', ['memory', 'throughput', 'state', 'hardware']);
  pick('xScale', ['log', 'linear']);
  pick('memoryView', ['full', 'run']);
  pick('throughputView', ['prefill', 'decode', 'flops']);
  pick('spread', ['minmax', 'iqr']);
  if (Number.isInteger(o.maxSeqLen) && (o.maxSeqLen as number) >= 2048 && (o.maxSeqLen as number) <= 1 << 30) s.maxSeqLen = o.maxSeqLen as number;
  if (Number.isInteger(o.tableSeqLen) && (o.tableSeqLen as number) >= 1) s.tableSeqLen = o.tableSeqLen as number;
  return s;
}

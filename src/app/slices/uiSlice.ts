import type { Dtype } from '../../models/schema';
import type { SliceCreator } from './types';

/** A message shown to the user (toast): an error they must read, or information. */
export interface Notice {
  id: number;
  kind: 'error' | 'info';
  text: string;
}

/** Memory budgets offered in the settings, in GiB (a 24 GiB consumer GPU, an 80 GiB A100/H100, a 141 GiB H200). */
export const BUDGET_PRESETS_GIB = [24, 80, 141] as const;
const GiB = 1024 ** 3;

/** A range of explicit layer indices, [start, end). */
export interface LayerRange {
  start: number;
  end: number;
}

/** Where a dragged palette block would go; drawn as a highlight or an insertion line. */
export type DropHint = { type: 'replace'; index: number } | { type: 'insert'; at: number } | null;

/** View state: theme, selection, panels, the numbers of interest for costs. Owned by the editor (issue 4). */
export interface UiSlice {
  theme: 'light' | 'dark' | 'system';
  setTheme: (t: UiSlice['theme']) => void;
  /** Selected explicit layer indices, ascending. */
  selection: number[];
  setSelection: (indices: number[]) => void;
  /** The shared block shown in the inspector (clicked on the canvas), or null; selecting layers clears it. */
  selectedShared: string | null;
  setSelectedShared: (id: string | null) => void;
  /**
   * Explicit layer ranges [start, end) the user expanded on the canvas. A repeated group is drawn expanded when it
   * overlaps one, so a group stays open while its layers are edited (which re-cuts the groups).
   */
  expandedGroups: LayerRange[];
  setGroupExpanded: (range: LayerRange, expanded: boolean) => void;
  /** Sequence length of interest (tokens) for KV, FLOPs and the metrics panel. */
  seqLen: number;
  setSeqLen: (n: number) => void;
  /** Memory budget in bytes for "max context in budget". */
  budgetBytes: number;
  setBudgetBytes: (b: number) => void;
  /** Dtype used for cost display; null means the design's own dtype. */
  costDtype: Dtype | null;
  setCostDtype: (d: Dtype | null) => void;
  /**
   * Height of the bottom charts region in px as the user chose it, or 0 for the automatic split (by window height and
   * whether designs are pinned: src/components/chartsSplit.ts); and whether it is collapsed.
   */
  chartsHeight: number;
  chartsCollapsed: boolean;
  /** Sets a chosen height (clamped to [120, 900]), or 0 to go back to the automatic split. */
  setChartsHeight: (px: number) => void;
  setChartsCollapsed: (c: boolean) => void;
  dropHint: DropHint;
  setDropHint: (h: DropHint) => void;
  /** Bumped when the canvas should fit the whole design (a new design was loaded); also collapses all groups. */
  fitRequest: number;
  requestFit: () => void;
  /** A layer the canvas should scroll to (from the pattern strip); `seq` makes repeated requests distinct. */
  focus: { index: number; seq: number } | null;
  focusLayer: (index: number) => void;
  notices: Notice[];
  pushNotice: (kind: Notice['kind'], text: string) => void;
  dismissNotice: (id: number) => void;
}

let noticeSeq = 0;

export const createUiSlice: SliceCreator<UiSlice> = (set) => ({
  theme: 'system',
  setTheme: (theme) => set({ theme }),
  selection: [],
  setSelection: (indices) => set({ selection: [...new Set(indices)].sort((a, b) => a - b), ...(indices.length ? { selectedShared: null } : {}) }),
  selectedShared: null,
  setSelectedShared: (selectedShared) => set({ selectedShared, selection: [] }),
  expandedGroups: [],
  setGroupExpanded: (range, expanded) =>
    set((s) => ({
      expandedGroups: expanded ? [...s.expandedGroups, range] : s.expandedGroups.filter((r) => !(r.start < range.end && range.start < r.end)),
    })),
  seqLen: 262_144,
  setSeqLen: (seqLen) => set({ seqLen }),
  budgetBytes: 141 * GiB,
  setBudgetBytes: (budgetBytes) => set({ budgetBytes }),
  costDtype: null,
  setCostDtype: (costDtype) => set({ costDtype }),
  chartsHeight: 0,
  chartsCollapsed: false,
  setChartsHeight: (px) => set({ chartsHeight: px === 0 ? 0 : Math.round(Math.max(120, Math.min(900, px))) }),
  setChartsCollapsed: (chartsCollapsed) => set({ chartsCollapsed }),
  dropHint: null,
  setDropHint: (dropHint) => set({ dropHint }),
  fitRequest: 0,
  requestFit: () => set((s) => ({ fitRequest: s.fitRequest + 1, expandedGroups: [] })),
  focus: null,
  focusLayer: (index) => set((s) => ({ focus: { index, seq: (s.focus?.seq ?? 0) + 1 } })),
  notices: [],
  pushNotice: (kind, text) => set((s) => ({ notices: [...s.notices.slice(-4), { id: ++noticeSeq, kind, text }] })),
  dismissNotice: (id) => set((s) => ({ notices: s.notices.filter((n) => n.id !== id) })),
});

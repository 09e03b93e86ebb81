import type { Design, Layer } from '../../models/schema';
import { validateDesign, type ParseResult } from '../../models/validate';
import { withLayers } from '../../models/compact';
import { designIdentity } from '../sameDesign';
import { defaultDesign } from '../defaultDesign';
import type { SliceCreator } from './types';

/** Undo steps kept; older ones are dropped. */
export const HISTORY_LIMIT = 200;

/** One undoable state: the design and the selection that went with it. */
export interface HistoryEntry {
  design: Design;
  selection: number[];
  /** What the change that led away from this state did, e.g. "Insert Mamba". */
  label: string;
}

/**
 * The design being edited, with its undo/redo history. Owned by the editor (issue 4).
 * Every change goes through `commitDesign`, which validates (the same `validateDesign` as import) and refuses an
 * invalid design, so the store never holds one. One call is one undo step: a drag commits once, when it ends.
 */
export interface DesignSlice {
  design: Design;
  past: HistoryEntry[];
  future: HistoryEntry[];
  /**
   * Validates `next` and, when valid and different, makes it the design (one undo step named `label`) and selects
   * `selection` (explicit layer indices). Returns the validation result; on failure nothing changes.
   */
  commitDesign: (next: unknown, label: string, selection?: number[]) => ParseResult<Design>;
  /** Replaces the layers with `layers` (compacted) through `commitDesign`. */
  commitLayers: (layers: readonly Layer[], label: string, selection?: number[]) => ParseResult<Design>;
  /** Kept for other slices and tests: `commitDesign(d, 'Set design')`. */
  setDesign: (d: Design) => void;
  undo: () => boolean;
  redo: () => boolean;
}

export const createDesignSlice: SliceCreator<DesignSlice> = (set, get) => ({
  design: defaultDesign(),
  past: [],
  future: [],
  commitDesign: (next, label, selection) => {
    const r = validateDesign(next);
    if (!r.ok) return r;
    const s = get();
    if (designIdentity(r.value) === designIdentity(s.design)) {
      if (selection) set({ selection });
      return r;
    }
    const entry: HistoryEntry = { design: s.design, selection: s.selection, label };
    set({
      design: r.value,
      past: [...s.past, entry].slice(-HISTORY_LIMIT),
      future: [],
      selection: selection ?? s.selection.filter((i) => i < countLayers(r.value)),
    });
    return r;
  },
  commitLayers: (layers, label, selection) => get().commitDesign(withLayers(get().design, layers), label, selection),
  setDesign: (d) => {
    get().commitDesign(d, 'Set design', []);
  },
  undo: () => {
    const s = get();
    const prev = s.past[s.past.length - 1];
    if (!prev) return false;
    set({
      design: prev.design,
      selection: prev.selection,
      past: s.past.slice(0, -1),
      future: [{ design: s.design, selection: s.selection, label: prev.label }, ...s.future],
    });
    return true;
  },
  redo: () => {
    const s = get();
    const next = s.future[0];
    if (!next) return false;
    set({
      design: next.design,
      selection: next.selection,
      future: s.future.slice(1),
      past: [...s.past, { design: s.design, selection: s.selection, label: next.label }],
    });
    return true;
  },
});

function countLayers(d: Design): number {
  let n = 0;
  for (const it of d.layers) n += 'repeat' in it ? it.repeat * it.layers.length : 'pattern' in it ? it.pattern.count : 1;
  return n;
}

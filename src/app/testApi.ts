/**
 * The small test-only API on `window.hybridExplorer` (like tldraw's `window.tldrawApi`): read the design and its
 * metrics, load a design through the same validation as an import. Other parts of the app add their own readers
 * with `registerTestGetter` (e.g. the charts add `getPinned` and `getRuns`).
 */
import type { Design } from '../models/schema';
import { formatIssues } from '../models/validate';
import { replaceDesign, runCommand } from './commands';
import { selectMetrics, type Metrics } from './selectors';
import { useAppStore } from './store';

export interface HybridExplorerApi {
  /** The current design as plain JSON (a deep copy). */
  getDesign: () => Design;
  /**
   * Loads a design (an object, or JSON / HF config.json text) through the import validation. Rejects with an Error whose
   * message lists each problem as `path: rule` when it is invalid; the current design is then unchanged.
   */
  loadDesign: (json: unknown) => Promise<Design>;
  /** The cost model's output for the current design at the chosen length, dtype and budget. */
  getMetrics: () => Metrics;
  [extra: string]: (...args: never[]) => unknown;
}

const getters: Record<string, (...args: never[]) => unknown> = {};

/** Adds (or replaces) a function on `window.hybridExplorer`. */
export function registerTestGetter(name: string, fn: (...args: never[]) => unknown): void {
  getters[name] = fn;
  const w = globalThis as unknown as { hybridExplorer?: Record<string, unknown> };
  if (w.hybridExplorer) w.hybridExplorer[name] = fn;
}

/**
 * Loads a design from an object or text through `loadDesignSource`, as a single undoable step. Async: the importers
 * (src/models/load, with the HF families) load on first use, not with the editor.
 */
export async function loadDesignValue(value: unknown, label: string): Promise<Design> {
  const { loadDesignSource } = await import('../models/load');
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  const r = loadDesignSource(text);
  if (!r.ok) throw new Error(`invalid design:\n${formatIssues(r.issues)}`);
  const done = runCommand(replaceDesign, { design: r.value, label });
  if (done && !done.ok) throw new Error(`invalid design:\n${formatIssues(done.issues)}`);
  return structuredClone(useAppStore.getState().design);
}

/** Installs `window.hybridExplorer`. */
export function installTestApi(): void {
  const api: HybridExplorerApi = {
    ...getters,
    getDesign: () => structuredClone(useAppStore.getState().design),
    loadDesign: (json: unknown) => loadDesignValue(json, 'Load design'),
    getMetrics: () => structuredClone(selectMetrics(useAppStore.getState())),
  };
  (globalThis as unknown as { hybridExplorer: HybridExplorerApi }).hybridExplorer = api;
}

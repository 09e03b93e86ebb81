/**
 * Autosave: the store is persisted to localStorage (zustand `persist` with `partialize` + `version` + `migrate`).
 * A corrupted entry, an entry from another version or a stored design that no longer validates never crashes the
 * app: the default design is used and the user is told why (the messages are queued here and shown as notices once
 * the store exists).
 */
import { createJSONStorage, type PersistOptions, type StateStorage } from 'zustand/middleware';
import { validateDesign, formatIssues } from '../models/validate';
import type { Design } from '../models/schema';
import type { AppState } from './slices/types';
import type { UiSlice } from './slices/uiSlice';
import { sanitizeRuns, sanitizeRunSettings } from './slices/runSlice';
import { sanitizeChartSettings, sanitizePinned } from './slices/compareSlice';
import { sanitizeDeviceProbe, sanitizePlannerSettings } from './slices/plannerSlice';

/** localStorage key of the autosave. */
export const STORAGE_KEY = 'hybrid-explorer';
/** Version of the persisted shape; bump it (and extend `migrate`) when the shape changes. */
export const STORAGE_VERSION = 1;

/** The part of the state that survives a reload. */
export type PersistedState = Pick<UiSlice, 'theme' | 'seqLen' | 'budgetBytes' | 'costDtype' | 'chartsHeight' | 'chartsCollapsed'> & {
  design: Design;
} & Partial<Pick<AppState, 'runs' | 'runSettings' | 'pinned' | 'chartSettings' | 'plannerSettings' | 'deviceProbe'>>;

const pending: string[] = [];

/** Messages about the stored state found while hydrating; each is returned once. */
export function takeHydrationNotices(): string[] {
  return pending.splice(0, pending.length);
}

/** localStorage that reports unreadable JSON as "nothing stored" (plus a notice) instead of throwing. */
function safeLocalStorage(): StateStorage {
  return {
    getItem: (name) => {
      const raw = globalThis.localStorage?.getItem(name) ?? null;
      if (raw === null) return null;
      try {
        JSON.parse(raw);
        return raw;
      } catch {
        pending.push('The autosaved design could not be read (corrupted storage); starting from the default design.');
        return null;
      }
    },
    setItem: (name, value) => globalThis.localStorage?.setItem(name, value),
    removeItem: (name) => globalThis.localStorage?.removeItem(name),
  };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Keeps only the stored fields that have the right type; the design must validate. */
function sanitize(persisted: unknown): Partial<PersistedState> {
  if (!isObject(persisted)) return {};
  const out: Partial<PersistedState> = {};
  if (persisted.design !== undefined) {
    const r = validateDesign(persisted.design);
    if (r.ok) out.design = r.value;
    else pending.push(`The autosaved design is not valid (${formatIssues(r.issues.slice(0, 2))}); starting from the default design.`);
  }
  const t = persisted.theme;
  if (t === 'light' || t === 'dark' || t === 'system') out.theme = t;
  const num = (k: 'seqLen' | 'budgetBytes' | 'chartsHeight') => {
    const v = persisted[k];
    if (typeof v === 'number' && Number.isFinite(v) && v > 0) out[k] = v;
  };
  num('seqLen');
  num('budgetBytes');
  num('chartsHeight');
  if (typeof persisted.chartsCollapsed === 'boolean') out.chartsCollapsed = persisted.chartsCollapsed;
  const dt = persisted.costDtype;
  if (dt === null || typeof dt === 'string') {
    const ok = dt === null || ['fp32', 'bf16', 'fp16', 'fp8', 'int8', 'int4'].includes(dt);
    if (ok) out.costDtype = dt as PersistedState['costDtype'];
  }
  // Charts (issue 5): runs, run settings, pinned designs and chart settings, each checked by its slice.
  const runs = sanitizeRuns(persisted.runs);
  if (runs) out.runs = runs;
  const runSettings = sanitizeRunSettings(persisted.runSettings);
  if (runSettings) out.runSettings = runSettings;
  const pinned = sanitizePinned(persisted.pinned);
  if (pinned) out.pinned = pinned;
  const chartSettings = sanitizeChartSettings(persisted.chartSettings);
  if (chartSettings) out.chartSettings = chartSettings;
  // Planner (issue 12): its settings and the measured "this device" entry, each checked field by field.
  const plannerSettings = sanitizePlannerSettings(persisted.plannerSettings);
  if (plannerSettings) out.plannerSettings = plannerSettings;
  const deviceProbe = sanitizeDeviceProbe(persisted.deviceProbe);
  if (deviceProbe) out.deviceProbe = deviceProbe;
  return out;
}

/** The persist options of the bound store. */
export const persistOptions: PersistOptions<AppState, PersistedState> = {
  name: STORAGE_KEY,
  version: STORAGE_VERSION,
  storage: createJSONStorage(safeLocalStorage),
  partialize: (s) => ({
    design: s.design,
    theme: s.theme,
    seqLen: s.seqLen,
    budgetBytes: s.budgetBytes,
    costDtype: s.costDtype,
    chartsHeight: s.chartsHeight,
    chartsCollapsed: s.chartsCollapsed,
    runs: s.runs,
    runSettings: s.runSettings,
    pinned: s.pinned,
    chartSettings: s.chartSettings,
    plannerSettings: s.plannerSettings,
    deviceProbe: s.deviceProbe,
  }),
  migrate: (_persisted, version) => {
    pending.push(`The autosave is from another version of the app (v${version}, this is v${STORAGE_VERSION}); starting from the default design.`);
    return {} as PersistedState;
  },
  merge: (persisted, current) => ({ ...current, ...sanitize(persisted) }),
};

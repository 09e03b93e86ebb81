/**
 * Autosave: the store is persisted to localStorage (zustand `persist` with `partialize` + `version` + `migrate`).
 * A corrupted entry, an entry from another version or a stored design that no longer validates never crashes the
 * app: every stored field is checked on its own with the UI's rule for it (`PERSIST_RULES`), what passes is kept,
 * and one notice says what was dropped and why (the messages are queued here and shown once the store exists).
 */
import { createJSONStorage, type PersistOptions, type StateStorage } from 'zustand/middleware';
import { describeValue, validateDesign } from '../models/validate';
import { safeLine } from '../models/safeText';
import { RUN_PROFILE_NAMES } from '../sim/runtime/profile';
import { MAX_PINS } from '../components/charts/compareShare';
import { checkRunSeqLens } from '../components/charts/parseSeqLens';
import type { Design } from '../models/schema';
import type { AppState } from './slices/types';
import type { UiSlice } from './slices/uiSlice';
import { DEFAULT_RUN_SETTINGS, isThreadsSetting, MAX_THREADS_SETTING, sanitizeRuns, sanitizeRunSettings } from './slices/runSlice';
import { DEFAULT_CHART_SETTINGS, sanitizeChartSettings, sanitizePinned } from './slices/compareSlice';
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

/** The UI's rules for the persisted view settings (Inspector: "Custom L", "Budget GiB"; BottomPanel: the resizer). */
export const PERSIST_RULES = {
  /** Sequence length of interest: an integer from 1 to 2^30 tokens (the inspector's Custom L). */
  seqLen: { min: 1, max: 2 ** 30 },
  /** Memory budget: more than 0 and at most 1,000,000 GiB (the inspector's and the charts' custom budget). */
  budgetBytes: { max: 1e6 * 1024 ** 3 },
  /** Charts region height: an integer number of px from 120 to 900 (setChartsHeight's clamp), leaving the editor 220 px. */
  chartsHeight: { min: 120, max: 900, editorMin: 220 },
  /** Design keys with stored runs, and points per run, kept at most (a run sweeps at most 64 lengths). */
  runDesigns: 200,
  runPoints: 64,
} as const;

const THEMES = ['light', 'dark', 'system'] as const;
const DTYPE_NAMES: readonly string[] = ['fp32', 'bf16', 'fp16', 'fp8', 'int8', 'int4'];
const finiteNumbers = (o: unknown): boolean => isObject(o) && Object.values(o).every((v) => typeof v !== 'number' || Number.isFinite(v));

/** Stored runs cut to the caps, with non-finite point values dropped, before the run slice's own checks. */
function capRuns(v: unknown, note: (why: string) => void): unknown {
  if (!isObject(v)) return v;
  const keys = Object.keys(v);
  if (keys.length > PERSIST_RULES.runDesigns) note(`runs of ${keys.length} designs; the last ${PERSIST_RULES.runDesigns} were kept`);
  const out: Record<string, unknown> = {};
  for (const k of keys.slice(-PERSIST_RULES.runDesigns)) {
    const list = v[k];
    if (!Array.isArray(list)) continue;
    out[k] = list.filter((r) => isObject(r) && Array.isArray(r.points) && r.points.length <= PERSIST_RULES.runPoints && r.points.every((pt) => finiteNumbers(pt) && finiteNumbers((pt as Record<string, unknown>).prefillMs) && finiteNumbers((pt as Record<string, unknown>).decodeMs)));
  }
  return out;
}

/**
 * Keeps every stored field that passes the UI's own rule for it, one field at a time (one bad or hostile field never
 * costs the others), and queues one notice naming each field that was dropped and why. The design is validated like
 * an import (depth-safe); pins are cut to the share link's 64 before any is validated.
 */
function sanitize(persisted: unknown): Partial<PersistedState> {
  if (!isObject(persisted)) {
    if (persisted !== undefined && persisted !== null) pending.push('The autosave could not be read (it is not an object); starting from the default design.');
    return {};
  }
  const out: Partial<PersistedState> = {};
  const dropped: string[] = [];
  const field = (name: string, check: () => string | null) => {
    try {
      const why = check();
      if (why) dropped.push(`${name} (${why})`);
    } catch (e) {
      dropped.push(`${name} (unreadable: ${safeLine(e instanceof Error ? e.message : String(e), 80)})`);
    }
  };
  const has = (k: string) => persisted[k] !== undefined;
  const shown = (v: unknown) => safeLine(typeof v === 'number' ? String(v) : describeValue(v), 40);

  field('design', () => {
    if (!has('design')) return null;
    const r = validateDesign(persisted.design);
    if (r.ok) {
      out.design = r.value;
      return null;
    }
    const first = r.issues[0]!;
    return `not valid: ${first.path}: ${first.message}${r.issues.length > 1 ? ` and ${r.issues.length - 1} more` : ''}; the default design is shown`;
  });
  field('theme', () => {
    const t = persisted.theme;
    if (!has('theme')) return null;
    if ((THEMES as readonly unknown[]).includes(t)) out.theme = t as PersistedState['theme'];
    else return `expected light, dark or system, got ${shown(t)}`;
    return null;
  });
  field('seqLen', () => {
    const v = persisted.seqLen;
    if (!has('seqLen')) return null;
    const { min, max } = PERSIST_RULES.seqLen;
    if (typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max) out.seqLen = v;
    else return `must be an integer from ${min} to ${max} tokens, got ${shown(v)}`;
    return null;
  });
  field('budgetBytes', () => {
    const v = persisted.budgetBytes;
    if (!has('budgetBytes')) return null;
    if (typeof v === 'number' && Number.isFinite(v) && v > 0 && v <= PERSIST_RULES.budgetBytes.max) out.budgetBytes = v;
    else return `must be more than 0 and at most 1,000,000 GiB, got ${shown(v)}`;
    return null;
  });
  field('chartsHeight', () => {
    const v = persisted.chartsHeight;
    if (!has('chartsHeight')) return null;
    const { min, editorMin } = PERSIST_RULES.chartsHeight;
    const viewport = typeof window === 'undefined' ? Infinity : window.innerHeight - editorMin;
    const max = Math.max(min, Math.min(PERSIST_RULES.chartsHeight.max, viewport));
    // 0 is the automatic split (src/components/chartsSplit.ts), the state of every screen not resized by hand
    if (typeof v === 'number' && (v === 0 || (Number.isInteger(v) && v >= min && v <= max))) out.chartsHeight = v;
    else return `must be 0 (automatic) or a whole number of px from ${min} to ${max} (the editor keeps ${editorMin} px), got ${shown(v)}`;
    return null;
  });
  field('chartsCollapsed', () => {
    if (!has('chartsCollapsed')) return null;
    if (typeof persisted.chartsCollapsed === 'boolean') out.chartsCollapsed = persisted.chartsCollapsed;
    else return `expected true or false, got ${shown(persisted.chartsCollapsed)}`;
    return null;
  });
  field('costDtype', () => {
    const dt = persisted.costDtype;
    if (!has('costDtype')) return null;
    if (dt === null || (typeof dt === 'string' && DTYPE_NAMES.includes(dt))) out.costDtype = dt as PersistedState['costDtype'];
    else return `expected one of ${DTYPE_NAMES.join(', ')} or null, got ${shown(dt)}`;
    return null;
  });
  // Charts (issue 5): runs, run settings, pinned designs and chart settings, each checked by its slice.
  field('runs', () => {
    if (!has('runs')) return null;
    const notes: string[] = [];
    const runs = sanitizeRuns(capRuns(persisted.runs, (why) => notes.push(why)));
    if (runs) out.runs = runs;
    else notes.push('not a record of runs');
    return notes.join('; ') || null;
  });
  field('runSettings', () => {
    if (!has('runSettings')) return null;
    const raw = persisted.runSettings;
    const runSettings = sanitizeRunSettings(raw);
    if (!runSettings) return 'not an object';
    const notes: string[] = [];
    const lensProblem = isObject(raw) ? checkRunSeqLens(raw.seqLens) : null;
    if (lensProblem) {
      runSettings.seqLens = DEFAULT_RUN_SETTINGS.seqLens.slice();
      notes.push(`${lensProblem}; the default lengths are used`);
    }
    if (isObject(raw) && raw.threads !== undefined && !isThreadsSetting(raw.threads)) {
      notes.push(`threads must be "all" or an integer from 1 to ${MAX_THREADS_SETTING}, got ${shown(raw.threads)}; all cores are used`);
    }
    if (!(RUN_PROFILE_NAMES as readonly string[]).includes(runSettings.profileName)) {
      notes.push(`unknown run profile ${shown(runSettings.profileName)}; ${DEFAULT_RUN_SETTINGS.profileName} is used`);
      runSettings.profileName = DEFAULT_RUN_SETTINGS.profileName;
    }
    out.runSettings = runSettings;
    return notes.join('; ') || null;
  });
  field('pinned', () => {
    if (!has('pinned')) return null;
    const raw = persisted.pinned;
    if (!Array.isArray(raw)) return 'not a list';
    const capped = raw.slice(0, MAX_PINS);
    const pinned = sanitizePinned(capped) ?? [];
    out.pinned = pinned;
    const notes: string[] = [];
    if (raw.length > MAX_PINS) notes.push(`${raw.length} pinned designs; the first ${MAX_PINS} were kept, as in a share link`);
    const invalid = capped.filter((p) => !isObject(p) || !validateDesign(p.design).ok).length;
    if (invalid) notes.push(`${invalid} pinned design${invalid === 1 ? ' is' : 's are'} not valid and ${invalid === 1 ? 'was' : 'were'} dropped`);
    return notes.join('; ') || null;
  });
  field('chartSettings', () => {
    if (!has('chartSettings')) return null;
    const raw = persisted.chartSettings;
    const chartSettings = sanitizeChartSettings(raw);
    if (!chartSettings) return 'not an object';
    if (chartSettings.tableSeqLen > PERSIST_RULES.seqLen.max) chartSettings.tableSeqLen = DEFAULT_CHART_SETTINGS.tableSeqLen;
    out.chartSettings = chartSettings;
    const bad = (Object.keys(DEFAULT_CHART_SETTINGS) as (keyof typeof DEFAULT_CHART_SETTINGS)[]).filter((k) => isObject(raw) && raw[k] !== undefined && raw[k] !== chartSettings[k]);
    return bad.length ? `${bad.join(', ')} not valid; the defaults are used` : null;
  });
  // Planner (issue 12): its settings and the measured "this device" entry, each checked field by field by its slice.
  field('plannerSettings', () => {
    if (!has('plannerSettings')) return null;
    const raw = persisted.plannerSettings;
    const plannerSettings = sanitizePlannerSettings(raw);
    if (!plannerSettings) return 'not an object; the defaults are used';
    out.plannerSettings = plannerSettings;
    const keys = ['gpus', 'batch', 'seqLen', 'metric', 'shade', 'overlay'] as const;
    const bad = keys.filter((k) => isObject(raw) && raw[k] !== undefined && raw[k] !== plannerSettings[k]);
    return bad.length ? `${bad.join(', ')} not valid; the defaults are used` : null;
  });
  field('deviceProbe', () => {
    if (!has('deviceProbe') || persisted.deviceProbe === null) return null;
    const deviceProbe = sanitizeDeviceProbe(persisted.deviceProbe);
    if (!deviceProbe) return 'damaged; measure this device again in the planner';
    out.deviceProbe = deviceProbe;
    return null;
  });
  if (dropped.length) pending.push(`Some autosaved values could not be used and were reset; everything else was restored: ${dropped.join('; ')}.`);
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

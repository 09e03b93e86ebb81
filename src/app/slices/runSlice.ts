import type { BackendChoice, BackendName, BenchPoint, RunProfileSpec, ScanChoice, ScanImpl } from '../../sim/protocol';
import type { SliceCreator } from './types';

/** One benchmark run of one design: what ran it and the points measured so far (kept when cancelled). */
export interface RunRecord {
  /** The run's id (also the worker message id). */
  id: string;
  /** The design's stable key (`designKey`), under which the run is stored. */
  designKey: string;
  designName: string;
  status: 'running' | 'done' | 'cancelled' | 'error';
  /** Filled in when the worker reports `started`; null before. */
  backend: BackendName | null;
  backendReason: string;
  /** CPU threads the run used (filled in with the backend); null before, and for runs stored before threads were recorded. */
  threads: number | null;
  threadsReason: string;
  scan: ScanImpl | null;
  profile: RunProfileSpec;
  seqLens: number[];
  points: BenchPoint[];
  /** ISO time the run was started. */
  startedAt: string;
  error: string | null;
}

/** Progress of the run in flight, as the worker last reported it. */
export interface RunProgress {
  runId: string;
  seqLen: number;
  /** Index of the current length in the sweep (0-based) and the number of lengths. */
  index: number;
  total: number;
  phase: 'build' | 'prefill' | 'decode';
  etaMs: number | null;
}

/** What the run panel asks for. */
export interface RunSettings {
  seqLens: number[];
  backend: BackendChoice;
  scan: ScanChoice;
  profileName: string;
  /** Most CPU threads a run may use: 'all' (every available core) or a cap, an integer in [1, MAX_THREADS_SETTING]. */
  threads: 'all' | number;
}

/** The largest thread cap the settings accept (machines report up to a few hundred cores; tfjs uses at most 8). */
export const MAX_THREADS_SETTING = 1024;

/** Whether `v` is a valid thread setting: 'all' or an integer in [1, MAX_THREADS_SETTING]. */
export function isThreadsSetting(v: unknown): v is RunSettings['threads'] {
  return v === 'all' || (typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= MAX_THREADS_SETTING);
}

/** What the worker reports when a run has chosen its backend. */
export interface RunStartedInfo {
  backend: BackendName;
  backendReason: string;
  threads: number;
  threadsReason: string;
  scan: ScanImpl;
  profile: RunProfileSpec;
}

/** Runs kept per design (oldest dropped first), so that the persisted store stays small. */
export const MAX_RUNS_PER_DESIGN = 5;

/** Benchmark runs, kept per design key; persisted (`runs`, `runSettings`). Owned by the charts/runs work (issue 5). */
export interface RunSlice {
  runs: Record<string, RunRecord[]>;
  runSettings: RunSettings;
  /** The run in flight, or null. Never persisted. */
  activeRunId: string | null;
  runProgress: RunProgress | null;
  setRunSettings: (patch: Partial<RunSettings>) => void;
  /** Records a new run in state `running` and makes it the active one. */
  runCreated: (run: Omit<RunRecord, 'status' | 'points' | 'error' | 'backend' | 'backendReason' | 'threads' | 'threadsReason' | 'scan'>) => void;
  runStarted: (runId: string, info: RunStartedInfo) => void;
  runProgressed: (p: RunProgress) => void;
  runPointAdded: (runId: string, point: BenchPoint) => void;
  /** Ends a run: `done`, `cancelled` (points kept) or `error` (message kept, points kept). */
  runEnded: (runId: string, status: 'done' | 'cancelled' | 'error', error?: string) => void;
  clearRuns: (designKey: string) => void;
}

/** Run settings of a fresh start: four short lengths, automatic backend and scan, the tiny profile. */
export const DEFAULT_RUN_SETTINGS: RunSettings = {
  seqLens: [128, 256, 512, 1024],
  backend: 'auto',
  scan: 'auto',
  profileName: 'tiny',
  threads: 'all',
};

/** Applies `f` to the run with `runId`, wherever it is stored; returns the same object when no run matched. */
function updateRun(runs: Record<string, RunRecord[]>, runId: string, f: (r: RunRecord) => RunRecord): Record<string, RunRecord[]> {
  for (const [key, list] of Object.entries(runs)) {
    const i = list.findIndex((r) => r.id === runId);
    if (i >= 0) {
      const next = list.slice();
      next[i] = f(list[i]!);
      return { ...runs, [key]: next };
    }
  }
  return runs;
}

export const createRunSlice: SliceCreator<RunSlice> = (set) => ({
  runs: {},
  runSettings: DEFAULT_RUN_SETTINGS,
  activeRunId: null,
  runProgress: null,
  setRunSettings: (patch) => set((s) => ({ runSettings: { ...s.runSettings, ...patch } })),
  runCreated: (run) =>
    set((s) => {
      const record: RunRecord = { ...run, status: 'running', points: [], error: null, backend: null, backendReason: '', threads: null, threadsReason: '', scan: null };
      const list = [...(s.runs[run.designKey] ?? []), record].slice(-MAX_RUNS_PER_DESIGN);
      return { runs: { ...s.runs, [run.designKey]: list }, activeRunId: run.id, runProgress: null };
    }),
  runStarted: (runId, info) =>
    set((s) => ({
      runs: updateRun(s.runs, runId, (r) => ({ ...r, backend: info.backend, backendReason: info.backendReason, threads: info.threads, threadsReason: info.threadsReason, scan: info.scan, profile: info.profile })),
    })),
  runProgressed: (p) => set((s) => (s.activeRunId === p.runId ? { runProgress: p } : {})),
  runPointAdded: (runId, point) =>
    set((s) => ({
      // A point that arrives after the run was ended (cancelled by the user) was measured after the stop: dropped.
      runs: updateRun(s.runs, runId, (r) => (r.status !== 'running' ? r : { ...r, points: [...r.points.filter((q) => q.seqLen !== point.seqLen), point].sort((a, b) => a.seqLen - b.seqLen) })),
    })),
  runEnded: (runId, status, error) =>
    set((s) => ({
      runs: updateRun(s.runs, runId, (r) => (r.status === 'running' ? { ...r, status, error: error ?? null } : r)),
      ...(s.activeRunId === runId ? { activeRunId: null, runProgress: null } : {}),
    })),
  clearRuns: (designKey) =>
    set((s) => {
      const next = { ...s.runs };
      delete next[designKey];
      return { runs: next };
    }),
});

/** The latest run of a design that has at least one point (or the latest at all when none has), or null. */
export function latestRun(runs: Record<string, RunRecord[]>, designKey: string): RunRecord | null {
  const list = runs[designKey] ?? [];
  for (let i = list.length - 1; i >= 0; i--) if (list[i]!.points.length > 0) return list[i]!;
  return list.at(-1) ?? null;
}

/**
 * Runs as they should come back after a reload: a run still marked `running` was cut off by the reload, so it
 * becomes `cancelled` with its points kept.
 */
export function restoreRuns(runs: Record<string, RunRecord[]>): Record<string, RunRecord[]> {
  const out: Record<string, RunRecord[]> = {};
  for (const [k, list] of Object.entries(runs)) out[k] = list.map((r) => (r.status === 'running' ? { ...r, status: 'cancelled' as const } : r));
  return out;
}

function isPositiveInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 1;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * Stored runs read back from localStorage: records without the fields the charts read are dropped, and a run cut off
 * by the reload becomes `cancelled` (its points kept). Returns undefined when nothing usable is there.
 */
export function sanitizeRuns(v: unknown): Record<string, RunRecord[]> | undefined {
  if (!isRecord(v)) return undefined;
  const out: Record<string, RunRecord[]> = {};
  for (const [key, list] of Object.entries(v)) {
    if (!Array.isArray(list)) continue;
    const ok = list.filter(
      (r): r is RunRecord =>
        isRecord(r) && typeof r.id === 'string' && Array.isArray(r.points) && r.points.every((p) => isRecord(p) && typeof p.seqLen === 'number' && isRecord(p.prefillMs) && isRecord(p.decodeMs)) && isRecord(r.profile) && Array.isArray(r.seqLens),
    );
    // Runs stored before threads were recorded read as "threads unknown" (null), never as a guessed count.
    if (ok.length) out[key] = ok.slice(-MAX_RUNS_PER_DESIGN).map((r) => ({ ...r, threads: isPositiveInt(r.threads) ? r.threads : null, threadsReason: typeof r.threadsReason === 'string' ? r.threadsReason : '' }));
  }
  return restoreRuns(out);
}

/** Stored run settings merged over the defaults, keeping only values of the right kind. */
export function sanitizeRunSettings(v: unknown): RunSettings | undefined {
  if (!isRecord(v)) return undefined;
  const s = { ...DEFAULT_RUN_SETTINGS };
  if (Array.isArray(v.seqLens) && v.seqLens.length > 0 && v.seqLens.every((n) => Number.isInteger(n) && (n as number) > 1)) s.seqLens = v.seqLens as number[];
  if (typeof v.backend === 'string' && ['auto', 'webgpu', 'webgl', 'wasm', 'cpu'].includes(v.backend)) s.backend = v.backend as BackendChoice;
  if (typeof v.scan === 'string' && ['auto', 'naive', 'chunked', 'wgsl', 'js', 'simd'].includes(v.scan)) s.scan = v.scan as ScanChoice;
  if (typeof v.profileName === 'string' && v.profileName.length < 50) s.profileName = v.profileName;
  if (isThreadsSetting(v.threads)) s.threads = v.threads;
  return s;
}

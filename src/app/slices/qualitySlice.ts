/**
 * Lab training results (the Quality tab, issue 11): one record per training run of one design (or of a control) on
 * one task, with its held-out curve and the training-batch curve; persisted, so results survive a reload. Records
 * are a flat list (newest last), each naming its design (key and full design), task and task parameters; the
 * charts pick the latest finished record per (design, task, parameters).
 */
import type { Design } from '../../models/schema';
import type { LabProfile } from '../../sim/lab/labProfile';
import { DEFAULT_TASK, TASKS, isTaskId } from '../../sim/lab/tasks/tasks';
import type { TaskId, TaskParams } from '../../sim/lab/tasks/taskTypes';
import type { BackendChoice, BackendName, ScanImpl, TrainPoint, TrainProgress, TrainResult, TrainStarted } from '../../sim/protocol';
import { validateDesign } from '../../models/validate';
import type { SliceCreator } from './types';

/** The Quality tab's knobs. */
export interface QualitySettings {
  task: TaskId;
  /** The N_kv values trained (one run each per design): one value, or a sweep. */
  kvPairs: number[];
  steps: number;
  /** Also train a pure-attention and a pure-SSM control of each design's width and depth. */
  controls: boolean;
  /** Keep the designs' FFNs in the lab copy. */
  ffn: boolean;
  backend: BackendChoice;
  /** The length (tokens) at which the accuracy-vs-memory chart reads the full design's KV + state bytes. */
  memoryAt: number;
  /** What the Quality tab shows. */
  view: 'curves' | 'memory' | 'kv';
}

export const DEFAULT_QUALITY_SETTINGS: QualitySettings = {
  task: DEFAULT_TASK,
  kvPairs: [16],
  steps: 300,
  controls: false,
  ffn: false,
  backend: 'auto',
  memoryAt: 32_768,
  view: 'curves',
};

/** A control: which kind, and the design it controls. */
export interface QualityControl {
  kind: 'attention' | 'ssm';
  /** Key and name of the design it is the control of. */
  of: string;
  ofName: string;
}

export type QualityStatus = 'queued' | 'running' | 'done' | 'cancelled' | 'error';

/** One training run. */
export interface QualityRecord {
  id: string;
  designKey: string;
  designName: string;
  /** The full-size design (its KV + state bytes are the chart's x; controls are not pinned anywhere else). */
  design: Design;
  control: QualityControl | null;
  task: TaskId;
  taskParams: TaskParams;
  /** Steps asked for. */
  steps: number;
  status: QualityStatus;
  backend: BackendName | null;
  backendReason: string;
  /** tfjs's CPU threads while training (absent in records stored before it was recorded). */
  threads?: number;
  scan: ScanImpl | null;
  profile: LabProfile | null;
  gradientPaths: { kind: string; path: string }[];
  /** Held-out evaluations. */
  curve: TrainPoint[];
  /** Training-batch loss and accuracy, one point per step (live). */
  trainCurve: TrainPoint[];
  final: { accuracy: number; loss: number; steps: number } | null;
  secondsPerStep: number | null;
  stoppedEarly: boolean;
  startedAt: string;
  error: string | null;
}

/** Records kept (oldest dropped first), so the persisted store stays small. */
export const MAX_QUALITY_RECORDS = 80;

export interface QualitySlice {
  qualityResults: QualityRecord[];
  qualitySettings: QualitySettings;
  /** The record training now, or null; never persisted. */
  qualityActiveId: string | null;
  qualityProgress: (TrainProgress & { id: string }) | null;
  setQualitySettings: (patch: Partial<QualitySettings>) => void;
  /** Adds records in state `queued`. */
  qualityQueued: (records: QualityRecord[]) => void;
  qualityStarted: (id: string, s: TrainStarted) => void;
  qualityProgressed: (id: string, p: TrainProgress) => void;
  qualityPointAdded: (id: string, p: TrainPoint) => void;
  /** Ends a record: `done` with the result, `cancelled` (curve kept) or `error`. */
  qualityEnded: (id: string, status: 'done' | 'cancelled' | 'error', result?: TrainResult, error?: string) => void;
  /** Drops every queued record (cancel). */
  qualityDequeueAll: () => void;
  clearQuality: () => void;
}

function update(list: QualityRecord[], id: string, f: (r: QualityRecord) => QualityRecord): QualityRecord[] {
  const i = list.findIndex((r) => r.id === id);
  if (i < 0) return list;
  const next = list.slice();
  next[i] = f(list[i]!);
  return next;
}

/** Keeps the newest MAX_QUALITY_RECORDS, never dropping queued or running ones. */
function capped(list: QualityRecord[]): QualityRecord[] {
  const over = list.length - MAX_QUALITY_RECORDS;
  if (over <= 0) return list;
  let drop = over;
  return list.filter((r) => (drop > 0 && (r.status === 'done' || r.status === 'cancelled' || r.status === 'error') ? (drop--, false) : true));
}

export const createQualitySlice: SliceCreator<QualitySlice> = (set) => ({
  qualityResults: [],
  qualitySettings: DEFAULT_QUALITY_SETTINGS,
  qualityActiveId: null,
  qualityProgress: null,
  setQualitySettings: (patch) => set((s) => ({ qualitySettings: { ...s.qualitySettings, ...patch } })),
  qualityQueued: (records) => set((s) => ({ qualityResults: capped([...s.qualityResults, ...records]) })),
  qualityStarted: (id, st) =>
    set((s) => ({
      qualityActiveId: id,
      qualityProgress: null,
      qualityResults: update(s.qualityResults, id, (r) => ({
        ...r,
        status: 'running',
        backend: st.backend,
        backendReason: st.threadsReason ? `${st.backendReason}; ${st.threadsReason}` : st.backendReason,
        ...(st.threads !== undefined ? { threads: st.threads } : {}),
        scan: st.scan,
        profile: st.profile,
        gradientPaths: st.gradientPaths,
        taskParams: st.taskParams,
      })),
    })),
  qualityProgressed: (id, p) =>
    set((s) => ({
      qualityProgress: { ...p, id },
      qualityResults: update(s.qualityResults, id, (r) => (r.status !== 'running' ? r : { ...r, trainCurve: [...r.trainCurve, { step: p.step, loss: p.loss, accuracy: p.accuracy }] })),
    })),
  qualityPointAdded: (id, p) => set((s) => ({ qualityResults: update(s.qualityResults, id, (r) => (r.status !== 'running' && r.status !== 'queued' ? r : { ...r, curve: [...r.curve, p] })) })),
  qualityEnded: (id, status, result, error) =>
    set((s) => ({
      qualityResults: update(s.qualityResults, id, (r) =>
        r.status === 'done' || r.status === 'cancelled' || r.status === 'error'
          ? r
          : {
              ...r,
              status,
              error: error ?? null,
              ...(result
                ? { curve: result.curve, final: result.cancelled ? r.final : result.final, secondsPerStep: result.secondsPerStep, stoppedEarly: result.stoppedEarly, backend: result.backend, scan: result.scan, profile: result.profile }
                : {}),
            },
      ),
      ...(s.qualityActiveId === id ? { qualityActiveId: null, qualityProgress: null } : {}),
    })),
  qualityDequeueAll: () => set((s) => ({ qualityResults: s.qualityResults.filter((r) => r.status !== 'queued') })),
  clearQuality: () => set((s) => ({ qualityResults: s.qualityResults.filter((r) => r.status === 'running' || r.status === 'queued') })),
});

/** The key a result is compared under: task and its parameters. */
export function taskKey(task: TaskId, p: TaskParams): string {
  return `${task}:${p.kvPairs}:${p.seqLen}:${p.vocabSize}`;
}

/** The latest finished (done) record of a design on a task, or null. */
export function latestQuality(results: readonly QualityRecord[], designKeyOf: string, task: TaskId, kvPairs?: number): QualityRecord | null {
  for (let i = results.length - 1; i >= 0; i--) {
    const r = results[i]!;
    if (r.designKey === designKeyOf && r.task === task && r.status === 'done' && (kvPairs === undefined || r.taskParams.kvPairs === kvPairs)) return r;
  }
  return null;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

const isPoint = (p: unknown): p is TrainPoint =>
  isRecord(p) && Number.isFinite(p.step) && Number.isFinite(p.loss) && Number.isFinite(p.accuracy);

/** Points kept per stored curve at most (100,000 steps evaluated every 25 is 4,001). */
export const MAX_STORED_CURVE_POINTS = 5000;

const isCurve = (c: unknown): c is TrainPoint[] => Array.isArray(c) && c.length <= MAX_STORED_CURVE_POINTS && c.every(isPoint);

/**
 * Stored records read back: the last MAX_QUALITY_RECORDS are looked at; malformed ones (non-finite points, curves
 * past MAX_STORED_CURVE_POINTS) and ones whose design no longer validates are dropped, each counted in `note`; a
 * record cut off by the reload (queued or running) becomes `cancelled`, its curve kept.
 */
export function sanitizeQuality(v: unknown, note: (why: string) => void = () => {}): QualityRecord[] | undefined {
  if (!Array.isArray(v)) return undefined;
  if (v.length > MAX_QUALITY_RECORDS) note(`${v.length} results; the last ${MAX_QUALITY_RECORDS} were kept`);
  const out: QualityRecord[] = [];
  let bad = 0;
  for (const r of v.slice(-MAX_QUALITY_RECORDS)) {
    if (!isRecord(r) || typeof r.id !== 'string' || typeof r.designKey !== 'string' || typeof r.designName !== 'string' || !isTaskId(r.task) || !isRecord(r.taskParams) || !isCurve(r.curve) || !isCurve(r.trainCurve)) {
      bad++;
      continue;
    }
    const d = validateDesign(r.design);
    if (!d.ok) {
      bad++;
      continue;
    }
    const status = r.status === 'done' || r.status === 'cancelled' || r.status === 'error' ? r.status : 'cancelled';
    out.push({ ...(r as unknown as QualityRecord), design: d.value, status });
  }
  if (bad) note(`${bad} damaged result${bad === 1 ? ' was' : 's were'} dropped`);
  return out;
}

/** Stored settings merged over the defaults, keeping only values of the right kind. */
export function sanitizeQualitySettings(v: unknown): QualitySettings | undefined {
  if (!isRecord(v)) return undefined;
  const s = { ...DEFAULT_QUALITY_SETTINGS };
  if (isTaskId(v.task)) s.task = v.task;
  if (Array.isArray(v.kvPairs) && v.kvPairs.length > 0 && v.kvPairs.length <= 6 && v.kvPairs.every((n) => Number.isInteger(n) && (n as number) >= 1 && (n as number) <= 255)) s.kvPairs = v.kvPairs as number[];
  if (TASKS[s.task].kvPairsMeaning === null) s.kvPairs = [1];
  if (Number.isInteger(v.steps) && (v.steps as number) >= 1 && (v.steps as number) <= 100_000) s.steps = v.steps as number;
  if (typeof v.controls === 'boolean') s.controls = v.controls;
  if (typeof v.ffn === 'boolean') s.ffn = v.ffn;
  if (typeof v.backend === 'string' && ['auto', 'webgpu', 'webgl', 'wasm', 'cpu'].includes(v.backend)) s.backend = v.backend as BackendChoice;
  if (Number.isInteger(v.memoryAt) && (v.memoryAt as number) >= 1 && (v.memoryAt as number) <= 1 << 30) s.memoryAt = v.memoryAt as number;
  if (v.view === 'curves' || v.view === 'memory' || v.view === 'kv') s.view = v.view;
  return s;
}

/** Training-batch points kept per record in storage (the held-out curve is kept whole). */
export const STORED_TRAIN_POINTS = 60;

/** Records as stored: each training-batch curve thinned to at most STORED_TRAIN_POINTS (the last point kept). */
export function storedQuality(results: readonly QualityRecord[]): QualityRecord[] {
  return results.map((r) => {
    const n = r.trainCurve.length;
    if (n <= STORED_TRAIN_POINTS) return r;
    const every = Math.ceil(n / STORED_TRAIN_POINTS);
    return { ...r, trainCurve: r.trainCurve.filter((_, i) => i % every === every - 1 || i === n - 1) };
  });
}

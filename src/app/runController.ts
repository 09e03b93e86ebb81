/**
 * Starts and cancels benchmark runs (of the current design, or of any pinned one) and records what the worker reports
 * in the run slice, under the design's key. One run at a time. The worker is reached through a client (`RunClient`),
 * so the editor never waits on tfjs.
 */
import type { Design } from '../models/schema';
import type { BenchRequest, BenchResult, BenchPoint, RunProfileSpec } from '../sim/protocol';
import { checkRunSeqLens } from '../components/charts/parseSeqLens';
import { designKey } from './slices/designKey';
import type { RunStartedInfo } from './slices/runSlice';
import type { AppState } from './slices/types';

/** What the worker reports during one run. */
export interface RunCallbacks {
  onStarted: (info: RunStartedInfo) => void;
  onProgress: (p: { seqLen: number; index: number; total: number; phase: 'build' | 'prefill' | 'decode'; etaMs: number | null }) => void;
  onPoint: (p: BenchPoint) => void;
  onDone: (r: BenchResult) => void;
  onError: (message: string) => void;
}

/** The worker client as the run controller needs it. */
export interface RunClient {
  start: (request: BenchRequest, callbacks: RunCallbacks) => { cancel: () => void };
}

/** Fixed parts of every request from the run panel: one sequence, 32 timed decode steps, 5 timed prefills. */
export const RUN_DEFAULTS = { seed: 1, batch: 1, decodeSteps: 32, repeats: 5, memoryBudgetBytes: 1024 ** 3 } as const;

interface StoreLike {
  getState: () => AppState;
}

let current: { runId: string; cancel: () => void } | null = null;
let seq = 0;

/**
 * Starts a run of `design` (by default the store's current design; a pinned design runs the same way) with the run
 * panel's settings. The run is stored under `designKey(design)`, where the charts and the compare table find a
 * design's runs. Returns the run id, or null (with a notice saying why) when it cannot start.
 */
export function startRun(client: RunClient, store: StoreLike, profiles: readonly RunProfileSpec[], design: Design = store.getState().design): string | null {
  const s = store.getState();
  if (s.activeRunId) {
    const running = Object.values(s.runs)
      .flat()
      .find((r) => r.id === s.activeRunId);
    s.pushNotice('info', `A run${running ? ` of ${running.designName}` : ''} is in progress; one run at a time: wait for it or cancel it.`);
    return null;
  }
  // The same length rules as the run panel's field, whoever starts the run (the panel's Start or a table column's Run).
  const lensProblem = checkRunSeqLens(s.runSettings.seqLens);
  if (lensProblem) {
    s.pushNotice('error', `The run was not started: ${lensProblem}. Fix the lengths in the run panel.`);
    return null;
  }
  const profile = profiles.find((p) => p.name === s.runSettings.profileName);
  if (!profile) {
    s.pushNotice('error', `Run profile "${s.runSettings.profileName}" is unknown; pick one of ${profiles.map((p) => p.name).join(', ')}.`);
    return null;
  }
  const runId = `run-${Date.now().toString(36)}-${(++seq).toString(36)}`;
  s.runCreated({ id: runId, designKey: designKey(design), designName: design.name, profile, seqLens: s.runSettings.seqLens.slice(), startedAt: new Date().toISOString() });
  const threads = s.runSettings.threads;
  const request: BenchRequest = {
    design,
    seqLens: s.runSettings.seqLens.slice(),
    backend: s.runSettings.backend,
    scan: s.runSettings.scan,
    profile,
    ...RUN_DEFAULTS,
    ...(threads === 'all' ? {} : { threads }),
  };
  const get = () => store.getState();
  const finish = () => {
    if (current?.runId === runId) current = null;
  };
  try {
    const handle = client.start(request, {
      onStarted: (info) => get().runStarted(runId, info),
      onProgress: (p) => get().runProgressed({ runId, ...p }),
      onPoint: (p) => get().runPointAdded(runId, p),
      onDone: (r) => {
        get().runEnded(runId, r.cancelled ? 'cancelled' : 'done');
        finish();
      },
      onError: (message) => {
        get().runEnded(runId, 'error', message);
        finish();
      },
    });
    current = { runId, cancel: handle.cancel };
  } catch (e) {
    get().runEnded(runId, 'error', (e as Error).message || String(e));
    return null;
  }
  return runId;
}

/**
 * Cancels the run in flight: the worker is told to stop, and the run is marked cancelled at once with the points
 * measured so far (a point the worker finishes after this is not added).
 */
export function cancelRun(store: StoreLike): void {
  const c = current;
  if (!c) return;
  current = null;
  c.cancel();
  store.getState().runEnded(c.runId, 'cancelled');
}

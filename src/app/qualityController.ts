/**
 * The Quality tab's training queue: trains the current design and every pinned design (and, on request, a
 * pure-attention and a pure-SSM control of each, at the same lab width and depth) on the chosen task, one at a time
 * through the runtime worker, recording what the worker reports in the quality slice. Cancel stops the run in flight
 * (its curve is kept) and drops the rest of the queue.
 */
import { expandLayers, type Design } from '../models/schema';
import { DEFAULT_LAB_OPTIONS, controlDesign, labDesign, type ControlKind } from '../sim/lab/labProfile';
import { trainRequest } from '../sim/lab/trainRequest';
import { TASKS } from '../sim/lab/tasks/tasks';
import type { TrainPoint, TrainProgress, TrainRequest, TrainResult, TrainStarted } from '../sim/protocol';
import { designKey } from './slices/designKey';
import type { QualityControl, QualityRecord } from './slices/qualitySlice';
import type { AppState } from './slices/types';

/** What the worker reports during one training run. */
export interface TrainRunCallbacks {
  onStarted: (s: TrainStarted) => void;
  onProgress: (p: TrainProgress) => void;
  onPoint: (p: TrainPoint) => void;
  onDone: (r: TrainResult) => void;
  onError: (message: string) => void;
}

/** The worker client as the queue needs it. */
export interface TrainClient {
  train: (request: TrainRequest, callbacks: TrainRunCallbacks) => { cancel: () => void };
}

interface StoreLike {
  getState: () => AppState;
}

/** Held-out evaluations per run: about a dozen, at most every 25 steps. */
export function evalEveryFor(steps: number): number {
  return Math.max(1, Math.min(25, Math.round(steps / 12)));
}

/** One queued job: a record and the request that trains it. */
interface Job {
  record: QualityRecord;
  request: TrainRequest;
}

let queue: Job[] = [];
let current: { id: string; cancel: () => void } | null = null;
let seq = 0;

/**
 * The jobs for `designs` under the settings: each design at each N_kv, then (on request) the controls of each design.
 * A control is left out when a job already trains the same lab copy (same layers whatever the name, same lab depth,
 * same N_kv): "Compare ratios" pins a pure-attention and a pure-SSM variant, which are the controls themselves. Designs
 * are only deduplicated by their key (a pinned copy under another name keeps its own result).
 */
export function qualityJobs(designs: readonly Design[], s: AppState['qualitySettings']): Job[] {
  const task = TASKS[s.task];
  const jobs: Job[] = [];
  const seen = new Set<string>();
  const labOptions = { ...DEFAULT_LAB_OPTIONS, ffn: s.ffn };
  const add = (design: Design, kvPairs: number, control: QualityControl | null, layers?: number) => {
    const key = designKey(design);
    const depth = layers ?? labDesign(design, task.params(kvPairs).vocabSize, labOptions).profile.layers;
    const same = `${designKey({ ...design, name: '', layers: expandLayers(design.layers) })}:${depth}:${kvPairs}`;
    if (seen.has(control ? same : `${key}:${kvPairs}`)) return;
    seen.add(same);
    seen.add(`${key}:${kvPairs}`);
    const request = trainRequest(design, {
      task: s.task,
      kvPairs,
      steps: s.steps,
      backend: s.backend,
      evalEvery: evalEveryFor(s.steps),
      lab: { ...labOptions, ...(layers !== undefined ? { layers } : {}) },
    });
    jobs.push({
      request,
      record: {
        id: `train-${Date.now().toString(36)}-${(++seq).toString(36)}`,
        designKey: key,
        designName: design.name,
        design,
        control,
        task: s.task,
        taskParams: task.params(kvPairs),
        steps: s.steps,
        status: 'queued',
        backend: null,
        backendReason: '',
        scan: null,
        profile: null,
        gradientPaths: [],
        curve: [],
        trainCurve: [],
        final: null,
        secondsPerStep: null,
        stoppedEarly: false,
        startedAt: new Date().toISOString(),
        error: null,
      },
    });
  };
  const kvs = task.kvPairsMeaning === null ? [1] : s.kvPairs;
  for (const d of designs) for (const kv of kvs) add(d, kv, null);
  if (s.controls) {
    for (const d of designs) {
      const depth = labDesign(d, task.params(kvs[0]).vocabSize, labOptions).profile.layers;
      for (const kind of ['attention', 'ssm'] as ControlKind[]) {
        const c = controlDesign(d, kind);
        for (const kv of kvs) add(c, kv, { kind, of: designKey(d), ofName: d.name }, depth);
      }
    }
  }
  return jobs;
}

function startNext(client: TrainClient, store: StoreLike): void {
  const job = queue.shift();
  if (!job) {
    current = null;
    return;
  }
  const id = job.record.id;
  const get = () => store.getState();
  const finish = () => {
    if (current?.id === id) startNext(client, store);
  };
  try {
    const handle = client.train(job.request, {
      onStarted: (st) => get().qualityStarted(id, st),
      onProgress: (p) => get().qualityProgressed(id, p),
      onPoint: (p) => get().qualityPointAdded(id, p),
      onDone: (r) => {
        get().qualityEnded(id, r.cancelled ? 'cancelled' : 'done', r);
        finish();
      },
      onError: (message) => {
        get().qualityEnded(id, 'error', undefined, message);
        finish();
      },
    });
    current = { id, cancel: handle.cancel };
  } catch (e) {
    get().qualityEnded(id, 'error', undefined, (e as Error).message || String(e));
    startNext(client, store);
  }
}

/**
 * Queues the training of `designs` (current + pinned) with the Quality tab's settings and starts the queue. Returns
 * the number of runs queued, or 0 (with a notice saying why) when it cannot start.
 */
export function startQuality(client: TrainClient, store: StoreLike, designs: readonly Design[]): number {
  const s = store.getState();
  if (current || queue.length) {
    s.pushNotice('info', 'Training is in progress: wait for the queue to finish or cancel it.');
    return 0;
  }
  if (s.activeRunId) {
    s.pushNotice('info', 'A benchmark run is in progress; one run at a time: wait for it or cancel it before training.');
    return 0;
  }
  if (!designs.length) {
    s.pushNotice('info', 'Nothing to train: pin a design or open one in the editor.');
    return 0;
  }
  let jobs: Job[];
  try {
    jobs = qualityJobs(designs, s.qualitySettings);
  } catch (e) {
    s.pushNotice('error', `Training was not started: ${(e as Error).message}`);
    return 0;
  }
  s.qualityQueued(jobs.map((j) => j.record));
  queue = jobs.slice();
  startNext(client, store);
  return jobs.length;
}

/** Whether the queue is running (a run in flight or waiting). */
export function qualityBusy(): boolean {
  return current !== null || queue.length > 0;
}

/** Stops the run in flight (marked cancelled at once, its curve kept) and drops the queued ones. */
export function cancelQuality(store: StoreLike): void {
  const c = current;
  queue = [];
  current = null;
  store.getState().qualityDequeueAll();
  if (c) {
    c.cancel();
    store.getState().qualityEnded(c.id, 'cancelled');
  }
}

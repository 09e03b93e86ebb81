/**
 * Training requests: defaults and validation (pure; shared by the worker, the CLI and the UI).
 *
 * Defaults (research notes quality-lab.md §0 and §4.4): stacked MQAR with 16 pairs, batch 32 of fresh sequences every
 * step, 300 steps, AdamW at lr 4e-3 with 10 warm-up steps then cosine to 0.1·lr, weight decay 0.1 (Zoology's), clip
 * 1.0; a held-out set of 256 sequences evaluated every 25 steps; stop early at 99 % held-out accuracy. lr 4e-3, not
 * the notes' 2e-3: the 8-layer pure-attention control at d = 32 reached 93 % with 2e-3 and 99 % (by step 275) with
 * 4e-3 (6e-3: 85 %); docs/benchmarks.md has the runs.
 */
import type { Design } from '../../models/schema';
import type { TrainRequest } from '../protocol';
import { DEFAULT_LAB_OPTIONS, checkLabOptions } from './labProfile';
import { DEFAULT_TASK, TASKS, isTaskId } from './tasks/tasks';
import { TASK_IDS, type TaskParams } from './tasks/taskTypes';

export const DEFAULT_TRAIN: Omit<TrainRequest, 'design' | 'kvPairs'> = {
  task: DEFAULT_TASK,
  steps: 300,
  batch: 32,
  lr: 4e-3,
  schedule: 'cosine',
  warmupSteps: 10,
  weightDecay: 0.1,
  clipNorm: 1,
  seed: 1,
  backend: 'auto',
  scan: 'auto',
  lab: DEFAULT_LAB_OPTIONS,
  evalEvery: 25,
  evalSize: 256,
  earlyStopAccuracy: 0.99,
};

/** Most steps and batch a request may ask for. */
export const MAX_TRAIN_STEPS = 100_000;
export const MAX_TRAIN_BATCH = 512;

/** A full request from a design and the fields given (task defaults fill kvPairs). */
export function trainRequest(design: Design, patch: Partial<Omit<TrainRequest, 'design'>> = {}): TrainRequest {
  const task = patch.task ?? DEFAULT_TRAIN.task;
  const kvPairs = patch.kvPairs ?? (isTaskId(task) ? TASKS[task].params().kvPairs : 0);
  return { ...DEFAULT_TRAIN, ...patch, design, task, kvPairs, lab: { ...DEFAULT_TRAIN.lab, ...patch.lab } };
}

/** The task parameters of a request (throws naming the field when the task or its knobs are invalid). */
export function taskParamsOf(r: Pick<TrainRequest, 'task' | 'kvPairs'>): TaskParams {
  if (!isTaskId(r.task)) throw new Error(`task must be one of ${TASK_IDS.join(', ')}, got "${String(r.task)}"`);
  const t = TASKS[r.task];
  if (t.kvPairsMeaning === null && r.kvPairs !== 1) throw new Error(`kvPairs does not apply to task ${r.task} (one query per sequence), got ${r.kvPairs}`);
  const p = t.params(r.kvPairs);
  const bad = t.check(p);
  if (bad) throw new Error(`${bad} (task ${r.task})`);
  return p;
}

/** Checks a request; throws one line naming the field and the rule. */
export function checkTrainRequest(r: TrainRequest): void {
  const rule = (ok: boolean, msg: string) => {
    if (!ok) throw new Error(msg);
  };
  const int = (v: number, lo: number, hi: number) => Number.isInteger(v) && v >= lo && v <= hi;
  taskParamsOf(r);
  rule(int(r.steps, 1, MAX_TRAIN_STEPS), `steps must be an integer in [1, ${MAX_TRAIN_STEPS}], got ${r.steps}`);
  rule(int(r.batch, 1, MAX_TRAIN_BATCH), `batch must be an integer in [1, ${MAX_TRAIN_BATCH}], got ${r.batch}`);
  rule(Number.isFinite(r.lr) && r.lr > 0 && r.lr <= 1, `lr must be a number in (0, 1], got ${r.lr}`);
  rule(r.schedule === 'cosine' || r.schedule === 'constant', `schedule must be cosine or constant, got ${String(r.schedule)}`);
  rule(int(r.warmupSteps, 0, MAX_TRAIN_STEPS), `warmupSteps must be an integer in [0, ${MAX_TRAIN_STEPS}], got ${r.warmupSteps}`);
  rule(Number.isFinite(r.weightDecay) && r.weightDecay >= 0 && r.weightDecay <= 10, `weightDecay must be a number in [0, 10], got ${r.weightDecay}`);
  rule(r.clipNorm > 0, `clipNorm must be a positive number (Infinity: no clipping), got ${r.clipNorm}`);
  rule(Number.isInteger(r.seed) && r.seed >= 0 && r.seed <= 0xffffffff, `seed must be an integer in [0, 4294967295], got ${r.seed}`);
  rule(int(r.evalEvery, 1, MAX_TRAIN_STEPS), `evalEvery must be an integer in [1, ${MAX_TRAIN_STEPS}], got ${r.evalEvery}`);
  rule(int(r.evalSize, 1, 8192), `evalSize must be an integer in [1, 8192], got ${r.evalSize}`);
  rule(Number.isFinite(r.earlyStopAccuracy) && r.earlyStopAccuracy > 0, `earlyStopAccuracy must be a positive number (above 1: never stop early), got ${r.earlyStopAccuracy}`);
  const lab = checkLabOptions(r.lab);
  if (lab) throw new Error(lab);
}

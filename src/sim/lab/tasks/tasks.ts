/**
 * The task registry (one entry per task id, checked exhaustive by the compiler), held-out evaluation sets fixed by a
 * seed, and scoring. Pure: no tfjs.
 */
import { Rng } from '../../runtime/rng';
import { inductionHeads } from './inductionHeads';
import { mqarClassic } from './mqarClassic';
import { mqarStacked } from './mqarStacked';
import { selectiveCopy } from './selectiveCopy';
import { TASK_IDS, type TaskBatch, type TaskDef, type TaskId, type TaskParams } from './taskTypes';

export * from './taskTypes';

/** Every task by id. */
export const TASKS = {
  'mqar-stacked': mqarStacked,
  mqar: mqarClassic,
  copy: selectiveCopy,
  induction: inductionHeads,
} as const satisfies Record<TaskId, TaskDef>;

/** The default task (research notes §0: stacked MQAR separates attention from SSMs cheaply). */
export const DEFAULT_TASK: TaskId = 'mqar-stacked';

export function isTaskId(v: unknown): v is TaskId {
  return typeof v === 'string' && (TASK_IDS as readonly string[]).includes(v);
}

/** The task of an id; throws naming the field for an unknown one. */
export function getTask(id: string): TaskDef {
  if (!isTaskId(id)) throw new Error(`task must be one of ${TASK_IDS.join(', ')}, got "${id}"`);
  return TASKS[id];
}

/** Salt of the held-out set's generator, so it never shares a stream with the training batches of the same seed. */
const EVAL_SALT = 0x0e7a1;

/**
 * The held-out evaluation set of a task: `n` sequences from a generator seeded by `seed` alone (the same set for
 * every design, run and backend given the same seed), split into batches of at most `batch`.
 */
export function evalSet(task: TaskDef, p: TaskParams, n: number, batch: number, seed: number): TaskBatch[] {
  const rng = new Rng(seed).fork(EVAL_SALT);
  const out: TaskBatch[] = [];
  for (let done = 0; done < n; done += batch) out.push(task.generate(p, Math.min(batch, n - done), rng));
  return out;
}

/** A training-batch stream: batch i is the i-th draw of a generator seeded by `seed` (fresh data every step). */
export function trainStream(task: TaskDef, p: TaskParams, batch: number, seed: number): () => TaskBatch {
  const rng = new Rng(seed).fork(0x7a1);
  return () => task.generate(p, batch, rng);
}

/** Correct predictions among the scored positions of a batch: `predicted[i]` is the class chosen at position i. */
export function countCorrect(b: Pick<TaskBatch, 'labels'>, predicted: ArrayLike<number>): number {
  if (predicted.length !== b.labels.length) throw new Error(`expected ${b.labels.length} predictions, got ${predicted.length}`);
  let n = 0;
  for (let i = 0; i < b.labels.length; i++) if (predicted[i] === b.labels[i]) n++;
  return n;
}

/** Accuracy = the mean over all scored positions (pooled over the batches). */
export function accuracyOf(batches: readonly Pick<TaskBatch, 'labels'>[], predicted: readonly ArrayLike<number>[]): number {
  let correct = 0;
  let total = 0;
  batches.forEach((b, i) => {
    correct += countCorrect(b, predicted[i]!);
    total += b.labels.length;
  });
  return total === 0 ? 0 : correct / total;
}

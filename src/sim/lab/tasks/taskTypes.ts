/**
 * The shape every synthetic recall task shares: seeded, pure data generators (no tfjs), so the same seed gives the
 * same batches in the worker, in Node and in the tests.
 *
 * Glossary: b = batch (sequences), T = seqLen (tokens per sequence), V = vocabSize, N_kv = kvPairs (key-value pairs
 * of MQAR; tokens to copy in selective copying). A *scored position* is a (sequence, token) where the model's output
 * is graded; its *label* is a class index in [0, numClasses), which is the vocabulary id classOffset + label (so the
 * LM head is read on a contiguous slice of the vocabulary only, as Zoology scores only the value tokens).
 */

/** The tasks the lab trains on. */
export const TASK_IDS = ['mqar-stacked', 'mqar', 'copy', 'induction'] as const;
export type TaskId = (typeof TASK_IDS)[number];

/** The knobs of one task instance (what the UI, the CLI and the stored results name). */
export interface TaskParams {
  /** MQAR: key-value pairs per sequence; selective copying: tokens to copy; induction heads: 1 (one query). */
  kvPairs: number;
  /** Tokens per sequence. */
  seqLen: number;
  vocabSize: number;
}

/** One batch: inputs and the scored positions with their labels. Plain typed arrays, row-major. */
export interface TaskBatch {
  batch: number;
  seqLen: number;
  /** (b, T) token ids. */
  ids: Int32Array;
  /**
   * (b, T) second token ids whose embeddings are added to the first ones (stacked MQAR: the value of a pair, or the
   * query marker), or null when the task has one token per position.
   */
  extraIds: Int32Array | null;
  /** Scored positions as flat indices b·T + t, in increasing order. */
  positions: Int32Array;
  /** Class index in [0, numClasses) at each scored position. */
  labels: Int32Array;
}

/** A task: its defaults, its rules, and its generator. */
export interface TaskDef {
  id: TaskId;
  /** Short name for the UI ("Stacked MQAR"). */
  name: string;
  /** Where the task comes from, and how ours differs (shown beside every result). */
  source: string;
  /** What `kvPairs` means for this task, in words; null when the task has no such knob. */
  kvPairsMeaning: string | null;
  /** The task's parameters for a given kvPairs (or the default one when omitted). */
  params(kvPairs?: number): TaskParams;
  /** null when the parameters are valid, else one line naming the field and the rule. */
  check(p: TaskParams): string | null;
  numClasses(p: TaskParams): number;
  /** Vocabulary id of class 0. */
  classOffset(p: TaskParams): number;
  /** Scored positions per sequence. */
  scoredPerSequence(p: TaskParams): number;
  /** A batch of `batch` fresh sequences drawn from `rng`. */
  generate(p: TaskParams, batch: number, rng: TaskRng): TaskBatch;
}

/** What a generator needs of a random source (`runtime/rng.ts` Rng satisfies it). */
export interface TaskRng {
  /** Uniform in [0, 1). */
  next(): number;
}

/** A uniform integer in [lo, hi). */
export function randInt(rng: TaskRng, lo: number, hi: number): number {
  return lo + Math.floor(rng.next() * (hi - lo));
}

/** `k` distinct integers from [lo, hi) in random order (a partial Fisher-Yates shuffle of the range). */
export function sampleDistinct(rng: TaskRng, k: number, lo: number, hi: number): number[] {
  const n = hi - lo;
  if (k > n) throw new RangeError(`cannot draw ${k} distinct values from ${n}`);
  const pool = Array.from({ length: n }, (_, i) => lo + i);
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(rng.next() * (n - i));
    const t = pool[i]!;
    pool[i] = pool[j]!;
    pool[j] = t;
  }
  return pool.slice(0, k);
}

/** A random permutation of 0..n-1. */
export function permutation(rng: TaskRng, n: number): number[] {
  return sampleDistinct(rng, n, 0, n);
}

/** A rule check: null when ok, else `${field} ${message}`. */
export function rule(ok: boolean, field: string, message: string): string | null {
  return ok ? null : `${field} ${message}`;
}

/** The first failed rule, or null. */
export function firstFailure(...checks: (string | null)[]): string | null {
  return checks.find((c) => c !== null) ?? null;
}

/** Common integer check for a task parameter. */
export function intIn(v: number, lo: number, hi: number): boolean {
  return Number.isInteger(v) && v >= lo && v <= hi;
}

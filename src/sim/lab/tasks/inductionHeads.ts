/**
 * Induction heads (Gu & Dao 2023, Mamba §4.1.2 and App. E.1; Olsson et al. 2022): single-query associative recall.
 *
 * Layout: T random data tokens; a trigger token (id 0) is placed once at a random position p ≤ T − 3 and followed by
 * the target at p + 1; the sequence ends with the trigger again (position T − 1). The output at the last position
 * must be the target: one scored position per sequence, a classification over the data tokens.
 *
 * Vocabulary (V = 16, as the paper): 0 = trigger, data 1 .. 15. The paper trains at T = 256 for 25+ epochs of 8,192
 * steps; the browser default is T = 64. The research notes' caution stands: Mamba solves this task, so it does not
 * separate attention from SSMs; it is here to show that.
 */
import { firstFailure, intIn, randInt, rule, type TaskBatch, type TaskDef, type TaskParams } from './taskTypes';

export const INDUCTION_VOCAB = 16;
export const INDUCTION_SEQ_LEN = 64;
export const INDUCTION_TRIGGER = 0;

export const inductionHeads: TaskDef = {
  id: 'induction',
  name: 'Induction heads',
  source: 'Mamba paper §4.1 (Gu & Dao 2023): trigger 0, data 1–15, one query at the end; T = 64 (the paper: 256)',
  kvPairsMeaning: null,
  params(): TaskParams {
    return { kvPairs: 1, seqLen: INDUCTION_SEQ_LEN, vocabSize: INDUCTION_VOCAB };
  },
  check(p) {
    return firstFailure(
      rule(intIn(p.vocabSize, 3, 65_536), 'vocabSize', `must be an integer in [3, 65536], got ${p.vocabSize}`),
      rule(p.kvPairs === 1, 'kvPairs', `does not apply to induction heads (one query per sequence), got ${p.kvPairs}`),
      rule(intIn(p.seqLen, 4, 8192), 'seqLen', `must be an integer in [4, 8192], got ${p.seqLen}`),
    );
  },
  numClasses: (p) => p.vocabSize - 1,
  classOffset: () => 1,
  scoredPerSequence: () => 1,
  generate(p, batch, rng): TaskBatch {
    const { seqLen: T, vocabSize: V } = p;
    const ids = new Int32Array(batch * T);
    const positions = new Int32Array(batch);
    const labels = new Int32Array(batch);
    for (let b = 0; b < batch; b++) {
      const row = ids.subarray(b * T, (b + 1) * T);
      for (let t = 0; t < T; t++) row[t] = randInt(rng, 1, V);
      const at = randInt(rng, 0, T - 2); // trigger at p ≤ T − 3, target at p + 1 ≤ T − 2
      const target = row[at + 1]!;
      row[at] = INDUCTION_TRIGGER;
      row[T - 1] = INDUCTION_TRIGGER;
      positions[b] = b * T + T - 1;
      labels[b] = target - 1;
    }
    return { batch, seqLen: T, ids, extraIds: null, positions, labels };
  },
};

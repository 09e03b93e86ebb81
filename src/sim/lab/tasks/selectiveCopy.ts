/**
 * Selective copying (Gu & Dao 2023, Mamba §4.1 and App. E.1), at the size MAD scales it down to (Poli et al. 2024,
 * athms/mad-lab `selective_copying`: vocab 16, 16 tokens), shortened further for the browser.
 *
 * Layout (T = 8·n, n = tokens to copy): the first T − n positions are noise (id 0) with n data tokens at random
 * positions (in order of position); the last n positions are the copy marker (id 1). The output at the i-th marker
 * must be the i-th data token: scored at the n marker positions, a classification over the data tokens.
 * Random spacing removes the fixed-lag shortcut that plain copying allows (the paper's point).
 *
 * Vocabulary (V = 16): 0 = noise, 1 = copy marker, data tokens 2 .. 15 (drawn with replacement).
 */
import { firstFailure, intIn, randInt, rule, sampleDistinct, type TaskBatch, type TaskDef, type TaskParams } from './taskTypes';

export const COPY_VOCAB = 16;
export const COPY_TOKENS = 8;
export const COPY_NOISE = 0;
export const COPY_MARKER = 1;

export const selectiveCopy: TaskDef = {
  id: 'copy',
  name: 'Selective copying',
  source: 'Mamba paper §4.1 (Gu & Dao 2023) at MAD scale (athms/mad-lab): noise 0, marker 1, data 2–15; T = 8 × tokens',
  kvPairsMeaning: 'tokens to copy (T = 8 × tokens)',
  params(kvPairs = COPY_TOKENS): TaskParams {
    return { kvPairs, seqLen: 8 * kvPairs, vocabSize: COPY_VOCAB };
  },
  check(p) {
    return firstFailure(
      rule(intIn(p.vocabSize, 3, 65_536), 'vocabSize', `must be an integer in [3, 65536], got ${p.vocabSize}`),
      rule(intIn(p.kvPairs, 1, 512), 'kvPairs', `(tokens to copy) must be an integer in [1, 512], got ${p.kvPairs}`),
      rule(intIn(p.seqLen, 2, 8192), 'seqLen', `must be an integer in [2, 8192], got ${p.seqLen}`),
      rule(p.seqLen >= 2 * p.kvPairs, 'seqLen', `must be at least 2 × tokens to copy = ${2 * p.kvPairs}, got ${p.seqLen}`),
    );
  },
  numClasses: (p) => p.vocabSize - 2,
  classOffset: () => 2,
  scoredPerSequence: (p) => p.kvPairs,
  generate(p, batch, rng): TaskBatch {
    const { kvPairs: n, seqLen: T, vocabSize: V } = p;
    const ctx = T - n;
    const ids = new Int32Array(batch * T);
    const positions = new Int32Array(batch * n);
    const labels = new Int32Array(batch * n);
    for (let b = 0; b < batch; b++) {
      const at = sampleDistinct(rng, n, 0, ctx).sort((x, y) => x - y);
      for (let i = 0; i < n; i++) {
        const tok = randInt(rng, 2, V);
        ids[b * T + at[i]!] = tok;
        ids[b * T + ctx + i] = COPY_MARKER;
        positions[b * n + i] = b * T + ctx + i;
        labels[b * n + i] = tok - 2;
      }
    }
    return { batch, seqLen: T, ids, extraIds: null, positions, labels };
  },
};

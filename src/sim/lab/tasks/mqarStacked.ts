/**
 * Stacked multi-query associative recall: a discrete adaptation of HazyResearch/zoology
 * `zoology/data/stacked_mqar.py` (commit d88d6f5), where each key-value pair is ONE position.
 *
 * Layout (T = 2·N_kv): positions 0..N_kv−1 hold the pairs, position t carrying key k_t (ids) and value v_t (extraIds;
 * the model sees E[k_t] + E[v_t]); positions N_kv..2N_kv−1 hold every key once more in shuffled order, each with the
 * query marker (id 0) as its second token (E[k] + E[0]). The output at a query position must be that key's value:
 * a classification over the V/2 values, scored at the query positions only.
 *
 * Vocabulary (V, default 512): id 0 = query marker, keys 1 .. V/2 − 1, values V/2 .. V − 1. Keys and values of a
 * sequence are distinct (drawn without replacement), as in Zoology's `multiquery_ar`.
 *
 * Differences from Zoology (shown in the UI): Zoology sums fixed, spherical, non-learned embeddings of key and value
 * in 2·d channels; here both are rows of the model's own learned embedding, summed in d channels.
 */
import { firstFailure, intIn, permutation, rule, sampleDistinct, type TaskBatch, type TaskDef, type TaskParams } from './taskTypes';

/** Default vocabulary and pairs (research notes §4.4: V = 512, N_kv ∈ {8, 16, 32}, default 16). */
export const MQAR_STACKED_VOCAB = 512;
export const MQAR_STACKED_KV_PAIRS = 16;
/** The query marker id. */
export const QUERY_MARKER = 0;

/** Keys available in a vocabulary of V ids: 1 .. V/2 − 1. */
export function stackedKeyCount(vocabSize: number): number {
  return vocabSize / 2 - 1;
}

export const mqarStacked: TaskDef = {
  id: 'mqar-stacked',
  name: 'Stacked MQAR',
  source: "adaptation of Zoology's stacked_mqar.py (HazyResearch/zoology d88d6f5): one position per key-value pair, learned embeddings summed",
  kvPairsMeaning: 'key-value pairs per sequence (T = 2 × pairs)',
  params(kvPairs = MQAR_STACKED_KV_PAIRS): TaskParams {
    return { kvPairs, seqLen: 2 * kvPairs, vocabSize: MQAR_STACKED_VOCAB };
  },
  check(p) {
    return firstFailure(
      rule(intIn(p.vocabSize, 8, 65_536) && p.vocabSize % 2 === 0, 'vocabSize', `must be an even integer in [8, 65536], got ${p.vocabSize}`),
      rule(Number.isInteger(p.kvPairs) && p.kvPairs >= 1, 'kvPairs', `must be a positive integer, got ${p.kvPairs}`),
      rule(
        p.kvPairs <= stackedKeyCount(p.vocabSize),
        'kvPairs',
        `${p.kvPairs} is too large for the vocabulary: ${p.vocabSize} ids hold ${stackedKeyCount(p.vocabSize)} distinct keys (ids 1 to ${p.vocabSize / 2 - 1}), so at most ${stackedKeyCount(p.vocabSize)} pairs`,
      ),
      rule(p.seqLen === 2 * p.kvPairs, 'seqLen', `must be 2 × kvPairs = ${2 * p.kvPairs}, got ${p.seqLen}`),
    );
  },
  numClasses: (p) => p.vocabSize / 2,
  classOffset: (p) => p.vocabSize / 2,
  scoredPerSequence: (p) => p.kvPairs,
  generate(p, batch, rng): TaskBatch {
    const { kvPairs: n, seqLen: T, vocabSize: V } = p;
    const half = V / 2;
    const ids = new Int32Array(batch * T);
    const extraIds = new Int32Array(batch * T);
    const positions = new Int32Array(batch * n);
    const labels = new Int32Array(batch * n);
    for (let b = 0; b < batch; b++) {
      const keys = sampleDistinct(rng, n, 1, half);
      const values = sampleDistinct(rng, n, half, V);
      const order = permutation(rng, n);
      for (let i = 0; i < n; i++) {
        ids[b * T + i] = keys[i]!;
        extraIds[b * T + i] = values[i]!;
        const j = order[i]!;
        const q = b * T + n + i;
        ids[q] = keys[j]!;
        extraIds[q] = QUERY_MARKER;
        positions[b * n + i] = q;
        labels[b * n + i] = values[j]! - half;
      }
    }
    return { batch, seqLen: T, ids, extraIds, positions, labels };
  },
};

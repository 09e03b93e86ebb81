/**
 * Classic multi-query associative recall, as HazyResearch/zoology `zoology/data/multiquery_ar.py` (d88d6f5)
 * generates it, at browser size.
 *
 * Layout: the context is N_kv pairs laid out key, value, key, value (2·N_kv tokens); the rest of the sequence is the
 * query region, `space = (T − 2·N_kv) / 2` slots of two tokens. N_kv distinct slots are drawn with probability
 * ∝ a·i^(a−1) over i = 1..space (power law, a = 0.01, favouring queries soon after the context), and the key of pair
 * j is placed at the first token of its slot, 2·N_kv + 2·(i_j − 1). Every other token is filler, replaced by a
 * uniformly random token of the whole vocabulary (`random_non_queries = True`, as Based and Mamba-2 used). The output
 * at a query position must be the value of the key there: scored at the N_kv query positions only.
 *
 * Vocabulary (V, default 256): keys 1 .. V/2 − 1, values V/2 .. V − 1 (id 0 is the filler before randomisation);
 * keys and values of a sequence are distinct. Constraints (Zoology): T even and T ≥ 4·N_kv (room for every query).
 */
import { firstFailure, intIn, randInt, rule, sampleDistinct, type TaskBatch, type TaskDef, type TaskParams, type TaskRng } from './taskTypes';

export const MQAR_VOCAB = 256;
export const MQAR_KV_PAIRS = 8;
/** Zoology's `power_a`. */
export const MQAR_POWER_A = 0.01;

/** Tokens per sequence for N_kv pairs: 8·N_kv, at least 64 (research notes §4.3: T 64 with 8 pairs). */
export function mqarSeqLen(kvPairs: number): number {
  return Math.max(64, 8 * kvPairs);
}

/** The power-law slot probabilities p_i ∝ a·i^(a−1), i = 1..space, normalised. */
export function powerLawSlotProbs(space: number, a = MQAR_POWER_A): Float64Array {
  const p = new Float64Array(space);
  let s = 0;
  for (let i = 0; i < space; i++) s += p[i] = a * Math.pow(i + 1, a - 1);
  for (let i = 0; i < space; i++) p[i]! /= s;
  return p;
}

/** `k` distinct slot indices (0-based) drawn without replacement with probabilities `p` (renormalised after each). */
function drawSlots(rng: TaskRng, p: Float64Array, k: number): number[] {
  const w = Float64Array.from(p);
  const out: number[] = [];
  for (let j = 0; j < k; j++) {
    let total = 0;
    for (let i = 0; i < w.length; i++) total += w[i]!;
    let u = rng.next() * total;
    let pick = w.length - 1;
    for (let i = 0; i < w.length; i++) {
      if (w[i] === 0) continue;
      u -= w[i]!;
      if (u < 0) {
        pick = i;
        break;
      }
    }
    while (w[pick] === 0) pick--; // rounding at the very end of the range
    out.push(pick);
    w[pick] = 0;
  }
  return out;
}

export const mqarClassic: TaskDef = {
  id: 'mqar',
  name: 'Classic MQAR',
  source: "Zoology's multiquery_ar.py (HazyResearch/zoology d88d6f5): k v k v … then queries at power-law gaps, random filler",
  kvPairsMeaning: 'key-value pairs per sequence (T = max(64, 8 × pairs))',
  params(kvPairs = MQAR_KV_PAIRS): TaskParams {
    return { kvPairs, seqLen: mqarSeqLen(kvPairs), vocabSize: MQAR_VOCAB };
  },
  check(p) {
    return firstFailure(
      rule(intIn(p.vocabSize, 8, 65_536) && p.vocabSize % 2 === 0, 'vocabSize', `must be an even integer in [8, 65536], got ${p.vocabSize}`),
      rule(Number.isInteger(p.kvPairs) && p.kvPairs >= 1, 'kvPairs', `must be a positive integer, got ${p.kvPairs}`),
      rule(
        p.kvPairs <= p.vocabSize / 2 - 1,
        'kvPairs',
        `${p.kvPairs} is too large for the vocabulary: ${p.vocabSize} ids hold ${p.vocabSize / 2 - 1} distinct keys, so at most ${p.vocabSize / 2 - 1} pairs`,
      ),
      rule(intIn(p.seqLen, 4, 8192) && p.seqLen % 2 === 0, 'seqLen', `must be an even integer in [4, 8192], got ${p.seqLen}`),
      rule(p.seqLen >= 4 * p.kvPairs, 'seqLen', `must be at least 4 × kvPairs = ${4 * p.kvPairs} (room for the context and every query), got ${p.seqLen}`),
    );
  },
  numClasses: (p) => p.vocabSize / 2,
  classOffset: (p) => p.vocabSize / 2,
  scoredPerSequence: (p) => p.kvPairs,
  generate(p, batch, rng): TaskBatch {
    const { kvPairs: n, seqLen: T, vocabSize: V } = p;
    const half = V / 2;
    const space = (T - 2 * n) / 2;
    const probs = powerLawSlotProbs(space);
    const ids = new Int32Array(batch * T);
    const positions = new Int32Array(batch * n);
    const labels = new Int32Array(batch * n);
    for (let b = 0; b < batch; b++) {
      const keys = sampleDistinct(rng, n, 1, half);
      const values = sampleDistinct(rng, n, half, V);
      const row = ids.subarray(b * T, (b + 1) * T);
      // filler first (random_non_queries), then the context and the queries on top
      for (let t = 0; t < T; t++) row[t] = randInt(rng, 0, V);
      for (let j = 0; j < n; j++) {
        row[2 * j] = keys[j]!;
        row[2 * j + 1] = values[j]!;
      }
      const slots = drawSlots(rng, probs, n);
      const q = slots.map((s, j) => ({ pos: 2 * n + 2 * s, j })).sort((x, y) => x.pos - y.pos);
      q.forEach(({ pos, j }, i) => {
        row[pos] = keys[j]!;
        positions[b * n + i] = b * T + pos;
        labels[b * n + i] = values[j]! - half;
      });
    }
    return { batch, seqLen: T, ids, extraIds: null, positions, labels };
  },
};

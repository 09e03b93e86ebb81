import { describe, expect, it } from 'vitest';
import { Rng } from '../../runtime/rng';
import { COPY_MARKER, COPY_NOISE } from './selectiveCopy';
import { INDUCTION_TRIGGER } from './inductionHeads';
import { powerLawSlotProbs } from './mqarClassic';
import { QUERY_MARKER } from './mqarStacked';
import { TASKS, accuracyOf, countCorrect, evalSet, getTask, trainStream, type TaskBatch, type TaskId } from './tasks';

const rows = (b: TaskBatch, a: Int32Array) => Array.from({ length: b.batch }, (_, i) => Array.from(a.subarray(i * b.seqLen, (i + 1) * b.seqLen)));

describe('stacked MQAR', () => {
  const t = TASKS['mqar-stacked'];
  const p = t.params(12);
  const b = t.generate(p, 5, new Rng(3));

  it('lays out N pairs (key + value) then every key once as a query (key + marker), scored at the queries', () => {
    expect(p).toEqual({ kvPairs: 12, seqLen: 24, vocabSize: 512 });
    expect(b.positions.length).toBe(5 * 12);
    const ids = rows(b, b.ids);
    const extra = rows(b, b.extraIds!);
    for (let s = 0; s < 5; s++) {
      const keys = ids[s]!.slice(0, 12);
      const values = extra[s]!.slice(0, 12);
      expect(new Set(keys).size).toBe(12);
      expect(new Set(values).size).toBe(12);
      for (const k of keys) expect(k >= 1 && k < 256).toBe(true);
      for (const v of values) expect(v >= 256 && v < 512).toBe(true);
      const queryKeys = ids[s]!.slice(12);
      expect([...queryKeys].sort((x, y) => x - y)).toEqual([...keys].sort((x, y) => x - y));
      expect(extra[s]!.slice(12)).toEqual(new Array(12).fill(QUERY_MARKER));
      for (let i = 0; i < 12; i++) {
        const pos = b.positions[s * 12 + i]!;
        expect(pos).toBe(s * 24 + 12 + i);
        const key = b.ids[pos]!;
        const value = values[keys.indexOf(key)]!;
        expect(b.labels[s * 12 + i]).toBe(value - 256); // the class is the value's index among the values
        expect(t.classOffset(p) + b.labels[s * 12 + i]!).toBe(value);
      }
    }
    expect(t.numClasses(p)).toBe(256);
  });

  it('queries come in a shuffled order (not the pair order)', () => {
    const big = t.generate(t.params(32), 4, new Rng(9));
    const inOrder = rows(big, big.ids).filter((r) => r.slice(32).every((k, i) => k === r[i])).length;
    expect(inOrder).toBe(0);
  });

  it.each([
    [t.params(256), /kvPairs 256 is too large for the vocabulary: 512 ids hold 255 distinct keys/],
    [t.params(0), /kvPairs must be a positive integer, got 0/],
    [{ ...t.params(8), seqLen: 10 }, /seqLen must be 2 × kvPairs = 16, got 10/],
  ])('refuses %j', (bad, msg) => {
    expect(t.check(bad)).toMatch(msg);
  });

  it('accepts the largest N the vocabulary allows', () => {
    expect(t.check(t.params(255))).toBeNull();
    const g = t.generate(t.params(255), 1, new Rng(1));
    expect(new Set(g.ids.subarray(0, 255)).size).toBe(255);
  });
});

describe('classic MQAR', () => {
  const t = TASKS.mqar;
  const p = t.params(8);
  const b = t.generate(p, 6, new Rng(5));

  it('lays out k v k v … then each key once at an even offset of the query region, labelled with its value', () => {
    expect(p).toEqual({ kvPairs: 8, seqLen: 64, vocabSize: 256 });
    expect(b.extraIds).toBeNull();
    const ids = rows(b, b.ids);
    for (let s = 0; s < 6; s++) {
      const r = ids[s]!;
      const keys = [0, 1, 2, 3, 4, 5, 6, 7].map((j) => r[2 * j]!);
      const values = [0, 1, 2, 3, 4, 5, 6, 7].map((j) => r[2 * j + 1]!);
      for (const k of keys) expect(k >= 1 && k < 128).toBe(true);
      for (const v of values) expect(v >= 128 && v < 256).toBe(true);
      expect(new Set(keys).size).toBe(8);
      const pos = Array.from(b.positions.subarray(s * 8, s * 8 + 8)).map((q) => q - s * 64);
      expect(pos).toEqual([...pos].sort((x, y) => x - y));
      expect(new Set(pos.map((q) => r[q])).size).toBe(8);
      pos.forEach((q, i) => {
        expect(q).toBeGreaterThanOrEqual(16);
        expect((q - 16) % 2).toBe(0);
        const key = r[q]!;
        expect(keys).toContain(key);
        expect(b.labels[s * 8 + i]).toBe(values[keys.indexOf(key)]! - 128);
      });
    }
  });

  it('fills the rest with random tokens of the whole vocabulary (random_non_queries)', () => {
    const big = t.generate(p, 50, new Rng(6));
    const scored = new Set(big.positions);
    const filler: number[] = [];
    for (let i = 0; i < big.ids.length; i++) if (i % 64 >= 16 && !scored.has(i)) filler.push(big.ids[i]!);
    expect(Math.min(...filler)).toBe(0);
    expect(Math.max(...filler)).toBe(255);
    expect(new Set(filler).size).toBeGreaterThan(200);
  });

  it('places queries by the power law: early slots far more often than late ones', () => {
    const probs = powerLawSlotProbs(24);
    expect(probs.reduce((a, v) => a + v, 0)).toBeCloseTo(1, 12);
    expect(probs[0]! / probs[23]!).toBeCloseTo(Math.pow(24, 0.99), 6);
    const q = t.params(4); // 24 slots for 4 queries: the power law shows
    const big = t.generate(q, 400, new Rng(8));
    const slot = Array.from(big.positions, (x) => ((x % 64) - 8) / 2);
    const early = slot.filter((s) => s < 4).length;
    const late = slot.filter((s) => s >= 20).length;
    expect(early).toBeGreaterThan(2 * late);
  });

  it.each([
    [t.params(128), /kvPairs 128 is too large for the vocabulary/],
    [{ ...t.params(8), seqLen: 30 }, /seqLen must be at least 4 × kvPairs = 32 .*got 30/],
    [{ ...t.params(8), seqLen: 65 }, /seqLen must be an even integer/],
  ])('refuses %j', (bad, msg) => {
    expect(t.check(bad)).toMatch(msg);
  });
});

describe('selective copying', () => {
  const t = TASKS.copy;
  const p = t.params();
  const b = t.generate(p, 8, new Rng(2));

  it('scatters the data tokens among noise, then asks for them in order at the markers', () => {
    expect(p).toEqual({ kvPairs: 8, seqLen: 64, vocabSize: 16 });
    for (const r of rows(b, b.ids).map((x, s) => ({ x, s }))) {
      const ctx = r.x.slice(0, 56);
      const data = ctx.filter((v) => v !== COPY_NOISE);
      expect(data).toHaveLength(8);
      for (const v of data) expect(v >= 2 && v < 16).toBe(true);
      expect(r.x.slice(56)).toEqual(new Array(8).fill(COPY_MARKER));
      expect(Array.from(b.labels.subarray(r.s * 8, r.s * 8 + 8)).map((l) => l + 2)).toEqual(data);
      expect(Array.from(b.positions.subarray(r.s * 8, r.s * 8 + 8))).toEqual([56, 57, 58, 59, 60, 61, 62, 63].map((q) => q + r.s * 64));
    }
    expect(t.numClasses(p)).toBe(14);
  });

  it('places the data tokens at varying positions (no fixed lag)', () => {
    const firsts = new Set(rows(b, b.ids).map((x) => x.findIndex((v) => v !== COPY_NOISE)));
    expect(firsts.size).toBeGreaterThan(3);
  });
});

describe('induction heads', () => {
  const t = TASKS.induction;
  const p = t.params();
  const b = t.generate(p, 20, new Rng(4));

  it('asks at the final trigger for the token that followed the earlier trigger', () => {
    expect(p).toEqual({ kvPairs: 1, seqLen: 64, vocabSize: 16 });
    rows(b, b.ids).forEach((r, s) => {
      const triggers = r.flatMap((v, i) => (v === INDUCTION_TRIGGER ? [i] : []));
      expect(triggers).toHaveLength(2);
      expect(triggers[1]).toBe(63);
      expect(triggers[0]).toBeLessThanOrEqual(61);
      expect(b.positions[s]).toBe(s * 64 + 63);
      expect(b.labels[s]! + 1).toBe(r[triggers[0]! + 1]);
    });
  });

  it('refuses a kvPairs knob', () => {
    expect(t.check({ ...p, kvPairs: 4 })).toMatch(/kvPairs does not apply to induction heads/);
  });
});

describe('seeded sets and scoring', () => {
  const ids: TaskId[] = ['mqar-stacked', 'mqar', 'copy', 'induction'];

  it.each(ids)('%s: the same seed gives the same batches; another seed does not', (id) => {
    const t = getTask(id);
    const p = t.params();
    const a = trainStream(t, p, 4, 7);
    const b = trainStream(t, p, 4, 7);
    const c = trainStream(t, p, 4, 8);
    const [a1, b1, c1] = [a(), b(), c()];
    expect(a1).toEqual(b1);
    expect(a1.ids).not.toEqual(c1.ids);
    expect(a()).not.toEqual(a1); // fresh data every step
    expect(t.check(p)).toBeNull();
  });

  it.each(ids)('%s: the held-out set is fixed by its seed and differs from the training stream', (id) => {
    const t = getTask(id);
    const p = t.params();
    const e1 = evalSet(t, p, 10, 4, 1);
    const e2 = evalSet(t, p, 10, 4, 1);
    expect(e1.map((x) => x.batch)).toEqual([4, 4, 2]);
    expect(e1).toEqual(e2);
    expect(e1[0]!.ids).not.toEqual(trainStream(t, p, 4, 1)().ids);
    expect(e1.reduce((n, x) => n + x.labels.length, 0)).toBe(10 * t.scoredPerSequence(p));
  });

  it('accuracy is the mean over scored positions, pooled over batches', () => {
    const b1 = { labels: Int32Array.from([1, 2, 3, 4]) };
    const b2 = { labels: Int32Array.from([5, 6]) };
    expect(countCorrect(b1, [1, 0, 3, 0])).toBe(2);
    expect(accuracyOf([b1, b2], [[1, 0, 3, 0], [5, 6]])).toBeCloseTo(4 / 6, 12);
    expect(() => countCorrect(b1, [1, 2])).toThrow(/expected 4 predictions, got 2/);
  });

  it('names the task ids on an unknown one', () => {
    expect(() => getTask('recall')).toThrow('task must be one of mqar-stacked, mqar, copy, induction, got "recall"');
  });
});

import { describe, expect, it } from 'vitest';
import type { BenchPoint, Spread } from '../../sim/protocol';
import { formatTokens } from '../formatTokens';
import { binaryByteTicks, decodeMarkers, lengthGrid, lengthTicks, shortDesignNames, stateAxisMin, mergeRows, powerOfTwoTicks, prefillMarkers, seriesKey } from './chartData';

/** Seven samples whose median is `median` (three below it, three above), as a run's spread always is. */
function spreadAround(median: number): Spread {
  const below = Array.from({ length: 3 }, () => median * (0.7 + 0.3 * Math.random()));
  const above = Array.from({ length: 3 }, () => median * (1 + 0.3 * Math.random()));
  const xs = [...below, median, ...above].sort((a, b) => a - b);
  return { median: xs[3]!, min: xs[0]!, max: xs[6]!, q1: xs[1]!, q3: xs[5]! };
}

function randomPoint(seqLen: number): BenchPoint {
  const prefillMs = 1 + Math.random() * 100;
  const decode = 0.1 + Math.random() * 5;
  return {
    seqLen,
    prefillTokensPerSec: (seqLen * 1000) / prefillMs,
    prefillMs: spreadAround(prefillMs),
    decodeMsPerToken: decode,
    decodeMs: spreadAround(decode),
    kvCacheBytes: seqLen * 64,
    stateBytes: 4096,
    predictedKvCacheBytes: seqLen * 64,
    predictedStateBytes: 4096,
    tfNumBytes: 1,
    tfNumTensors: 1,
    dispatchesPerDecodeStep: 10,
  };
}

describe('lengthGrid', () => {
  it('is sorted, bounded, includes the ends and every power of two', () => {
    const g = lengthGrid(1000, 300_000, 4);
    expect(g[0]).toBe(1000);
    expect(g.at(-1)).toBe(300_000);
    for (let i = 1; i < g.length; i++) expect(g[i]!).toBeGreaterThan(g[i - 1]!);
    for (let e = 10; e <= 18; e++) expect(g).toContain(2 ** e);
  });
  it('spaces points evenly in log2', () => {
    const g = lengthGrid(1024, 1 << 20, 4);
    expect(g.length).toBe(41);
    for (let i = 1; i < g.length; i++) expect(Math.log2(g[i]! / g[i - 1]!)).toBeCloseTo(0.25, 2);
  });
  it('rejects bad ranges with a message', () => {
    expect(() => lengthGrid(0, 10)).toThrow(/minLen/);
    expect(() => lengthGrid(10, 5)).toThrow(/maxLen/);
    expect(() => lengthGrid(1, 5, 0)).toThrow(/perOctave/);
  });
  it('ticks at powers of two', () => {
    expect(powerOfTwoTicks(1000, 70_000, 2)).toEqual([1024, 4096, 16384, 65536]);
  });
});

describe('mergeRows', () => {
  it('puts each series value under its key and null where missing', () => {
    const a = { id: 'a', points: [{ x: 1, v: 10 }, { x: 4, v: 40 }] };
    const b = { id: 'b', points: [{ x: 2, v: 20 }, { x: 4, v: 41 }] };
    const rows = mergeRows([a, b], (p) => p.x, { v: (p) => p.v, twice: (p) => 2 * p.v });
    expect(rows.map((r) => r.seqLen)).toEqual([1, 2, 4]);
    expect(rows[0]![seriesKey('a', 'v')]).toBe(10);
    expect(rows[0]![seriesKey('b', 'v')]).toBeNull();
    expect(rows[2]![seriesKey('b', 'twice')]).toBe(82);
  });
});

describe('measured markers', () => {
  it('turns prefill ms spreads into tokens/s with the ends swapped', () => {
    for (const L of [128, 512, 2048]) {
      const p = randomPoint(L);
      const [mm] = prefillMarkers([p], 'minmax');
      expect(mm!.low).toBeCloseTo((L * 1000) / p.prefillMs.max, 6);
      expect(mm!.high).toBeCloseTo((L * 1000) / p.prefillMs.min, 6);
      expect(mm!.low).toBeLessThanOrEqual(mm!.value + 1e-9);
      expect(mm!.value - mm!.error[0]).toBeCloseTo(mm!.low, 6);
      expect(mm!.value + mm!.error[1]).toBeCloseTo(mm!.high, 6);
      const [iq] = prefillMarkers([p], 'iqr');
      expect(iq!.high - iq!.low).toBeLessThanOrEqual(mm!.high - mm!.low + 1e-9);
    }
  });
  it('keeps decode ms spreads as they are', () => {
    const p = randomPoint(256);
    const [d] = decodeMarkers([p], 'iqr');
    expect(d!.value).toBe(p.decodeMsPerToken);
    expect(d!.low).toBe(p.decodeMs.q1);
    expect(d!.high).toBe(p.decodeMs.q3);
  });
});

describe('binaryByteTicks', () => {
  it.each([
    [100 * 1024 ** 3, 1024 ** 3],
    [3.3 * 1024 ** 2, 1024 ** 2],
    [5000, 1024],
    [300, 1],
  ])('covers %d bytes with round steps of one unit', (max, unit) => {
    const t = binaryByteTicks(max);
    expect(t[0]).toBe(0);
    expect(t.at(-1)!).toBeGreaterThanOrEqual(max);
    expect(t.length).toBeGreaterThanOrEqual(3);
    expect(t.length).toBeLessThanOrEqual(12);
    const step = t[1]! - t[0]!;
    for (let i = 1; i < t.length; i++) expect(t[i]! - t[i - 1]!).toBeCloseTo(step, 6);
    // Each tick is a round multiple of the unit.
    for (const v of t) expect(Math.abs(v / unit - Math.round((v / unit) * 10) / 10)).toBeLessThan(1e-9);
  });
  it('handles random maxima', () => {
    for (let i = 0; i < 200; i++) {
      const max = 10 ** (Math.random() * 13);
      const t = binaryByteTicks(max);
      expect(t.at(-1)!).toBeGreaterThanOrEqual(max);
      expect(t.length).toBeLessThanOrEqual(12);
    }
  });
});

describe('shortDesignNames', () => {
  it.each([
    [['Jamba-v0.1 (1:1)', 'Jamba-v0.1 (1:7)', 'Jamba-v0.1 (pure attention)'], ['1:1', '1:7', 'pure attention']],
    [['Jamba-v0.1 (current)', 'Jamba-v0.1 (1:1)'], ['current', '1:1']],
    [['Jamba', 'Zamba-7B'], ['Jamba', 'Zamba-7B']],
    [['My model', 'My model (1:1)'], ['My model', 'My model (1:1)']],
    [['only one'], ['only one']],
  ])('%j', (names, want) => expect(shortDesignNames(names)).toEqual(want));
});

describe('lengthTicks', () => {
  it.each([
    [1024, 1 << 20, [2e3, 5e3, 1e4, 2e4, 5e4, 1e5, 2e5, 5e5, 1e6]],
    [16, 1 << 24, [100, 1e3, 1e4, 1e5, 1e6, 1e7]],
    [64, 512, [100, 200, 300, 500]],
    [51, 160, [60, 70, 80, 90, 100]],
  ] as const)('log [%d, %d]: round decimal ticks, sparsest series with at least 4', (lo, hi, want) => {
    const t = lengthTicks(lo, hi, 'log');
    expect(t).toEqual(want);
    for (const v of t) expect(formatTokens(v)).toMatch(/^\d+(\.\d)?[KM]?$/);
  });
  it('uses a round decimal step on a linear axis', () => {
    expect(lengthTicks(1024, 1 << 20, 'linear')).toEqual([200_000, 400_000, 600_000, 800_000, 1_000_000]);
    expect(lengthTicks(0, 16_000_000, 'linear')).toEqual([0, 5e6, 10e6, 15e6]);
  });
});

describe('stateAxisMin', () => {
  it.each([
    [[561, 81, null], 32],
    [[null], 1024],
    [[5000], 1024],
    [[3], 16],
  ] as const)('%j -> %d', (c, want) => expect(stateAxisMin(c)).toBe(want));
});

/**
 * Pure builders that turn cost-model curves and measured benchmark points into the rows recharts draws and the
 * tables that are exported. No React, no store: everything here is plain data in, plain data out.
 *
 * Series keys: a row holds one value per design and metric under `${seriesId}__${metric}` (recharts reads dotted
 * keys as paths, hence the double underscore).
 */
import type { BenchPoint, RunProfileSpec, Spread } from '../../sim/protocol';

/** One design as the charts see it: an id, a label and its colour. */
export interface ChartSeries {
  id: string;
  name: string;
  color: string;
}

/** A chart row: the x value and any number of series values (null where a series has no value at that x). */
export type ChartRow = { seqLen: number } & Record<string, number | null>;

/** The key under which `metric` of series `id` sits in a row. */
export function seriesKey(id: string, metric: string): string {
  return `${id}__${metric}`;
}

/**
 * Sequence lengths from `minLen` to `maxLen` (inclusive), evenly spaced on a log-2 axis with `perOctave` points per
 * doubling, rounded to whole tokens. Powers of two in the range are always included, so tick values are exact.
 */
export function lengthGrid(minLen: number, maxLen: number, perOctave = 4): number[] {
  if (!(minLen >= 1) || !(maxLen >= minLen)) throw new Error(`lengthGrid: need 1 <= minLen <= maxLen, got ${minLen}, ${maxLen}`);
  if (!Number.isInteger(perOctave) || perOctave < 1) throw new Error(`lengthGrid: perOctave must be a positive integer, got ${perOctave}`);
  const out = new Set<number>([Math.round(minLen), Math.round(maxLen)]);
  const lo = Math.log2(minLen);
  const hi = Math.log2(maxLen);
  for (let k = Math.ceil(lo * perOctave); k <= Math.floor(hi * perOctave); k++) out.add(Math.round(2 ** (k / perOctave)));
  return [...out].filter((l) => l >= minLen && l <= maxLen).sort((a, b) => a - b);
}

/** Powers of two within [minLen, maxLen], for axis ticks (every `step`-th power). */
export function powerOfTwoTicks(minLen: number, maxLen: number, step = 1): number[] {
  const out: number[] = [];
  for (let e = Math.ceil(Math.log2(minLen)); 2 ** e <= maxLen; e += step) out.push(2 ** e);
  return out;
}

/**
 * Merges per-series point lists into rows keyed by x. `fields` maps a metric name to the value it reads from a point.
 * Rows are sorted by x; a series without a point at some x leaves null there.
 */
export function mergeRows<P>(
  series: readonly { id: string; points: readonly P[] }[],
  xOf: (p: P) => number,
  fields: Record<string, (p: P) => number>,
): ChartRow[] {
  const byX = new Map<number, ChartRow>();
  const metricKeys = series.flatMap((s) => Object.keys(fields).map((m) => seriesKey(s.id, m)));
  for (const s of series) {
    for (const p of s.points) {
      const x = xOf(p);
      let row = byX.get(x);
      if (!row) {
        row = { seqLen: x } as ChartRow;
        for (const k of metricKeys) row[k] = null;
        byX.set(x, row);
      }
      for (const [m, f] of Object.entries(fields)) row[seriesKey(s.id, m)] = f(p);
    }
  }
  return [...byX.values()].sort((a, b) => a.seqLen - b.seqLen);
}

/** Which spread the error bars show. */
export type SpreadKind = 'minmax' | 'iqr';

/** Lower and upper ends of a spread. */
export function spreadEnds(s: Spread, kind: SpreadKind): [number, number] {
  return kind === 'iqr' ? [s.q1, s.q3] : [s.min, s.max];
}

/** A measured point ready to plot: value and its spread as [low, high], plus what produced it. */
export interface MeasuredMarker {
  seqLen: number;
  value: number;
  low: number;
  high: number;
  /** recharts' ErrorBar reads [minus, plus] distances from the value. */
  error: [number, number];
}

/**
 * Prefill throughput markers in tokens per second. The benchmark times whole prefills in ms; tokens/s of a spread's
 * ends swaps them (the slowest run is the lowest throughput): tokens/s = L / (ms / 1000).
 */
export function prefillMarkers(points: readonly BenchPoint[], kind: SpreadKind): MeasuredMarker[] {
  return points.map((p) => {
    const [msLo, msHi] = spreadEnds(p.prefillMs, kind);
    const value = p.prefillTokensPerSec;
    const low = msHi > 0 ? (p.seqLen * 1000) / msHi : value;
    const high = msLo > 0 ? (p.seqLen * 1000) / msLo : value;
    return { seqLen: p.seqLen, value, low, high, error: [Math.max(0, value - low), Math.max(0, high - value)] };
  });
}

/** Decode latency markers in ms per token, the spread taken over the timed decode steps. */
export function decodeMarkers(points: readonly BenchPoint[], kind: SpreadKind): MeasuredMarker[] {
  return points.map((p) => {
    const [low, high] = spreadEnds(p.decodeMs, kind);
    const value = p.decodeMsPerToken;
    return { seqLen: p.seqLen, value, low, high, error: [Math.max(0, value - low), Math.max(0, high - value)] };
  });
}

/** A run's thread count in words: "1 thread", "4 threads", or "threads ?" for a run stored before threads were recorded. */
export function threadsLabel(threads: number | null | undefined): string {
  if (threads === null || threads === undefined) return 'threads ?';
  return `${threads} thread${threads === 1 ? '' : 's'}`;
}

/** A one-line description of a run profile's dimensions, e.g. "tiny: d=64, 8 layers, vocab 512, head 16". */
export function describeProfile(p: RunProfileSpec): string {
  return `${p.name}: d=${p.dModel}, ≤${p.maxLayers} layers, vocab ${p.vocabSize}, head ${p.headDim}, FFN ×${p.ffnMult}, ≤${p.maxExperts} experts`;
}

const NICE_STEPS = [1, 2, 4, 5, 8, 10, 16, 20, 25, 32, 40, 50, 64, 100, 128, 200, 256, 500, 512];

/**
 * Y-axis ticks for a byte axis from 0 to at least `maxBytes`: about `count` steps of a round number of the largest
 * binary unit (KiB, MiB, GiB, TiB) that fits, so labels read "20 GiB", "40 GiB" rather than "18.6 GiB".
 */
export function binaryByteTicks(maxBytes: number, count = 5): number[] {
  if (!(maxBytes > 0) || !Number.isFinite(maxBytes)) return [0, 1];
  let unit = 1;
  while (unit * 1024 <= maxBytes && unit < 1024 ** 4) unit *= 1024;
  const inUnits = maxBytes / unit;
  const rawStep = inUnits / count;
  const step = NICE_STEPS.find((s) => s >= rawStep) ?? 10 ** Math.ceil(Math.log10(rawStep));
  const ticks: number[] = [];
  for (let v = 0; ticks.length < 100; v += step) {
    ticks.push(v * unit);
    if (v >= inUnits) break;
  }
  return ticks;
}

/**
 * Short column labels for designs whose names share a prefix ("Jamba-v0.1 (1:1)", "Jamba-v0.1 (1:7)" → "1:1",
 * "1:7"): the longest common prefix ending at a space or "(" is dropped, and parentheses around what is left too.
 * Names are returned unchanged when fewer than two are given or nothing sensible is shared.
 */
export function shortDesignNames(names: readonly string[]): string[] {
  if (names.length < 2) return names.slice();
  let prefix = names[0]!;
  for (const n of names) while (!n.startsWith(prefix)) prefix = prefix.slice(0, -1);
  const cut = Math.max(prefix.lastIndexOf(' '), prefix.lastIndexOf('(') - 1);
  if (cut < 3) return names.slice();
  const out = names.map((n) => n.slice(cut + 1).trim().replace(/^\((.*)\)$/, '$1').trim());
  return out.some((s) => s === '') ? names.slice() : out;
}

/** Decimal mantissas for log-axis ticks, sparsest first: 1-10-100, 1-2-5, 1-2-3-5, then every integer. */
const LOG_TICK_MANTISSAS = [[1], [1, 2, 5], [1, 2, 3, 5], [1, 2, 3, 4, 5, 6, 7, 8, 9]] as const;

/**
 * Tick values for a sequence-length axis in round decimal numbers, so that `formatTokens` prints them exactly (2K,
 * 50K, 1M): on a log axis the sparsest 1-2-5 style series giving at least `minTicks` ticks in [min, max]; on a linear
 * axis about six steps of 1, 2, 2.5 or 5 times a power of ten.
 */
export function lengthTicks(min: number, max: number, scale: 'log' | 'linear', minTicks = 4): number[] {
  if (!(max > min) || !Number.isFinite(min) || !Number.isFinite(max)) return [min];
  if (scale === 'linear') {
    const raw = (max - min) / 6;
    const p = 10 ** Math.floor(Math.log10(raw));
    const step = [1, 2, 2.5, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? 10 * p;
    const out: number[] = [];
    for (let k = Math.ceil(min / step); k * step <= max; k++) out.push(Math.round(k * step));
    return out;
  }
  let best: number[] = [];
  for (const mantissas of LOG_TICK_MANTISSAS) {
    best = [];
    for (let e = Math.floor(Math.log10(Math.max(1, min))); 10 ** e <= max; e++) {
      for (const m of mantissas) {
        const v = m * 10 ** e;
        if (v >= min && v <= max) best.push(v);
      }
    }
    if (best.length >= minTicks) break;
  }
  return best;
}

/** The left end of the axis: a power of two at least an octave below every crossover, between 16 and 1024 tokens. */
export function stateAxisMin(crossovers: readonly (number | null)[]): number {
  let min = 1024;
  for (const c of crossovers) if (c !== null && c > 0) min = Math.min(min, 2 ** Math.floor(Math.log2(c) - 1));
  return Math.max(16, min);
}

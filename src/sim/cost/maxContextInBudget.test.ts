import { describe, expect, it } from 'vitest';
import { FORMAT, type Design, type LayerInput } from '../../models/schema';
import { formatIssues, validateDesign } from '../../models/validate';
import { analyzeDesign } from './analyzeDesign';
import { costAt, kvBytesAt } from './costAt';
import { crossoverLength } from './crossoverLength';
import { largestSeqLenWithKvAtMost, maxContextInBudget } from './maxContextInBudget';

/** mulberry32: a small seeded generator so failures can be replayed from the printed seed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function build(layers: LayerInput[], dModel = 256, vocabSize = 1000): Design {
  const r = validateDesign({ format: FORMAT, name: 'random', vocabSize, dModel, maxContext: 1 << 20, dtype: 'bf16', layers });
  if (!r.ok) throw new Error(formatIssues(r.issues));
  return r.value;
}

/** A random hybrid: attention (some windowed), Mamba, Mamba-2 and Hyena layers with small widths. */
function randomDesign(next: () => number, nLayers: number): Design {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  const layers: LayerInput[] = [];
  for (let i = 0; i < nLayers; i++) {
    const kind = pick(['attention', 'attention', 'mamba', 'mamba2', 'hyena'] as const);
    const ffn = pick([{ kind: 'none' }, { kind: 'mlp', width: 512 }] as const);
    if (kind === 'attention') {
      const kv = pick([1, 2, 4]);
      layers.push({ mixer: { kind, nHeads: 8, nKvHeads: kv, headDim: pick([16, 32, 64]), slidingWindow: pick([null, null, 64, 300, 1000]) }, ffn });
    } else if (kind === 'mamba') layers.push({ mixer: { kind, dState: pick([4, 16]), dConv: 4, expand: 2 }, ffn });
    else if (kind === 'mamba2') layers.push({ mixer: { kind, dState: 16, headDim: 32, nGroups: 1, dConv: 4, expand: 2 }, ffn });
    else layers.push({ mixer: { kind, shortFilterLength: 3, stateSize: 2 }, ffn });
  }
  return build(layers);
}

/** Slow twin: the largest L with KV(L) ≤ limit by walking L upward (only for small answers). */
function largestByScan(design: Design, limit: number, upTo: number): number {
  const cost = analyzeDesign(design);
  let L = 0;
  while (L < upTo && kvBytesAt(cost, L + 1) <= limit) L++;
  return L;
}

describe('largestSeqLenWithKvAtMost vs a linear scan', () => {
  const seed = 20261129;
  const next = rng(seed);
  const cases = Array.from({ length: 40 }, (_, i) => ({ i, design: randomDesign(next, 1 + Math.floor(next() * 6)), limit: Math.floor(next() * 4_000_000) }));
  it.each(cases)(`random design #$i (seed ${seed})`, ({ design, limit }) => {
    const cost = analyzeDesign(design);
    const fast = largestSeqLenWithKvAtMost(cost, limit);
    const cap = 20_000;
    const slow = largestByScan(design, limit, cap);
    if (slow === cap) expect(fast).toBeGreaterThanOrEqual(cap);
    else expect(fast).toBe(slow);
  });
  it('the random cases reach zero, positive and unbounded answers', () => {
    const answers = cases.map(({ design, limit }) => largestSeqLenWithKvAtMost(analyzeDesign(design), limit));
    expect(answers.some((a) => a === Infinity)).toBe(true);
    expect(answers.some((a) => a > 0 && a < 20_000)).toBe(true);
  });
});

describe('maxContextInBudget', () => {
  const seed = 77;
  const next = rng(seed);
  const cases = Array.from({ length: 40 }, (_, i) => {
    const design = randomDesign(next, 2 + Math.floor(next() * 10));
    const weights = analyzeDesign(design).weightBytes;
    return { i, design, budget: Math.floor(weights + next() * 2 ** 28) };
  });
  it.each(cases)(`costAt(max) ≤ budget < costAt(max + 1), random design #$i (seed ${seed})`, ({ design, budget }) => {
    const L = maxContextInBudget(design, budget);
    if (L === Infinity) {
      // Only possible when the KV cache stops growing: a length far beyond every window costs the same as the window.
      expect(costAt(design, 1 << 30).totalBytes).toBeLessThanOrEqual(budget);
      expect(costAt(design, 1 << 30).kvCacheBytes).toBe(costAt(design, 2000).kvCacheBytes);
      return;
    }
    expect(costAt(design, L).totalBytes).toBeLessThanOrEqual(budget);
    expect(costAt(design, L + 1).totalBytes).toBeGreaterThan(budget);
  });
  it('the random budgets give finite and unbounded answers', () => {
    const answers = cases.map(({ design, budget }) => maxContextInBudget(design, budget));
    expect(answers.some((a) => a === Infinity)).toBe(true);
    expect(answers.some((a) => Number.isFinite(a) && a > 0)).toBe(true);
  });

  const llama = build([{ mixer: { kind: 'attention', nHeads: 32, nKvHeads: 32, headDim: 128 }, ffn: { kind: 'mlp', width: 11008 } }], 4096, 32000);

  it('solves the linear formula exactly: (budget − weights − state) / KV per token', () => {
    const cost = analyzeDesign(llama);
    const perToken = 2 * 32 * 128 * 2;
    const budget = cost.weightBytes + 12_345 * perToken + 17;
    expect(maxContextInBudget(llama, budget)).toBe(12_345);
  });

  it('is 0 when the weights alone exceed the budget', () => {
    const cost = analyzeDesign(llama);
    expect(maxContextInBudget(llama, cost.weightBytes - 1)).toBe(0);
  });

  it('is Infinity for a design without attention', () => {
    const ssm = build([{ mixer: { kind: 'mamba', dState: 16, dConv: 4, expand: 2 }, ffn: { kind: 'none' } }]);
    const cost = analyzeDesign(ssm);
    expect(maxContextInBudget(ssm, cost.weightBytes + cost.stateBytes)).toBe(Infinity);
    expect(maxContextInBudget(ssm, cost.weightBytes + cost.stateBytes - 1)).toBe(0);
  });

  it('is Infinity when every attention layer is windowed and the full windows fit, finite otherwise', () => {
    const w = build([{ mixer: { kind: 'attention', nHeads: 4, nKvHeads: 4, headDim: 64, slidingWindow: 100 }, ffn: { kind: 'none' } }]);
    const cost = analyzeDesign(w);
    const full = cost.weightBytes + 100 * 2 * 4 * 64 * 2;
    expect(maxContextInBudget(w, full)).toBe(Infinity);
    expect(maxContextInBudget(w, full - 1)).toBe(99);
  });

  it('respects per-dtype and batch options', () => {
    const cost = analyzeDesign(llama, { dtype: 'int4', cacheDtype: 'fp8', batch: 4 });
    const perToken = 2 * 32 * 128 * 1 * 4;
    expect(maxContextInBudget(llama, cost.weightBytes + 1000 * perToken, { dtype: 'int4', cacheDtype: 'fp8', batch: 4 })).toBe(1000);
  });

  it.each([-1, Number.NaN, Infinity])('rejects budget %s', (b) => {
    expect(() => maxContextInBudget(llama, b)).toThrow(/budgetBytes/);
  });
});

describe('crossoverLength', () => {
  const mamba = { mixer: { kind: 'mamba', dState: 16, dConv: 4, expand: 2 }, ffn: { kind: 'none' } } as const;
  const attn = (window: number | null = null) => ({ mixer: { kind: 'attention', nHeads: 8, nKvHeads: 2, headDim: 32, slidingWindow: window }, ffn: { kind: 'none' } }) as const;

  it('1 attention + 7 Mamba (d 256): state 7 × 512 × 20 = 71,680 elements, KV 128 per position → 561', () => {
    const d = build([attn(), mamba, mamba, mamba, mamba, mamba, mamba, mamba]);
    // KV(L) = 128·L elements > 71,680 first at L = 561.
    expect(crossoverLength(d)).toBe(561);
    expect(costAt(d, 560).kvCacheBytes).toBeLessThanOrEqual(costAt(d, 560).stateBytes);
    expect(costAt(d, 561).kvCacheBytes).toBeGreaterThan(costAt(d, 561).stateBytes);
  });

  it('is null without attention, and when windows cap the KV below the state', () => {
    expect(crossoverLength(build([mamba, mamba]))).toBeNull();
    // One Mamba layer keeps 10,240 elements; a window of 80 caps the KV at exactly 80 × 128 = 10,240 (not more).
    expect(crossoverLength(build([attn(80), mamba]))).toBeNull();
    expect(crossoverLength(build([attn(81), mamba]))).toBe(81);
    expect(crossoverLength(build([attn(1000), mamba]))).toBe(81);
  });

  it('is 1 for pure attention (no state)', () => {
    expect(crossoverLength(build([attn()]))).toBe(1);
  });

  const seed = 5;
  const next = rng(seed);
  const cases = Array.from({ length: 30 }, (_, i) => ({ i, design: randomDesign(next, 2 + Math.floor(next() * 8)) }));
  it.each(cases)(`KV(c − 1) ≤ state < KV(c), random design #$i (seed ${seed})`, ({ design }) => {
    const c = crossoverLength(design);
    if (c === null) {
      expect(costAt(design, 1 << 30).kvCacheBytes).toBeLessThanOrEqual(costAt(design, 0).stateBytes);
      return;
    }
    expect(costAt(design, c - 1).kvCacheBytes).toBeLessThanOrEqual(costAt(design, c - 1).stateBytes);
    expect(costAt(design, c).kvCacheBytes).toBeGreaterThan(costAt(design, c).stateBytes);
  });
  it('the random designs include ones that cross and ones that never do', () => {
    const answers = cases.map(({ design }) => crossoverLength(design));
    expect(answers.some((a) => a === null)).toBe(true);
    expect(answers.some((a) => a !== null && a > 1)).toBe(true);
  });
});

describe('edge cases', () => {
  it('returns quickly for budgets beyond 2^53 tokens', () => {
    const d = build([{ mixer: { kind: 'attention', nHeads: 1, nKvHeads: 1, headDim: 1 }, ffn: { kind: 'none' } }], 8, 10);
    const L = maxContextInBudget(d, 1e18, { cacheDtype: 'int4' });
    expect(L).toBeGreaterThan(2 ** 53);
  });
  it('rejects a negative KV limit', () => {
    const d = build([{ mixer: { kind: 'attention', nHeads: 1, nKvHeads: 1, headDim: 1 }, ffn: { kind: 'none' } }], 8, 10);
    expect(() => largestSeqLenWithKvAtMost(analyzeDesign(d), -1)).toThrow(/limitBytes/);
  });
});

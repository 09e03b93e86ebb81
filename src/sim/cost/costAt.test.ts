import { describe, expect, it } from 'vitest';
import { FORMAT, type Design, type LayerInput } from '../../models/schema';
import { formatIssues, validateDesign } from '../../models/validate';
import { analyzeDesign } from './analyzeDesign';
import { costAt, costCurve, costPointAt } from './costAt';
import type { DesignCost } from './types';

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

/** A random small hybrid with every mixer kind, windows, MoE and a shared block. */
function randomDesign(next: () => number): Design {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  const layers: LayerInput[] = [];
  const n = 2 + Math.floor(next() * 10);
  for (let i = 0; i < n; i++) {
    const ffn = pick([{ kind: 'none' }, { kind: 'mlp', width: 96, activation: 'gelu', bias: true }, { kind: 'moe', nExperts: 4, topK: 2, expertWidth: 32 }] as const);
    const mixer = pick([
      { kind: 'attention', nHeads: 4, nKvHeads: pick([1, 2, 4]), headDim: 16, slidingWindow: pick([null, 7, 50]) },
      { kind: 'mamba', dState: 4, dConv: 3, expand: 2 },
      { kind: 'mamba2', dState: 8, headDim: 16, nGroups: 2, dConv: 4, expand: 2 },
      { kind: 'hyena', shortFilterLength: 3, stateSize: 2 },
      { kind: 'shared', blockId: 's' },
      { kind: 'none' },
    ] as const);
    layers.push({ mixer, ffn });
  }
  const r = validateDesign({
    format: FORMAT,
    name: 'random',
    vocabSize: 100,
    dModel: 64,
    maxContext: 1 << 16,
    tiedEmbeddings: next() < 0.5,
    dtype: pick(['fp32', 'bf16', 'int4'] as const),
    sharedBlocks: [{ id: 's', attention: { kind: 'attention', nHeads: 4, nKvHeads: 2, headDim: 32 }, ffn: { kind: 'mlp', width: 64 } }],
    layers,
  });
  if (!r.ok) throw new Error(formatIssues(r.issues));
  return r.value;
}

/** Slow twin of costPointAt: walks every layer, and averages the decode cost over positions 1..L for prefill. */
function slowPoint(cost: DesignCost, L: number) {
  const lmHead = cost.flopsPerTokenFixed - cost.layers.reduce((a, l) => a + l.flopsPerTokenFixed, 0);
  const held = (t: number, w: number | null) => (w === null ? t : Math.min(t, w));
  const decode = (t: number) => lmHead + cost.layers.reduce((a, l) => a + l.flopsPerTokenFixed + l.attnFlopsPerContextToken * held(t, l.kvWindow), 0);
  let prefill = 0;
  for (let t = 1; t <= L; t++) prefill += decode(t);
  const kv = cost.layers.reduce((a, l) => a + l.kvBytesPerToken * held(L, l.kvWindow), 0);
  return { kv, decode: decode(L), prefill: L > 0 ? prefill / L : lmHead + cost.layers.reduce((a, l) => a + l.flopsPerTokenFixed, 0) };
}

describe('costPointAt vs a slow per-layer twin', () => {
  const seed = 424242;
  const next = rng(seed);
  const cases = Array.from({ length: 40 }, (_, i) => ({ i, design: randomDesign(next), L: Math.floor(next() * 3000), batch: 1 + Math.floor(next() * 3) }));
  it.each(cases)(`random design #$i at L = $L, batch $batch (seed ${seed})`, ({ design, L, batch }) => {
    const cost = analyzeDesign(design, { batch });
    const fast = costPointAt(cost, L);
    const slow = slowPoint(cost, L);
    expect(fast.kvCacheBytes).toBe(slow.kv);
    expect(fast.flopsPerToken).toBe(slow.decode);
    expect(fast.prefillFlopsPerToken).toBeCloseTo(slow.prefill, 3);
    expect(fast.totalBytes).toBe(fast.weightBytes + fast.kvCacheBytes + fast.stateBytes);
    expect(fast.stateBytes).toBe(cost.layers.reduce((a, l) => a + l.stateBytes, 0));
  });

  it.each(cases.slice(0, 10))(`totals equal the sum of every listed tensor, random design #$i`, ({ design }) => {
    const cost = analyzeDesign(design);
    const tensors = [...cost.layers.flatMap((l) => l.tensors), ...cost.sharedBlocks.flatMap((b) => b.tensors)];
    const p = cost.params;
    expect(tensors.reduce((a, t) => a + t.params, 0) + p.embedding + p.lmHead + p.finalNorm).toBe(p.total);
    for (const t of tensors) expect(t.params).toBe(t.shape.reduce((a, b) => a * b, 1));
  });
});

describe('costAt / costCurve', () => {
  const design = randomDesign(rng(9));
  it('costCurve equals costAt at each length, in order', () => {
    const Ls = [0, 1, 7, 8, 100, 65536];
    expect(costCurve(design, Ls)).toEqual(Ls.map((L) => costAt(design, L)));
  });
  it.each([-1, 1.5, Number.NaN, Infinity])('rejects seqLen %s', (L) => {
    expect(() => costAt(design, L)).toThrow(/seqLen must be a non-negative integer/);
    expect(() => costCurve(design, [1, L])).toThrow(/seqLen/);
  });
});

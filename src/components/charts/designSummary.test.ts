import { describe, expect, it } from 'vitest';
import { makeTemplate } from '../../models/presets';
import { ratioVariants } from '../../models/patterns';
import { costAt } from '../../sim/cost/costAt';
import { maxContextInBudget } from '../../sim/cost/maxContextInBudget';
import { summarizeDesign } from './designSummary';

const GiB = 1024 ** 3;

describe('summarizeDesign', () => {
  it('agrees with the cost model called directly on random template sizes', () => {
    for (let t = 0; t < 5; t++) {
      const nLayers = 8 * (1 + Math.floor(Math.random() * 4));
      const design = makeTemplate('1:7', { dModel: 512 * (1 + Math.floor(Math.random() * 4)), nLayers, vocabSize: 32000 });
      const budget = (8 + Math.random() * 100) * GiB;
      const s = summarizeDesign(design, budget);
      expect(s.kvBytesAt32K).toBe(costAt(design, 32768).kvCacheBytes);
      expect(s.kvBytesAt256K).toBe(costAt(design, 262144).kvCacheBytes);
      expect(s.flopsPerTokenAt4K).toBe(costAt(design, 4096).flopsPerToken);
      expect(s.maxContext).toBe(maxContextInBudget(design, budget));
      expect(s.weightBytes).toBe(costAt(design, 1).weightBytes);
    }
  });
  it('gives the 1:1 variant of a 32-layer design 4x the KV of the 1:7 variant at 256K', () => {
    const base = makeTemplate('1:7', { dModel: 4096, nLayers: 32, vocabSize: 65536 });
    const v = ratioVariants(base);
    expect(v).toHaveLength(5);
    const kv = Object.fromEntries(v.map((x) => [x.label, summarizeDesign(x.design, 80 * GiB).kvBytesAt256K]));
    expect(kv['1:1']).toBe(4 * kv['1:7']!);
    expect(kv['1:7']).toBeGreaterThan(0);
  });
});

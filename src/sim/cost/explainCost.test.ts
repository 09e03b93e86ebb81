import { describe, expect, it } from 'vitest';
import { FORMAT, type Design, type DesignInput } from '../../models/schema';
import { formatIssues, validateDesign } from '../../models/validate';
import { analyzeDesign } from './analyzeDesign';
import { costAt } from './costAt';
import { explainCost } from './explainCost';
import { formatBytes, formatCount, formatInt } from './format';
import { maxContextInBudget } from './maxContextInBudget';

function build(input: Omit<DesignInput, 'format'>): Design {
  const r = validateDesign({ format: FORMAT, ...input });
  if (!r.ok) throw new Error(formatIssues(r.issues));
  return r.value;
}

const jamba = build({
  name: 'Jamba-v0.1',
  vocabSize: 65536,
  dModel: 4096,
  maxContext: 262144,
  layers: [
    {
      pattern: {
        count: 32,
        base: { mixer: { kind: 'mamba', dState: 16, dConv: 4, expand: 2, dtRank: 256, innerNorms: true }, ffn: { kind: 'mlp', width: 14336 } },
        rules: [
          { period: 8, offset: 4, mixer: { kind: 'attention', nHeads: 32, nKvHeads: 8, headDim: 128 } },
          { period: 2, offset: 1, ffn: { kind: 'moe', nExperts: 16, topK: 2, expertWidth: 14336 } },
        ],
      },
    },
  ],
});

describe('explainCost', () => {
  const L = 262_144;
  const budget = 141 * 2 ** 30;
  const e = explainCost(jamba, L, { budgetBytes: budget });
  const cost = analyzeDesign(jamba);
  const point = costAt(jamba, L);

  it('writes the KV formula with the values put in', () => {
    expect(e.kvCacheBytes).toBe('KV = 2 × 4 attn layers × 8 KV heads × 128 head dim × 262,144 tokens × 2 B (bf16) × batch 1 = 4.00 GiB');
  });

  it('writes the state formula per kind', () => {
    expect(e.stateBytes).toBe(`State = 28 mamba layers × (conv 8,192 × 4 + ssm 8,192 × 16) × 2 B (bf16) × batch 1 = ${formatBytes(cost.stateBytes)}, the same at every length`);
  });

  it('states totals that agree with the cost model', () => {
    expect(e.paramsTotal).toContain(formatInt(cost.params.total));
    expect(e.paramsTotal).toContain('mixers: 28 mamba, 4 attention; FFNs: 16 mlp, 16 moe');
    expect(e.paramsTotal).toContain('embedding 65,536 × 4,096');
    expect(e.paramsActive).toContain(formatInt(cost.params.active));
    expect(e.paramsActive).toContain('16 MoE layers');
    expect(e.weightBytes).toBe(`Weights = ${formatInt(cost.params.total)} params × 2 B (bf16) = ${formatBytes(cost.weightBytes)}`);
    expect(e.flopsPerToken).toContain(`= ${formatCount(point.flopsPerToken)};`);
    expect(e.flopsPerToken).toContain('attention 4 × 4,096 (heads × head dim) × 262,144 positions × 4 layers');
    expect(e.maxContext).toContain(`= ${formatInt(maxContextInBudget(jamba, budget))} tokens`);
  });

  it('says when a budget is missing, exceeded or never reached', () => {
    expect(explainCost(jamba, L).maxContext).toMatch(/set a memory budget/);
    expect(explainCost(jamba, L, { budgetBytes: 2 ** 30 }).maxContext).toMatch(/^Max context = 0: weights/);
    const ssm = build({ name: 'ssm', vocabSize: 100, dModel: 64, maxContext: 100, layers: [{ mixer: { kind: 'mamba', dState: 4, dConv: 4, expand: 2 }, ffn: { kind: 'none' } }] });
    const s = explainCost(ssm, 1000, { budgetBytes: 2 ** 30 });
    expect(s.maxContext).toMatch(/unbounded: no KV cache/);
    expect(s.kvCacheBytes).toMatch(/^KV = 0: no attention layers/);
  });

  it('names shared-block calls and counts the block once in active params', () => {
    const z = build({
      name: 'z',
      vocabSize: 100,
      dModel: 64,
      maxContext: 100,
      sharedBlocks: [{ id: 'b', attention: { kind: 'attention', nHeads: 4, nKvHeads: 2, headDim: 32 }, ffn: { kind: 'mlp', width: 64 } }],
      layers: [
        { mixer: { kind: 'shared', blockId: 'b' }, ffn: { kind: 'none' } },
        { mixer: { kind: 'mamba', dState: 4, dConv: 4, expand: 2 }, ffn: { kind: 'none' } },
        { mixer: { kind: 'shared', blockId: 'b' }, ffn: { kind: 'none' } },
      ],
    });
    const x = explainCost(z, 10);
    expect(x.kvCacheBytes).toBe(`KV = 2 × 2 shared-block calls × 2 KV heads × 32 head dim × 10 tokens × 2 B (bf16) × batch 1 = ${formatBytes(costAt(z, 10).kvCacheBytes)}`);
    expect(x.paramsActive).toContain('counted once though called 2 times');
    expect(x.paramsActive).toMatch(/= 102,592 /);
    expect(x.flopsPerToken).toContain('attention 4 × 128 (heads × head dim) × 10 positions × 2 shared-block calls');
  });

  it('shows the window cap', () => {
    const m = build({ name: 'm', vocabSize: 100, dModel: 256, maxContext: 100, layers: [{ mixer: { kind: 'attention', nHeads: 8, nKvHeads: 2, headDim: 32, slidingWindow: 4096 }, ffn: { kind: 'none' } }] });
    expect(explainCost(m, 10_000).kvCacheBytes).toContain('min(10,000, window 4,096) = 4,096 tokens');
  });
});

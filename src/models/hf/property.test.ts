import { describe, expect, it } from 'vitest';
import { analyzeDesign } from '../../sim/cost/analyzeDesign';
import { exportHfConfigAs, importHfConfig } from '../hf';
import { expandLayers, FORMAT, type Design } from '../schema';
import { validateDesign } from '../validate';

/**
 * Property: random designs in each family's form survive export -> import unchanged (layers, shared blocks, sizes,
 * cost). A seeded LCG keeps every run the same; a failure names the seed and family.
 */
function lcg(seed: number) {
  let a = seed >>> 0 || 1;
  return (k: number) => {
    a = (Math.imul(a, 1103515245) + 12345) >>> 0;
    return (a >>> 8) % k;
  };
}
type Json = Record<string, unknown>;
function design(rand: (k: number) => number, d: number, layers: Json[], sharedBlocks: Json[] = []): Design {
  const r = validateDesign({ format: FORMAT, name: 'random', vocabSize: 100 + rand(2000), dModel: d, tiedEmbeddings: rand(2) === 1, maxContext: 1024 * (1 + rand(64)), sharedBlocks, layers });
  if (!r.ok) throw new Error(JSON.stringify(r.issues.slice(0, 2)));
  return r.value;
}
const mamba2 = (rand: (k: number) => number, d: number, expand: number, explicitHeads: boolean, extra: Json = {}) => {
  const headDim = [8, 16][rand(2)]!;
  const nHeads = explicitHeads ? (3 * d) / headDim : null;
  return { kind: 'mamba2', dState: [8, 16, 32][rand(3)], headDim, nGroups: [1, 2][rand(2)], dConv: [2, 4][rand(2)], expand, nHeads, chunkSize: [64, 128, 256][rand(3)], convBias: true, projBias: false, gatedNorm: true, ...extra };
};

const GENERATORS: Record<string, (rand: (k: number) => number) => Design> = {
  nemotron_h: (rand) => {
    const d = 64 * (1 + rand(3));
    const M = mamba2(rand, d, 2, rand(2) === 1, { projBias: rand(2) === 1, convBias: rand(2) === 1 });
    const A = { kind: 'attention', nHeads: 4, nKvHeads: [1, 2, 4][rand(3)], headDim: 16, positional: 'none', bias: rand(2) === 1 };
    const F = { kind: 'mlp', width: 32 * (1 + rand(6)), activation: 'relu2', bias: false };
    const E = { kind: 'moe', nExperts: 8, topK: 1 + rand(4), expertWidth: 16 * (1 + rand(4)), activation: 'relu2', sharedExperts: 1, sharedExpertWidth: 16 * (1 + rand(4)), router: 'sigmoid', routerBias: true, routedScale: [1, 2.5][rand(2)], normTopK: rand(2) === 1 };
    const n = 1 + rand(20);
    const layers = Array.from({ length: n }, () => [{ mixer: M, ffn: { kind: 'none' } }, { mixer: A, ffn: { kind: 'none' } }, { mixer: { kind: 'none' }, ffn: F }, { mixer: { kind: 'none' }, ffn: E }][rand(4)]!);
    return design(rand, d, layers);
  },
  zamba2: (rand) => {
    const d = 32 * (1 + rand(3));
    const M = mamba2(rand, d, 2, false);
    const nBlocks = 1 + rand(2);
    const act = ['geglu', 'swiglu'][rand(2)];
    const adapters = rand(3);
    const block = (k: number): Json & { attention: Json } => ({
      id: `zamba2-shared-${k}`,
      attention: { kind: 'attention', nHeads: 4, nKvHeads: 4, headDim: (2 * d) / 4, positional: rand(2) ? 'rope' : 'none', slidingWindow: null, bias: false },
      ffn: { kind: 'mlp', width: 32 * (1 + rand(4)), activation: act, bias: false },
      concatEmbedding: true,
      perCallLinear: true,
      ...(adapters ? { adapters: { rank: 4, mlp: adapters !== 1, attention: adapters !== 2 } } : {}),
    });
    const first = block(0);
    const blocks = Array.from({ length: nBlocks }, (_, k) => ({ ...first, id: `zamba2-shared-${k}` }));
    if ((first.attention as Json).positional === 'rope') for (const b of blocks) b.attention = { ...b.attention, ropeTheta: 10000 };
    const n = 2 + rand(20);
    const layers: Json[] = [];
    let calls = 0;
    for (let i = 0; i < n; i++) {
      if (rand(3) === 0) layers.push({ mixer: { kind: 'shared', blockId: `zamba2-shared-${calls++ % nBlocks}` }, ffn: { kind: 'none' } });
      layers.push({ mixer: M, ffn: { kind: 'none' } });
    }
    return design(rand, d, layers, calls === 0 ? [] : blocks.slice(0, Math.min(nBlocks, calls)));
  },
  falcon_h1: (rand) => {
    const d = 64 * (1 + rand(3));
    const A = { kind: 'attention', nHeads: 4, nKvHeads: [1, 2][rand(2)], headDim: [16, 32][rand(2)], positional: 'rope', ropeTheta: [1e4, 1e11][rand(2)], slidingWindow: null, bias: false };
    const M = mamba2(rand, d, 2, rand(2) === 1, { gatedNorm: rand(2) === 1 });
    const n = 1 + rand(10);
    return design(rand, d, Array.from({ length: n }, () => ({ mixer: { kind: 'parallel', branches: [A, M], combine: 'sum' }, ffn: { kind: 'mlp', width: 64, activation: 'swiglu', bias: false } })));
  },
  granitemoehybrid: (rand) => {
    const d = 64 * (1 + rand(3));
    const M = mamba2(rand, d, 2, false);
    const rope = rand(2) === 1;
    const A = { kind: 'attention', nHeads: 4, nKvHeads: [1, 2, 4][rand(3)], headDim: d / 4, positional: rope ? 'rope' : 'none', ...(rope ? { ropeTheta: 10000 } : {}), slidingWindow: null, bias: false };
    const moe = rand(2) === 1;
    const F = moe ? { kind: 'moe', nExperts: 8, topK: 1 + rand(8), expertWidth: 32, activation: 'swiglu', sharedExperts: 1, sharedExpertWidth: 16 * (1 + rand(4)), router: 'softmax', normTopK: true } : { kind: 'mlp', width: 64, activation: 'swiglu', bias: false };
    const n = 1 + rand(12);
    return design(rand, d, Array.from({ length: n }, () => ({ mixer: rand(3) ? M : A, ffn: F })));
  },
  bamba: (rand) => {
    const d = 64 * (1 + rand(3));
    const M = mamba2(rand, d, 2, false);
    const A = { kind: 'attention', nHeads: 4, nKvHeads: [1, 2, 4][rand(3)], headDim: d / 4, positional: 'rope', ropeTheta: 10000, ropeFraction: 0.5, slidingWindow: null, bias: false };
    const F = { kind: 'mlp', width: 32 * (1 + rand(4)), activation: 'swiglu', bias: false };
    return design(rand, d, Array.from({ length: 1 + rand(12) }, () => ({ mixer: rand(3) ? M : A, ffn: F })));
  },
  qwen3_next: (rand) => {
    const d = 64 * (1 + rand(3));
    const nk = [1, 2][rand(2)]!;
    const G = { kind: 'linear-attention', nKeyHeads: nk, nValueHeads: nk * (1 + rand(2)), keyHeadDim: 16, valueHeadDim: [16, 32][rand(2)], update: 'delta', decay: 'head', convSize: [2, 4][rand(2)], outputGate: 'full', outputNorm: true, lowRank: null, layout: 'qwen3-next' };
    const A = { kind: 'attention', nHeads: 4, nKvHeads: [1, 2][rand(2)], headDim: 32, positional: 'rope', ropeTheta: [1e4, 1e7][rand(2)], ...(rand(2) ? { ropeFraction: 0.25 } : {}), outputGate: true, qkNorm: true, slidingWindow: null, bias: false };
    const shared = rand(2) === 1;
    const E = { kind: 'moe', nExperts: 8, topK: 1 + rand(8), expertWidth: 16, activation: 'swiglu', sharedExperts: shared ? 1 : 0, sharedExpertWidth: shared ? 32 : null, sharedExpertGate: shared, router: 'softmax', normTopK: rand(2) === 1 };
    const F = { kind: 'mlp', width: 64, activation: 'swiglu', bias: false };
    return design(rand, d, Array.from({ length: 1 + rand(12) }, () => ({ mixer: rand(4) ? G : A, ffn: rand(4) ? E : F })));
  },
  mamba2: (rand) => {
    const d = 64 * (1 + rand(3));
    const M = mamba2(rand, d, [1, 2][rand(2)]!, false);
    return design(rand, d, Array.from({ length: 1 + rand(6) }, () => ({ mixer: M, ffn: { kind: 'none' } })));
  },
  mixtral: (rand) => {
    const d = 64 * (1 + rand(3));
    const A = { kind: 'attention', nHeads: 4, nKvHeads: [1, 2, 4][rand(3)], headDim: 16, positional: 'rope', ropeTheta: 1e6, slidingWindow: rand(2) ? null : 128, bias: false };
    const E = { kind: 'moe', nExperts: 8, topK: 1 + rand(4), expertWidth: 64, activation: 'swiglu' };
    return design(rand, d, Array.from({ length: 1 + rand(6) }, () => ({ mixer: A, ffn: E })));
  },
};

describe('HF export -> import is the identity on random designs of each family (property)', () => {
  it.each(Object.keys(GENERATORS))('%s: 60 seeds', (family) => {
    for (let seed = 1; seed <= 60; seed++) {
      const d = GENERATORS[family]!(lcg(seed * 7919 + family.length));
      const ex = exportHfConfigAs(d, family);
      if (!ex.ok) throw new Error(`seed ${seed}: export refused: ${JSON.stringify(ex.issues)}`);
      const back = importHfConfig(JSON.parse(JSON.stringify(ex.value)));
      if (!back.ok) throw new Error(`seed ${seed}: import refused: ${JSON.stringify(back.issues.slice(0, 2))}`);
      expect(expandLayers(back.value.layers), `${family} seed ${seed}`).toEqual(expandLayers(d.layers));
      expect(back.value.sharedBlocks, `${family} seed ${seed}`).toEqual(d.sharedBlocks);
      expect({ v: back.value.vocabSize, t: back.value.tiedEmbeddings, c: back.value.maxContext }).toEqual({ v: d.vocabSize, t: d.tiedEmbeddings, c: d.maxContext });
      expect(analyzeDesign(back.value).params.total).toBe(analyzeDesign(d).params.total);
    }
  });
});

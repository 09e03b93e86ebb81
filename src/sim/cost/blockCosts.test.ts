import { describe, expect, it } from 'vitest';
import { FORMAT, type Design, type DesignInput, type Ffn, type Mixer, type SharedBlock } from '../../models/schema';
import { formatIssues, validateDesign } from '../../models/validate';
import { analyzeDesign } from './analyzeDesign';
import { MOE_DEFAULT_OPTIONS } from '../../kinds/moe/spec';
import { BYTES_PER_ELEMENT } from './bytesPerElement';

/** A validated one-layer design around `mixer` and `ffn` (d = 64 unless given), no embedding to speak of. */
function oneLayer(mixer: unknown, ffn: unknown, extra: Partial<DesignInput> = {}): Design {
  const r = validateDesign({
    format: FORMAT,
    name: 'one layer',
    vocabSize: 10,
    dModel: 64,
    maxContext: 4096,
    dtype: 'fp32',
    layers: [{ mixer, ffn }],
    ...extra,
  });
  if (!r.ok) throw new Error(formatIssues(r.issues));
  return r.value;
}

const NONE = { kind: 'none' } as const;

// Each row: a mixer at d = 64 and its parameter count worked out by hand from the reference shapes (one RMSNorm of
// d = 64 before the mixer is added by the layer and included in `withNorm`).
// `macs`: weight-matrix and conv-tap elements (one MAC each per token); `scan`: 4 FLOPs per real state element.
const MIXER_CASES: { name: string; mixer: Partial<Mixer> & { kind: string }; params: number; state: number; kvPerToken: number; macs: number; scan: number }[] = [
  {
    // q 64×(8·8) + k,v 64×(2·8) each + o (8·8)×64 = 4096 + 1024 + 1024 + 4096
    name: 'attention GQA 8/2 × 8, no bias',
    mixer: { kind: 'attention', nHeads: 8, nKvHeads: 2, headDim: 8 },
    params: 10240,
    state: 0,
    kvPerToken: 2 * 2 * 8,
    macs: 10240,
    scan: 0,
  },
  {
    // + biases q 64, k 16, v 16, o 64
    name: 'attention with biases',
    mixer: { kind: 'attention', nHeads: 8, nKvHeads: 2, headDim: 8, bias: true },
    params: 10240 + 64 + 16 + 16 + 64,
    state: 0,
    kvPerToken: 32,
    macs: 10240,
    scan: 0,
  },
  {
    // di = 128, r = ceil(64/16) = 4, N = 8, K = 4: in_proj 64·256 = 16384; conv 128·4 + 128 = 640;
    // x_proj 128·(4+16) = 2560; dt_proj 4·128 + 128 = 640; A_log 128·8 = 1024; D 128; out_proj 128·64 = 8192
    name: 'mamba-1 (dtRank auto, conv bias)',
    mixer: { kind: 'mamba', dState: 8, dConv: 4, expand: 2 },
    params: 16384 + 640 + 2560 + 640 + 1024 + 128 + 8192,
    state: 128 * 4 + 128 * 8,
    kvPerToken: 0,
    macs: 16384 + 512 + 2560 + 512 + 8192,
    scan: 4 * 128 * 8,
  },
  {
    // as above + in_proj bias 256 + out_proj bias 64 − conv bias 128, dtRank 6: x_proj 128·22 = 2816, dt_proj 6·128 + 128 = 896
    name: 'mamba-1 (proj bias, no conv bias, dtRank 6)',
    mixer: { kind: 'mamba', dState: 8, dConv: 4, expand: 2, dtRank: 6, projBias: true, convBias: false },
    params: 16384 + 256 + 512 + 2816 + 896 + 1024 + 128 + 8192 + 64,
    state: 128 * 4 + 128 * 8,
    kvPerToken: 0,
    macs: 16384 + 512 + 2816 + 768 + 8192,
    scan: 4 * 128 * 8,
  },
  {
    // Jamba inner norms: dt (r = 4) + B (8) + C (8) = 20
    name: 'mamba-1 with Jamba inner norms',
    mixer: { kind: 'mamba', dState: 8, dConv: 4, expand: 2, innerNorms: true },
    params: 16384 + 640 + 2560 + 640 + 1024 + 128 + 8192 + 20,
    state: 128 * 4 + 128 * 8,
    kvPerToken: 0,
    macs: 16384 + 512 + 2560 + 512 + 8192,
    scan: 4 * 128 * 8,
  },
  {
    // di = 128, P = 16 → nh = 8, g = 2, N = 8: in_proj 64·(256 + 32 + 8) = 18944; convDim = 128 + 32 = 160,
    // conv 160·4 + 160 = 800; dt_bias, A_log, D 8 each = 24; norm 128; out_proj 8192
    name: 'mamba-2',
    mixer: { kind: 'mamba2', dState: 8, headDim: 16, nGroups: 2, dConv: 4, expand: 2 },
    params: 18944 + 800 + 24 + 128 + 8192,
    state: 160 * 4 + 8 * 16 * 8,
    kvPerToken: 0,
    macs: 18944 + 640 + 8192,
    scan: 4 * 8 * 16 * 8,
  },
  {
    // projections 64·192 + 192; short filter 192·3 + 192; poles, residues 64·2·2 = 256 each; D 64; out 64·64 + 64
    name: 'hyena (Ks 3, S 2, biases)',
    mixer: { kind: 'hyena', shortFilterLength: 3, stateSize: 2 },
    params: 12288 + 192 + 576 + 192 + 256 + 256 + 64 + 4096 + 64,
    // fir [3d, Ks − 1] = 192·2, iir [d, S, 2] = 64·2·2
    state: 192 * 2 + 256,
    kvPerToken: 0,
    macs: 12288 + 576 + 4096,
    scan: 4 * 64 * 2 * 2,
  },
  {
    name: 'hyena without biases, Ks 1 (no FIR state)',
    mixer: { kind: 'hyena', shortFilterLength: 1, stateSize: 4, projBias: false },
    params: 12288 + 192 + 512 + 512 + 64 + 4096,
    state: 64 * 4 * 2,
    kvPerToken: 0,
    macs: 12288 + 192 + 4096,
    scan: 4 * 64 * 4 * 2,
  },
];

describe('mixer formulas', () => {
  it.each(MIXER_CASES)('$name', ({ mixer, params, state, kvPerToken, macs, scan }) => {
    const cost = analyzeDesign(oneLayer(mixer, NONE));
    const layer = cost.layers[0]!;
    expect(layer.params).toBe(params + 64);
    expect(layer.activeParams).toBe(params + 64);
    expect(layer.tensors.reduce((a, t) => a + t.params, 0)).toBe(params + 64);
    expect(layer.stateBytes).toBe(state * 4);
    expect(layer.kvBytesPerToken).toBe(kvPerToken * 4);
    expect(cost.stateBytes).toBe(state * 4);
    expect(layer.flopsPerTokenFixed).toBe(2 * macs + scan);
    expect(layer.scanFlopsPerToken).toBe(scan);
    expect(layer.cacheTensors.reduce((a, t) => a + (t.perPosition ? 0 : t.elements), 0)).toBe(state);
  });

  it('an FFN-only layer (mixer none) has one norm and no cache', () => {
    const layer = analyzeDesign(oneLayer(NONE, { kind: 'mlp', width: 32 })).layers[0]!;
    expect(layer.params).toBe(3 * 64 * 32 + 64);
    expect(layer.cacheTensors).toEqual([]);
  });

  it('LayerNorm norms carry a bias: 2d each', () => {
    const rms = analyzeDesign(oneLayer({ kind: 'mamba', dState: 8, dConv: 4, expand: 2 }, { kind: 'mlp', width: 32 }));
    const ln = analyzeDesign(oneLayer({ kind: 'mamba', dState: 8, dConv: 4, expand: 2 }, { kind: 'mlp', width: 32 }, { norm: 'layernorm' }));
    expect(ln.layers[0]!.params - rms.layers[0]!.params).toBe(2 * 64);
    expect(ln.params.finalNorm).toBe(128);
    expect(rms.params.finalNorm).toBe(64);
  });
});

const FFN_CASES: { name: string; ffn: Partial<Ffn> & { kind: string }; params: number; active: number; macs: number }[] = [
  { name: 'swiglu MLP', ffn: { kind: 'mlp', width: 32 }, params: 3 * 64 * 32, active: 3 * 64 * 32, macs: 6144 },
  { name: 'gelu MLP', ffn: { kind: 'mlp', width: 32, activation: 'gelu' }, params: 2 * 64 * 32, active: 2 * 64 * 32, macs: 4096 },
  // biases gate 32 + up 32 + down 64
  { name: 'swiglu MLP with bias', ffn: { kind: 'mlp', width: 32, bias: true }, params: 3 * 64 * 32 + 128, active: 3 * 64 * 32 + 128, macs: 6144 },
  { name: 'gelu MLP with bias', ffn: { kind: 'mlp', width: 32, activation: 'gelu', bias: true }, params: 2 * 64 * 32 + 96, active: 2 * 64 * 32 + 96, macs: 4096 },
  // router 64·8 + 8 experts of 3·64·16; active router + 2 experts
  { name: 'MoE 8 experts top-2', ffn: { kind: 'moe', nExperts: 8, topK: 2, expertWidth: 16 }, params: 512 + 8 * 3072, active: 512 + 2 * 3072, macs: 512 + 2 * 3072 },
  { name: 'MoE gelu 4 top-1', ffn: { kind: 'moe', nExperts: 4, topK: 1, expertWidth: 16, activation: 'gelu' }, params: 256 + 4 * 2048, active: 256 + 2048, macs: 256 + 2048 },
];

describe('FFN formulas', () => {
  it.each(FFN_CASES)('$name', ({ ffn, params, active, macs }) => {
    const layer = analyzeDesign(oneLayer(NONE, ffn)).layers[0]!;
    expect(layer.params).toBe(params + 64);
    expect(layer.activeParams).toBe(active + 64);
    expect(layer.flopsPerTokenFixed).toBe(2 * macs);
  });
});

describe('shared block (Zamba-style)', () => {
  const block: SharedBlock = {
    id: 'b',
    attention: { kind: 'attention', nHeads: 4, nKvHeads: 4, headDim: 32, positional: 'rope', slidingWindow: null, bias: false },
    ffn: { kind: 'mlp', width: 32, activation: 'swiglu', bias: false },
    concatEmbedding: true,
    perCallLinear: true,
  };
  const mamba = { mixer: { kind: 'mamba', dState: 8, dConv: 4, expand: 2 }, ffn: NONE };
  const call = { mixer: { kind: 'shared', blockId: 'b' }, ffn: NONE };
  const design = oneLayer(NONE, NONE, { sharedBlocks: [block], layers: [mamba, call, mamba, call, mamba] as DesignInput['layers'] });
  const cost = analyzeDesign(design);
  // Input 2d = 128: input norm 128; q, k, v 128×128 each; o 128×64; pre-ff norm 64; MLP 3·64·32.
  const blockParams = 128 + 3 * 128 * 128 + 128 * 64 + 64 + 3 * 64 * 32;
  const mambaLayer = 16384 + 640 + 2560 + 640 + 1024 + 128 + 8192 + 64;

  it('stores the block once and a d×d linear per call', () => {
    expect(cost.params.shared).toBe(blockParams);
    expect(cost.sharedBlocks[0]).toMatchObject({ id: 'b', params: blockParams, calls: 2 });
    const calls = cost.layers.filter((l) => l.mixer === 'shared');
    for (const l of calls) expect(l.params).toBe(64 * 64);
    expect(cost.params.total).toBe(3 * mambaLayer + 2 * 64 * 64 + blockParams + 10 * 64 * 2 + 64);
  });

  it('counts the block once in active, and at every call in activeWithRepeats', () => {
    for (const l of cost.layers.filter((x) => x.mixer === 'shared')) expect(l.activeParams).toBe(64 * 64 + blockParams);
    expect(cost.params.activeWithRepeats - cost.params.total).toBe(blockParams);
    expect(cost.params.active).toBe(cost.params.total);
  });

  it('each call keeps its own KV cache of KVH × hd (not the 2d input width)', () => {
    const calls = cost.layers.filter((l) => l.mixer === 'shared');
    for (const l of calls) expect(l.kvBytesPerToken).toBe(2 * 4 * 32 * 4);
    expect(cost.kvGroups).toEqual([{ window: null, bytesPerToken: 2 * 2 * 4 * 32 * 4, layers: 2 }]);
  });

  it('without the concatenated embedding the attention reads d', () => {
    const plain = analyzeDesign(oneLayer(NONE, NONE, { sharedBlocks: [{ ...block, concatEmbedding: false, perCallLinear: false }], layers: [call] as DesignInput['layers'] }));
    expect(plain.params.shared).toBe(64 + 3 * 64 * 128 + 128 * 64 + 64 + 3 * 64 * 32);
    expect(plain.layers[0]!.params).toBe(0);
  });
});

describe('dtypes and batch', () => {
  const d = oneLayer({ kind: 'attention', nHeads: 8, nKvHeads: 2, headDim: 8 }, { kind: 'mlp', width: 32 });
  it.each(Object.entries(BYTES_PER_ELEMENT))('%s weights take %d bytes per element', (dtype, bytes) => {
    const cost = analyzeDesign(d, { dtype: dtype as Design['dtype'] });
    expect(cost.weightBytes).toBe(cost.params.total * bytes);
    expect(cost.layers[0]!.kvBytesPerToken).toBe(32 * bytes);
  });
  it('cacheDtype and batch scale the caches, not the weights', () => {
    const a = analyzeDesign(d, { dtype: 'bf16', cacheDtype: 'fp32', batch: 3 });
    expect(a.weightBytes).toBe(a.params.total * 2);
    expect(a.layers[0]!.kvBytesPerToken).toBe(32 * 4 * 3);
  });
  it.each(['fp64', 'toString'])('rejects dtype %s, naming the allowed ones', (dtype) => {
    expect(() => analyzeDesign(d, { dtype: dtype as Design['dtype'] })).toThrow(/is not one of fp32, bf16, fp16, fp8, int8, int4/);
    expect(() => analyzeDesign(d, { cacheDtype: dtype as Design['dtype'] })).toThrow(/cacheDtype/);
  });
  it.each([0, -1, 1.5, Number.NaN])('rejects batch %s', (batch) => {
    expect(() => analyzeDesign(d, { batch })).toThrow(/batch must be a positive integer/);
  });
});

// The generic per-layer fields the deployment planner reads (src/sim/planner): worked by hand at d = 64.
describe('planner fields: TP sizes, routed experts, KV heads, scan traffic, residual branches', () => {
  it.each([
    // attention splits by query heads; its KV cache by its 2 KV heads; one branch (the mixer)
    { name: 'attention', mixer: { kind: 'attention', nHeads: 8, nKvHeads: 2, headDim: 8 }, ffn: NONE, tp: [['nHeads', 8]], kvHeads: 2, io: 0, branches: 1 },
    // Mamba-1: di = 128 channels; scan reads u, delta, z (3·128) and B, C (2·8), writes y (128): 4·128 + 2·8
    { name: 'mamba-1', mixer: { kind: 'mamba', dState: 8, dConv: 4, expand: 2 }, ffn: NONE, tp: [['dInner (expand × dModel)', 128]], kvHeads: 0, io: 4 * 128 + 16, branches: 1 },
    // Mamba-2: nh = 128 / 16 = 8 heads, g = 2; scan reads x (128), dt (8), B, C (2·2·8), writes y (128)
    { name: 'mamba-2', mixer: { kind: 'mamba2', dState: 8, headDim: 16, nGroups: 2, dConv: 4, expand: 2 }, ffn: NONE, tp: [['Mamba-2 heads', 8], ['nGroups', 2]], kvHeads: 0, io: 2 * 128 + 8 + 32, branches: 1 },
    // Hyena: 64 channels; the IIR filter reads and writes d = 64 each
    { name: 'hyena + MLP', mixer: { kind: 'hyena', shortFilterLength: 3, stateSize: 2 }, ffn: { kind: 'mlp', width: 32 }, tp: [['dModel', 64], ['width', 32]], kvHeads: 0, io: 128, branches: 2 },
    { name: 'FFN only', mixer: NONE, ffn: { kind: 'mlp', width: 32 }, tp: [['width', 32]], kvHeads: 0, io: 0, branches: 1 },
  ])('$name', ({ mixer, ffn, tp, kvHeads, io, branches }) => {
    const l = analyzeDesign(oneLayer(mixer, ffn)).layers[0]!;
    expect(l.tpDims.map((t) => [t.name, t.size])).toEqual(tp);
    expect(l.kvHeads).toBe(kvHeads);
    expect(l.scanIoElementsPerToken).toBe(io);
    expect(l.residualBranches).toBe(branches);
    expect(l.routed).toEqual([]);
  });

  it('an MoE FFN routes top-k of E experts of 3·d·f parameters each', () => {
    const l = analyzeDesign(oneLayer(NONE, { kind: 'moe', nExperts: 8, topK: 2, expertWidth: 16 })).layers[0]!;
    expect(l.routed).toEqual([{ count: 8, topK: 2, paramsPerExpert: 3 * 64 * 16 }]);
    // active = norm + router + top-k experts: what the planner swaps top-k for the expected distinct experts in
    expect(l.activeParams).toBe(64 + 8 * 64 + 2 * 3 * 64 * 16);
  });

  it('a shared-block call carries the block attention heads, FFN width and two branches', () => {
    const block: SharedBlock = {
      id: 'b',
      attention: { kind: 'attention', nHeads: 4, nKvHeads: 2, headDim: 32, positional: 'rope', slidingWindow: null, bias: false },
      ffn: { kind: 'moe', nExperts: 4, topK: 1, expertWidth: 16, activation: 'swiglu', ...MOE_DEFAULT_OPTIONS },
      concatEmbedding: false,
      perCallLinear: true,
    };
    const cost = analyzeDesign(oneLayer(NONE, NONE, { sharedBlocks: [block], layers: [{ mixer: { kind: 'shared', blockId: 'b' }, ffn: NONE }] as DesignInput['layers'] }));
    const l = cost.layers[0]!;
    expect(l.tpDims.map((t) => [t.name, t.size])).toEqual([['nHeads', 4], ['expertWidth', 16]]);
    expect(l.kvHeads).toBe(2);
    expect(l.residualBranches).toBe(2);
    expect(l.routed).toEqual([{ count: 4, topK: 1, paramsPerExpert: 3 * 64 * 16 }]);
    expect([cost.dModel, cost.vocabSize]).toEqual([64, 10]);
  });
});

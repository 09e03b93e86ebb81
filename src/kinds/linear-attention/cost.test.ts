import { describe, expect, it } from 'vitest';
import { DesignSchema, FORMAT, type Design } from '../../models/schema';
import { analyzeDesign } from '../../sim/cost';
import { Rng } from '../../sim/runtime/rng';
import { linearAttentionCost, linearAttentionState, linearAttentionTensors } from './cost';
import { LinearAttentionSchema, LINEAR_DECAYS, LINEAR_OUTPUT_GATES, LINEAR_UPDATES, linearAttentionSpec, type LinearAttentionMixer } from './spec';
import { initLinearAttentionWeights, linearAttentionEntries } from './weights';

const la = (o: Record<string, unknown>): LinearAttentionMixer => LinearAttentionSchema.parse({ kind: 'linear-attention', ...o });
const ctx = (dModel: number) => ({ dModel, norm: 'rmsnorm' as const, shared: new Map() });
const shapes = (m: LinearAttentionMixer, d: number) => linearAttentionTensors(m, d).map((t) => [t.name, t.shape]);

describe('linear-attention cost, tensor by tensor as the makers store them', () => {
  // Qwen3-Next-80B-A3B: hidden 2048, linear_num_key_heads 16, linear_num_value_heads 32, key/value head dim 128,
  // linear_conv_kernel_dim 4 (research notes hybrids-2026.md §7; HF `configuration_qwen3_next.py`). Shapes: §2 table
  // "Gated DeltaNet" and HF `modeling_qwen3_next.py` Qwen3NextGatedDeltaNet.__init__.
  const gdn = la({ nKeyHeads: 16, nValueHeads: 32, keyHeadDim: 128, valueHeadDim: 128, convSize: 4, layout: 'qwen3-next' });
  it('Qwen3-Next Gated DeltaNet layer (d 2048, 16 key / 32 value heads × 128, conv 4): HF modeling_qwen3_next.py', () => {
    expect(shapes(gdn, 2048)).toEqual([
      ['in_proj_qkvz.weight', [2 * 16 * 128 + 2 * 32 * 128, 2048]], // [12288, 2048]
      ['in_proj_ba.weight', [64, 2048]],
      ['conv1d.weight', [2 * 16 * 128 + 32 * 128, 1, 4]], // [8192, 1, 4], no bias
      ['dt_bias', [32]],
      ['A_log', [32]],
      ['norm.weight', [128]],
      ['out_proj.weight', [2048, 4096]],
    ]);
    const c = linearAttentionCost(gdn, ctx(2048));
    expect(c.params).toBe(12288 * 2048 + 64 * 2048 + 8192 * 4 + 32 + 32 + 128 + 2048 * 4096);
    expect(c.params).toBe(33_718_464);
    expect(c.kv).toBeNull();
    // State: 32 value heads × 128 × 128 (§7 "GDN ... 32 value heads × 128 × 128 elements, plus conv"), conv K columns.
    expect(c.state.map((s) => [s.name, s.shape, s.elements])).toEqual([
      ['conv_state', [8192, 4], 32_768],
      ['recurrent_state', [32, 128, 128], 524_288],
    ]);
  });

  // Kimi-Linear-48B-A3B: hidden 2304, 32 linear heads × 128, conv 4 (§8); tensors: §2 table "KDA (Kimi)".
  const kda = la({ nKeyHeads: 32, nValueHeads: 32, keyHeadDim: 128, valueHeadDim: 128, decay: 'channel', outputGate: 'lowrank', layout: 'kimi' });
  it('Kimi Delta Attention layer (d 2304, 32 heads × 128, conv 4): research notes §2, mlx kimi_linear.py', () => {
    expect(shapes(kda, 2304)).toEqual([
      ['q_proj.weight', [4096, 2304]],
      ['k_proj.weight', [4096, 2304]],
      ['v_proj.weight', [4096, 2304]],
      ['q_conv1d.weight', [4096, 1, 4]],
      ['k_conv1d.weight', [4096, 1, 4]],
      ['v_conv1d.weight', [4096, 1, 4]],
      ['f_a_proj.weight', [128, 2304]],
      ['f_b_proj.weight', [4096, 128]],
      ['b_proj.weight', [32, 2304]],
      ['g_a_proj.weight', [128, 2304]],
      ['g_b_proj.weight', [4096, 128]],
      ['A_log', [32]],
      ['dt_bias', [4096]],
      ['o_norm.weight', [128]],
      ['o_proj.weight', [2304, 4096]],
    ]);
    const c = linearAttentionCost(kda, ctx(2304));
    const sd = c.state;
    // §8: 20 KDA layers hold 20 × 32 × 128 × 128 = 10,485,760 recurrent elements.
    expect(20 * sd.find((s) => s.name === 'recurrent_state')!.elements).toBe(10_485_760);
    // §8 quotes the conv state as 737,280 for 20 layers = 3·4096·(K − 1): mlx keeps K − 1 columns; HF keeps K.
    const conv = sd.filter((s) => s.name.endsWith('conv_state'));
    expect(conv.map((s) => s.shape)).toEqual([[4096, 4], [4096, 4], [4096, 4]]);
    expect((20 * conv.reduce((a, s) => a + s.elements, 0) * 3) / 4).toBe(737_280);
  });

  // MiniMax-Text-01: hidden 6144, 64 heads × 128 (§9); tensors: §2 "Lightning attention (MiniMax)".
  const lightning = la({ nKeyHeads: 64, nValueHeads: 64, keyHeadDim: 128, valueHeadDim: 128, update: 'additive', decay: 'fixed', convSize: 0, layout: 'minimax' });
  it('MiniMax lightning attention layer (d 6144, 64 heads × 128): MiniMaxText01LightningAttention', () => {
    expect(shapes(lightning, 6144)).toEqual([
      ['qkv_proj.weight', [3 * 8192, 6144]],
      ['output_gate.weight', [8192, 6144]],
      ['out_proj.weight', [6144, 8192]],
      ['norm.weight', [8192]],
    ]);
    const c = linearAttentionCost(lightning, ctx(6144));
    // slope_rate is a buffer: no parameter; no conv state. §9: 70 layers × 64 × 128 × 128 = 73,400,320 elements.
    expect(c.params).toBe(3 * 8192 * 6144 + 8192 * 6144 + 6144 * 8192 + 8192);
    expect(c.state.map((s) => s.name)).toEqual(['recurrent_state']);
    expect(70 * c.state[0]!.elements).toBe(73_400_320);
  });

  it('MACs per token are the matrix weights and conv taps; scan FLOPs 6 per state element for the delta rule, 4 additive', () => {
    const c = linearAttentionCost(gdn, ctx(2048));
    expect(c.macsPerToken).toBe(12288 * 2048 + 64 * 2048 + 8192 * 4 + 2048 * 4096);
    expect(c.scanFlopsPerToken).toBe(6 * 32 * 128 * 128);
    expect(linearAttentionCost(lightning, ctx(6144)).scanFlopsPerToken).toBe(4 * 64 * 128 * 128);
  });

  it('tensor parallelism splits key and value heads; the scan reads q, k, v, decay, β and writes y per token', () => {
    const c = linearAttentionCost(gdn, ctx(2048));
    expect(c.tpDims).toEqual([{ name: 'nKeyHeads', size: 16 }, { name: 'nValueHeads', size: 32 }]);
    expect(c.scanIoElementsPerToken).toBe(2 * 2048 + 2 * 4096 + 32 + 32);
    expect(linearAttentionCost(kda, ctx(2304)).scanIoElementsPerToken).toBe(2 * 4096 + 2 * 4096 + 32 * 128 + 32);
    expect(linearAttentionCost(lightning, ctx(6144)).scanIoElementsPerToken).toBe(4 * 8192);
  });

  it('state bytes are constant in L and there is no KV cache, in a whole design', () => {
    const design: Design = DesignSchema.parse({
      format: FORMAT, name: 'gdn', vocabSize: 1000, dModel: 2048, maxContext: 262144, dtype: 'bf16',
      layers: [{ repeat: 3, layers: [{ mixer: gdn, ffn: { kind: 'none' } }] }],
    });
    const a = analyzeDesign(design);
    expect(a.layers.every((l) => l.kvBytesPerToken === 0)).toBe(true);
    expect(a.layers[0]!.stateBytes).toBe((32_768 + 524_288) * 2);
  });
});

describe('the runtime weights export exactly the cost model tensors (names, order, shapes) for every combination', () => {
  const combos: LinearAttentionMixer[] = [];
  for (const update of LINEAR_UPDATES)
    for (const decay of LINEAR_DECAYS)
      for (const outputGate of LINEAR_OUTPUT_GATES)
        for (const convSize of [0, 3])
          for (const outputNorm of [true, false]) combos.push(la({ nKeyHeads: 2, nValueHeads: 4, keyHeadDim: 3, valueHeadDim: 5, update, decay, outputGate, convSize, outputNorm, lowRank: 2 }));
  combos.push(
    la({ nKeyHeads: 2, nValueHeads: 4, keyHeadDim: 3, valueHeadDim: 5, layout: 'qwen3-next' }),
    la({ nKeyHeads: 3, nValueHeads: 3, keyHeadDim: 4, valueHeadDim: 4, decay: 'channel', outputGate: 'lowrank', layout: 'kimi' }),
    la({ nKeyHeads: 3, nValueHeads: 3, keyHeadDim: 4, valueHeadDim: 4, update: 'additive', decay: 'fixed', convSize: 0, layout: 'minimax' }),
  );
  it.each(combos.map((m) => [`${m.layout} ${m.update}/${m.decay}/gate ${m.outputGate}/conv ${m.convSize}/norm ${m.outputNorm}`, m] as const))('%s', (_n, m) => {
    const e = linearAttentionEntries(m, initLinearAttentionWeights(m, 6, new Rng(3)));
    expect(e.map(([n, s]) => [n, s])).toEqual(shapes(m, 6));
    for (const [n, s, data] of e) expect(data.length, n).toBe(s.reduce((a, b) => a * b, 1));
  });

  it('qwen3-next in_proj_qkvz groups q, k, v, z per key head and in_proj_ba b, a per key head (fix_query_key_value_ordering)', () => {
    const m = la({ nKeyHeads: 2, nValueHeads: 4, keyHeadDim: 3, valueHeadDim: 5, layout: 'qwen3-next' });
    const d = 6;
    const w = initLinearAttentionWeights(m, d, new Rng(9));
    const e = linearAttentionEntries(m, w);
    const qkvz = e.find(([n]) => n === 'in_proj_qkvz.weight')!;
    const ba = e.find(([n]) => n === 'in_proj_ba.weight')!;
    const row = (data: Float32Array, r: number) => Array.from(data.subarray(r * d, (r + 1) * d));
    const col = (p: { data: Float32Array; shape: number[] }, c: number) => Array.from({ length: d }, (_, i) => p.data[i * p.shape[1]! + c]!);
    // Key head 1's block starts at 1·(2·3 + 2·2·5) = 26: q (3 rows), k (3), v of value heads 2, 3 (10), z of them (10).
    expect(row(qkvz[2], 26)).toEqual(col(w.wq, 3));
    expect(row(qkvz[2], 29)).toEqual(col(w.wk, 3));
    expect(row(qkvz[2], 32)).toEqual(col(w.wv, 10));
    expect(row(qkvz[2], 42 + 9)).toEqual(col(w.wg!, 19));
    // in_proj_ba: key head 1 (rows 4..7) holds b of value heads 2, 3 then a of them.
    expect(row(ba[2], 4)).toEqual(col(w.wb!, 2));
    expect(row(ba[2], 7)).toEqual(col(w.wa!, 3));
  });

  it('refuses value heads that are not a multiple of the key heads, naming the field', () => {
    const m = { ...la({ nKeyHeads: 2, nValueHeads: 4, keyHeadDim: 3, valueHeadDim: 5 }), nValueHeads: 5 };
    expect(() => initLinearAttentionWeights(m, 6, new Rng(1))).toThrow(/nValueHeads 5 must be a multiple of nKeyHeads 2/);
  });

  it('minimax qkv_proj interleaves q, k, v per head (qkv viewed as (heads, 3·hd))', () => {
    const m = la({ nKeyHeads: 2, nValueHeads: 2, keyHeadDim: 4, valueHeadDim: 4, update: 'additive', decay: 'fixed', convSize: 0, layout: 'minimax' });
    const w = initLinearAttentionWeights(m, 6, new Rng(2));
    const qkv = linearAttentionEntries(m, w)[0]!;
    const row = (r: number) => Array.from(qkv[2].subarray(r * 6, (r + 1) * 6));
    const col = (p: { data: Float32Array; shape: number[] }, c: number) => Array.from({ length: 6 }, (_, i) => p.data[i * p.shape[1]! + c]!);
    expect(row(12)).toEqual(col(w.wq, 4)); // head 1: q at 12, k at 16, v at 20
    expect(row(17)).toEqual(col(w.wk, 5));
    expect(row(23)).toEqual(col(w.wv, 7));
  });
});

describe('cost model of the defaults', () => {
  it('at d = 2048 the defaults are Qwen3-Next-sized (16 / 32 heads of 128), conv 4', () => {
    const m = linearAttentionSpec.defaults(2048);
    expect([m.nKeyHeads, m.nValueHeads, m.keyHeadDim, m.valueHeadDim, m.convSize]).toEqual([16, 32, 128, 128, 4]);
    expect(linearAttentionState(m).find((s) => s.name === 'recurrent_state')!.shape).toEqual([32, 128, 128]);
  });
});

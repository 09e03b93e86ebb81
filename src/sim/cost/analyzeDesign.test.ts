/**
 * Published architectures written out from shared/research/reference-configs.md, and their totals worked out by
 * hand from the reference shapes (comments derive each number).
 */
import { describe, expect, it } from 'vitest';
import { FORMAT, type Design, type DesignInput, type LayerInput } from '../../models/schema';
import { formatIssues, validateDesign } from '../../models/validate';
import { analyzeDesign } from './analyzeDesign';
import { costAt } from './costAt';

function build(input: Omit<DesignInput, 'format'>): Design {
  const r = validateDesign({ format: FORMAT, ...input });
  if (!r.ok) throw new Error(formatIssues(r.issues));
  return r.value;
}

const attention = (nHeads: number, nKvHeads: number, headDim: number, slidingWindow: number | null = null) =>
  ({ kind: 'attention', nHeads, nKvHeads, headDim, slidingWindow }) as const;
const swiglu = (width: number) => ({ kind: 'mlp', width, activation: 'swiglu' }) as const;
const NONE = { kind: 'none' } as const;

const llama2_7b = build({
  name: 'Llama-2-7B',
  vocabSize: 32000,
  dModel: 4096,
  maxContext: 4096,
  layers: [{ repeat: 32, layers: [{ mixer: attention(32, 32, 128), ffn: swiglu(11008) }] }],
});

const mistral7b = build({
  name: 'Mistral-7B',
  vocabSize: 32000,
  dModel: 4096,
  maxContext: 32768,
  layers: [{ repeat: 32, layers: [{ mixer: attention(32, 8, 128, 4096), ffn: swiglu(14336) }] }],
});

const mixtral = build({
  name: 'Mixtral-8x7B',
  vocabSize: 32000,
  dModel: 4096,
  maxContext: 32768,
  layers: [{ repeat: 32, layers: [{ mixer: attention(32, 8, 128), ffn: { kind: 'moe', nExperts: 8, topK: 2, expertWidth: 14336 } }] }],
});

const jambaMamba = { kind: 'mamba', dState: 16, dConv: 4, expand: 2, dtRank: 256, convBias: true, projBias: false, innerNorms: true } as const;
const jambaV01 = build({
  name: 'Jamba-v0.1',
  vocabSize: 65536,
  dModel: 4096,
  maxContext: 262144,
  layers: [
    {
      pattern: {
        count: 32,
        base: { mixer: jambaMamba, ffn: swiglu(14336) },
        rules: [
          { period: 8, offset: 4, mixer: attention(32, 8, 128) },
          { period: 2, offset: 1, ffn: { kind: 'moe', nExperts: 16, topK: 2, expertWidth: 14336 } },
        ],
      },
    },
  ],
});

/** Zamba-7B: 76 Mamba layers; the shared block is called before Mamba layers 2, then every 6th from 7 (HF configuration_zamba.py). */
function zambaLayers(): LayerInput[] {
  const mamba = { mixer: { kind: 'mamba', dState: 16, dConv: 4, expand: 2 }, ffn: NONE } as const;
  const call = { mixer: { kind: 'shared', blockId: 'zamba' }, ffn: NONE } as const;
  const out: LayerInput[] = [];
  for (let i = 0; i < 76; i++) {
    if (i === 2 || (i >= 3 && (i - 3) % 6 === 4)) out.push(call);
    out.push(mamba);
  }
  return out;
}
const zamba7b = build({
  name: 'Zamba-7B-v1',
  vocabSize: 32000,
  dModel: 3712,
  tiedEmbeddings: true,
  maxContext: 4096,
  // ZambaMLP is gated (gate, up, down; GELU): three matrices, so the 'swiglu' kind gives its parameter count.
  sharedBlocks: [{ id: 'zamba', attention: attention(16, 16, 464), ffn: swiglu(14848) }],
  layers: zambaLayers(),
});

const stripedHyena = build({
  name: 'StripedHyena-7B',
  vocabSize: 32000,
  dModel: 4096,
  maxContext: 32768,
  layers: [
    {
      repeat: 16,
      layers: [
        { mixer: { kind: 'hyena', shortFilterLength: 3, stateSize: 2, projBias: true }, ffn: swiglu(14336) },
        { mixer: attention(32, 8, 128), ffn: swiglu(14336) },
      ],
    },
  ],
});

const mamba2_8b = build({
  name: 'Mamba-2.8B',
  // 50277 padded to a multiple of 8 (state-spaces config_mamba.py pad_vocab_size_multiple)
  vocabSize: 50280,
  dModel: 2560,
  tiedEmbeddings: true,
  maxContext: 2048,
  layers: [{ repeat: 64, layers: [{ mixer: { kind: 'mamba', dState: 16, dConv: 4, expand: 2 }, ffn: NONE }] }],
});

/** Megatron-LM hybrid_override_pattern of the 8B Mamba-2-Hybrid: M = Mamba-2, * = attention, - = MLP. */
const MAMBA2_HYBRID_PATTERN = 'M-M-M--M-M*-M-M-M-M--M*-M-M-M-M-M*--M-M-M-M-M*-M--M-M-M-';
const mamba2Hybrid = build({
  name: 'Mamba-2-Hybrid 8B',
  vocabSize: 256000,
  dModel: 4096,
  maxContext: 4096,
  layers: [...MAMBA2_HYBRID_PATTERN].map((c): LayerInput => {
    if (c === 'M') return { mixer: { kind: 'mamba2', dState: 128, headDim: 64, nGroups: 8, dConv: 4, expand: 2 }, ffn: NONE };
    if (c === '*') return { mixer: { ...attention(32, 8, 128), positional: 'none' }, ffn: NONE };
    return { mixer: NONE, ffn: { kind: 'mlp', width: 16384, activation: 'gelu' } };
  }),
});

describe('published checks', () => {
  it('Llama-2-7B: 6,738,415,616 parameters and 2 GiB of bf16 KV cache at 4,096 tokens', () => {
    const c = analyzeDesign(llama2_7b);
    expect(c.params.total).toBe(6_738_415_616);
    expect(c.params.active).toBe(6_738_415_616);
    expect(costAt(llama2_7b, 4096, { dtype: 'bf16' }).kvCacheBytes).toBe(2_147_483_648);
  });

  it('Mixtral-8x7B: 46,702,792,704 total, 12,879,925,248 active', () => {
    const c = analyzeDesign(mixtral);
    expect(c.params.total).toBe(46_702_792_704);
    expect(c.params.active).toBe(12_879_925_248);
  });
});

describe('reference hybrids, worked out from the shapes', () => {
  it('Jamba-v0.1: 51,570,323,328 total (≈51.6 B), 12,110,311,296 active (≈12.1 B)', () => {
    // d = 4096, di = 8192, N = 16, K = 4, r = 256.
    // Mamba mixer: in_proj 4096·16384 = 67,108,864; conv 8192·4 + 8192 = 40,960; x_proj 8192·(256 + 32) = 2,359,296;
    //   dt_proj 256·8192 + 8192 = 2,105,344; A_log 8192·16 = 131,072; D 8,192; out_proj 8192·4096 = 33,554,432;
    //   inner norms 256 + 16 + 16 = 288  → 105,308,448, × 28 Mamba layers = 2,948,636,544.
    // Attention: q, o 4096·4096 each + k, v 4096·1024 each = 41,943,040, × 4 layers (i % 8 == 4) = 167,772,160.
    // FFN: SwiGLU 3·4096·14336 = 176,160,768 on the 16 even layers = 2,818,572,288; MoE on the 16 odd layers
    //   16 experts + router 4096·16 = 2,818,637,824 each = 45,098,205,184.
    // Norms 2·4096 × 32 = 262,144; embedding + LM head 2·65536·4096 = 536,870,912; final norm 4,096.
    // Total 51,570,323,328. Active: MoE layers touch router + 2 experts = 352,387,072 each, 16 × = 5,638,193,152,
    //   so active = 2,948,636,544 + 167,772,160 + 2,818,572,288 + 5,638,193,152 + 262,144 + 536,870,912 + 4,096
    //   = 12,110,311,296.
    const c = analyzeDesign(jambaV01);
    expect(c.layers.filter((l) => l.mixer === 'attention').map((l) => l.index)).toEqual([4, 12, 20, 28]);
    expect(c.layers.filter((l) => l.ffn === 'moe').length).toBe(16);
    expect(c.params.total).toBe(51_570_323_328);
    expect(c.params.active).toBe(12_110_311_296);
    // State: 28 × (8192·4 + 8192·16) = 4,587,520 elements, bf16 → 9,175,040 bytes.
    expect(c.stateBytes).toBe(28 * (8192 * 4 + 8192 * 16) * 2);
    // KV at 256K: 2 × 4 layers × 8 × 128 × 262,144 × 2 B = 4 GiB.
    expect(costAt(jambaV01, 262_144).kvCacheBytes).toBe(4 * 2 ** 30);
  });

  it('Zamba-7B: 7,232,490,496 stored, 11,531,654,656 active with the shared block counted at each of 13 calls', () => {
    // d = 3712, di = 7424, N = 16, K = 4, r = ceil(3712/16) = 232.
    // Mamba layer: in_proj 3712·14848 = 55,115,776; conv 7424·4 + 7424 = 37,120; x_proj 7424·264 = 1,959,936;
    //   dt_proj 232·7424 + 7424 = 1,729,792; A_log 118,784; D 7,424; out_proj 27,557,888; norm 3,712
    //   → 86,530,432, × 76 = 6,576,312,832.
    // Shared block: input norm 7,424; q, k, v 7424·7424 each = 165,347,328; o 7424·3712 = 27,557,888;
    //   pre-ff norm 3,712; MLP 3·3712·14848 = 165,347,328 → 358,263,680, stored once.
    // 13 per-call linears 3712·3712 = 179,126,272; tied embedding 32000·3712 = 118,784,000; final norm 3,712.
    const c = analyzeDesign(zamba7b);
    expect(c.layers.length).toBe(89);
    expect(c.sharedBlocks[0]!.calls).toBe(13);
    expect(c.params.shared).toBe(358_263_680);
    expect(c.params.total).toBe(7_232_490_496);
    expect(c.params.activeWithRepeats).toBe(7_232_490_496 + 12 * 358_263_680);
    expect(c.params.active).toBe(7_232_490_496);
    // Each call keeps its own KV cache: 2 × 16 × 464 per position.
    expect(c.kvGroups).toEqual([{ window: null, bytesPerToken: 13 * 2 * 16 * 464 * 2, layers: 13 }]);
  });

  it('StripedHyena-7B: 7,646,023,680', () => {
    // Hyena mixer: projections 3·4096² + 12,288; short filter 12,288·3 + 12,288; poles, residues 4096·2·2 each;
    //   D 4,096; out dense 4096² + 4,096 → 67,211,264. Attention 41,943,040. Gated MLP 176,160,768; norms 8,192.
    // 16 × (67,211,264 + 176,160,768 + 8,192) + 16 × (41,943,040 + 176,160,768 + 8,192) = 7,383,875,584;
    // + embedding and LM head 2·32000·4096 = 262,144,000 + final norm 4,096.
    const c = analyzeDesign(stripedHyena);
    expect(c.params.total).toBe(7_646_023_680);
    // State per Hyena layer: fir 12,288 × 2 + iir 4096 × 2 × 2 = 40,960 elements.
    expect(c.stateBytes).toBe(16 * 40_960 * 2);
  });

  it('Mamba-2.8B: 2,768,345,600', () => {
    // di = 5120, r = 160: in_proj 26,214,400; conv 25,600; x_proj 983,040; dt_proj 824,320; A_log 81,920; D 5,120;
    // out_proj 13,107,200; norm 2,560 → 41,244,160, × 64 = 2,639,626,240; tied embedding 50280·2560 = 128,716,800;
    // final norm 2,560.
    const c = analyzeDesign(mamba2_8b);
    expect(c.params.total).toBe(2_768_345_600);
    expect(c.params.lmHead).toBe(0);
    expect(costAt(mamba2_8b, 1_000_000).kvCacheBytes).toBe(0);
  });

  it('Mamba-2-Hybrid 8B: 8,654,517,248', () => {
    // Mamba-2: nh = 128, convDim = 8192 + 2·8·128 = 10,240; in_proj 4096·(16384 + 2048 + 128) = 76,021,760;
    //   conv 10,240·4 + 10,240 = 51,200; dt_bias, A_log, D 384; norm 8,192; out_proj 33,554,432; layer norm 4,096
    //   → 109,640,064, × 24 = 2,631,361,536.
    // Attention 41,943,040 + norm 4,096, × 4 = 167,788,544. GELU MLP 2·4096·16384 + norm 4,096, × 28 = 3,758,211,072.
    // Embedding + LM head 2·256000·4096 = 2,097,152,000; final norm 4,096.
    const c = analyzeDesign(mamba2Hybrid);
    expect(c.layers.filter((l) => l.mixer === 'attention').map((l) => l.index)).toEqual([10, 22, 33, 45]);
    expect(c.layers.filter((l) => l.mixer === 'mamba2').length).toBe(24);
    expect(c.layers.filter((l) => l.ffn === 'mlp').length).toBe(28);
    expect(c.params.total).toBe(8_654_517_248);
    // State per Mamba-2 layer: conv 10,240·4 + ssm 128·64·128 = 1,089,536 elements.
    expect(c.stateBytes).toBe(24 * 1_089_536 * 2);
  });

  it('Mistral-7B: sliding window caps the KV cache at 4,096 positions', () => {
    const at4k = costAt(mistral7b, 4096).kvCacheBytes;
    expect(at4k).toBe(2 * 32 * 8 * 128 * 4096 * 2);
    expect(costAt(mistral7b, 32768).kvCacheBytes).toBe(at4k);
    expect(costAt(mistral7b, 1000).kvCacheBytes).toBe(2 * 32 * 8 * 128 * 1000 * 2);
  });
});

describe('KV cache scales with attention layers', () => {
  const mamba = { kind: 'mamba', dState: 16, dConv: 4, expand: 2 } as const;
  const ratio = (attn: number, mambas: number) =>
    build({
      name: `1:${mambas}`,
      vocabSize: 1000,
      dModel: 512,
      maxContext: 65536,
      layers: [
        {
          repeat: 32 / (attn + mambas),
          layers: [
            ...Array.from({ length: attn }, () => ({ mixer: attention(8, 2, 64), ffn: swiglu(1024) })),
            ...Array.from({ length: mambas }, () => ({ mixer: mamba, ffn: swiglu(1024) })),
          ],
        },
      ],
    });

  it.each([1, 4096, 65536, 1_000_003])('a 1:1 design holds 4× the KV of a 1:7 design at L = %d', (L) => {
    const one = costAt(ratio(1, 1), L).kvCacheBytes;
    const seven = costAt(ratio(1, 7), L).kvCacheBytes;
    expect(seven).toBeGreaterThan(0);
    expect(one).toBe(4 * seven);
  });

  it('KV never uses d_model: an MQA layer with head dim 64 keeps 2 × 64 per position', () => {
    const mqa = build({ name: 'mqa', vocabSize: 10, dModel: 1024, maxContext: 16, layers: [{ mixer: attention(16, 1, 64), ffn: NONE }], dtype: 'fp32' });
    expect(analyzeDesign(mqa).layers[0]!.kvBytesPerToken).toBe(2 * 64 * 4);
  });
});

describe('FLOPs per token', () => {
  it('Llama-2-7B decode at L: 2 × (matmul weights + LM head) + 4·H·hd·L per layer', () => {
    // Matmul weights per layer: attention 4·4096² = 67,108,864 + MLP 3·4096·11008 = 135,266,304.
    const perLayer = 67_108_864 + 135_266_304;
    const fixed = 2 * (32 * perLayer + 32000 * 4096);
    const L = 4096;
    const p = costAt(llama2_7b, L);
    expect(p.flopsPerToken).toBe(fixed + 32 * 4 * 32 * 128 * L);
    // Prefill: the mean over positions 1..L attends (L + 1) / 2 positions.
    expect(p.prefillFlopsPerToken).toBeCloseTo(fixed + (32 * 4 * 32 * 128 * (L + 1)) / 2, 0);
  });

  it('windowed attention FLOPs stop growing at the window; prefill averages the cap', () => {
    const a = costAt(mistral7b, 8192);
    const b = costAt(mistral7b, 4096);
    expect(a.flopsPerToken).toBe(b.flopsPerToken);
    // Σ min(t, 4096) over t ≤ 8192 = 4096·4097/2 + 4096·4096.
    const perPos = 32 * 4 * 32 * 128;
    const fixed = b.flopsPerToken - perPos * 4096;
    expect(a.prefillFlopsPerToken).toBeCloseTo(fixed + (perPos * (4096 * 4097 / 2 + 4096 * 4096)) / 8192, 0);
  });

  it('a Mamba layer counts 2 × its matmul weights and conv taps plus 4 per state element', () => {
    const c = analyzeDesign(mamba2_8b);
    const l = c.layers[0]!;
    // in_proj 26,214,400 + conv taps 20,480 + x_proj 983,040 + dt_proj 819,200 + out_proj 13,107,200 MACs.
    expect(l.flopsPerTokenFixed).toBe(2 * (26_214_400 + 20_480 + 983_040 + 819_200 + 13_107_200) + 4 * 5120 * 16);
    expect(l.attnFlopsPerContextToken).toBe(0);
  });
});

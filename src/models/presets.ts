/**
 * Presets: published architectures as designs, each citing the file or paper its numbers come from, plus
 * templates (pure attention, pure Mamba, 1:1, 1:3, 1:7) at a chosen size.
 *
 * Values follow the published configurations (see shared research notes, reference-configs.md); where the seed
 * document's simplified Jamba rule differs from the published Jamba, the published config wins and the seed's rule is
 * offered separately as {@link SEED_RULE_PRESET}.
 */
import { DesignSchema, FORMAT, type Design, type DesignInput, type Layer, type LayerInput } from './schema';
import { megatronHybridPattern, zambaHybridIndices } from './patterns';
import { RECENT_PRESETS } from './presetsRecent';
import { FFN_SPECS, MIXER_SPECS } from '../kinds/specs';

/** One preset: a design plus where its numbers come from. */
export interface Preset {
  /** Stable id used by the CLI, the URL and tests (e.g. `jamba-v0.1`). */
  id: string;
  /** Human-readable name. */
  name: string;
  /** Citation: configuration file or paper, with its URL. */
  source: string;
  /** What is simplified or inferred, in one or two sentences. */
  notes: string;
  /** The model family and its maker, as the presets menu groups them (e.g. `Nemotron-H (NVIDIA)`). */
  family: string;
  /** Year of release (the menu orders families by their newest release). */
  year: number;
  design: Design;
}

function build(input: DesignInput): Design {
  // Parsing applies the schema defaults; a preset that fails its own schema is a programming error.
  return DesignSchema.parse(input);
}

const JAMBA_SOURCE = 'Hugging Face transformers configuration_jamba.py defaults (https://github.com/huggingface/transformers/blob/main/src/transformers/models/jamba/configuration_jamba.py) and ai21labs/Jamba-v0.1 config.json (https://huggingface.co/ai21labs/Jamba-v0.1)';

/**
 * A Jamba-style design in the compact period/offset form: Mamba-1 + MLP everywhere, attention where
 * `i % 8 == 4`, MoE where `i % 2 == 1` (HF `modeling_jamba.py`, JambaModel layer construction).
 */
function jamba(o: { name: string; source: string; nLayers: number; dModel: number; ffn: number; nHeads: number; nKvHeads: number; dtRank: number }): Design {
  return build({
    format: FORMAT,
    name: o.name,
    source: o.source,
    vocabSize: 65536,
    dModel: o.dModel,
    norm: 'rmsnorm',
    tiedEmbeddings: false,
    maxContext: 262144,
    dtype: 'bf16',
    layers: [
      {
        pattern: {
          count: o.nLayers,
          label: 'Jamba block',
          base: {
            mixer: { kind: 'mamba', dState: 16, dConv: 4, expand: 2, dtRank: o.dtRank, convBias: true, projBias: false, innerNorms: true },
            ffn: { kind: 'mlp', width: o.ffn, activation: 'swiglu' },
          },
          rules: [
            { period: 8, offset: 4, mixer: { kind: 'attention', nHeads: o.nHeads, nKvHeads: o.nKvHeads, headDim: o.dModel / o.nHeads, positional: 'none' } },
            // JambaSparseMoeBlock: softmax top-2 without renormalising (HF `modeling_jamba.py`).
            { period: 2, offset: 1, ffn: { kind: 'moe', nExperts: 16, topK: 2, expertWidth: o.ffn, activation: 'swiglu', normTopK: false } },
          ],
        },
      },
    ],
  });
}

/** Zamba-7B: the 76 Mamba layers, with a call of the shared block just before Mamba layers 2, 7, 13, ..., 73. */
function zambaLayers(): DesignInput['layers'] {
  const mamba: Layer = {
    mixer: { kind: 'mamba', dState: 16, dConv: 4, expand: 2, dtRank: 'auto', convBias: true, projBias: false, innerNorms: false },
    ffn: { kind: 'none' },
  };
  const shared: Layer = { mixer: { kind: 'shared', blockId: 'zamba-shared' }, ffn: { kind: 'none' } };
  const out: Layer[] = [];
  const hybrid = new Set(zambaHybridIndices(76, 6, 4));
  for (let i = 0; i < 76; i++) {
    if (hybrid.has(i)) out.push(shared);
    out.push(mamba);
  }
  return out;
}

function attention(nHeads: number, nKvHeads: number, headDim: number, extra: { ropeTheta?: number; slidingWindow?: number | null; positional?: 'rope' | 'none' } = {}) {
  return { kind: 'attention' as const, nHeads, nKvHeads, headDim, positional: extra.positional ?? 'rope', ...(extra.ropeTheta !== undefined ? { ropeTheta: extra.ropeTheta } : {}), slidingWindow: extra.slidingWindow ?? null };
}

const MEGATRON_SOURCE = 'NVIDIA Megatron-LM examples/mamba and megatron/core/ssm/mamba_hybrid_layer_allocation.py (https://github.com/NVIDIA/Megatron-LM/tree/main/examples/mamba); Waleffe et al. 2024, "An Empirical Study of Mamba-based Language Models" (https://arxiv.org/abs/2406.07887)';

function mamba2Hybrid(): Design {
  const kinds = megatronHybridPattern(56, 0.08, 0.5);
  const layers: LayerInput[] = kinds.map((k): LayerInput => {
    if (k === 'attention') return { mixer: attention(32, 8, 128, { positional: 'none' }), ffn: { kind: 'none' } };
    if (k === 'mlp') return { mixer: { kind: 'none' }, ffn: { kind: 'mlp', width: 16384, activation: 'gelu', bias: false } };
    return { mixer: { kind: 'mamba2', dState: 128, headDim: 64, nGroups: 8, dConv: 4, expand: 2, chunkSize: 128, convBias: true, projBias: false }, ffn: { kind: 'none' } };
  });
  return build({
    format: FORMAT,
    name: 'Mamba-2-Hybrid 8B',
    source: MEGATRON_SOURCE,
    vocabSize: 256000,
    dModel: 4096,
    norm: 'rmsnorm',
    tiedEmbeddings: false,
    maxContext: 4096,
    dtype: 'bf16',
    layers,
  });
}

/** The published presets, in display order. */
export const PRESETS: readonly Preset[] = [
  {
    id: 'jamba-v0.1',
    family: 'Jamba (AI21)',
    year: 2024,
    name: 'Jamba-v0.1 (52B)',
    source: JAMBA_SOURCE,
    notes: '32 layers in 4 blocks of 8; attention at i % 8 == 4 (1:7), MoE (16 experts, top-2) at i % 2 == 1; Jamba Mamba mixers carry inner RMSNorms on dt, B and C; no positional embedding.',
    design: jamba({ name: 'Jamba-v0.1', source: JAMBA_SOURCE, nLayers: 32, dModel: 4096, ffn: 14336, nHeads: 32, nKvHeads: 8, dtRank: 256 }),
  },
  {
    id: 'jamba-1.5-mini',
    family: 'Jamba (AI21)',
    year: 2024,
    name: 'Jamba-1.5-Mini (52B)',
    source: 'ai21labs/AI21-Jamba-1.5-Mini config.json (https://huggingface.co/ai21labs/AI21-Jamba-1.5-Mini); Jamba-1.5 report, arXiv 2408.12570 (https://arxiv.org/abs/2408.12570)',
    notes: 'Same architecture as Jamba-v0.1 (32 layers, d 4096, 16 experts top-2), 256K context.',
    design: jamba({ name: 'Jamba-1.5-Mini', source: 'ai21labs/AI21-Jamba-1.5-Mini config.json', nLayers: 32, dModel: 4096, ffn: 14336, nHeads: 32, nKvHeads: 8, dtRank: 256 }),
  },
  {
    id: 'jamba-1.5-large',
    family: 'Jamba (AI21)',
    year: 2024,
    name: 'Jamba-1.5-Large (398B)',
    source: 'Jamba-1.5 report, arXiv 2408.12570 (https://arxiv.org/abs/2408.12570); ai21labs/AI21-Jamba-1.5-Large config.json (https://huggingface.co/ai21labs/AI21-Jamba-1.5-Large)',
    notes: '72 layers in 9 blocks of 8, 1:7 attention:Mamba, MoE every other layer (16 experts, top-2), d 8192, 64 heads, 8 KV heads; FFN width 24576 and dt_rank 512 (= ceil(8192 / 16)) inferred.',
    design: jamba({ name: 'Jamba-1.5-Large', source: 'Jamba-1.5 report, arXiv 2408.12570', nLayers: 72, dModel: 8192, ffn: 24576, nHeads: 64, nKvHeads: 8, dtRank: 512 }),
  },
  {
    id: 'zamba-7b',
    family: 'Zamba (Zyphra)',
    year: 2024,
    name: 'Zamba-7B-v1',
    source: 'Hugging Face transformers configuration_zamba.py / modeling_zamba.py (https://github.com/huggingface/transformers/tree/main/src/transformers/models/zamba); Zyphra/Zamba-7B-v1 config.json (https://huggingface.co/Zyphra/Zamba-7B-v1); arXiv 2405.16712',
    notes: '76 Mamba layers without MLP; one shared attention+MLP block (weights stored once) called 13 times, just before Mamba layers 2, 7, 13, ..., 73 (layers_block_type); the shared block reads concat(hidden, embedding) (2d wide, 16 heads of 464), each call has its own d x d output linear and KV cache; no rotary embedding (modeling_zamba.py ZambaAttention). The shared MLP is gated (GELU gate, the same shapes as SwiGLU). Zamba splits each Mamba mixer into 2 heads; modelled here as one Mamba-1 mixer of the same width.',
    design: build({
      format: FORMAT,
      name: 'Zamba-7B-v1',
      source: 'HF configuration_zamba.py, Zyphra/Zamba-7B-v1',
      vocabSize: 32000,
      dModel: 3712,
      norm: 'rmsnorm',
      tiedEmbeddings: true,
      maxContext: 4096,
      dtype: 'bf16',
      sharedBlocks: [
        {
          id: 'zamba-shared',
          attention: attention(16, 16, 464, { positional: 'none' }),
          ffn: { kind: 'mlp', width: 14848, activation: 'swiglu' },
          concatEmbedding: true,
          perCallLinear: true,
        },
      ],
      layers: zambaLayers(),
    }),
  },
  {
    id: 'stripedhyena-7b',
    family: 'StripedHyena (Together AI)',
    year: 2023,
    name: 'StripedHyena-Hessian-7B',
    source: 'togethercomputer/stripedhyena configs/7b-sh-32k-v0.1.yml (https://github.com/togethercomputer/stripedhyena/blob/main/configs/7b-sh-32k-v0.1.yml)',
    notes: '32 layers strictly alternating Hyena (even indices) and attention (odd); 32 heads in 4 GQA groups (8 KV heads), RoPE base 500000; Hyena short FIR length 3, modal long filter with 2 states per channel; gated MLP 14336.',
    design: build({
      format: FORMAT,
      name: 'StripedHyena-7B',
      source: 'togethercomputer/stripedhyena 7b-sh-32k-v0.1.yml',
      vocabSize: 32000,
      dModel: 4096,
      norm: 'rmsnorm',
      tiedEmbeddings: false,
      maxContext: 32768,
      dtype: 'bf16',
      layers: [
        {
          repeat: 16,
          label: 'Hyena / attention pair',
          layers: [
            { mixer: { kind: 'hyena', shortFilterLength: 3, stateSize: 2, projBias: true }, ffn: { kind: 'mlp', width: 14336, activation: 'swiglu' } },
            { mixer: attention(32, 8, 128, { ropeTheta: 500000 }), ffn: { kind: 'mlp', width: 14336, activation: 'swiglu' } },
          ],
        },
      ],
    }),
  },
  {
    id: 'mamba-2.8b',
    family: 'Mamba (state-spaces)',
    year: 2023,
    name: 'Mamba-2.8B',
    source: 'state-spaces/mamba mamba_ssm/models/config_mamba.py (https://github.com/state-spaces/mamba/blob/main/mamba_ssm/models/config_mamba.py); state-spaces/mamba-2.8b config.json (https://huggingface.co/state-spaces/mamba-2.8b)',
    notes: '64 Mamba-1 layers, no MLP; vocab 50277 padded to a multiple of 8 (50280); tied embeddings. Trained at 2048 tokens; a recurrent model has no hard context limit.',
    design: build({
      format: FORMAT,
      name: 'Mamba-2.8B',
      source: 'state-spaces/mamba config_mamba.py',
      vocabSize: 50280,
      dModel: 2560,
      norm: 'rmsnorm',
      tiedEmbeddings: true,
      maxContext: 2048,
      dtype: 'bf16',
      layers: [{ repeat: 64, layers: [{ mixer: { kind: 'mamba', dState: 16, dConv: 4, expand: 2, dtRank: 'auto' }, ffn: { kind: 'none' } }] }],
    }),
  },
  {
    id: 'mamba2-hybrid-8b',
    family: 'Mamba-2-Hybrid (NVIDIA)',
    year: 2024,
    name: 'Mamba-2-Hybrid 8B',
    source: MEGATRON_SOURCE,
    notes: "56 layers placed by Megatron-LM's allocate_layers(56, attention 0.08, mlp 0.5): 24 Mamba-2, 4 attention (indices 10, 22, 33, 45), 28 MLP-only; plain GELU MLP 16384 (no --swiglu); Mamba-2 d_state 128, head dim 64, 8 groups; no positional embedding; vocab 256000 inferred.",
    design: mamba2Hybrid(),
  },
  {
    id: 'llama-2-7b',
    family: 'Transformers (Meta, Mistral AI)',
    year: 2023,
    name: 'Llama-2-7B',
    source: 'meta-llama/Llama-2-7b-hf config.json (https://huggingface.co/meta-llama/Llama-2-7b-hf); HF configuration_llama.py',
    notes: '32 attention layers (MHA: 32 heads, 32 KV heads), SwiGLU MLP 11008, RoPE, 4096 context.',
    design: build({
      format: FORMAT,
      name: 'Llama-2-7B',
      source: 'meta-llama/Llama-2-7b-hf config.json',
      vocabSize: 32000,
      dModel: 4096,
      norm: 'rmsnorm',
      tiedEmbeddings: false,
      maxContext: 4096,
      dtype: 'bf16',
      layers: [{ repeat: 32, layers: [{ mixer: attention(32, 32, 128, { ropeTheta: 10000 }), ffn: { kind: 'mlp', width: 11008, activation: 'swiglu' } }] }],
    }),
  },
  {
    id: 'mistral-7b',
    family: 'Transformers (Meta, Mistral AI)',
    year: 2023,
    name: 'Mistral-7B-v0.1',
    source: 'mistralai/Mistral-7B-v0.1 config.json (https://huggingface.co/mistralai/Mistral-7B-v0.1); HF configuration_mistral.py',
    notes: '32 attention layers, GQA 32/8, sliding window 4096, SwiGLU MLP 14336, 32K context.',
    design: build({
      format: FORMAT,
      name: 'Mistral-7B',
      source: 'mistralai/Mistral-7B-v0.1 config.json',
      vocabSize: 32000,
      dModel: 4096,
      norm: 'rmsnorm',
      tiedEmbeddings: false,
      maxContext: 32768,
      dtype: 'bf16',
      layers: [{ repeat: 32, layers: [{ mixer: attention(32, 8, 128, { ropeTheta: 10000, slidingWindow: 4096 }), ffn: { kind: 'mlp', width: 14336, activation: 'swiglu' } }] }],
    }),
  },
  {
    id: 'mixtral-8x7b',
    family: 'Transformers (Meta, Mistral AI)',
    year: 2023,
    name: 'Mixtral-8x7B',
    source: 'mistralai/Mixtral-8x7B-v0.1 config.json (https://huggingface.co/mistralai/Mixtral-8x7B-v0.1); HF configuration_mixtral.py',
    notes: '32 attention layers, GQA 32/8, MoE with 8 experts (top-2) of width 14336 in every layer, RoPE base 1e6, 32K context.',
    design: build({
      format: FORMAT,
      name: 'Mixtral-8x7B',
      source: 'mistralai/Mixtral-8x7B-v0.1 config.json',
      vocabSize: 32000,
      dModel: 4096,
      norm: 'rmsnorm',
      tiedEmbeddings: false,
      maxContext: 32768,
      dtype: 'bf16',
      layers: [{ repeat: 32, layers: [{ mixer: attention(32, 8, 128, { ropeTheta: 1e6 }), ffn: { kind: 'moe', nExperts: 8, topK: 2, expertWidth: 14336, activation: 'swiglu' } }] }],
    }),
  },
  ...RECENT_PRESETS,
];

/** Presets grouped for a menu: one group per family, newest family first, each labelled with its years. */
export function presetGroups(presets: readonly Preset[]): { label: string; presets: Preset[] }[] {
  const byFamily = new Map<string, Preset[]>();
  for (const p of presets) byFamily.set(p.family, [...(byFamily.get(p.family) ?? []), p]);
  return [...byFamily.entries()]
    .map(([family, ps]) => {
      const years = [...new Set(ps.map((p) => p.year))].sort();
      return { family, newest: years[years.length - 1]!, label: `${family} · ${years.length > 1 ? `${years[0]}–${years[years.length - 1]}` : years[0]}`, presets: [...ps].sort((a, b) => a.year - b.year) };
    })
    .sort((a, b) => b.newest - a.newest || a.family.localeCompare(b.family))
    .map(({ label, presets: ps }) => ({ label, presets: ps }));
}

/** The preset ids, in display order. */
export const PRESET_IDS: readonly string[] = PRESETS.map((p) => p.id);

/**
 * The seed document's simplified Jamba rule (its `JambaModel`): 72 layers, every 8th layer (`(i + 1) % 8 == 0`) is
 * attention + MoE (16 experts, top-2), every other layer Mamba + dense FFN; LayerNorm, MHA, GELU FFN. It is not the
 * published Jamba (see `jamba-v0.1`), and is offered as a pattern a user can pick.
 */
export const SEED_RULE_PRESET: Preset = {
  id: 'seed-rule',
  family: 'Patterns',
  year: 2024,
  name: 'Seed rule (simplified): attention + MoE every 8th layer',
  source: "Project seed document, JambaModel example (attention_frequency 8, 72 layers, d_model 4096, d_ff 14336)",
  notes: 'Not a published model: the published Jamba puts attention at i % 8 == 4 and MoE on every other layer. Vocabulary 65536 chosen to match Jamba.',
  design: build({
    format: FORMAT,
    name: 'Seed rule (simplified)',
    source: 'seed document JambaModel',
    vocabSize: 65536,
    dModel: 4096,
    norm: 'layernorm',
    tiedEmbeddings: false,
    maxContext: 262144,
    dtype: 'bf16',
    layers: [
      {
        pattern: {
          count: 72,
          base: { mixer: { kind: 'mamba', dState: 16, dConv: 4, expand: 2, dtRank: 'auto' }, ffn: { kind: 'mlp', width: 14336, activation: 'gelu' } },
          rules: [
            {
              period: 8,
              offset: 7,
              mixer: attention(32, 32, 128),
              ffn: { kind: 'moe', nExperts: 16, topK: 2, expertWidth: 14336, activation: 'gelu' },
            },
          ],
        },
      },
    ],
  }),
};

/** A preset by id (the ten published ones, or `seed-rule`); undefined when none has that id. */
export function getPreset(id: string): Preset | undefined {
  if (id === SEED_RULE_PRESET.id) return SEED_RULE_PRESET;
  return PRESETS.find((p) => p.id === id);
}

/** The template kinds: pure attention, pure Mamba, and attention:Mamba ratios. */
export const TEMPLATE_KINDS = ['attention', 'mamba', '1:1', '1:3', '1:7'] as const;
/** One of {@link TEMPLATE_KINDS}. */
export type TemplateKind = (typeof TEMPLATE_KINDS)[number];

/** The size of a template: width, depth, vocabulary; the rest from the kinds' defaults for `dModel`. */
export interface TemplateSize {
  dModel: number;
  nLayers: number;
  vocabSize: number;
  /** Query heads; default the attention kind's (head dim 128 where it divides d). */
  nHeads?: number;
  /** Key/value heads; default nHeads / 4 when divisible, else nHeads. */
  nKvHeads?: number;
  /** SwiGLU width; default the MLP kind's (Llama's 2/3 · 4d rounded up to a multiple of 256). */
  ffnWidth?: number;
  maxContext?: number;
}

/**
 * A template design at a chosen size, its blocks from the kinds' defaults (src/kinds/<kind>/spec.ts).
 * Attention-ratio templates place attention like Jamba: period a+m, attention at offset floor(period / 2) (Jamba's 1:7
 * gives offset 4). Every layer has a SwiGLU MLP.
 */
export function makeTemplate(kind: TemplateKind, size: TemplateSize): Design {
  const d = size.dModel;
  const attnDefault = MIXER_SPECS.attention.defaults(d);
  const nHeads = size.nHeads ?? attnDefault.nHeads;
  const nKvHeads = size.nKvHeads ?? (size.nHeads === undefined ? attnDefault.nKvHeads : nHeads % 4 === 0 ? nHeads / 4 : nHeads);
  const headDim = size.nHeads === undefined ? attnDefault.headDim : Math.max(1, Math.floor(d / nHeads));
  const mlp = FFN_SPECS.mlp.defaults(d, size.ffnWidth === undefined ? {} : { ffnWidth: size.ffnWidth });
  const attn: LayerInput = { mixer: { ...attnDefault, nHeads, nKvHeads, headDim }, ffn: mlp };
  const mamba: LayerInput = { mixer: MIXER_SPECS.mamba.defaults(d), ffn: mlp };
  const base = { format: FORMAT, vocabSize: size.vocabSize, dModel: d, norm: 'rmsnorm' as const, tiedEmbeddings: false, maxContext: size.maxContext ?? 32768, dtype: 'bf16' as const };
  if (kind === 'attention') return build({ ...base, name: `Pure attention (${size.nLayers} layers)`, layers: [{ repeat: size.nLayers, layers: [attn] }] });
  if (kind === 'mamba') return build({ ...base, name: `Pure Mamba (${size.nLayers} layers)`, layers: [{ repeat: size.nLayers, layers: [mamba] }] });
  const m = Number(kind.split(':')[1]);
  const period = 1 + m;
  return build({
    ...base,
    name: `Hybrid 1:${m} (${size.nLayers} layers)`,
    layers: [{ pattern: { count: size.nLayers, base: mamba, rules: [{ period, offset: Math.floor(period / 2), mixer: attn.mixer }] } }],
  });
}

/**
 * The hybrids of 2024-2026 as presets (research notes hybrids-2026.md §3-§9): Nemotron-H, Nemotron-Nano-v2,
 * Nemotron-3, Zamba2, Falcon-H1, Granite-4.0-H, Bamba, Qwen3-Next, Kimi Linear and MiniMax-Text-01. Each cites
 * where its numbers come from; a field the notes mark unconfirmed is chosen, named in the source line
 * ("Unconfirmed, chosen: ...") and kept consistent with the published rounded size. Parameter totals follow the
 * makers' modeling code tensor by tensor (src/kinds/<kind>/cost.ts); multi-token-prediction heads are not part of a
 * model, and a Zamba2 shared block counts once.
 */
import { compactLayers } from './compact';
import { DesignSchema, FORMAT, type Design, type Layer } from './schema';
import type { Preset } from './presets';

type Json = Record<string, unknown>;

function build(input: Json): Design {
  // A preset that fails its own schema is a programming error.
  return DesignSchema.parse(input);
}

const NONE = { kind: 'none' };

/** A Megatron / Nemotron-H pattern (M * - E) as one design layer per character. */
function fromPattern(pattern: string, blocks: { M?: Json; '*'?: Json; '-'?: Json; E?: Json }): Layer[] {
  return [...pattern].map((c) => {
    const b = blocks[c as keyof typeof blocks];
    if (!b) throw new Error(`no block for "${c}"`);
    return (c === 'M' || c === '*' ? { mixer: b, ffn: NONE } : { mixer: NONE, ffn: b }) as unknown as Layer;
  });
}

const design = (o: { name: string; source: string; vocabSize: number; dModel: number; tied: boolean; maxContext: number; layers: Layer[]; sharedBlocks?: Json[] }): Design =>
  build({
    format: FORMAT,
    name: o.name,
    source: o.source,
    vocabSize: o.vocabSize,
    dModel: o.dModel,
    norm: 'rmsnorm',
    tiedEmbeddings: o.tied,
    maxContext: o.maxContext,
    dtype: 'bf16',
    sharedBlocks: o.sharedBlocks ?? [],
    layers: compactLayers(o.layers),
  });

// ---------------------------------------------------------------------------------------------------------------
// NVIDIA Nemotron-H (§3): M Mamba-2 (heads × head dim), * NoPE GQA, - relu² MLP, E sigmoid-routed MoE.

const NEMOTRON_SOURCE = 'NVIDIA Megatron-LM examples/post_training/modelopt/conf/nvidia/';

const nemotronMamba = (heads: number, headDim: number, dState: number, dModel: number) => ({
  kind: 'mamba2',
  dState,
  headDim,
  nGroups: 8,
  dConv: 4,
  expand: 2,
  nHeads: heads * headDim === 2 * dModel ? null : heads,
  chunkSize: 128,
  convBias: true,
  projBias: false,
  gatedNorm: true,
});
const nopeGqa = (nHeads: number, nKvHeads: number, headDim = 128) => ({ kind: 'attention', nHeads, nKvHeads, headDim, positional: 'none', slidingWindow: null, bias: false });
const relu2 = (width: number) => ({ kind: 'mlp', width, activation: 'relu2', bias: false });

export const NEMOTRON_H_8B_PATTERN = 'M-M-M-M*-M-M-M-M-M*-M-M-M-M-M*-M-M-M-M-M*-M-M-M-M-M-';
export const NEMOTRON_H_56B_PATTERN = 'M-M-M-M*-M-M-M-M-M*-M-M-M-M-M*-M-M-M-M-M*-M-M-M-M-M*-M-M-M-M-M*-M-M-M-M-M*-M-M-M-M-M*-M-M-M-M-M*-M-M-M-M-M*-M-M-M-M-M-';
export const NEMOTRON_NANO_9B_V2_PATTERN = 'M-M-M-MM-M-M-M*-M-M-M*-M-M-M-M*-M-M-M-M*-M-MM-M-M-M-M-M-';
export const NEMOTRON_3_NANO_PATTERN = 'MEMEM*EMEMEM*EMEMEM*EMEMEM*EMEMEM*EMEMEMEM*EMEMEMEME';

// ---------------------------------------------------------------------------------------------------------------
// Zyphra Zamba2 (§4): a hybrid layer calls one of two shared blocks (ABAB) before its own Mamba-2.

function zamba2(o: { name: string; source: string; d: number; hybrid: readonly number[]; nLayers: number; nHeads: number; ffn: number; mambaHeads: number; nGroups: number; rope: boolean }): Design {
  const block = (k: number) => ({
    id: `zamba2-shared-${k}`,
    attention: { kind: 'attention', nHeads: o.nHeads, nKvHeads: o.nHeads, headDim: (2 * o.d) / o.nHeads, positional: o.rope ? 'rope' : 'none', ...(o.rope ? { ropeTheta: 10000 } : {}), slidingWindow: null, bias: false },
    ffn: { kind: 'mlp', width: o.ffn, activation: 'geglu', bias: false },
    concatEmbedding: true,
    perCallLinear: true,
    adapters: { rank: 128, mlp: true, attention: false },
  });
  const mamba = { kind: 'mamba2', dState: 64, headDim: (2 * o.d) / o.mambaHeads, nGroups: o.nGroups, dConv: 4, expand: 2, nHeads: null, chunkSize: 256, convBias: true, projBias: false, gatedNorm: true };
  const hybrid = new Set(o.hybrid);
  const layers: Layer[] = [];
  let j = 0;
  for (let i = 0; i < o.nLayers; i++) {
    if (hybrid.has(i)) layers.push({ mixer: { kind: 'shared', blockId: `zamba2-shared-${j++ % 2}` }, ffn: NONE } as unknown as Layer);
    layers.push({ mixer: mamba, ffn: NONE } as unknown as Layer);
  }
  return design({ name: o.name, source: o.source, vocabSize: 32000, dModel: o.d, tied: true, maxContext: 4096, layers, sharedBlocks: [block(0), block(1)] });
}

// ---------------------------------------------------------------------------------------------------------------
// Presets

const NEMOTRON_H_8B_SRC = `${NEMOTRON_SOURCE}Nemotron-H-8B-Base-8K.sh (https://github.com/NVIDIA/Megatron-LM); nvidia/Nemotron-H-8B-Base-8K config.json (https://huggingface.co/nvidia/Nemotron-H-8B-Base-8K); vocab 131072 (NeMo NemotronHConfigBase)`;
const NEMOTRON_H_56B_SRC = `${NEMOTRON_SOURCE}Nemotron-H-56B-Base-8K.sh (https://github.com/NVIDIA/Megatron-LM); nvidia/Nemotron-H-56B-Base-8K (https://huggingface.co/nvidia/Nemotron-H-56B-Base-8K); NVIDIA blog "54 Mamba-2, 54 MLP, and 10 Self-Attention layers"`;
const NANO_9B_SRC = `${NEMOTRON_SOURCE}NVIDIA-Nemotron-Nano-9B-v2.sh (https://github.com/NVIDIA/Megatron-LM); nvidia/NVIDIA-Nemotron-Nano-9B-v2 config.json (https://huggingface.co/nvidia/NVIDIA-Nemotron-Nano-9B-v2)`;
const NANO3_SRC = `nvidia/NVIDIA-Nemotron-3-Nano-30B-A3B-BF16 config.json (https://huggingface.co/nvidia/NVIDIA-Nemotron-3-Nano-30B-A3B-BF16); ${NEMOTRON_SOURCE}Nemotron-3-Nano-30B-A3B.sh; transformers configuration_nemotron_h.py`;
const ZAMBA2_27_SRC = 'Zyphra/Zamba2-2.7B-Instruct-v2 config.json (https://huggingface.co/Zyphra/Zamba2-2.7B-Instruct-v2); transformers configuration_zamba2.py / modeling_zamba2.py (https://github.com/huggingface/transformers/tree/main/src/transformers/models/zamba2); arXiv 2411.15242';
const ZAMBA2_7_SRC = 'Zyphra/Zamba2-7B (https://huggingface.co/Zyphra/Zamba2-7B) as transcribed by a third party (ffn 14336, kv_channels 112, mamba_ngroups 2, state 64, 2 memory blocks, shared-block LoRA on, attention LoRA off); transformers modeling_zamba2.py; arXiv 2411.15242 ("7.4B"). Unconfirmed, chosen: use_mem_rope true (RoPE base 10000), vocab 32000 tied';
const FALCON_SRC = 'tiiuae/Falcon-H1-7B-Base config.json (https://huggingface.co/tiiuae/Falcon-H1-7B-Base); transformers model_doc/falcon_h1 size table and configuration_falcon_h1.py (https://github.com/huggingface/transformers/tree/main/src/transformers/models/falcon_h1). Unconfirmed, chosen: mamba_rms_norm false (the config class default; 44 × 3,072 parameters either way)';
const GRANITE_SRC = 'ibm-granite/granite-4.0-h-small (https://huggingface.co/ibm-granite/granite-4.0-h-small) via its GGUF metadata (ollama granite4:small-h) and transformers configuration_granitemoehybrid.py / modeling_granitemoehybrid.py. Unconfirmed, chosen: attention at layers 5, 15, 25, 35 (as Granite-4.0-H-Micro), NoPE, 131072 context';
const BAMBA_SRC = 'ibm-ai-platform/Bamba-9B (https://huggingface.co/ibm-ai-platform/Bamba-9B) config.json as transcribed in test fixtures (attn_layer_indices [9, 18, 27], mamba_d_state 128); transformers configuration_bamba.py (partial_rotary_factor 0.5). Unconfirmed, chosen: vocab 128256 (Llama-3 tokenizer) untied, 4096 context';
const QWEN_SRC = 'transformers configuration_qwen3_next.py (checkpoint Qwen/Qwen3-Next-80B-A3B-Instruct, https://huggingface.co/Qwen/Qwen3-Next-80B-A3B-Instruct) and modeling_qwen3_next.py; rope_theta 1e7 and 262144 context from the checkpoint config';
const KIMI_SRC = 'moonshotai/Kimi-Linear-48B-A3B-Instruct config.json (https://huggingface.co/moonshotai/Kimi-Linear-48B-A3B-Instruct): linear_attn_config full_attn_layers [4, 8, 12, 16, 20, 24, 27] (1-indexed), mla_use_nope true; transformers configuration_kimi_linear.py; MoonshotAI/Kimi-Linear README (48B total / 3B active). The MoE experts alone hold 47.1B, so the model stores 49.1B';
const MINIMAX_SRC = 'MiniMax-AI/MiniMax-01 MiniMax-Text-01-Model-Card.md (https://github.com/MiniMax-AI/MiniMax-01): 80 layers, softmax after every 7 lightning, 64 heads × 128, 32 experts top-2 of 9216, hidden 6144, vocab 200064, RoPE on half the head dim base 1e7; vLLM attn_type_list. Unconfirmed, chosen: 8 KV heads for the softmax layers, untied embeddings';

const attnEvery = (n: number, period: number, offset: number) => Array.from({ length: n }, (_, i) => i % period === offset);

/** The 2024-2026 hybrid presets, in display order within their families. */
export const RECENT_PRESETS: readonly Preset[] = [
  {
    id: 'nemotron-h-8b',
    name: 'Nemotron-H-8B',
    family: 'Nemotron-H (NVIDIA)',
    year: 2025,
    source: NEMOTRON_H_8B_SRC,
    notes: '52 blocks: 24 Mamba-2 (128 heads × 64, 8 groups, state 128), 4 NoPE GQA attention (32/8) at 7, 18, 29, 40, 24 squared-ReLU MLPs of 21504; one RMSNorm per block; untied.',
    design: design({ name: 'Nemotron-H-8B', source: NEMOTRON_H_8B_SRC, vocabSize: 131072, dModel: 4096, tied: false, maxContext: 8192, layers: fromPattern(NEMOTRON_H_8B_PATTERN, { M: nemotronMamba(128, 64, 128, 4096), '*': nopeGqa(32, 8), '-': relu2(21504) }) }),
  },
  {
    id: 'nemotron-h-56b',
    name: 'Nemotron-H-56B',
    family: 'Nemotron-H (NVIDIA)',
    year: 2025,
    source: NEMOTRON_H_56B_SRC,
    notes: '118 blocks: 54 Mamba-2 (256 heads × 64, state 256), 10 NoPE GQA attention (64/8) at 7 + 11k, 54 squared-ReLU MLPs of 32768; untied.',
    design: design({ name: 'Nemotron-H-56B', source: NEMOTRON_H_56B_SRC, vocabSize: 131072, dModel: 8192, tied: false, maxContext: 8192, layers: fromPattern(NEMOTRON_H_56B_PATTERN, { M: nemotronMamba(256, 64, 256, 8192), '*': nopeGqa(64, 8), '-': relu2(32768) }) }),
  },
  {
    id: 'nemotron-nano-9b-v2',
    name: 'Nemotron-Nano-9B-v2',
    family: 'Nemotron-H (NVIDIA)',
    year: 2025,
    source: NANO_9B_SRC,
    notes: '56 blocks: 27 Mamba-2 of 128 heads × 80 (width 10240, not 2 × 4480), 4 NoPE GQA attention (40/8), 25 squared-ReLU MLPs of 15680; 128K context.',
    design: design({ name: 'Nemotron-Nano-9B-v2', source: NANO_9B_SRC, vocabSize: 131072, dModel: 4480, tied: false, maxContext: 131072, layers: fromPattern(NEMOTRON_NANO_9B_V2_PATTERN, { M: nemotronMamba(128, 80, 128, 4480), '*': nopeGqa(40, 8), '-': relu2(15680) }) }),
  },
  {
    id: 'nemotron-3-nano-30b-a3b',
    name: 'Nemotron-3-Nano-30B-A3B',
    family: 'Nemotron-H (NVIDIA)',
    year: 2025,
    source: NANO3_SRC,
    notes: '52 blocks: 23 Mamba-2 (64 heads × 64), 6 NoPE GQA attention (32/2), 23 MoE (128 squared-ReLU experts of 1856, top-6, sigmoid router with correction bias, scale 2.5, one shared expert of 3712); MTP layers left out.',
    design: design({
      name: 'Nemotron-3-Nano-30B-A3B',
      source: NANO3_SRC,
      vocabSize: 131072,
      dModel: 2688,
      tied: false,
      maxContext: 262144,
      layers: fromPattern(NEMOTRON_3_NANO_PATTERN, {
        M: nemotronMamba(64, 64, 128, 2688),
        '*': nopeGqa(32, 2),
        E: { kind: 'moe', nExperts: 128, topK: 6, expertWidth: 1856, activation: 'relu2', sharedExperts: 1, sharedExpertWidth: 3712, router: 'sigmoid', routerBias: true, routedScale: 2.5, normTopK: true },
      }),
    }),
  },
  {
    id: 'zamba2-2.7b',
    name: 'Zamba2-2.7B',
    family: 'Zamba (Zyphra)',
    year: 2024,
    source: ZAMBA2_27_SRC,
    notes: '54 Mamba-2 layers (80 heads × 64, state 64); 9 hybrid layers (6, 12, ..., 42, 47, 51) call two shared attention + gated-GeLU blocks in turn (MHA 32 × 160 over concat(hidden, embedding), MLP 10240), each call with its own linear and rank-128 MLP adapter; shared blocks counted once.',
    design: zamba2({ name: 'Zamba2-2.7B', source: ZAMBA2_27_SRC, d: 2560, nLayers: 54, hybrid: [6, 12, 18, 24, 30, 36, 42, 47, 51], nHeads: 32, ffn: 10240, mambaHeads: 80, nGroups: 1, rope: false }),
  },
  {
    id: 'zamba2-7b',
    name: 'Zamba2-7B',
    family: 'Zamba (Zyphra)',
    year: 2024,
    source: ZAMBA2_7_SRC,
    notes: '81 Mamba-2 layers (112 heads × 64, 2 groups, state 64); 13 hybrid layers (6, 11, 17, ..., 77) call two shared blocks in turn (MHA 32 × 224, gated-GeLU MLP 14336, rank-128 MLP adapters).',
    design: zamba2({ name: 'Zamba2-7B', source: ZAMBA2_7_SRC, d: 3584, nLayers: 81, hybrid: [6, 11, 17, 23, 29, 35, 41, 47, 53, 59, 65, 71, 77], nHeads: 32, ffn: 14336, mambaHeads: 112, nGroups: 2, rope: true }),
  },
  {
    id: 'falcon-h1-7b',
    name: 'Falcon-H1-7B',
    family: 'Falcon-H1 (TII)',
    year: 2025,
    source: FALCON_SRC,
    notes: '44 layers, each attention (12/2 heads × 128, RoPE base 1e11) in parallel with Mamba-2 (24 heads × 128, state 256), outputs summed, then a SwiGLU MLP of 12288: KV and state on every layer. µP multipliers scale activations only.',
    design: design({
      name: 'Falcon-H1-7B',
      source: FALCON_SRC,
      vocabSize: 130048,
      dModel: 3072,
      tied: false,
      maxContext: 262144,
      layers: Array.from({ length: 44 }, () => ({
        mixer: {
          kind: 'parallel',
          branches: [
            { kind: 'attention', nHeads: 12, nKvHeads: 2, headDim: 128, positional: 'rope', ropeTheta: 1e11, slidingWindow: null, bias: false },
            { kind: 'mamba2', dState: 256, headDim: 128, nGroups: 1, dConv: 4, expand: 2, nHeads: 24, chunkSize: 128, convBias: true, projBias: false, gatedNorm: false },
          ],
          combine: 'sum',
        },
        ffn: { kind: 'mlp', width: 12288, activation: 'swiglu', bias: false },
      })) as unknown as Layer[],
    }),
  },
  {
    id: 'granite-4.0-h-small',
    name: 'Granite-4.0-H-Small (32B-A9B)',
    family: 'Granite 4.0 (IBM)',
    year: 2025,
    source: GRANITE_SRC,
    notes: '40 layers: 36 Mamba-2 (128 heads × 64, state 128) and 4 NoPE GQA attention (32/8); every layer an MoE of 72 SwiGLU experts of 768 (top-10) plus a shared SwiGLU MLP of 1536; tied embeddings. µP scalars scale activations only.',
    design: design({
      name: 'Granite-4.0-H-Small',
      source: GRANITE_SRC,
      vocabSize: 100352,
      dModel: 4096,
      tied: true,
      maxContext: 131072,
      layers: attnEvery(40, 10, 5).map((a) => ({
        mixer: a ? { kind: 'attention', nHeads: 32, nKvHeads: 8, headDim: 128, positional: 'none', slidingWindow: null, bias: false } : { kind: 'mamba2', dState: 128, headDim: 64, nGroups: 1, dConv: 4, expand: 2, nHeads: null, chunkSize: 256, convBias: true, projBias: false, gatedNorm: true },
        ffn: { kind: 'moe', nExperts: 72, topK: 10, expertWidth: 768, activation: 'swiglu', sharedExperts: 1, sharedExpertWidth: 1536, router: 'softmax', normTopK: true },
      })) as unknown as Layer[],
    }),
  },
  {
    id: 'bamba-9b',
    name: 'Bamba-9B',
    family: 'Bamba (IBM)',
    year: 2024,
    source: BAMBA_SRC,
    notes: '32 layers: 29 Mamba-2 (128 heads × 64, state 128) and 3 GQA attention (32/8) at 9, 18, 27 with RoPE on half of each head; SwiGLU MLP of 14336 in every layer.',
    design: design({
      name: 'Bamba-9B',
      source: BAMBA_SRC,
      vocabSize: 128256,
      dModel: 4096,
      tied: false,
      maxContext: 4096,
      layers: Array.from({ length: 32 }, (_, i) => ({
        mixer: [9, 18, 27].includes(i)
          ? { kind: 'attention', nHeads: 32, nKvHeads: 8, headDim: 128, positional: 'rope', ropeTheta: 10000, ropeFraction: 0.5, slidingWindow: null, bias: false }
          : { kind: 'mamba2', dState: 128, headDim: 64, nGroups: 1, dConv: 4, expand: 2, nHeads: null, chunkSize: 256, convBias: true, projBias: false, gatedNorm: true },
        ffn: { kind: 'mlp', width: 14336, activation: 'swiglu', bias: false },
      })) as unknown as Layer[],
    }),
  },
  {
    id: 'qwen3-next-80b-a3b',
    name: 'Qwen3-Next-80B-A3B',
    family: 'Qwen3-Next (Alibaba)',
    year: 2025,
    source: QWEN_SRC,
    notes: '48 layers, 3:1: 36 Gated DeltaNet (16 key / 32 value heads × 128, conv 4) and 12 gated attention (16/2 × 256, q/k norm, RoPE on a quarter of each head) at 3, 7, ..., 47; every layer an MoE of 512 SwiGLU experts of 512 (top-10) plus a gated shared expert of 512; norms zero-centred; MTP layers left out.',
    design: design({
      name: 'Qwen3-Next-80B-A3B',
      source: QWEN_SRC,
      vocabSize: 151936,
      dModel: 2048,
      tied: false,
      maxContext: 262144,
      layers: Array.from({ length: 48 }, (_, i) => ({
        mixer:
          (i + 1) % 4 === 0
            ? { kind: 'attention', nHeads: 16, nKvHeads: 2, headDim: 256, positional: 'rope', ropeTheta: 1e7, ropeFraction: 0.25, outputGate: true, qkNorm: true, slidingWindow: null, bias: false }
            : { kind: 'linear-attention', nKeyHeads: 16, nValueHeads: 32, keyHeadDim: 128, valueHeadDim: 128, update: 'delta', decay: 'head', convSize: 4, outputGate: 'full', outputNorm: true, lowRank: null, layout: 'qwen3-next' },
        ffn: { kind: 'moe', nExperts: 512, topK: 10, expertWidth: 512, activation: 'swiglu', sharedExperts: 1, sharedExpertWidth: 512, sharedExpertGate: true, router: 'softmax', normTopK: true },
      })) as unknown as Layer[],
    }),
  },
  {
    id: 'kimi-linear-48b-a3b',
    name: 'Kimi-Linear-48B-A3B',
    family: 'Kimi Linear (Moonshot AI)',
    year: 2025,
    source: KIMI_SRC,
    notes: '27 layers: 20 KDA (32 heads × 128, channel-wise decay, conv 4) and 7 NoPE MLA (32 heads, KV latent 512 + rope key 64) at 3, 7, 11, 15, 19, 23, 26; layer 0 a dense SwiGLU MLP of 9216, the rest MoE (256 experts of 1024, top-8, sigmoid router with correction bias, scale 2.446, one shared expert).',
    design: design({
      name: 'Kimi-Linear-48B-A3B',
      source: KIMI_SRC,
      vocabSize: 163840,
      dModel: 2304,
      tied: false,
      maxContext: 1048576,
      layers: Array.from({ length: 27 }, (_, i) => ({
        mixer: [3, 7, 11, 15, 19, 23, 26].includes(i)
          ? { kind: 'mla', nHeads: 32, kvLoraRank: 512, qLoraRank: null, qkNopeHeadDim: 128, qkRopeHeadDim: 64, vHeadDim: 128, positional: 'none' }
          : { kind: 'linear-attention', nKeyHeads: 32, nValueHeads: 32, keyHeadDim: 128, valueHeadDim: 128, update: 'delta', decay: 'channel', convSize: 4, outputGate: 'lowrank', outputNorm: true, lowRank: null, layout: 'kimi' },
        ffn:
          i === 0
            ? { kind: 'mlp', width: 9216, activation: 'swiglu', bias: false }
            : { kind: 'moe', nExperts: 256, topK: 8, expertWidth: 1024, activation: 'swiglu', sharedExperts: 1, sharedExpertWidth: null, router: 'sigmoid', routerBias: true, routedScale: 2.446, normTopK: true },
      })) as unknown as Layer[],
    }),
  },
  {
    id: 'minimax-text-01',
    name: 'MiniMax-Text-01 (456B)',
    family: 'MiniMax-01 (MiniMax)',
    year: 2025,
    source: MINIMAX_SRC,
    notes: '80 layers: 70 lightning attention (64 heads × 128, per-head decay, output gate) and 10 softmax GQA attention at 7, 15, ..., 79; every layer an MoE of 32 SwiGLU experts of 9216 (top-2). DeepNorm residual scales act on activations only.',
    design: design({
      name: 'MiniMax-Text-01',
      source: MINIMAX_SRC,
      vocabSize: 200064,
      dModel: 6144,
      tied: false,
      maxContext: 1048576,
      layers: Array.from({ length: 80 }, (_, i) => ({
        mixer:
          (i + 1) % 8 === 0
            ? { kind: 'attention', nHeads: 64, nKvHeads: 8, headDim: 128, positional: 'rope', ropeTheta: 1e7, ropeFraction: 0.5, slidingWindow: null, bias: false }
            : { kind: 'linear-attention', nKeyHeads: 64, nValueHeads: 64, keyHeadDim: 128, valueHeadDim: 128, update: 'additive', decay: 'fixed', convSize: 0, outputGate: 'full', outputNorm: true, lowRank: null, layout: 'minimax' },
        ffn: { kind: 'moe', nExperts: 32, topK: 2, expertWidth: 9216, activation: 'swiglu', router: 'softmax', normTopK: true },
      })) as unknown as Layer[],
    }),
  },
];

/** MLA: how it is edited (names as in spec.ts). */
import type { FieldSpec } from '../fieldSpec';

export const mlaFields: FieldSpec[] = [
  { key: 'nHeads', label: 'Heads', type: 'int' },
  { key: 'kvLoraRank', label: 'KV latent rank', type: 'int', help: 'kv_lora_rank: the cached latent per token (Kimi, DeepSeek 512)' },
  { key: 'qLoraRank', label: 'Q latent rank', type: 'intOrNull', placeholder: 'none (q_proj)', help: 'q_lora_rank: low-rank query (DeepSeek-V3 1536); empty = plain q_proj' },
  { key: 'qkNopeHeadDim', label: 'QK nope dim', type: 'int', help: 'qk_nope_head_dim: per-head key dims expanded from the latent' },
  { key: 'qkRopeHeadDim', label: 'QK rope dim', type: 'int', help: 'qk_rope_head_dim: the shared key dims cached beside the latent' },
  { key: 'vHeadDim', label: 'V head dim', type: 'int' },
  { key: 'positional', label: 'Positional', type: 'enum', options: ['rope', 'none'] },
];

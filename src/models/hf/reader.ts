/**
 * Reading a Hugging Face `config.json` for the 2025-2026 families (src/models/hf/*.ts): typed keys with the
 * defaults of the family's `configuration_*.py`, every wrong key reported by its own name, aliases (two spellings of
 * one setting, as transformers' `attribute_map` or a renamed field) that must agree when both are given, and limits
 * checked before anything is allocated (a layer count or a list length is bounded before a layer is built).
 * Never throws; issues accumulate and the importer returns them.
 */
import { LIMITS } from '../schemaKit';
import { describeValue, type ValidationIssue } from '../validate';

type Json = Record<string, unknown>;

/** The largest value an integer key may take, by the design field it becomes. */
export const FAMILY_KEY_LIMITS: Readonly<Record<string, number>> = {
  hidden_size: LIMITS.dModel,
  vocab_size: LIMITS.vocabSize,
  num_hidden_layers: LIMITS.layers,
  num_attention_heads: LIMITS.heads,
  num_key_value_heads: LIMITS.heads,
  head_dim: LIMITS.headDim,
  attention_head_dim: LIMITS.headDim,
  intermediate_size: LIMITS.ffnWidth,
  moe_intermediate_size: LIMITS.ffnWidth,
  shared_intermediate_size: LIMITS.ffnWidth,
  shared_expert_intermediate_size: LIMITS.ffnWidth,
  moe_shared_expert_intermediate_size: LIMITS.ffnWidth,
  dense_ffn_hidden: LIMITS.ffnWidth,
  max_position_embeddings: LIMITS.maxContext,
  model_max_length: LIMITS.maxContext,
  n_routed_experts: LIMITS.experts,
  num_experts: LIMITS.experts,
  num_local_experts: LIMITS.experts,
  num_experts_per_tok: LIMITS.experts,
  num_experts_per_token: LIMITS.experts,
  n_shared_experts: LIMITS.experts,
  num_shared_experts: LIMITS.experts,
  ssm_state_size: LIMITS.dState,
  mamba_d_state: LIMITS.dState,
  mamba_num_heads: LIMITS.heads * 16,
  mamba_n_heads: LIMITS.heads * 16,
  n_mamba_heads: LIMITS.heads * 16,
  mamba_head_dim: LIMITS.headDim,
  mamba_d_head: LIMITS.headDim,
  n_groups: LIMITS.heads,
  mamba_n_groups: LIMITS.heads,
  mamba_ngroups: LIMITS.heads,
  conv_kernel: LIMITS.dConv,
  mamba_d_conv: LIMITS.dConv,
  linear_conv_kernel_dim: LIMITS.dConv,
  expand: LIMITS.expand,
  mamba_expand: LIMITS.expand,
  chunk_size: LIMITS.chunkSize,
  mamba_chunk_size: LIMITS.chunkSize,
  mamba_d_ssm: LIMITS.expand * LIMITS.dModel,
  num_mem_blocks: 16,
  adapter_rank: LIMITS.headDim,
  linear_num_key_heads: LIMITS.heads,
  linear_num_value_heads: LIMITS.heads,
  linear_key_head_dim: LIMITS.headDim,
  linear_value_head_dim: LIMITS.headDim,
  full_attention_interval: LIMITS.layers,
  decoder_sparse_step: LIMITS.layers,
  kv_lora_rank: LIMITS.headDim * 16,
  q_lora_rank: LIMITS.headDim * 16,
  qk_nope_head_dim: LIMITS.headDim,
  qk_rope_head_dim: LIMITS.headDim,
  v_head_dim: LIMITS.headDim,
  first_k_dense_replace: LIMITS.layers,
  rotary_dim: LIMITS.headDim,
  n_group: LIMITS.experts,
  topk_group: LIMITS.experts,
  num_expert_group: LIMITS.experts,
  sliding_window: LIMITS.maxContext,
};

/** Typed reads of one JSON object (the config, or a nested object such as Kimi's `linear_attn_config`). */
export class FamilyReader {
  constructor(
    readonly json: Json,
    readonly issues: ValidationIssue[] = [],
    /** Path prefix for nested objects (`linear_attn_config.`). */
    private readonly prefix = '',
  ) {}

  /** True when the key is present and not null (HF's None). */
  has(key: string): boolean {
    return this.json[key] !== undefined && this.json[key] !== null;
  }
  /** The raw value of a key. */
  raw(key: string): unknown {
    return this.json[key];
  }
  issue(key: string, message: string): void {
    this.issues.push({ path: `${this.prefix}${key}`, message });
  }
  private bad(key: string, expected: string): void {
    this.issue(key, `expected ${expected}, got ${describeValue(this.json[key])}`);
  }

  int(key: string, def: number, min = 1, max = FAMILY_KEY_LIMITS[key] ?? Number.MAX_SAFE_INTEGER): number {
    if (!this.has(key)) return def;
    const v = this.json[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
      this.bad(key, `an integer >= ${min}`);
      return def;
    }
    if (v > max) {
      this.issue(key, `must be at most ${max}, got ${v}`);
      return def;
    }
    return v;
  }
  /** An integer, or null when the key is null (HF's None) or absent with a null default. */
  intOrNull(key: string, def: number | null, min = 1): number | null {
    if (this.json[key] === null) return null;
    if (this.json[key] === undefined) return def;
    return this.int(key, def ?? min, min);
  }
  num(key: string, def: number, min = -Infinity, max = Infinity): number {
    if (!this.has(key)) return def;
    const v = this.json[key];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      this.bad(key, 'a number');
      return def;
    }
    if (v < min || v > max) {
      this.issue(key, `must be between ${min} and ${max}, got ${v}`);
      return def;
    }
    return v;
  }
  bool(key: string, def: boolean): boolean {
    if (!this.has(key)) return def;
    const v = this.json[key];
    if (typeof v !== 'boolean') {
      this.bad(key, 'true or false');
      return def;
    }
    return v;
  }
  str(key: string, def: string): string {
    if (!this.has(key)) return def;
    const v = this.json[key];
    if (typeof v !== 'string') {
      this.bad(key, 'a string');
      return def;
    }
    return v;
  }
  /** One of the allowed strings; anything else is an issue naming them. */
  oneOf<T extends string>(key: string, allowed: readonly T[], def: T): T {
    const v = this.str(key, def);
    if ((allowed as readonly string[]).includes(v)) return v as T;
    this.issue(key, `${describeValue(v)} is not supported; expected ${allowed.map((a) => JSON.stringify(a)).join(' or ')}`);
    return def;
  }
  /** An integer or the string "auto" (mamba_d_head). */
  intOrAuto(key: string): number | 'auto' {
    if (!this.has(key) || this.json[key] === 'auto') return 'auto';
    return this.int(key, 1);
  }
  /**
   * A list of at most `maxLength` items (checked before any item is read), or undefined when absent / null.
   * A non-list is an issue.
   */
  list(key: string, maxLength: number): unknown[] | undefined {
    if (!this.has(key)) return undefined;
    const v = this.json[key];
    if (!Array.isArray(v)) {
      this.bad(key, 'a list');
      return undefined;
    }
    if (v.length > maxLength) {
      this.issue(key, `has ${v.length} items; at most ${maxLength} are allowed`);
      return undefined;
    }
    return v;
  }
  /** A list of integers in [min, max]; the first bad item is reported by its index. */
  intList(key: string, maxLength: number, min: number, max: number): number[] | undefined {
    const l = this.list(key, maxLength);
    if (!l) return undefined;
    const bad = l.findIndex((x) => typeof x !== 'number' || !Number.isInteger(x) || x < min || x > max);
    if (bad >= 0) {
      this.issue(`${key}[${bad}]`, `expected an integer from ${min} to ${max}, got ${describeValue(l[bad])}`);
      return undefined;
    }
    return l as number[];
  }
  /** A nested object as its own reader (issues reported as `key.inner`), or null when absent. */
  object(key: string): FamilyReader | null {
    if (!this.has(key)) return null;
    const v = this.json[key];
    if (typeof v !== 'object' || Array.isArray(v)) {
      this.bad(key, 'an object');
      return null;
    }
    return new FamilyReader(v as Json, this.issues, `${this.prefix}${key}.`);
  }
  /**
   * One setting spelt two ways (a renamed field or transformers' `attribute_map`): the value of whichever is given;
   * both given and different is an issue naming both. `read` reads one key with the reader's typed methods.
   */
  alias<T>(keys: readonly string[], read: (key: string) => T, def: T): T {
    const present = keys.filter((k) => this.has(k));
    if (present.length === 0) return def;
    const values = present.map((k) => read(k));
    const first = JSON.stringify(values[0]);
    const clash = values.findIndex((v) => JSON.stringify(v) !== first);
    if (clash > 0) this.issue(present[clash]!, `contradicts ${present[0]} (${first} vs ${JSON.stringify(values[clash])}); give one of them`);
    return values[0]!;
  }
}

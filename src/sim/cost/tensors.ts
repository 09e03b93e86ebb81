/**
 * The vocabulary every block kind's cost (src/kinds/<kind>/cost.ts) is written in: stored tensors, cache tensors, and
 * the generic cost shape a kind returns, so nothing downstream switches on a kind.
 *
 * Counting rules for FLOPs (see `analyzeDesign`): a weight matrix or conv tap counts one MAC per element per token
 * (2 FLOPs); a recurrent scan counts 4 FLOPs per real state element per token (one multiply-add to update the state,
 * one to read it out); norms, activations, gates, biases, softmax and RoPE are elementwise and not counted.
 */
import type { RoutedExperts, StateTensorSpec, TensorSpec, TpDim } from './types';

export type NormKind = 'rmsnorm' | 'layernorm';

/** What a block stores and touches. */
export interface BlockCost {
  /** Tensors stored by this block. */
  tensors: TensorSpec[];
  params: number;
  /** Parameters touched per token. */
  activeParams: number;
  /** Multiply-accumulates of the active weight matrices (and conv taps) per token. */
  macsPerToken: number;
  /**
   * Sizes a tensor-parallel degree must divide (heads, channels, widths; read by the deployment planner). Absent:
   * no constraint, the block is split evenly.
   */
  tpDims?: TpDim[];
  /** Routed expert weights (MoE): a token touches top-k of them. Absent: every token touches every weight. */
  routed?: RoutedExperts[];
}

/** The KV cache a mixer keeps: tensors that grow by one position per token (up to a window). */
export interface KvSpec {
  /** Per-position tensors, e.g. k_cache and v_cache [KVH, hd], or MLA's latent [kv_lora_rank + rope dim]. */
  tensors: StateTensorSpec[];
  /** Sliding window, or null: the cache stops growing past it. */
  window: number | null;
  /** FLOPs per token per position of context attended (scores and values), per sequence. */
  flopsPerContextToken: number;
  /** Heads the cache is split over under tensor parallelism (replicated when fewer than the GPUs). */
  heads: number;
}

/** What a token mixer costs: its weights, its KV cache (if any), its recurrent state (if any) and its scan work. */
export interface MixerCost extends BlockCost {
  kv: KvSpec | null;
  /** Recurrent state kept between decode steps, per sequence (constant in L). */
  state: StateTensorSpec[];
  /** Scan FLOPs per token (4 per real state element). */
  scanFlopsPerToken: number;
  /** Elements per token the scan kernel reads and writes besides its state (its inputs and outputs); absent: 0. */
  scanIoElementsPerToken?: number;
  /** Whether the layer carries a pre-mixer norm for this mixer (the kind's spec says; false for `none`). */
  hasNorm: boolean;
  /** The shared block this mixer calls, or null. */
  sharedBlockId: string | null;
}

/** Scan FLOPs per real state element per token: one multiply-add to update, one to read out. */
export const SCAN_FLOPS_PER_STATE_ELEMENT = 4;

export function product(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** A stored tensor; `matmul` marks weights that cost one MAC per element per token. */
export function tensor(name: string, shape: number[], matmul = false): TensorSpec {
  return { name, shape, params: product(shape), matmul };
}

/** A cache tensor: recurrent state, or (perPosition) one position of a KV cache. */
export function stateTensor(name: string, shape: number[], perPosition = false): StateTensorSpec {
  return { name, shape, elements: product(shape), perPosition };
}

export function sumParams(tensors: readonly TensorSpec[]): number {
  return tensors.reduce((a, t) => a + t.params, 0);
}

export function sumMacs(tensors: readonly TensorSpec[]): number {
  return tensors.reduce((a, t) => a + (t.matmul ? t.params : 0), 0);
}

/** A block whose every parameter is touched by every token. */
export function dense(tensors: TensorSpec[]): BlockCost {
  const params = sumParams(tensors);
  return { tensors, params, activeParams: params, macsPerToken: sumMacs(tensors) };
}

/** The tensors renamed under a prefix (`self_attn.` + `q_proj.weight`). */
export function prefixed(prefix: string, tensors: readonly TensorSpec[]): TensorSpec[] {
  return tensors.map((t) => ({ ...t, name: `${prefix}${t.name}` }));
}

/** A norm over `width` channels: RMSNorm has a weight; LayerNorm a weight and a bias (HF LlamaRMSNorm / nn.LayerNorm). */
export function normTensors(name: string, width: number, kind: NormKind): TensorSpec[] {
  return kind === 'layernorm'
    ? [tensor(`${name}.weight`, [width]), tensor(`${name}.bias`, [width])]
    : [tensor(`${name}.weight`, [width])];
}

/** A recurrent mixer's cost: dense weights, no KV cache, the given state and scan work, a pre-norm. */
export function recurrentCost(tensors: TensorSpec[], state: StateTensorSpec[], scanFlopsPerToken: number): MixerCost {
  return { ...dense(tensors), kv: null, state, scanFlopsPerToken, hasNorm: true, sharedBlockId: null };
}

/** Cost of an empty slot. */
export const NO_COST: MixerCost = { tensors: [], params: 0, activeParams: 0, macsPerToken: 0, kv: null, state: [], scanFlopsPerToken: 0, hasNorm: false, sharedBlockId: null };

export function assertNever(x: never): never {
  throw new Error(`unexpected kind ${JSON.stringify(x)}`);
}

/** What one call of a design-level shared block costs besides its stored weights (see src/kinds/shared/cost.ts). */
export interface SharedCallSpec {
  /** The block's stored weights (counted once per design) and what one call touches. */
  cost: BlockCost;
  /** The KV cache each call keeps. */
  kv: KvSpec;
  perCallLinear: boolean;
  /** Tensors every call site stores besides its linear (Zamba2's low-rank adapters); none when absent. */
  callTensors?: TensorSpec[];
}

/** What a mixer's cost may look at besides its own fields. */
export interface MixerCostContext {
  dModel: number;
  norm: NormKind;
  /** The design's shared blocks by id. */
  shared: ReadonlyMap<string, SharedCallSpec>;
}

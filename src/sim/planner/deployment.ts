/**
 * How a design is deployed: precision per tensor class, batch, tensor and pipeline parallelism, and the efficiency
 * factors that turn datasheet peaks into achievable rates. Checked once (`resolveDeployment`), with one-line errors
 * that name the field and the rule.
 */
import { DTYPES, type Design, type Dtype } from '../../models/schema';
import type { DesignCost } from '../cost/types';
import type { HardwareSpec } from './hardware';

/** The dtype of each class of tensor a deployment stores or moves. */
export interface Precision {
  /** Stored weights (int4 packs two per byte). */
  weights: Dtype;
  /** The KV cache of attention layers. */
  kv: Dtype;
  /** Recurrent state (fp32 by default, as the reference implementations keep it); scans run at this dtype's rate. */
  state: Dtype;
  /** Activations: the matmuls run at this dtype's rate (W4A16 multiplies in 16 bits), all-reduces move it. */
  activations: Dtype;
}

/**
 * Fractions of the datasheet peaks a deployment reaches, each in (0, 1]; all 1 gives the pure roofline.
 * `capacity` is the share of memory usable for weights, KV cache and state (the rest: CUDA context, activations,
 * allocator slack).
 */
export interface Efficiency {
  compute: number;
  memory: number;
  interconnect: number;
  capacity: number;
}

/** Default efficiency factors; each with its source in `EFFICIENCY_SOURCES`. */
export const DEFAULT_EFFICIENCY: Efficiency = { compute: 0.7, memory: 0.8, interconnect: 0.77, capacity: 0.9 };

/** Where each default comes from (shown in the UI and in `cli roofline --help`). */
export const EFFICIENCY_SOURCES: Record<keyof Efficiency, string> = {
  compute: 'FlashAttention-2 (Dao 2023) reaches 50-73 % of A100 peak FLOP/s; 0.7 is the top of that range',
  memory: 'memory-bound kernels (weight streaming in decode, KV reads) sustain roughly 80 % of datasheet bandwidth; an assumption, not a measurement',
  interconnect: 'nccl-tests all-reduce bus bandwidth on 4x H100 NVLink: about 366 GB/s, 77 % of the per-direction peak (waynehacking8.github.io, nccl-nvlink-bandwidth, 2026)',
  capacity: "vLLM's default gpu_memory_utilization = 0.9",
};

/** Everything that defines one deployment besides the design, the hardware and the length. */
export interface Deployment {
  precision: Precision;
  /** Sequences decoded together (and prompts prefilled together). */
  batch: number;
  /** Tensor-parallel degree: GPUs that split every layer. */
  tp: number;
  /** Pipeline stages: GPU groups that hold contiguous runs of layers. */
  pp: number;
  efficiency: Efficiency;
}

/** What a caller may leave out. */
export interface DeploymentInput {
  precision?: Partial<Precision>;
  batch?: number;
  tp?: number;
  pp?: number;
  efficiency?: Partial<Efficiency>;
}

/** Largest batch and parallel degrees accepted (typos, not limits of the model). */
export const DEPLOYMENT_LIMITS = { batch: 1_000_000, tp: 1024, pp: 1024 } as const;

/** Defaults: weights and KV in the design's dtype, state fp32, activations 16-bit (the design's dtype when wider). */
export function defaultPrecision(design: Pick<Design, 'dtype'>): Precision {
  const act: Dtype = design.dtype === 'fp32' || design.dtype === 'fp16' ? design.dtype : 'bf16';
  return { weights: design.dtype, kv: design.dtype, state: 'fp32', activations: act };
}

function fail(message: string): never {
  throw new RangeError(message);
}

function checkDtype(field: string, v: unknown): Dtype {
  if (typeof v !== 'string' || !(DTYPES as readonly string[]).includes(v)) fail(`${field} must be one of ${DTYPES.join(', ')}, got ${JSON.stringify(v)}`);
  return v as Dtype;
}

function checkCount(field: string, v: unknown, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > max) fail(`${field} must be an integer from 1 to ${max}, got ${String(v)}`);
  return v;
}

/**
 * Checks that a tensor-parallel degree splits every layer: it must divide each head / channel count (`tpDims`), and a
 * KV cache's heads must be split (KVH divisible by tp) or replicated (tp divisible by KVH), as vLLM requires.
 * Returns null when it does, else the first offence as one line.
 */
export function tpProblem(cost: DesignCost, tp: number): string | null {
  if (tp === 1) return null;
  for (const l of cost.layers) {
    const what = `layer ${l.index} (${l.sharedBlockId !== null ? `shared block ${l.sharedBlockId}` : `${l.mixer} / ${l.ffn}`})`;
    for (const dim of l.tpDims) if (dim.size % tp !== 0) return `tp ${tp} does not divide ${dim.name} ${dim.size} of ${what}`;
    if (l.kvHeads > 0 && l.kvHeads % tp !== 0 && tp % l.kvHeads !== 0) return `tp ${tp} neither divides nor is a multiple of nKvHeads ${l.kvHeads} of ${what}`;
  }
  return null;
}

/**
 * Fills in the defaults and checks every field against the design and the hardware; throws a RangeError whose
 * message names the field and the rule (`batch must be an integer from 1 to 1000000, got 0`).
 */
export function resolveDeployment(design: Pick<Design, 'dtype'>, cost: DesignCost, hw: HardwareSpec, input: DeploymentInput = {}): Deployment {
  const base = defaultPrecision(design);
  const p = { ...base, ...input.precision };
  const precision: Precision = {
    weights: checkDtype('precision.weights', p.weights),
    kv: checkDtype('precision.kv', p.kv),
    state: checkDtype('precision.state', p.state),
    activations: checkDtype('precision.activations', p.activations),
  };
  const batch = checkCount('batch', input.batch ?? 1, DEPLOYMENT_LIMITS.batch);
  const tp = checkCount('tp', input.tp ?? 1, DEPLOYMENT_LIMITS.tp);
  const pp = checkCount('pp', input.pp ?? 1, DEPLOYMENT_LIMITS.pp);
  const e = { ...DEFAULT_EFFICIENCY, ...input.efficiency };
  for (const k of Object.keys(DEFAULT_EFFICIENCY) as (keyof Efficiency)[]) {
    const v = e[k];
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || v > 1) fail(`efficiency.${k} must be a number in (0, 1], got ${String(v)}`);
  }
  if (pp > cost.layers.length) fail(`pp must be at most the number of layers (${cost.layers.length}), got ${pp}`);
  if ((tp > 1 || pp > 1) && hw.interconnect === null) fail(`tp ${tp} × pp ${pp} needs an interconnect, and hardware ${hw.id} has none: use one GPU`);
  const problem = tpProblem(cost, tp);
  if (problem) fail(problem);
  return { precision, batch, tp, pp, efficiency: e };
}

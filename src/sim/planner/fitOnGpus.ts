/**
 * How a design fits a number of GPUs: the tensor × pipeline split that fits and decodes fastest, and the fewest GPUs
 * that hold a batch at a length (the fit table and the compare table's "GPUs needed").
 */
import type { Design } from '../../models/schema';
import type { DesignCost } from '../cost/types';
import { resolveDeployment, type Deployment, type DeploymentInput } from './deployment';
import type { HardwareSpec } from './hardware';
import { longestContext, planDeployment, type DeploymentPoint } from './planDeployment';

/** GPU counts the fit table and "GPUs needed" try. */
export const GPU_COUNTS = [1, 2, 4, 8] as const;

/** A design on `gpus` GPUs: the split chosen (or why none works), its plan at the length, its longest context. */
export interface GpuFit {
  gpus: number;
  /** The split used; null when no split of this many GPUs is valid (heads not divisible, no interconnect). */
  deployment: Deployment | null;
  point: DeploymentPoint | null;
  /** Longest context at which the batch fits with this split (0 when the weights do not fit). */
  longestContext: number;
  /** Why no split works, when `deployment` is null. */
  problem: string | null;
}

/**
 * Tries every split tp × pp = gpus, widest tensor-parallel degree first (it divides the work of every layer; pipeline
 * stages only divide memory), and returns the first that fits; when none fits, the valid split with the least memory
 * per GPU, marked as not fitting.
 */
export function fitOnGpus(design: Pick<Design, 'dtype'>, cost: DesignCost, hw: HardwareSpec, input: Omit<DeploymentInput, 'tp' | 'pp'>, gpus: number, seqLen: number): GpuFit {
  let fallback: { dep: Deployment; point: DeploymentPoint } | null = null;
  let problem: string | null = null;
  for (let tp = gpus; tp >= 1; tp--) {
    if (gpus % tp !== 0) continue;
    const pp = gpus / tp;
    let dep: Deployment;
    try {
      dep = resolveDeployment(design, cost, hw, { ...input, tp, pp });
    } catch (e) {
      problem ??= (e as Error).message;
      continue;
    }
    const point = planDeployment(cost, hw, dep, seqLen);
    if (point.fits) return { gpus, deployment: dep, point, longestContext: longestContext(cost, hw, dep), problem: null };
    if (!fallback || point.memoryPerGpuBytes < fallback.point.memoryPerGpuBytes) fallback = { dep, point };
  }
  if (!fallback) return { gpus, deployment: null, point: null, longestContext: 0, problem };
  return { gpus, deployment: fallback.dep, point: fallback.point, longestContext: longestContext(cost, hw, fallback.dep), problem: null };
}

/** The fewest of `counts` GPUs on which the batch fits at the length, or null when none does. */
export function gpusNeeded(design: Pick<Design, 'dtype'>, cost: DesignCost, hw: HardwareSpec, input: Omit<DeploymentInput, 'tp' | 'pp'>, seqLen: number, counts: readonly number[] = GPU_COUNTS): GpuFit | null {
  for (const n of counts) {
    const f = fitOnGpus(design, cost, hw, input, n, seqLen);
    if (f.point?.fits) return f;
  }
  return null;
}

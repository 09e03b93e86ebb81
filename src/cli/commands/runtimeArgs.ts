/** Argument parsing shared by the `bench` and `run` commands (the runtime's CLI side). */
import type { BackendChoice, KvCapacityPolicy, RunProfileSpec, ScanChoice } from '../../sim/protocol';
import { RUN_PROFILE_NAMES, getRunProfile } from '../../sim/runtime/profile';
import { CliError, flagString, type ParsedArgs } from '../common';

/** `--backend`: wasm, cpu or auto (Node has no webgpu / webgl). */
export function backendFlag(p: ParsedArgs): BackendChoice {
  const v = flagString(p, 'backend') ?? 'auto';
  if (v !== 'wasm' && v !== 'cpu' && v !== 'auto') throw new CliError(`--backend must be one of wasm, cpu, auto (webgpu and webgl run only in the browser), got "${v}"`);
  return v;
}

/** `--scan`: naive, chunked, js, simd or auto (wgsl needs webgpu, which Node lacks). */
export function scanFlag(p: ParsedArgs): ScanChoice {
  const v = flagString(p, 'scan') ?? 'auto';
  if (v !== 'naive' && v !== 'chunked' && v !== 'js' && v !== 'simd' && v !== 'auto') throw new CliError(`--scan must be one of naive, chunked, js, simd, auto (wgsl runs only on webgpu in the browser), got "${v}"`);
  return v;
}

/**
 * `--kv-capacity`: how the sweep sizes KV caches. `exact` (default): L + steps positions, so the measured bytes equal
 * the cost model's; `pow2`: the power-of-two bucket that holds them (what a long generation would hold).
 */
export function kvCapacityFlag(p: ParsedArgs): KvCapacityPolicy {
  const v = flagString(p, 'kv-capacity') ?? 'exact';
  if (v !== 'exact' && v !== 'pow2') throw new CliError(`--kv-capacity must be one of exact, pow2, got "${v}"`);
  return v;
}

/** `--profile`: one of the built-in run profiles. */
export function profileFlag(p: ParsedArgs, def: string): RunProfileSpec {
  const v = flagString(p, 'profile') ?? def;
  const prof = getRunProfile(v);
  if (!prof) throw new CliError(`--profile must be one of ${RUN_PROFILE_NAMES.join(', ')}, got "${v}"`);
  return prof;
}

/** `--seed`: a non-negative integer below 2^32. */
export function seedFlag(p: ParsedArgs): number {
  const v = flagString(p, 'seed');
  if (v === undefined) return 1;
  if (!/^\d+$/.test(v) || Number(v) > 0xffffffff) throw new CliError(`--seed must be an integer in [0, 4294967295], got "${v}"`);
  return Number(v);
}

/**
 * The runtime registry: how each block kind runs (tfjs layer, Float64 reference, weights, scans), keyed by kind.
 * Typed over the kinds of specs.ts: a kind without a runtime is a compile error. Imports tfjs: only the runtime
 * (worker, CLI, tests) reads it.
 */
import type { FfnOf, MixerOf } from '../models/schema';
import type { FfnBlockKind, MixerBlockKind } from './specs';
import type { FfnRuntime, MixerRuntime } from './runtimeKind';
import { attentionRuntime } from './attention/runtime';
import { mlaRuntime } from './mla/runtime';
import { mambaRuntime } from './mamba/runtime';
import { mamba2Runtime } from './mamba2/runtime';
import { hyenaRuntime } from './hyena/runtime';
import { linearAttentionRuntime } from './linear-attention/runtime';
import { sharedRuntime } from './shared/runtime';
import { parallelRuntime } from './parallel/runtime';
import { mlpRuntime } from './mlp/runtime';
import { moeRuntime } from './moe/runtime';

export const MIXER_RUNTIMES = {
  attention: attentionRuntime,
  mla: mlaRuntime,
  mamba: mambaRuntime,
  mamba2: mamba2Runtime,
  hyena: hyenaRuntime,
  'linear-attention': linearAttentionRuntime,
  shared: sharedRuntime,
  parallel: parallelRuntime(mixerRuntime),
} satisfies { [K in MixerBlockKind]: MixerRuntime<MixerOf<K>, any> };

export const FFN_RUNTIMES = {
  mlp: mlpRuntime,
  moe: moeRuntime,
} satisfies { [K in FfnBlockKind]: FfnRuntime<FfnOf<K>, any> };

type WeightsOf<R> = R extends MixerRuntime<any, infer W> ? W : R extends FfnRuntime<any, infer W> ? W : never;

/** A layer's mixer weights, tagged by kind (`none`: an empty slot). */
export type MixerWeights = { [K in MixerBlockKind]: { kind: K; weights: WeightsOf<(typeof MIXER_RUNTIMES)[K]> } }[MixerBlockKind] | { kind: 'none' };
/** A layer's FFN weights, tagged by kind. */
export type FfnWeights = { [K in FfnBlockKind]: { kind: K; weights: WeightsOf<(typeof FFN_RUNTIMES)[K]> } }[FfnBlockKind] | { kind: 'none' };

/** The runtime of a mixer kind, typed loosely for generic callers (weights come from the same entry's `init`). */
export function mixerRuntime(kind: MixerBlockKind): MixerRuntime<any, any> {
  return MIXER_RUNTIMES[kind];
}

export function ffnRuntime(kind: FfnBlockKind): FfnRuntime<any, any> {
  return FFN_RUNTIMES[kind];
}

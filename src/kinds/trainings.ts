/**
 * The training registry: how the quality lab trains each block kind (src/kinds/trainingKind.ts), keyed by kind.
 * Typed over the kinds of specs.ts and the weights of runtimes.ts: a kind without a training entry is a compile error.
 * Runtime side (the lab reads it in the worker and in Node); the views never import it.
 */
import type { FfnBlockKind, MixerBlockKind } from './specs';
import type { FfnWeights, MixerWeights } from './runtimes';
import type { KindTraining } from './trainingKind';
import { attentionTraining } from './attention/training';
import { mlaTraining } from './mla/training';
import { linearAttentionTraining } from './linear-attention/training';
import { parallelTraining } from './parallel/training';
import { mambaTraining } from './mamba/training';
import { mamba2Training } from './mamba2/training';
import { hyenaTraining } from './hyena/training';
import { sharedTraining } from './shared/training';
import { mlpTraining } from './mlp/training';
import { moeTraining } from './moe/training';

type WeightsOfKind<U, K> = U extends { kind: K; weights: infer W } ? W : never;

export const MIXER_TRAININGS = {
  attention: attentionTraining,
  mla: mlaTraining,
  mamba: mambaTraining,
  mamba2: mamba2Training,
  hyena: hyenaTraining,
  'linear-attention': linearAttentionTraining,
  shared: sharedTraining,
  parallel: parallelTraining,
} satisfies { [K in MixerBlockKind]: KindTraining<WeightsOfKind<MixerWeights, K>> };

export const FFN_TRAININGS = {
  mlp: mlpTraining,
  moe: moeTraining,
} satisfies { [K in FfnBlockKind]: KindTraining<WeightsOfKind<FfnWeights, K>> };

/** The training entry of a mixer kind, typed loosely for generic callers (weights come from the same kind). */
export function mixerTraining(kind: MixerBlockKind): KindTraining<any> {
  return MIXER_TRAININGS[kind];
}

export function ffnTraining(kind: FfnBlockKind): KindTraining<any> {
  return FFN_TRAININGS[kind];
}

/**
 * The view registry: how each block kind is edited in the inspector (plain field descriptions), keyed by kind.
 * Typed over the kinds of specs.ts: a kind without fields is a compile error. The views read it; it imports no tfjs.
 */
import type { FieldSpec } from './fieldSpec';
import type { FfnBlockKind, MixerBlockKind } from './specs';
import { attentionFields } from './attention/fields';
import { mlaFields } from './mla/fields';
import { mambaFields } from './mamba/fields';
import { mamba2Fields } from './mamba2/fields';
import { hyenaFields } from './hyena/fields';
import { linearAttentionFields } from './linear-attention/fields';
import { sharedFields } from './shared/fields';
import { parallelFields } from './parallel/fields';
import { mlpFields } from './mlp/fields';
import { moeFields } from './moe/fields';

export const MIXER_FIELDS: Record<MixerBlockKind, FieldSpec[]> = {
  attention: attentionFields,
  mla: mlaFields,
  mamba: mambaFields,
  mamba2: mamba2Fields,
  hyena: hyenaFields,
  'linear-attention': linearAttentionFields,
  shared: sharedFields,
  parallel: parallelFields,
};

export const FFN_FIELDS: Record<FfnBlockKind, FieldSpec[]> = {
  mlp: mlpFields,
  moe: moeFields,
};

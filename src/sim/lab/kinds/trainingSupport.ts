/**
 * Training support per block kind: the typed tables the lab reads (one entry per kind, exhaustive by the compiler) and
 * what the lab does with them over a whole model: the small residual init, the weight-decay set, the per-step
 * constraints and the gradient path shown with a result. Pure (no tfjs).
 */

import type { ScanImpl } from '../../protocol';
import type { FfnWeights, MixerWeights, ModelWeights } from '../../runtime/builder';
import type { Param } from '../../runtime/params';
import type { Rng } from '../../runtime/rng';
import { attentionTraining } from './attention';
import { mlpTraining, moeTraining, noFfnTraining, noMixerTraining } from './ffn';
import { hyenaTraining } from './hyena';
import { scanGradientPath, type FfnTrainingTable, type KindTraining, type MixerTrainingTable } from './kindTraining';
import { mambaTraining } from './mamba';
import { mamba2Training } from './mamba2';
import { sharedTraining } from './shared';

export const MIXER_TRAINING = {
  attention: attentionTraining,
  mamba: mambaTraining,
  mamba2: mamba2Training,
  hyena: hyenaTraining,
  shared: sharedTraining,
  none: noMixerTraining,
} as const satisfies MixerTrainingTable;

export const FFN_TRAINING = {
  mlp: mlpTraining,
  moe: moeTraining,
  none: noFfnTraining,
} as const satisfies FfnTrainingTable;

/** The table entry of a mixer's weights (the cast is the one place the union meets the mapped table). */
export function mixerTraining(m: MixerWeights): KindTraining<MixerWeights> {
  return MIXER_TRAINING[m.kind] as unknown as KindTraining<MixerWeights>;
}
export function ffnTraining(f: FfnWeights): KindTraining<FfnWeights> {
  return FFN_TRAINING[f.kind] as unknown as KindTraining<FfnWeights>;
}

/** Every (entry, weights) pair of a model, mixers then FFNs, layer by layer. */
function entries(model: ModelWeights): { t: KindTraining<never>; w: never; kind: string }[] {
  const out: { t: KindTraining<never>; w: never; kind: string }[] = [];
  for (const l of model.layers) {
    out.push({ t: mixerTraining(l.mixer) as KindTraining<never>, w: l.mixer as never, kind: l.mixer.kind });
    out.push({ t: ffnTraining(l.ffn) as KindTraining<never>, w: l.ffn as never, kind: l.ffn.kind });
  }
  return out;
}

function fillNormal(p: Param, std: number, rng: Rng): void {
  for (let i = 0; i < p.data.length; i++) p.data[i] = rng.normal() * std;
}

/**
 * The lab's init, in place: embedding (and an untied head) N(0, embedStd); every residual branch's output projection
 * N(0, outProjStd) (a shared block's FFN down projection once, however many calls close with it). Seeded.
 */
export function applyLabInit(model: ModelWeights, opts: { embedStd: number; outProjStd: number }, rng: Rng): void {
  fillNormal(model.embedding.table, opts.embedStd, rng.fork(1));
  if (model.embedding.lmHead) fillNormal(model.embedding.lmHead, opts.embedStd, rng.fork(2));
  const done = new Set<Param>();
  let i = 0;
  for (const { t, w } of entries(model)) {
    for (const p of t.outputParams(w, model)) {
      if (done.has(p)) continue;
      done.add(p);
      fillNormal(p, opts.outProjStd, rng.fork(100 + i++));
    }
  }
}

/** The parameters that get weight decay: the kinds' projection matrices and the embedding (and head). */
export function decayedParams(model: ModelWeights): Set<Param> {
  const out = new Set<Param>([model.embedding.table, ...(model.embedding.lmHead ? [model.embedding.lmHead] : [])]);
  for (const { t, w } of entries(model)) for (const p of t.decayed(w, model)) out.add(p);
  return out;
}

/** Applies every kind's constraint after an optimiser step. */
export function constrainWeights(model: ModelWeights): void {
  for (const { t, w } of entries(model)) t.constrain?.(w);
}

/** One line per block kind present: how its forward is differentiated with `scan`. */
export function gradientPaths(model: ModelWeights, scan: ScanImpl): { kind: string; path: string }[] {
  const seen = new Map<string, string>();
  for (const { t, kind } of entries(model)) {
    if (kind === 'none' || seen.has(kind)) continue;
    seen.set(kind, t.scan ? `${scanGradientPath(t.scan, scan)}; ${t.gradient}` : t.gradient);
  }
  return [...seen].map(([kind, path]) => ({ kind, path }));
}


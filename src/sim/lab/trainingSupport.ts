/**
 * What the lab does with the kinds' training entries (src/kinds/trainings.ts) over a whole model: the small residual
 * init, the weight-decay set, the per-step constraints and the gradient path shown with a result.
 */
import { isAttentionSide, isMixerKind, type MixerBlockKind } from '../../kinds/specs';
import { ffnTraining, mixerTraining } from '../../kinds/trainings';
import { scanGradientPath, type KindTraining } from '../../kinds/trainingKind';
import type { ScanImpl } from '../protocol';
import type { ModelWeights } from '../runtime/builder';
import type { Param } from '../runtime/params';
import type { Rng } from '../runtime/rng';

type Entry = { t: KindTraining<unknown>; w: unknown; kind: string };

/** A mixer's entry, then its parts' (a composite's branches), depth first. */
function withParts(kind: MixerBlockKind, w: unknown, out: Entry[]): void {
  const t = mixerTraining(kind);
  out.push({ t, w, kind });
  for (const p of t.parts?.(w) ?? []) {
    if (!isMixerKind(p.kind)) throw new Error(`training: part kind "${p.kind}" is not a mixer kind`);
    withParts(p.kind, p.weights, out);
  }
}

/** Every (entry, weights) pair of a model, mixer (and its parts) then FFN, layer by layer (empty slots skipped). */
function entries(model: ModelWeights): Entry[] {
  const out: Entry[] = [];
  for (const l of model.layers) {
    if (l.mixer.kind !== 'none') withParts(l.mixer.kind, l.mixer.weights, out);
    if (l.ffn.kind !== 'none') out.push({ t: ffnTraining(l.ffn.kind), w: l.ffn.weights, kind: l.ffn.kind });
  }
  return out;
}

function fillNormal(p: Param, std: number, rng: Rng): void {
  for (let i = 0; i < p.data.length; i++) p.data[i] = rng.normal() * std;
}

/**
 * The lab's init, in place: embedding (and an untied head) N(0, embedStd); every residual branch's output projection
 * N(0, attentionOutProjStd) for attention-side kinds (their spec's `ratioSide`), else N(0, outProjStd) (a shared
 * block's FFN down projection once, however many calls close with it). Seeded.
 */
export function applyLabInit(model: ModelWeights, opts: { embedStd: number; outProjStd: number; attentionOutProjStd: number }, rng: Rng): void {
  fillNormal(model.embedding.table, opts.embedStd, rng.fork(1));
  if (model.embedding.lmHead) fillNormal(model.embedding.lmHead, opts.embedStd, rng.fork(2));
  const done = new Set<Param>();
  let i = 0;
  for (const { t, w, kind } of entries(model)) {
    const std = isMixerKind(kind) && isAttentionSide(kind) ? opts.attentionOutProjStd : opts.outProjStd;
    for (const p of t.outputParams(w, model)) {
      if (done.has(p)) continue;
      done.add(p);
      fillNormal(p, std, rng.fork(100 + i++));
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
    if (seen.has(kind)) continue;
    seen.set(kind, t.scan ? `${scanGradientPath(t.scan, scan)}; ${t.gradient}` : t.gradient);
  }
  return [...seen].map(([kind, path]) => ({ kind, path }));
}

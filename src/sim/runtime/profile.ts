/**
 * Run profiles: shrink a full-size design to something a browser can run while keeping its layer pattern (same
 * kinds, same order, same ratios, same MoE placement, same shared-block call sites).
 *
 * Layers: the expanded layer list is read as a prefix of s layers followed by a period of p layers that repeats to
 * the end (the last repeat may be cut short, as in Zamba, provided the period repeats at least twice and is longer
 * than the prefix). The scaled design keeps the prefix and as many whole periods as fit in `maxLayers` (at least
 * one, so the pattern is never broken: a design with no shorter period keeps all its layers). Widths: dModel and vocab
 * from the profile; every block is shrunk by its kind's own `scale` (src/kinds/<kind>/spec.ts): attention keeps the
 * ratio of its width H·hd to dModel at the profile's head dim and H:KVH where it can; Mamba keeps dConv and expand and
 * caps dState; Mamba-2 keeps di / d at the profile's head dim; FFN and expert widths are ffnMult·d; experts are capped
 * at maxExperts (topK at most that).
 */
import { DesignSchema, expandLayers, type Design, type Ffn, type Layer, type Mixer, type SharedBlock } from '../../models/schema';
import { ffnSpecOf, mixerSpecOf, specOf, type BlockKind } from '../../kinds/specs';
import type { ScaleContext } from '../../kinds/kindSpec';
import { scaleSharedBlock } from '../../kinds/shared/spec';
import type { RunProfileSpec } from '../protocol';

/** The built-in profiles. */
export const RUN_PROFILES = {
  tiny: { name: 'tiny', dModel: 64, vocabSize: 256, maxLayers: 8, headDim: 8, ffnMult: 2, maxExperts: 4, maxDState: 16 },
  small: { name: 'small', dModel: 128, vocabSize: 512, maxLayers: 16, headDim: 16, ffnMult: 2, maxExperts: 8, maxDState: 32 },
  medium: { name: 'medium', dModel: 256, vocabSize: 1024, maxLayers: 32, headDim: 32, ffnMult: 3, maxExperts: 8, maxDState: 64 },
} as const satisfies Record<string, RunProfileSpec>;

export type RunProfileName = keyof typeof RUN_PROFILES;
export const RUN_PROFILE_NAMES = Object.keys(RUN_PROFILES) as RunProfileName[];

/** A built-in profile by name, or undefined. */
export function getRunProfile(name: string): RunProfileSpec | undefined {
  return Object.prototype.hasOwnProperty.call(RUN_PROFILES, name) ? { ...RUN_PROFILES[name as RunProfileName] } : undefined;
}

/** Checks a profile's fields; throws naming the field and the rule. */
export function checkRunProfile(p: RunProfileSpec): void {
  const rule = (field: keyof RunProfileSpec, ok: boolean, msg: string) => {
    if (!ok) throw new Error(`profile.${field} ${msg}`);
  };
  const int = (v: number | undefined) => v !== undefined && Number.isInteger(v);
  rule('dModel', int(p.dModel) && p.dModel >= 8 && p.dModel <= 4096, `must be an integer in [8, 4096], got ${p.dModel}`);
  rule('vocabSize', int(p.vocabSize) && p.vocabSize >= 2 && p.vocabSize <= 262_144, `must be an integer in [2, 262144], got ${p.vocabSize}`);
  rule('maxLayers', int(p.maxLayers) && p.maxLayers >= 1 && p.maxLayers <= 256, `must be an integer in [1, 256], got ${p.maxLayers}`);
  rule('headDim', int(p.headDim) && p.headDim >= 2 && p.headDim % 2 === 0 && p.dModel % p.headDim === 0, `must be an even integer >= 2 dividing dModel ${p.dModel}, got ${p.headDim}`);
  rule('ffnMult', Number.isFinite(p.ffnMult) && p.ffnMult > 0 && p.ffnMult <= 16, `must be a number in (0, 16], got ${p.ffnMult}`);
  rule('maxExperts', int(p.maxExperts) && p.maxExperts >= 1 && p.maxExperts <= 64, `must be an integer in [1, 64], got ${p.maxExperts}`);
  if (p.maxDState !== undefined) rule('maxDState', int(p.maxDState) && p.maxDState >= 1 && p.maxDState <= 256, `must be an integer in [1, 256], got ${p.maxDState}`);
}

/** A prefix of `prefix` layers, then `period` layers repeating to the end (the last repeat may be partial). */
export interface LayerPeriod {
  prefix: number;
  period: number;
}

/** The shortest prefix + period (smallest prefix + period, then smallest period) describing the layer list. */
export function findLayerPeriod(layers: readonly Layer[]): LayerPeriod {
  const keys = layers.map((l) => JSON.stringify(l));
  const n = keys.length;
  let best: LayerPeriod = { prefix: 0, period: n };
  for (let p = 1; p <= n; p++) {
    if (p >= best.prefix + best.period) break;
    // Smallest s such that keys[i] === keys[i - p] for every i >= s + p.
    let s = n - p;
    while (s > 0 && keys[s - 1 + p] === keys[s - 1]) s--;
    // A period must repeat at least twice and the prefix must be shorter than it: otherwise a cut-short tail or a
    // long prefix would pass for a pattern (mmmmammm is one period of 8, not m + mmma + mmm, nor mmmma + m + m + m).
    if (n - s >= 2 * p && s < p && s + p < best.prefix + best.period) best = { prefix: s, period: p };
  }
  return best;
}

function scaleMixer(m: Mixer, ctx: ScaleContext): Mixer {
  return m.kind === 'none' ? m : (mixerSpecOf(m.kind).scale(m, ctx) as Mixer);
}

function scaleFfn(f: Ffn, ctx: ScaleContext): Ffn {
  return f.kind === 'none' ? f : (ffnSpecOf(f.kind).scale(f, ctx) as Ffn);
}

export interface ScaledDesign {
  design: Design;
  /** One line per decision: layers kept and why, widths, experts. */
  notes: string[];
}

/** Shrinks a validated design by a run profile. Throws (naming the field) on an invalid profile. */
export function scaleDesign(design: Design, profile: RunProfileSpec): ScaledDesign {
  checkRunProfile(profile);
  const all = expandLayers(design.layers);
  const { prefix, period } = findLayerPeriod(all);
  const periods = Math.max(1, Math.floor((profile.maxLayers - prefix) / period));
  const keep = Math.min(all.length, prefix + periods * period);
  const dFull = design.dModel;
  const ctx: ScaleContext = { dFull, profile };
  const layers = all.slice(0, keep).map((l): Layer => ({ ...l, mixer: scaleMixer(l.mixer, ctx), ffn: scaleFfn(l.ffn, ctx) }));
  const sharedBlocks = design.sharedBlocks.map((b): SharedBlock => scaleSharedBlock(b, ctx));
  const scaled = DesignSchema.parse({
    ...design,
    name: `${design.name} (run profile ${profile.name})`,
    vocabSize: profile.vocabSize,
    dModel: profile.dModel,
    dtype: 'fp32',
    sharedBlocks,
    layers,
  });
  const notes = [
    `layers: kept ${keep} of ${all.length} (pattern = ${prefix ? `a prefix of ${prefix} then ` : ''}a period of ${period}${keep < all.length ? `; ${periods} whole period${periods > 1 ? 's' : ''} fit in maxLayers ${profile.maxLayers}` : ''})`,
    `dModel ${dFull} -> ${profile.dModel}, vocab ${design.vocabSize} -> ${profile.vocabSize}, float32`,
  ];
  // One note per kind present: its first block as the kind summarises it.
  const seen = new Set<string>();
  for (const l of layers) {
    for (const b of [l.mixer, l.ffn]) {
      if (b.kind === 'none' || seen.has(b.kind)) continue;
      seen.add(b.kind);
      notes.push(`${specOf(b.kind as BlockKind).style.label}: ${(specOf(b.kind as BlockKind).summary as (c: unknown) => string)(b)}`);
    }
  }
  return { design: scaled, notes };
}

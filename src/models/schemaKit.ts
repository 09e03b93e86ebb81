/**
 * The building blocks every schema fragment uses (the design's own schema in schema.ts and each block kind's in
 * src/kinds/<kind>/spec.ts): the limits and the integer rule whose message validate.ts recognises.
 */
import { z } from 'zod';

/** Sane upper bounds: large enough for any published model, small enough to catch typos and abuse. */
export const LIMITS = {
  vocabSize: 2_000_000,
  dModel: 65_536,
  heads: 1_024,
  headDim: 2_048,
  dState: 1_024,
  dConv: 64,
  expand: 16,
  dtRank: 65_536,
  ffnWidth: 1_048_576,
  experts: 1_024,
  layers: 1_024,
  repeat: 1_024,
  maxContext: 1 << 30,
  chunkSize: 4_096,
  shortFilter: 64,
  stateSize: 256,
  nameLength: 200,
  /** RoPE base: Falcon-H1 uses 1e11 (`rope_theta` in its config.json). */
  ropeTheta: 1e12,
} as const;

/** The message of a non-number where an integer belongs (validate.ts turns it into "expected an integer, got ..."). */
export const INTEGER_EXPECTED = 'expected an integer';

/** An integer in [min, max] with the messages validate.ts expects. */
export const int = (max: number, min = 1) =>
  z
    .number({ error: INTEGER_EXPECTED })
    .int({ error: 'must be an integer' })
    .min(min, { error: `must be at least ${min}` })
    .max(max, { error: `must be at most ${max}` });

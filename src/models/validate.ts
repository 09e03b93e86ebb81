/**
 * Validation with messages that name the path and the rule, e.g.
 * `layers[2].mixer.kind: unknown kind "lstm"; expected one of attention, mamba, ..., none` or
 * `dModel: expected an integer, got "4096"`. Never throws; never modifies the input.
 */
import type { z } from 'zod';
import { formatPath, inspectJson, parseJsonSafe } from './safeJson';
import { quoteUser, safeLine } from './safeText';
import { DesignSchema, FORMAT, INTEGER_EXPECTED, LayerSchema, PatternRuleSchema, PatternSchema, RepeatSchema, SharedBlockSchema, type Design } from './schema';
import { FFN_SPECS, MIXER_SPECS, isFfnKind, isMixerKind } from '../kinds/specs';

/** One problem found in a document: where (a dotted path such as `layers[3].mixer.nHeads`) and which rule. */
export interface ValidationIssue {
  path: string;
  message: string;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; issues: ValidationIssue[] };

export { formatPath } from './safeJson';

/** The issues as one line each: `layers[3].mixer.nHeads: nKvHeads 3 does not divide nHeads 32`. */
export function formatIssues(issues: readonly ValidationIssue[]): string {
  return issues.map((i) => `${i.path}: ${i.message}`).join('\n');
}

/**
 * Finds `__proto__` / `constructor` / `prototype` keys anywhere in a parsed JSON value, and nesting deeper than
 * `MAX_JSON_DEPTH` (safeJson.ts; reported alone). Iterative: safe at any depth.
 */
export function findForbiddenKeys(value: unknown): ValidationIssue[] {
  return inspectJson(value).issues;
}

/** Parses JSON text, reporting a syntax error or hostile nesting as one issue (one line) instead of throwing. */
export function parseJsonText(text: string): ParseResult<unknown> {
  return parseJsonSafe(text);
}

/** Issues made safe to print: paths and messages on one line each, controls escaped, lengths capped. */
export function safeIssues(issues: readonly ValidationIssue[]): ValidationIssue[] {
  return issues.map((i) => ({ path: safeLine(i.path, 200), message: safeLine(i.message, 500) }));
}

/** A short description of a JSON value for messages: `"4096"`, `64.5`, `null`, `an array`, `an object`. */
export function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (typeof v === 'string') return quoteUser(v, 40);
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  return String(v);
}

const TYPE_NAMES: Record<string, string> = {
  number: 'a number',
  int: 'an integer',
  string: 'a string',
  boolean: 'true or false',
  object: 'an object',
  array: 'an array',
};

/** The field names of an object schema (a kind's schema is one; anything else has none). */
const shapeKeys = (s: unknown): string[] => {
  const shape = (s as { shape?: unknown }).shape;
  return shape !== null && typeof shape === 'object' ? Object.keys(shape) : [];
};

/** Every field name of the format (every registered kind's and the document's own), for "did you mean" hints. */
const KNOWN_FIELDS: readonly string[] = [
  ...new Set(
    [
      ...Object.values(MIXER_SPECS).map((k) => k.schema),
      ...Object.values(FFN_SPECS).map((k) => k.schema),
      LayerSchema,
      RepeatSchema,
      PatternSchema,
      PatternRuleSchema,
      SharedBlockSchema,
      DesignSchema,
      PatternSchema.shape.pattern,
    ].flatMap(shapeKeys),
  ),
];

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v = root;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

type ZIssue = z.core.$ZodIssue;

/** A schema's own reason for a size rule (its custom message, not zod's "Too small: ..."), as ` (reason)`. */
function why(iss: ZIssue): string {
  return /^Too (small|big)/.test(iss.message) ? '' : ` (${iss.message})`;
}

/**
 * Turns zod issues into path + message pairs; `root` is the value parsed, `prefix` the path of `root`. zod's `int()`
 * also checks the safe-integer range, so 1e308 gets "at most 9007199254740991" beside the field's own "at most
 * 65536": the safe-integer bound is dropped wherever the field's own bound is reported at the same path.
 */
function convert(issues: readonly ZIssue[], root: unknown, prefix: readonly PropertyKey[]): ValidationIssue[] {
  const key = (i: ZIssue) => JSON.stringify(i.path.map((p) => (typeof p === 'symbol' ? String(p) : p)));
  const bounded = new Set(issues.filter((i) => (i.code === 'too_big' || i.code === 'too_small') && !isSafeIntBound(i)).map((i) => `${i.code}:${key(i)}`));
  return issues.filter((i) => !(isSafeIntBound(i) && bounded.has(`${i.code}:${key(i)}`))).flatMap((iss) => convertOne(iss, root, prefix));
}

function isSafeIntBound(i: ZIssue): boolean {
  return (i.code === 'too_big' && Number(i.maximum) === Number.MAX_SAFE_INTEGER) || (i.code === 'too_small' && Number(i.minimum) === Number.MIN_SAFE_INTEGER);
}

function convertOne(iss: ZIssue, root: unknown, prefix: readonly PropertyKey[]): ValidationIssue[] {
  const rel = iss.path as PropertyKey[];
  const path = [...prefix, ...rel];
  const at = formatPath(path);
  const input = valueAt(root, rel);
  const one = (message: string): ValidationIssue[] => [{ path: at, message }];
  switch (iss.code) {
    case 'invalid_type': {
      const want = iss.message === INTEGER_EXPECTED ? 'an integer' : (TYPE_NAMES[iss.expected] ?? iss.expected);
      const last = rel[rel.length - 1];
      if (input === undefined && (last === 'mixer' || last === 'ffn')) return one(`missing; every layer has ${last === 'ffn' ? 'an FFN' : 'a mixer'}, e.g. {"kind": "none"}`);
      if (input === undefined) return one(`missing; expected ${want}`);
      if (iss.expected === 'int') return one(`must be an integer, got ${describeValue(input)}`);
      return one(`expected ${want}, got ${describeValue(input)}`);
    }
    case 'too_small': {
      const min = Number(iss.minimum);
      if (iss.origin === 'string') return one(min <= 1 ? 'must not be empty' : `must have at least ${min} characters`);
      if (iss.origin === 'array') return one(`must have at least ${min} item${min === 1 ? '' : 's'}${why(iss)}, got ${Array.isArray(input) ? input.length : '?'}`);
      return one(`must be ${iss.inclusive ? 'at least' : 'greater than'} ${min}, got ${describeValue(input)}`);
    }
    case 'too_big': {
      const max = Number(iss.maximum);
      if (iss.origin === 'string') return one(`must be at most ${max} characters long, got ${typeof input === 'string' ? input.length : '?'}`);
      if (iss.origin === 'array') return one(`must have at most ${max} items${why(iss)}, got ${Array.isArray(input) ? input.length : '?'}`);
      return one(`must be at most ${max}, got ${describeValue(input)}`);
    }
    case 'invalid_value': {
      const vals = iss.values.map((v) => JSON.stringify(v));
      const want = vals.length === 1 ? vals[0]! : vals.length === 2 ? `${vals[0]} or ${vals[1]}` : `one of ${vals.join(', ')}`;
      return one(`expected ${want}, got ${describeValue(input)}`);
    }
    case 'unrecognized_keys':
      return iss.keys.map((k) => {
        const hint = KNOWN_FIELDS.find((f) => f.toLowerCase() === k.toLowerCase() && f !== k);
        return { path: formatPath([...path, k]), message: `unknown field "${k}"${hint ? ` (did you mean "${hint}"?)` : ''}` };
      });
    case 'invalid_union':
      return convertUnion(iss, root, prefix, input);
    default:
      return one(iss.message);
  }
}

function convertUnion(iss: z.core.$ZodIssueInvalidUnion, root: unknown, prefix: readonly PropertyKey[], input: unknown): ValidationIssue[] {
  const rel = iss.path as PropertyKey[];
  const at = formatPath([...prefix, ...rel]);
  const { discriminator, options } = iss as z.core.$ZodIssueInvalidUnion & { discriminator?: string; options?: unknown[] };
  if (discriminator) {
    const list = (options ?? []).map(String).join(', ');
    if (input === undefined) return [{ path: at, message: `missing; expected one of ${list}` }];
    // A kind that exists but may not stand here (an FFN kind as a mixer, a composite nested in a composite).
    const known = typeof input === 'string' && (isMixerKind(input) || isFfnKind(input) || input === 'none');
    if (known) return [{ path: at, message: `${discriminator} ${describeValue(input)} is not allowed here; expected one of ${list}` }];
    return [{ path: at, message: `unknown ${discriminator} ${describeValue(input)}; expected one of ${list}` }];
  }
  // A top-level layer item: a layer, a repeat block or a pattern. Judge which one was meant by its keys, then
  // report that shape's own issues.
  const parentKey = rel[rel.length - 2];
  if (parentKey === 'layers' && typeof rel[rel.length - 1] === 'number') {
    if (input === null || typeof input !== 'object' || Array.isArray(input)) {
      return [{ path: at, message: `expected a layer {mixer, ffn}, a repeat block {repeat, layers} or a pattern {pattern}, got ${describeValue(input)}` }];
    }
    const schema = 'repeat' in input ? RepeatSchema : 'pattern' in input ? PatternSchema : LayerSchema;
    const r = schema.safeParse(input);
    if (!r.success) return convert(r.error.issues, input, [...prefix, ...rel]);
  }
  const flat = iss.errors.flat();
  if (flat.some((e) => e.code === 'invalid_value' && e.values.includes('auto'))) {
    return [{ path: at, message: `expected a positive integer or "auto", got ${describeValue(input)}` }];
  }
  const first = iss.errors[0];
  if (first && first.length) return convert(first, input, [...prefix, ...rel]);
  return [{ path: at, message: iss.message }];
}

/** Validates a parsed value as a design. Never throws; the value is not modified. */
export function validateDesign(value: unknown): ParseResult<Design> {
  const r = validateDesignUnsafe(value);
  return r.ok ? r : { ok: false, issues: safeIssues(r.issues) };
}

function validateDesignUnsafe(value: unknown): ParseResult<Design> {
  // Depth and forbidden keys first, iteratively: nothing recursive (zod) sees a hostile document.
  const forbidden = findForbiddenKeys(value);
  if (forbidden.length) return { ok: false, issues: forbidden };
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, issues: [{ path: '(document)', message: `a design must be a JSON object, got ${describeValue(value)}` }] };
  }
  const fmt = (value as Record<string, unknown>).format;
  if (fmt !== FORMAT) {
    const msg = fmt === undefined
      ? `missing; a design says "format": "${FORMAT}"`
      : typeof fmt === 'string' && fmt.startsWith('hybrid-arch/')
        ? `unsupported format version "${fmt}"; this app reads "${FORMAT}"`
        : `expected "${FORMAT}", got ${describeValue(fmt)}`;
    return { ok: false, issues: [{ path: 'format', message: msg }] };
  }
  const r = DesignSchema.safeParse(value);
  return r.success ? { ok: true, value: r.data } : { ok: false, issues: convert(r.error.issues, value, []) };
}

/** Parses and validates design JSON text. */
export function parseDesignText(text: string): ParseResult<Design> {
  const j = parseJsonText(text);
  return j.ok ? validateDesign(j.value) : j;
}

/**
 * Validation with messages that name the path and the rule, e.g.
 * `layers[2].mixer.kind: unknown kind "lstm"; expected one of attention, mamba, mamba2, hyena, shared, none` or
 * `dModel: expected an integer, got "4096"`. Never throws; never modifies the input.
 */
import type { z } from 'zod';
import { DesignSchema, FORMAT, INTEGER_EXPECTED, LayerSchema, PatternRuleSchema, PatternSchema, RepeatSchema, SharedBlockSchema, type Design } from './schema';
import { AttentionSchema } from '../kinds/attention/spec';
import { HyenaSchema } from '../kinds/hyena/spec';
import { Mamba2Schema } from '../kinds/mamba2/spec';
import { MambaSchema } from '../kinds/mamba/spec';
import { MlpSchema } from '../kinds/mlp/spec';
import { MoeSchema } from '../kinds/moe/spec';
import { SharedRefSchema } from '../kinds/shared/spec';

/** One problem found in a document: where (a dotted path such as `layers[3].mixer.nHeads`) and which rule. */
export interface ValidationIssue {
  path: string;
  message: string;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; issues: ValidationIssue[] };

/** Formats a path as `layers[3].mixer.nHeads`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let s = '';
  for (const p of path) {
    if (typeof p === 'number') s += `[${p}]`;
    else s += s ? `.${String(p)}` : String(p);
  }
  return s || '(document)';
}

/** The issues as one line each: `layers[3].mixer.nHeads: nKvHeads 3 does not divide nHeads 32`. */
export function formatIssues(issues: readonly ValidationIssue[]): string {
  return issues.map((i) => `${i.path}: ${i.message}`).join('\n');
}

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Finds `__proto__` / `constructor` / `prototype` keys anywhere in a parsed JSON value. */
export function findForbiddenKeys(value: unknown, path: PropertyKey[] = []): ValidationIssue[] {
  const out: ValidationIssue[] = [];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...findForbiddenKeys(v, [...path, i])));
  else if (value !== null && typeof value === 'object') {
    for (const k of Object.keys(value)) {
      if (FORBIDDEN_KEYS.has(k)) out.push({ path: formatPath([...path, k]), message: `the key "${k}" is not allowed` });
      else out.push(...findForbiddenKeys((value as Record<string, unknown>)[k], [...path, k]));
    }
  }
  return out;
}

/** Parses JSON text, reporting a syntax error as an issue instead of throwing. */
export function parseJsonText(text: string): ParseResult<unknown> {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (e) {
    return { ok: false, issues: [{ path: '(document)', message: `malformed JSON: ${(e as Error).message}` }] };
  }
}

/** A short description of a JSON value for messages: `"4096"`, `64.5`, `null`, `an array`, `an object`. */
export function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
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

/** Every field name of the format, for "did you mean" hints on misspelt keys. */
const KNOWN_FIELDS: readonly string[] = [
  ...new Set(
    [AttentionSchema, MambaSchema, Mamba2Schema, HyenaSchema, SharedRefSchema, MlpSchema, MoeSchema, LayerSchema, RepeatSchema, PatternSchema, PatternRuleSchema, SharedBlockSchema, DesignSchema, PatternSchema.shape.pattern].flatMap(
      (s) => Object.keys(s.shape),
    ),
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

/** Turns zod issues into path + message pairs; `root` is the value parsed, `prefix` the path of `root`. */
function convert(issues: readonly ZIssue[], root: unknown, prefix: readonly PropertyKey[]): ValidationIssue[] {
  return issues.flatMap((iss) => convertOne(iss, root, prefix));
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
      if (iss.origin === 'array') return one(`must have at least ${min} item${min === 1 ? '' : 's'}`);
      return one(`must be ${iss.inclusive ? 'at least' : 'greater than'} ${min}, got ${describeValue(input)}`);
    }
    case 'too_big': {
      const max = Number(iss.maximum);
      if (iss.origin === 'string') return one(`must be at most ${max} characters long, got ${typeof input === 'string' ? input.length : '?'}`);
      if (iss.origin === 'array') return one(`must have at most ${max} items, got ${Array.isArray(input) ? input.length : '?'}`);
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

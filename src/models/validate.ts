import { z } from 'zod';
import { DesignSchema, FORMAT, type Design } from './schema';

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

function zodIssues(error: z.ZodError): ValidationIssue[] {
  return error.issues.map((iss) => {
    let message = iss.message;
    if (iss.code === 'unrecognized_keys') message = `unknown field${iss.keys.length > 1 ? 's' : ''} ${iss.keys.map((k) => `"${k}"`).join(', ')}`;
    if (iss.code === 'invalid_union' && 'discriminator' in iss && iss.discriminator) message = `unknown ${String(iss.discriminator)}; expected one of the documented kinds`;
    return { path: formatPath(iss.path), message };
  });
}

/** Validates a parsed value as a design. Never throws; the value is not modified. */
export function validateDesign(value: unknown): ParseResult<Design> {
  const forbidden = findForbiddenKeys(value);
  if (forbidden.length) return { ok: false, issues: forbidden };
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, issues: [{ path: '(document)', message: 'a design must be a JSON object' }] };
  }
  const fmt = (value as Record<string, unknown>).format;
  if (fmt !== FORMAT) {
    const msg = typeof fmt === 'string' && fmt.startsWith('hybrid-arch/')
      ? `unsupported format version "${fmt}"; this app reads "${FORMAT}"`
      : `format must be "${FORMAT}"`;
    return { ok: false, issues: [{ path: 'format', message: msg }] };
  }
  const r = DesignSchema.safeParse(value);
  return r.success ? { ok: true, value: r.data } : { ok: false, issues: zodIssues(r.error) };
}

/** Parses and validates design JSON text. */
export function parseDesignText(text: string): ParseResult<Design> {
  const j = parseJsonText(text);
  return j.ok ? validateDesign(j.value) : j;
}

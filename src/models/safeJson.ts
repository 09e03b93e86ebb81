/**
 * Depth-safe JSON: every input from outside (a file, a share link, the autosave, an HF config) passes through here
 * before anything recursive (zod, structuredClone, canonical JSON, React) sees it.
 *
 * - {@link jsonTextDepthError}: a linear scan of JSON text that finds nesting deeper than {@link MAX_JSON_DEPTH}
 *   without parsing (a 6 KB file of `[[[[...` is 3,000 levels deep).
 * - {@link inspectJson}: one iterative walk of a parsed value (an explicit stack, no recursion) that reports nesting
 *   deeper than the limit and the keys `__proto__` / `constructor` / `prototype` anywhere (prototype pollution).
 * - {@link parseJsonSafe}: both, around `JSON.parse`; a syntax error becomes one line that never repeats raw input.
 *
 * The deepest document the app reads is a comparison share link: payload → pins[i] → design → layers[j] → pattern →
 * rules[k] → mixer → field, about 12 levels; the limit leaves ample room and still stops hostile nesting long before
 * any stack is at risk.
 */
import { escapeControls, safeLine } from './safeText';
import type { ParseResult, ValidationIssue } from './validate';

/** Deepest nesting (arrays and objects) accepted in any JSON the app reads. */
export const MAX_JSON_DEPTH = 64;

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Formats a path as `layers[3].mixer.nHeads`; keys are written with their control characters escaped. */
export function formatPath(path: readonly PropertyKey[]): string {
  let s = '';
  for (const p of path) {
    if (typeof p === 'number') s += `[${p}]`;
    else {
      const k = escapeControls(String(p));
      s += s ? `.${k}` : k;
    }
  }
  return s || '(document)';
}

/** A long path cut to its first segments: `x[0][0][0]…` (a 3,000-deep path is not worth printing). */
function shortPath(path: readonly PropertyKey[], keep = 6): string {
  return path.length > keep ? `${formatPath(path.slice(0, keep))}…` : formatPath(path);
}

function tooDeep(path: readonly PropertyKey[], limit: number): ValidationIssue {
  return { path: shortPath(path), message: `nested more than ${limit} levels deep; a design or config.json is never deeper than about 12 levels` };
}

/**
 * The nesting problem of JSON text, found by a linear scan (strings skipped, no parse), or null when the text nests
 * at most `limit` levels. The issue names the line and column where the limit is crossed.
 */
export function jsonTextDepthError(text: string, limit = MAX_JSON_DEPTH): ValidationIssue | null {
  let depth = 0;
  let inString = false;
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      depth++;
      if (depth > limit) {
        return { path: '(document)', message: `nested more than ${limit} levels deep (at line ${line}, column ${i - lineStart + 1}); a design or config.json is never deeper than about 12 levels` };
      }
    } else if (c === 0x5d || c === 0x7d) depth--;
    else if (c === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  return null;
}

/** What {@link inspectJson} found: the first too-deep path (the walk stops there) and every forbidden key. */
export interface JsonInspection {
  issues: ValidationIssue[];
  /** True when the value nests deeper than the limit (then `issues` holds that one issue). */
  tooDeep: boolean;
}

/**
 * Walks a value iteratively (no recursion, so any depth is safe) and reports nesting deeper than `limit` and every
 * `__proto__` / `constructor` / `prototype` key. Objects reached twice (shared references, cycles) are walked once.
 * Never throws; the value is not modified.
 */
export function inspectJson(value: unknown, limit = MAX_JSON_DEPTH): JsonInspection {
  const issues: ValidationIssue[] = [];
  if (value === null || typeof value !== 'object') return { issues, tooDeep: false };
  const seen = new Set<object>();
  // Each entry: a container and its path (its depth is the path length + 1), or a forbidden key found in a container,
  // pushed in reverse order so that issues come out in document order.
  const stack: ({ v: object; path: PropertyKey[] } | { forbidden: PropertyKey[] })[] = [{ v: value, path: [] }];
  while (stack.length) {
    const item = stack.pop()!;
    if ('forbidden' in item) {
      const k = String(item.forbidden[item.forbidden.length - 1]);
      issues.push({ path: formatPath(item.forbidden), message: `the key "${k}" is not allowed` });
      continue;
    }
    const { v, path } = item;
    if (seen.has(v)) continue;
    seen.add(v);
    if (path.length + 1 > limit) return { issues: [tooDeep(path, limit)], tooDeep: true };
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) {
        const c: unknown = v[i];
        if (c !== null && typeof c === 'object') stack.push({ v: c, path: [...path, i] });
      }
      continue;
    }
    const keys = Object.keys(v);
    for (let i = keys.length - 1; i >= 0; i--) {
      const k = keys[i]!;
      if (FORBIDDEN_KEYS.has(k)) {
        stack.push({ forbidden: [...path, k] });
        continue;
      }
      const c: unknown = (v as Record<string, unknown>)[k];
      if (c !== null && typeof c === 'object') stack.push({ v: c, path: [...path, k] });
    }
  }
  return { issues, tooDeep: false };
}

/**
 * The message of a JSON syntax error, on one line and without the input: V8 quotes a slice of the text (`Unexpected
 * token 'x', "{"a":\n x}" is not valid JSON`), which may hold newlines and escape sequences; the quote is dropped and
 * whatever remains is escaped.
 */
export function jsonSyntaxMessage(e: unknown): string {
  const raw = e instanceof Error ? e.message : String(e);
  const withoutQuote = raw.replace(/, (?:\.\.\.)?"[\s\S]*"(?:\.\.\.)? is not valid JSON$/, ' (not valid JSON)');
  return safeLine(withoutQuote, 160);
}

/**
 * Parses JSON text: nesting is checked on the text first (so a hostile document never reaches anything recursive),
 * then parsed (forbidden keys are the validators' to report, with {@link inspectJson}). Never throws; a problem is
 * one issue, one line.
 */
export function parseJsonSafe(text: string, limit = MAX_JSON_DEPTH): ParseResult<unknown> {
  const deep = jsonTextDepthError(text, limit);
  if (deep) return { ok: false, issues: [deep] };
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (e) {
    return { ok: false, issues: [{ path: '(document)', message: `malformed JSON: ${jsonSyntaxMessage(e)}` }] };
  }
  return { ok: true, value };
}

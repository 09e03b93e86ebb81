/**
 * Issue 13 audit, deep nesting: a design or HF config nested thousands of levels (6 KB is enough) overflowed the
 * stack in the validator's key check. Now the depth is checked iteratively first; the answer is one issue, one line.
 */
import { describe, expect, it } from 'vitest';
import { importHfConfig, importMambaSsmConfig } from './hf';
import { loadDesignSource } from './load';
import { MAX_JSON_DEPTH, inspectJson, jsonTextDepthError, parseJsonSafe } from './safeJson';
import { escapeControls, hasControls, safeLine } from './safeText';
import { findForbiddenKeys, parseDesignText, validateDesign } from './validate';

/** A value nested `n` arrays deep, built without recursion. */
function nestedArrays(n: number): unknown {
  let v: unknown = [];
  for (let i = 0; i < n; i++) v = [v];
  return v;
}
function nestedObjects(n: number): Record<string, unknown> {
  let v: Record<string, unknown> = { a: 1 };
  for (let i = 0; i < n; i++) v = { a: v };
  return v;
}

describe('deep nesting never reaches anything recursive', () => {
  it.each([2_000, 5_000, 100_000])('a design nested %d levels: one issue, no throw', (n) => {
    const design = { format: 'hybrid-arch/1', name: 'deep', x: nestedArrays(n) };
    const r = validateDesign(design);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues).toHaveLength(1);
    expect(r.issues[0]!.message).toContain(`nested more than ${MAX_JSON_DEPTH} levels deep`);
    expect(r.issues[0]!.path.length).toBeLessThan(80);
  });
  it('the same as JSON text (6 KB, 3,000 levels) through every reader: design, HF config, state-spaces config', () => {
    const deep = '['.repeat(3000) + ']'.repeat(3000);
    for (const text of [`{"format":"hybrid-arch/1","x":${deep}}`, `{"model_type":"jamba","x":${deep}}`, `{"d_model":64,"n_layer":2,"x":${deep}}`, deep]) {
      const r = loadDesignSource(text);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.issues[0]!.message).toMatch(/^nested more than 64 levels deep \(at line 1, column \d+\)/);
    }
    expect(parseDesignText(deep).ok).toBe(false);
  });
  it('parsed HF configs nested deeply are refused by both importers', () => {
    for (const r of [importHfConfig({ model_type: 'jamba', rope_scaling: nestedObjects(5000) }), importMambaSsmConfig({ ssm_cfg: nestedObjects(5000) })]) {
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.issues[0]!.message).toContain('nested more than 64 levels deep');
    }
  });
  it('the text scan skips brackets inside strings and counts escapes correctly', () => {
    expect(jsonTextDepthError(`{"a": "${'['.repeat(1000)}\\"[[["}`)).toBeNull();
    expect(jsonTextDepthError('['.repeat(64) + ']'.repeat(64))).toBeNull();
    expect(jsonTextDepthError('['.repeat(65) + ']'.repeat(65))).not.toBeNull();
    expect(jsonTextDepthError('{"a":\n\n  [[[', 2)).toEqual({ path: '(document)', message: expect.stringContaining('(at line 3, column 4)') as unknown });
  });
  it('inspectJson: cycles and shared references terminate; forbidden keys reported in document order', () => {
    const a: Record<string, unknown> = { x: 1 };
    a.self = a;
    const shared = { k: [1, 2] };
    expect(inspectJson({ a, b: shared, c: shared })).toEqual({ issues: [], tooDeep: false });
    const j = JSON.parse('{"a":{"__proto__":{"p":1}},"b":[{"constructor":1}],"prototype":2}') as unknown;
    expect(findForbiddenKeys(j).map((i) => i.path)).toEqual(['a.__proto__', 'b[0].constructor', 'prototype']);
  });
  it('parseJsonSafe: syntax errors are one line without the input', () => {
    const r = parseJsonSafe('{\n"a": \u001b[31mred\n}');
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(hasControls(r.issues[0]!.message)).toBe(false);
      expect(r.issues[0]!.message).not.toContain('red');
    }
  });
});

describe('safeText', () => {
  it('escapes C0, DEL, C1, separators and bidi controls; keeps other text', () => {
    expect(escapeControls('a\nb\r\tc\u001b[31m\u007f\u009b\u2028\u202e\u2066é✓')).toBe('a\\nb\\r\\tc\\u001b[31m\\u007f\\u009b\\u2028\\u202e\\u2066é✓');
    expect(safeLine('x'.repeat(1000), 10)).toBe('xxxxxxxxx…');
  });
});

import { describe, expect, it } from 'vitest';
import { canonicalJson, designKey, fnv1a64 } from './designKey';

/** Shuffles the key order of every object in a value (a fresh order each call). */
function shuffleKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(shuffleKeys);
  if (v === null || typeof v !== 'object') return v;
  const entries = Object.entries(v as Record<string, unknown>);
  for (let i = entries.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [entries[i], entries[j]] = [entries[j]!, entries[i]!];
  }
  return Object.fromEntries(entries.map(([k, x]) => [k, shuffleKeys(x)]));
}

const sample = {
  format: 'hybrid-arch/1',
  name: 'x',
  dModel: 256,
  layers: [{ mixer: { kind: 'attention', nHeads: 4, nKvHeads: 2, headDim: 64 }, ffn: { kind: 'none' } }],
};

describe('designKey', () => {
  it('ignores the order of object keys', () => {
    for (let t = 0; t < 20; t++) expect(designKey(shuffleKeys(sample))).toBe(designKey(sample));
  });
  it('changes when any value changes', () => {
    const keys = new Set<string>();
    for (let d = 1; d <= 200; d++) keys.add(designKey({ ...sample, dModel: d }));
    expect(keys.size).toBe(200);
    expect(designKey({ ...sample, name: 'y' })).not.toBe(designKey(sample));
  });
  it('drops undefined members like JSON.stringify', () => {
    expect(canonicalJson({ b: 1, a: undefined, c: [1, 'z'] })).toBe('{"b":1,"c":[1,"z"]}');
    expect(JSON.parse(canonicalJson(sample))).toEqual(sample);
  });
  it('hashes to 16 hex digits', () => {
    expect(fnv1a64('')).toMatch(/^[0-9a-f]{16}$/);
    expect(fnv1a64('a')).not.toBe(fnv1a64('b'));
  });
});

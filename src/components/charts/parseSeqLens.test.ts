import { describe, expect, it } from 'vitest';
import { MAX_RUN_SEQ_LEN, parseSeqLens } from './parseSeqLens';

describe('parseSeqLens', () => {
  it.each([
    ['128, 256, 512', [128, 256, 512]],
    ['512 128 128', [128, 512]],
    ['1K,2k;4K', [1024, 2048, 4096]],
    ['0.5K', [512]],
    ['1K 1024 8k', [1024, 8192]],
  ])('%s', (text, want) => expect(parseSeqLens(text)).toEqual({ ok: true, value: want }));
  it.each([
    ['', /at least one/],
    ['128, abc', /"abc" is not a whole number/],
    ['1', /too short/],
    [`${MAX_RUN_SEQ_LEN + 1}`, /longer than/],
    ['-5', /not a whole number/],
    ['0.0003K', /not a whole number/],
    [Array.from({ length: 17 }, (_, i) => 16 + i).join(','), /at most 16/],
  ])('rejects %j', (text, re) => {
    const r = parseSeqLens(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(re);
  });
});

import { describe, expect, it } from 'vitest';
import { formatCount } from '../sim/cost/format';
import { formatTokens } from './formatTokens';

describe('formatTokens (decimal, like every count)', () => {
  it.each([
    [0, '0'],
    [512, '512'],
    [1000, '1K'],
    [1024, '1,024'],
    [1500, '1.5K'],
    [4096, '4,096'],
    [9999, '9,999'],
    [10_000, '10K'],
    [32_768, '32.8K'],
    [262_144, '262K'],
    [999_999, '1M'],
    [1_000_000, '1M'],
    [1 << 20, '1.05M'],
    [2_940_000, '2.94M'],
    [2_941_234, '2.94M'],
    [16_000_000, '16M'],
    [1 << 30, '1.07B'],
    [Infinity, '∞'],
  ])('%d -> %s', (n, s) => expect(formatTokens(n)).toBe(s));

  it('never uses binary multiples: a count past 10,000 reads as formatCount does, without the space and trailing zeros', () => {
    for (let i = 0; i < 200; i++) {
      const n = Math.round(10 ** (4 + Math.random() * 5));
      const [num, unit] = formatCount(n).split(' ');
      expect(formatTokens(n)).toBe(`${Number(num)}${unit}`);
    }
  });

  it('prints every value below 10,000 exactly', () => {
    for (let n = 1; n < 10_000; n += 37) expect(Number(formatTokens(n).replace(/,/g, '').replace(/K$/, 'e3'))).toBe(n);
  });
});

import { describe, expect, it } from 'vitest';
import { formatBytes, formatCount, formatInt } from './format';

describe('formatBytes (binary units)', () => {
  it.each([
    [0, '0 B'],
    [512, '512 B'],
    [1023, '1023 B'],
    [1024, '1.00 KiB'],
    [1536, '1.50 KiB'],
    [9_175_040, '8.75 MiB'],
    [2 ** 31, '2.00 GiB'],
    [4 * 2 ** 30, '4.00 GiB'],
    [103_140_646_656, '96.1 GiB'],
    [141 * 2 ** 30, '141 GiB'],
    [2 ** 40 - 1, '1.00 TiB'],
    [3 * 2 ** 40, '3.00 TiB'],
    [-2048, '-2.00 KiB'],
    [Infinity, '∞'],
  ])('%d → %s', (n, s) => {
    expect(formatBytes(n)).toBe(s);
  });
});

describe('formatCount', () => {
  it.each([
    [0, '0'],
    [950, '950'],
    [12_100, '12.1 K'],
    [999_999, '1.00 M'],
    [6_738_415_616, '6.74 B'],
    [12_110_311_296, '12.1 B'],
    [51_570_323_328, '51.6 B'],
    [1.2e12, '1.20 T'],
    [-3_000_000, '-3.00 M'],
    [Infinity, '∞'],
  ])('%d → %s', (n, s) => {
    expect(formatCount(n)).toBe(s);
  });
});

describe('formatInt', () => {
  it.each([
    [0, '0'],
    [262_144, '262,144'],
    [6_738_415_616, '6,738,415,616'],
    [-1234, '-1,234'],
  ])('%d → %s', (n, s) => {
    expect(formatInt(n)).toBe(s);
  });
});

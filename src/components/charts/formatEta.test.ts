import { describe, expect, it } from 'vitest';
import { formatEta } from './formatEta';

describe('formatEta', () => {
  it('seconds under a minute, minutes and seconds above, and unknown', () => {
    expect(formatEta(null)).toBe('ETA …');
    expect(formatEta(Number.NaN)).toBe('ETA …');
    expect(formatEta(Infinity)).toBe('ETA …');
    expect(formatEta(-500)).toBe('ETA 0 s');
    expect(formatEta(41_600)).toBe('ETA 42 s');
    expect(formatEta(59_400)).toBe('ETA 59 s');
    expect(formatEta(60_000)).toBe('ETA 1 min 0 s');
    expect(formatEta(185_000)).toBe('ETA 3 min 5 s');
  });
});

import { describe, expect, it } from 'vitest';
import { threadsLabel } from './chartData';

describe('threadsLabel', () => {
  it('says how many threads a run used, and that an old run did not record it', () => {
    expect(threadsLabel(1)).toBe('1 thread');
    expect(threadsLabel(2)).toBe('2 threads');
    expect(threadsLabel(8)).toBe('8 threads');
    expect(threadsLabel(null)).toBe('threads ?');
    expect(threadsLabel(undefined)).toBe('threads ?');
  });
});

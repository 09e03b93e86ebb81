import { describe, expect, it } from 'vitest';
import { DEFAULT_RUN_SETTINGS, isThreadsSetting, sanitizeRunSettings, sanitizeRuns } from './runSlice';

const profile = { name: 'tiny', dModel: 32, vocabSize: 64, maxLayers: 8, headDim: 8, ffnMult: 2, maxExperts: 4 };
const spread = { median: 1, min: 1, max: 1, q1: 1, q3: 1 };
const point = { seqLen: 16, prefillMs: spread, decodeMs: spread };

describe('the thread setting', () => {
  it('accepts all or an integer cap from 1 to 1024', () => {
    for (const v of ['all', 1, 2, 8, 1024]) expect(isThreadsSetting(v)).toBe(true);
    for (const v of [0, -1, 2.5, 1025, '4', null, undefined, Number.NaN, Infinity, 'auto']) expect(isThreadsSetting(v)).toBe(false);
  });

  it('is restored from storage when valid, and falls back to all cores (the default) when not', () => {
    expect(DEFAULT_RUN_SETTINGS.threads).toBe('all');
    expect(sanitizeRunSettings({ threads: 3 })!.threads).toBe(3);
    expect(sanitizeRunSettings({ threads: 'all' })!.threads).toBe('all');
    for (const bad of [0, 2.5, '2', 1e9, { n: 2 }]) expect(sanitizeRunSettings({ threads: bad, backend: 'wasm' })).toEqual({ ...DEFAULT_RUN_SETTINGS, backend: 'wasm' });
  });

  it('reads a stored run without a thread count as unknown (null), and keeps a valid one', () => {
    const r = sanitizeRuns({
      k: [
        { id: 'old', status: 'done', points: [point], profile, seqLens: [16] },
        { id: 'new', status: 'done', points: [point], profile, seqLens: [16], threads: 2, threadsReason: 'all available: 2 cores' },
        { id: 'bad', status: 'done', points: [point], profile, seqLens: [16], threads: -3, threadsReason: 7 },
      ],
    })!;
    expect(r.k!.map((x) => [x.id, x.threads, x.threadsReason])).toEqual([
      ['old', null, ''],
      ['new', 2, 'all available: 2 cores'],
      ['bad', null, ''],
    ]);
  });
});

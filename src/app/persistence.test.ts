import { describe, expect, it } from 'vitest';
import { getPreset } from '../models/presets';
import { persistOptions, takeHydrationNotices, STORAGE_VERSION } from './persistence';
import type { AppState } from './slices/types';

const current = { design: getPreset('jamba-v0.1')!.design, theme: 'system', seqLen: 4096 } as unknown as AppState;

describe('persistence', () => {
  it('keeps a valid stored design and settings; a wrong field is dropped and named', () => {
    const z = getPreset('zamba-7b')!.design;
    const merged = persistOptions.merge!({ design: z, theme: 'dark', seqLen: 8192, budgetBytes: 'x' }, current);
    expect(merged.design).toEqual(z);
    expect(merged.theme).toBe('dark');
    expect(merged.seqLen).toBe(8192);
    expect(takeHydrationNotices()).toEqual(['Some autosaved values could not be used and were reset; everything else was restored: budgetBytes (must be more than 0 and at most 1,000,000 GiB, got "x").']);
    persistOptions.merge!({ design: z, theme: 'dark', seqLen: 8192 }, current);
    expect(takeHydrationNotices()).toEqual([]);
  });

  it('drops an invalid stored design, keeps the default and queues a notice', () => {
    const merged = persistOptions.merge!({ design: { format: 'hybrid-arch/1', name: 'broken' }, theme: 'nope' }, current);
    expect(merged.design).toBe(current.design);
    expect(merged.theme).toBe('system');
    const notes = takeHydrationNotices();
    expect(notes).toHaveLength(1);
    expect(notes[0]).toContain('not valid');
  });

  it('an older version migrates to nothing, with a notice', async () => {
    const m = await persistOptions.migrate!({ design: 1 }, STORAGE_VERSION - 1);
    expect(m).toEqual({});
    expect(takeHydrationNotices()[0]).toContain('another version');
  });

  it('partialize keeps the design and the view settings, not the history', () => {
    const p = persistOptions.partialize!({ ...current, past: [1], future: [2], notices: [3] } as unknown as AppState) as unknown as Record<string, unknown>;
    expect(Object.keys(p)).toContain('design');
    expect(Object.keys(p)).not.toContain('past');
    expect(Object.keys(p)).not.toContain('notices');
  });
});

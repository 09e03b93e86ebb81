/**
 * Issue 13 audit, the app's readers of outside input (unit level; the browser behaviour is e2e/hostile-input.spec.ts):
 * share links (deep nesting in `d=` and `c=`, a decompression bomb, a parameter given twice), the autosave (each field
 * checked on its own with the UI's rule, a notice naming what was dropped) and the run controller (every Run obeys the
 * run panel's length limits).
 */
import { deflateSync, Inflate } from 'fflate';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { create } from 'zustand';
import { getPreset } from '../models/presets';
import type { Design } from '../models/schema';
import type { RunProfileSpec } from '../sim/protocol';
import { comparisonFromHash, decodeComparison } from '../components/charts/compareShare';
import { persistOptions, takeHydrationNotices } from './persistence';
import { startRun, type RunClient } from './runController';
import { DEFAULT_RUN_SETTINGS } from './slices/runSlice';
import { decodeShareHash, encodeShareHash, isShareHash } from './shareLink';
import { encodeJsonPayload, inflateBounded, toBase64Url } from './sharePayload';
import { createCompareSlice } from './slices/compareSlice';
import { createRunSlice } from './slices/runSlice';
import type { AppState } from './slices/types';

/** JSON text nested n levels, as text (JSON.stringify itself recurses). */
const deepText = (n: number) => '['.repeat(n) + ']'.repeat(n);
const packText = (text: string) => toBase64Url(deflateSync(new TextEncoder().encode(text), { level: 9 }));
const design = getPreset('jamba-v0.1')!.design;

describe('share links', () => {
  it('a 5,000-level design in d= (a ~100-character link) is one issue, never a throw', () => {
    const d = packText(`{"format":"hybrid-arch/1","name":"x","layers":${deepText(5000)}}`);
    expect(d.length).toBeLessThan(120);
    const r = decodeShareHash(`#v=1&d=${d}`);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues).toEqual([{ path: 'share link', message: expect.stringMatching(/^the design data is nested more than 64 levels deep/) as unknown }]);
  });
  it('a 5,000-level pinned design in c= is one issue, never a throw', () => {
    const pins = `[{"design":{"format":"hybrid-arch/1","layers":${deepText(5000)}},"origin":"file","color":"#123456"}]`;
    const r = decodeComparison(packText(`{"v":1,"settings":{},"pins":${pins}}`));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues[0]!.message).toMatch(/nested more than 64 levels deep/);
  });
  it('a decompression bomb is refused while inflating: never more than the cap plus one step is produced', () => {
    const bomb = deflateSync(new Uint8Array(140_000_000), { level: 9 });
    expect(toBase64Url(bomb).length).toBeLessThan(200_000); // fits in a link the old code inflated to 140 MB
    let produced = 0;
    const orig = Inflate.prototype.push;
    const spy = vi.spyOn(Inflate.prototype, 'push').mockImplementation(function (this: Inflate & { ondata: (d: Uint8Array, f: boolean) => void }, chunk: Uint8Array, final?: boolean) {
      const ondata = this.ondata;
      this.ondata = (d, f) => {
        produced += d.length;
        ondata(d, f);
      };
      try {
        orig.call(this, chunk, final);
      } finally {
        this.ondata = ondata;
      }
    });
    try {
      const r = inflateBounded(bomb, 4_000_000);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.message).toBe('inflates to more than 4 MB (refused while inflating)');
      expect(produced).toBeLessThan(4_000_000 + 4096 * 1032 + 65536);
    } finally {
      spy.mockRestore();
    }
    const link = decodeShareHash(`#v=1&d=${toBase64Url(bomb)}`);
    expect(link.ok ? '' : link.issues[0]!.message).toBe('the design data inflates to more than 4 MB (refused while inflating)');
  });
  it.each([
    ['#v=1&v=2&d=abc', 'the link gives "v=" 2 times'],
    ['#v=1&d=abc&d=def', 'the link gives "d=" 2 times'],
    ['#v=1&d=abc&c=x&c=y', 'the link gives "c=" 2 times'],
  ])('%s is an error, not silently ignored', (hash, message) => {
    expect(isShareHash(hash)).toBe(true);
    const r = hash.includes('c=x') ? comparisonFromHash(hash) : decodeShareHash(hash);
    expect(r && !r.ok ? r.issues[0]!.message : '').toContain(message);
  });
  it('every failure message is one line; a version with controls is escaped', () => {
    const r = decodeShareHash('#v=\u001b[31m&d=abc');
    expect(r.ok ? '' : r.issues[0]!.message).toBe('unsupported share-link version "\\u001b[31m"; this app reads v=1');
  });
  it('a good link still round-trips', () => {
    const r = decodeShareHash(encodeShareHash(design));
    expect(r.ok && r.value).toEqual(design);
    expect(decodeComparison(encodeJsonPayload({ v: 1, settings: {}, pins: [] })).ok).toBe(true);
  });
});

describe('autosave: every field checked with the UI rule, what is valid kept, a notice for the rest', () => {
  const current = { design, theme: 'system', seqLen: 4096, budgetBytes: 141 * 2 ** 30, chartsHeight: 280, pinned: [] } as unknown as AppState;
  afterEach(() => takeHydrationNotices());
  const merge = (persisted: unknown) => persistOptions.merge!(persisted, current);

  it.each([
    ['seqLen', 4096.5, 'seqLen (must be an integer from 1 to 1073741824 tokens, got 4096.5)'],
    ['seqLen', 1e300, 'seqLen (must be an integer from 1 to 1073741824 tokens, got 1e+300)'],
    ['seqLen', 0, 'seqLen (must be an integer'],
    ['budgetBytes', 1e300, 'budgetBytes (must be more than 0 and at most 1,000,000 GiB'],
    ['chartsHeight', 1e9, 'chartsHeight (must be 0 (automatic) or a whole number of px from 120 to 900'],
    ['chartsHeight', 50, 'chartsHeight (must be 0 (automatic) or a whole number of px from 120 to 900'],
    ['chartsHeight', -1, 'chartsHeight (must be 0 (automatic)'],
    ['theme', 'neon', 'theme (expected light, dark or system, got "neon")'],
  ])('%s = %s is dropped (the current value stays), the rest is kept, and the notice says so', (field, value, fragment) => {
    const z = getPreset('zamba-7b')!.design;
    const merged = merge({ design: z, theme: 'dark', seqLen: 8192, [field]: value });
    expect(merged.design).toEqual(z);
    expect(merged[field as keyof AppState]).toBe(current[field as keyof AppState]);
    if (field !== 'theme') expect(merged.theme).toBe('dark');
    const notes = takeHydrationNotices();
    expect(notes).toHaveLength(1);
    expect(notes[0]).toContain(fragment);
  });
  it('the automatic split (chartsHeight 0) and a thread cap come back without a notice; a bad cap is named', () => {
    const merged = merge({ design, chartsHeight: 0, runSettings: { ...DEFAULT_RUN_SETTINGS, threads: 2 } });
    expect([merged.chartsHeight, merged.runSettings.threads]).toEqual([0, 2]);
    expect(takeHydrationNotices()).toEqual([]);
    const bad = merge({ design, runSettings: { ...DEFAULT_RUN_SETTINGS, threads: 2.5 } });
    expect(bad.runSettings.threads).toBe('all');
    expect(takeHydrationNotices()[0]).toContain('threads must be "all" or an integer from 1 to 1024, got 2.5; all cores are used');
  });
  it('a deeply nested autosaved design is dropped with a notice; every other setting survives', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 5000; i++) deep = [deep];
    const merged = merge({ design: { ...design, layers: deep }, theme: 'dark', seqLen: 8192, chartsHeight: 300 });
    expect(merged.design).toBe(current.design);
    expect([merged.theme, merged.seqLen, merged.chartsHeight]).toEqual(['dark', 8192, 300]);
    const notes = takeHydrationNotices();
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/design \(not valid: .*nested more than 64 levels deep/);
  });
  it('1,000 autosaved pins are cut to 64 (as in a share link) before any is validated, with a notice', () => {
    const designs: Design[] = Array.from({ length: 1000 }, (_, i) => ({ ...design, name: `pin ${i}` }));
    const merged = merge({ design, pinned: designs.map((d) => ({ design: d, origin: 'file', color: '#123456' })) });
    expect(merged.pinned).toHaveLength(64);
    expect(merged.pinned[63]!.design.name).toBe('pin 63');
    expect(takeHydrationNotices()[0]).toContain('pinned (1000 pinned designs; the first 64 were kept, as in a share link)');
  });
  it('run settings with lengths the run panel refuses fall back to the defaults, with a notice', () => {
    const merged = merge({ runSettings: { seqLens: [1_000_000], backend: 'wasm', scan: 'auto', profileName: 'huge' } });
    expect(merged.runSettings.seqLens).toEqual([128, 256, 512, 1024]);
    expect(merged.runSettings.profileName).toBe('tiny');
    expect(merged.runSettings.backend).toBe('wasm');
    expect(takeHydrationNotices()[0]).toMatch(/runSettings \(sequence lengths: 1000000 is longer than the 32,768 tokens a browser run allows; .*unknown run profile "huge"/);
  });
  it('a field whose check throws costs only that field', () => {
    const hostile = { design, seqLen: 8192 } as Record<string, unknown>;
    Object.defineProperty(hostile, 'theme', {
      enumerable: true,
      get() {
        throw new Error('boom');
      },
    });
    const merged = merge(hostile);
    expect(merged.seqLen).toBe(8192);
    expect(takeHydrationNotices()[0]).toContain('theme (unreadable: boom)');
  });
});

describe('run controller: every Run obeys the run panel length limits', () => {
  const profile: RunProfileSpec = { name: 'tiny', dModel: 64, vocabSize: 256, maxLayers: 8, headDim: 8, ffnMult: 2, maxExperts: 4 };
  it.each([[[1_000_000]], [[1]], [Array.from({ length: 17 }, (_, i) => 128 + i)], [[]], [[2.5]]])('lengths %j: refused with a notice, nothing sent to the worker', (seqLens) => {
    const notices: string[] = [];
    const store = create<AppState>()((...a) => ({ design, pushNotice: (_k: string, t: string) => notices.push(t), ...createRunSlice(...a), ...createCompareSlice(...a) }) as unknown as AppState);
    store.getState().setRunSettings({ seqLens: seqLens as number[] });
    const started: unknown[] = [];
    const client: RunClient = { start: (r) => (started.push(r), { cancel: () => undefined }) };
    // A pinned design's Run (the compare table) goes through the same function.
    expect(startRun(client, store, [profile], getPreset('llama-2-7b')!.design)).toBeNull();
    expect(started).toEqual([]);
    expect(notices[0]).toMatch(/^The run was not started: sequence lengths: /);
  });
});

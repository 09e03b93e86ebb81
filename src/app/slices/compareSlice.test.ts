import { describe, expect, it } from 'vitest';
import { create } from 'zustand';
import type { Design } from '../../models/schema';
import { createCompareSlice, type CompareSlice } from './compareSlice';
import { createRunSlice, latestRun, restoreRuns, MAX_RUNS_PER_DESIGN, type RunSlice } from './runSlice';
import type { AppState } from './types';
import type { BenchPoint } from '../../sim/protocol';

function design(dModel: number): Design {
  return {
    format: 'hybrid-arch/1',
    name: `d${dModel}`,
    vocabSize: 1000,
    dModel,
    norm: 'rmsnorm',
    tiedEmbeddings: false,
    maxContext: 4096,
    dtype: 'bf16',
    sharedBlocks: [],
    layers: [{ mixer: { kind: 'mamba', dState: 16, dConv: 4, expand: 2, dtRank: 'auto', convBias: true, projBias: false, innerNorms: false }, ffn: { kind: 'none' } }],
  };
}

function makeStore() {
  return create<CompareSlice & RunSlice>()((...a) => ({
    ...createCompareSlice(...(a as unknown as Parameters<typeof createCompareSlice>)),
    ...createRunSlice(...(a as unknown as Parameters<typeof createRunSlice>)),
  })) as unknown as { getState: () => AppState };
}

const point = (seqLen: number): BenchPoint => ({
  seqLen,
  prefillTokensPerSec: 1000 + seqLen,
  prefillMs: { median: 1, min: 1, max: 1, q1: 1, q3: 1 },
  decodeMsPerToken: 1,
  decodeMs: { median: 1, min: 1, max: 1, q1: 1, q3: 1 },
  kvCacheBytes: 0,
  stateBytes: 0,
  predictedKvCacheBytes: 0,
  predictedStateBytes: 0,
  tfNumBytes: 0,
  tfNumTensors: 0,
  dispatchesPerDecodeStep: 0,
});

describe('compare slice', () => {
  it('pins distinct designs in distinct colours and ignores a second pin of the same design', () => {
    const s = makeStore();
    const ids = s.getState().pinDesigns([64, 128, 256, 512, 1024].map((d) => ({ design: design(d), origin: 'ratio' as const })));
    expect(new Set(ids).size).toBe(5);
    const again = s.getState().pinDesign(design(128), 'current');
    expect(again).toBe(ids[1]);
    const { pinned } = s.getState();
    expect(pinned).toHaveLength(5);
    expect(new Set(pinned.map((p) => p.color)).size).toBe(5);
    s.getState().unpinDesign(ids[0]!);
    expect(s.getState().pinned.map((p) => p.id)).toEqual(ids.slice(1));
  });
});

describe('run slice', () => {
  it('keeps points of a cancelled run and drops the oldest runs past the limit', () => {
    const s = makeStore();
    const profile = { name: 'tiny', dModel: 32, vocabSize: 64, maxLayers: 8, headDim: 8, ffnMult: 2, maxExperts: 4 };
    for (let i = 0; i < MAX_RUNS_PER_DESIGN + 2; i++) {
      s.getState().runCreated({ id: `r${i}`, designKey: 'k', designName: 'n', profile, seqLens: [128, 256], startedAt: '' });
      s.getState().runStarted(`r${i}`, { backend: 'wasm', backendReason: 'forced', threads: 1, threadsReason: '', scan: 'chunked', profile });
      s.getState().runPointAdded(`r${i}`, point(128));
      s.getState().runEnded(`r${i}`, 'cancelled');
    }
    const list = s.getState().runs.k!;
    expect(list).toHaveLength(MAX_RUNS_PER_DESIGN);
    expect(list[0]!.id).toBe('r2');
    const last = latestRun(s.getState().runs, 'k')!;
    expect(last.status).toBe('cancelled');
    expect(last.backend).toBe('wasm');
    expect(last.points.map((p) => p.seqLen)).toEqual([128]);
    expect(s.getState().activeRunId).toBeNull();
  });
  it('turns a run cut off by a reload into a cancelled one', () => {
    const s = makeStore();
    const profile = { name: 'tiny', dModel: 32, vocabSize: 64, maxLayers: 8, headDim: 8, ffnMult: 2, maxExperts: 4 };
    s.getState().runCreated({ id: 'a', designKey: 'k', designName: 'n', profile, seqLens: [128], startedAt: '' });
    s.getState().runPointAdded('a', point(128));
    expect(restoreRuns(s.getState().runs).k![0]!.status).toBe('cancelled');
    expect(s.getState().activeRunId).toBe('a');
  });
});

describe('restoring from storage', () => {
  it('keeps valid pins with their colours and drops invalid ones', async () => {
    const { sanitizePinned, sanitizeChartSettings, DEFAULT_CHART_SETTINGS } = await import('./compareSlice');
    const good = design(256);
    const out = sanitizePinned([
      { design: good, origin: 'preset', color: '#e0782a' },
      { design: { ...good, dModel: 'x' }, origin: 'file', color: '#2f7fd0' },
      { design: design(512), origin: 'bogus', color: '#e0782a' },
    ])!;
    expect(out).toHaveLength(2);
    expect(out[0]!.color).toBe('#e0782a');
    expect(out[1]!.color).not.toBe('#e0782a');
    expect(out[1]!.origin).toBe('file');
    expect(sanitizeChartSettings({ xScale: 'cubic', view: 'state', maxSeqLen: 12 })).toEqual({ ...DEFAULT_CHART_SETTINGS, view: 'state' });
  });
  it('turns stored running runs into cancelled ones and drops broken records', async () => {
    const { sanitizeRuns } = await import('./runSlice');
    const profile = { name: 'tiny', dModel: 32, vocabSize: 64, maxLayers: 8, headDim: 8, ffnMult: 2, maxExperts: 4 };
    const r = sanitizeRuns({ k: [{ id: 'a', status: 'running', points: [point(128)], profile, seqLens: [128] }, { id: 'b', points: 'x' }], j: 'nope' })!;
    expect(Object.keys(r)).toEqual(['k']);
    expect(r.k![0]!.status).toBe('cancelled');
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { create } from 'zustand';
import type { BenchPoint, BenchRequest, BenchResult, RunProfileSpec } from '../sim/protocol';
import { createRunSlice } from './slices/runSlice';
import { createCompareSlice } from './slices/compareSlice';
import { designKey } from './slices/designKey';
import type { AppState } from './slices/types';
import { cancelRun, startRun, type RunCallbacks, type RunClient } from './runController';
import { makeTemplate } from '../models/presets';

const profile: RunProfileSpec = { name: 'tiny', dModel: 64, vocabSize: 256, maxLayers: 8, headDim: 8, ffnMult: 2, maxExperts: 4 };
const design = makeTemplate('1:3', { dModel: 512, nLayers: 8, vocabSize: 1000 });

function makeStore() {
  const notices: string[] = [];
  const store = create<AppState>()(
    (...a) =>
      ({
        design,
        pushNotice: (_k: string, t: string) => notices.push(t),
        ...createRunSlice(...a),
        ...createCompareSlice(...a),
      }) as unknown as AppState,
  );
  return { store, notices };
}

/** A client that records the request and lets the test play the worker's messages. */
function scriptedClient() {
  const calls: { request: BenchRequest; cb: RunCallbacks; cancelled: boolean }[] = [];
  const client: RunClient = {
    start(request, cb) {
      const call = { request, cb, cancelled: false };
      calls.push(call);
      return { cancel: () => (call.cancelled = true) };
    },
  };
  return { client, calls };
}

const point = (seqLen: number): BenchPoint => ({
  seqLen,
  prefillTokensPerSec: seqLen * 3,
  prefillMs: { median: 2, min: 1, max: 3, q1: 1.5, q3: 2.5 },
  decodeMsPerToken: 0.5,
  decodeMs: { median: 0.5, min: 0.4, max: 0.7, q1: 0.45, q3: 0.6 },
  kvCacheBytes: seqLen * 10,
  stateBytes: 100,
  predictedKvCacheBytes: seqLen * 10,
  predictedStateBytes: 100,
  tfNumBytes: 0,
  tfNumTensors: 0,
  dispatchesPerDecodeStep: 0,
});

describe('run controller', () => {
  let env: ReturnType<typeof makeStore>;
  beforeEach(() => {
    env = makeStore();
    env.store.getState().setRunSettings({ seqLens: [128, 256, 512], backend: 'wasm', scan: 'chunked', profileName: 'tiny' });
  });
  afterEach(() => cancelRun(env.store));

  it('sends the panel settings and records started, progress, points and done under the design key', () => {
    const { client, calls } = scriptedClient();
    const id = startRun(client, env.store, [profile])!;
    expect(calls[0]!.request).toMatchObject({ seqLens: [128, 256, 512], backend: 'wasm', scan: 'chunked', profile, design });
    const cb = calls[0]!.cb;
    cb.onStarted({ backend: 'wasm', backendReason: 'forced by the user', threads: 2, threadsReason: 'all available: 2 cores', scan: 'chunked', profile });
    cb.onProgress({ seqLen: 256, index: 1, total: 3, phase: 'prefill', etaMs: 1200 });
    expect(env.store.getState().runProgress).toMatchObject({ runId: id, seqLen: 256, etaMs: 1200 });
    [128, 256, 512].forEach((L) => cb.onPoint(point(L)));
    cb.onDone({ cancelled: false } as BenchResult);
    const run = env.store.getState().runs[designKey(design)]!.at(-1)!;
    expect(run).toMatchObject({ id, status: 'done', backend: 'wasm', backendReason: 'forced by the user', threads: 2, threadsReason: 'all available: 2 cores' });
    expect(run.points.map((p) => p.seqLen)).toEqual([128, 256, 512]);
    expect(env.store.getState().activeRunId).toBeNull();
  });

  it('cancel tells the worker, ends the run at once and keeps the points measured before it', () => {
    const { client, calls } = scriptedClient();
    startRun(client, env.store, [profile]);
    const cb = calls[0]!.cb;
    cb.onPoint(point(128));
    cancelRun(env.store);
    expect(calls[0]!.cancelled).toBe(true);
    cb.onPoint(point(256)); // finished by the worker after the stop: not kept
    cb.onDone({ cancelled: true } as BenchResult);
    const run = env.store.getState().runs[designKey(design)]!.at(-1)!;
    expect(run.status).toBe('cancelled');
    expect(run.points.map((p) => p.seqLen)).toEqual([128]);
    expect(env.store.getState().activeRunId).toBeNull();
  });

  it('records a worker error in words and refuses a second run while one is in flight', () => {
    const { client, calls } = scriptedClient();
    startRun(client, env.store, [profile]);
    expect(startRun(client, env.store, [profile])).toBeNull();
    expect(calls).toHaveLength(1);
    calls[0]!.cb.onError('run refused: seqLen 512 needs an estimated 2048.0 MiB');
    const run = env.store.getState().runs[designKey(design)]!.at(-1)!;
    expect(run.status).toBe('error');
    expect(run.error).toMatch(/refused/);
  });

  it('runs a pinned design with the same settings and stores it under that design, not the current one', () => {
    const pinned = makeTemplate('1:1', { dModel: 256, nLayers: 4, vocabSize: 500 });
    const pinId = env.store.getState().pinDesign(pinned, 'preset');
    const { client, calls } = scriptedClient();
    const id = startRun(client, env.store, [profile], pinned)!;
    expect(calls[0]!.request).toMatchObject({ seqLens: [128, 256, 512], backend: 'wasm', scan: 'chunked', profile, design: pinned });
    calls[0]!.cb.onStarted({ backend: 'wasm', backendReason: 'forced by the user', threads: 1, threadsReason: 'capped at 1 by the user', scan: 'chunked', profile });
    calls[0]!.cb.onPoint(point(128));
    expect(env.store.getState().activeRunId).toBe(id);
    // One run at a time: the current design cannot start meanwhile, and the user is told why.
    expect(startRun(client, env.store, [profile])).toBeNull();
    expect(env.notices.at(-1)).toMatch(/run of .* is in progress/);
    cancelRun(env.store);
    const runs = env.store.getState().runs;
    expect(runs[designKey(design)]).toBeUndefined();
    expect(runs[pinId]!.at(-1)).toMatchObject({ id, designKey: pinId, designName: pinned.name, status: 'cancelled', backend: 'wasm' });
    expect(runs[pinId]!.at(-1)!.points.map((p) => p.seqLen)).toEqual([128]);
  });

  it('sends the thread cap when the user set one, and none (all cores) by default', () => {
    const { client, calls } = scriptedClient();
    startRun(client, env.store, [profile]);
    expect(calls[0]!.request).not.toHaveProperty('threads');
    cancelRun(env.store);
    env.store.getState().setRunSettings({ threads: 2 });
    startRun(client, env.store, [profile]);
    expect(calls[1]!.request.threads).toBe(2);
  });

  it('names the unknown profile instead of starting', () => {
    env.store.getState().setRunSettings({ profileName: 'huge' });
    const { client, calls } = scriptedClient();
    expect(startRun(client, env.store, [profile])).toBeNull();
    expect(calls).toHaveLength(0);
    expect(env.notices[0]).toMatch(/"huge" is unknown/);
  });

  it('turns a client that throws on start into a failed run', () => {
    const client: RunClient = {
      start: () => {
        throw new Error('Workers are not available');
      },
    };
    expect(startRun(client, env.store, [profile])).toBeNull();
    expect(env.store.getState().runs[designKey(design)]!.at(-1)!).toMatchObject({ status: 'error', error: 'Workers are not available' });
  });
});

import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { getPreset } from '../models/presets';
import type { BenchRequest, FromWorker, ToWorker } from '../sim/protocol';
import { getRunProfile } from '../sim/runtime/profile';
import { RuntimeClient, type WorkerLike } from './workerClient';

/**
 * The real worker module (src/sim/worker.ts) loaded in-process behind a fake `self`, so the client, the protocol and
 * the worker are tested together without a browser. Messages are delivered asynchronously, as postMessage does.
 */
type Listener = (ev: MessageEvent<FromWorker>) => void;
const listeners: Listener[] = [];
const scope = {
  onmessage: null as ((ev: MessageEvent<ToWorker>) => void) | null,
  postMessage: (m: FromWorker) => setTimeout(() => listeners.forEach((l) => l({ data: structuredClone(m) } as MessageEvent<FromWorker>))),
};
let made = 0;
const makeWorker = (): WorkerLike => {
  made++;
  return {
    postMessage: (m: ToWorker) => setTimeout(() => scope.onmessage!({ data: structuredClone(m) } as MessageEvent<ToWorker>)),
    addEventListener: (type: string, fn: unknown) => {
      if (type === 'message') listeners.push(fn as Listener);
    },
    terminate: () => undefined,
  } as WorkerLike;
};

const request = (over: Partial<BenchRequest> = {}): BenchRequest => ({
  design: getPreset('stripedhyena-7b')!.design,
  seqLens: [8, 16],
  backend: 'cpu',
  scan: 'auto',
  profile: getRunProfile('tiny')!,
  seed: 1,
  batch: 1,
  decodeSteps: 2,
  repeats: 1,
  memoryBudgetBytes: 2 ** 30,
  ...over,
});

describe('worker client + worker (in-process)', () => {
  let base = 0;
  beforeAll(async () => {
    (globalThis as { self?: unknown }).self = scope;
    await import('../sim/worker');
    await tf.setBackend('cpu');
    base = tf.memory().numTensors;
  });
  afterAll(() => {
    delete (globalThis as { self?: unknown }).self;
  });

  it('creates the worker lazily, routes started / progress / point / done to the run that asked', async () => {
    const client = new RuntimeClient(makeWorker);
    expect(made).toBe(0);
    const seen = { started: 0, progress: 0, points: [] as number[] };
    const onDone = vi.fn();
    const h = client.start(request(), {
      onStarted: (s) => {
        seen.started++;
        expect(s.backend).toBe('cpu');
      },
      onProgress: () => seen.progress++,
      onPoint: (p) => seen.points.push(p.seqLen),
      onDone,
    });
    expect(made).toBe(1);
    const r = await h.done;
    expect(seen.started).toBe(1);
    expect(seen.progress).toBeGreaterThan(0);
    expect(seen.points).toEqual([8, 16]);
    expect(onDone).toHaveBeenCalledWith(r);
    expect(r.points.every((p) => p.kvCacheBytes === p.predictedKvCacheBytes)).toBe(true);
    expect(tf.memory().numTensors).toBe(base);
  });

  it('cancel ends the run with cancelled = true and frees its tensors', async () => {
    const client = new RuntimeClient(makeWorker);
    let h: ReturnType<RuntimeClient['start']> | null = null;
    h = client.start(request({ seqLens: [8, 16, 32] }), { onPoint: () => h!.cancel() });
    const r = await h.done;
    expect(r.cancelled).toBe(true);
    expect(r.points.length).toBeLessThan(3);
    expect(tf.memory().numTensors).toBe(base);
  });

  it('probes this device through the worker (after a queued run) and frees what it made', async () => {
    const client = new RuntimeClient(makeWorker);
    const run = client.start(request({ seqLens: [8] }));
    const p = client.probe('cpu', { matmulSizes: [16, 32], addElements: 1024, trials: 1, trialSeconds: 0.002 });
    const [{ probe, backendReason }] = await Promise.all([p, run.done]);
    expect(probe).toMatchObject({ backend: 'cpu', memBytes: 4 * 2 ** 30 });
    expect(probe.matmulFlopsPerSec).toBeGreaterThan(0);
    expect(backendReason).toMatch(/forced/);
    expect(tf.memory().numTensors).toBe(base);
    await expect(client.probe('webgpu', { trials: 1 })).rejects.toThrow(/backend "webgpu"/);
  });

  it('a refused run reaches onError and rejects done with the reason', async () => {
    const client = new RuntimeClient(makeWorker);
    const onError = vi.fn();
    const h = client.start(request({ seqLens: [1 << 20], memoryBudgetBytes: 2 ** 20 }), { onError });
    await expect(h.done).rejects.toThrow(/run refused: seqLen 1048576/);
    expect(onError).toHaveBeenCalledOnce();
  });
});

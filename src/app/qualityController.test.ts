import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { create } from 'zustand';
import { ratioVariants } from '../models/patterns';
import { getPreset } from '../models/presets';
import type { TrainRequest, TrainResult, TrainStarted } from '../sim/protocol';
import { cancelQuality, qualityBusy, qualityJobs, startQuality, type TrainClient, type TrainRunCallbacks } from './qualityController';
import { createQualitySlice, DEFAULT_QUALITY_SETTINGS, latestQuality, sanitizeQuality, storedQuality } from './slices/qualitySlice';
import { createRunSlice } from './slices/runSlice';
import { designKey } from './slices/designKey';
import type { AppState } from './slices/types';

const jamba = getPreset('jamba-v0.1')!.design;
const llama = getPreset('llama-2-7b')!.design;

function makeStore() {
  const notices: string[] = [];
  const store = create<AppState>()(
    (...a) =>
      ({
        pushNotice: (_k: string, t: string) => notices.push(t),
        ...createRunSlice(...a),
        ...createQualitySlice(...a),
      }) as unknown as AppState,
  );
  return { store, notices };
}

function scriptedClient() {
  const calls: { request: TrainRequest; cb: TrainRunCallbacks; cancelled: boolean }[] = [];
  const client: TrainClient = {
    train(request, cb) {
      const call = { request, cb, cancelled: false };
      calls.push(call);
      return { cancel: () => (call.cancelled = true) };
    },
  };
  return { client, calls };
}

const started = (r: TrainRequest): TrainStarted => ({
  backend: 'wasm',
  backendReason: 'forced',
  scan: 'simd',
  taskParams: { kvPairs: r.kvPairs, seqLen: 2 * r.kvPairs, vocabSize: 512 },
  profile: { name: 'lab', dModel: 32, vocabSize: 512, maxLayers: 8, headDim: 16, ffnMult: 2, maxExperts: 4, maxDState: 16, ffn: false, outProjStd: 0.002, attentionOutProjStd: 0.02, embedStd: 0.02, layers: 8 },
  labDesign: r.design,
  gradientPaths: [{ kind: 'attention', path: 'tf ops' }],
  notes: [],
});

const result = (r: TrainRequest, accuracy: number, cancelled = false): TrainResult => ({
  ...started(r),
  task: r.task,
  seed: r.seed,
  curve: [
    { step: 0, loss: 5.5, accuracy: 0.004 },
    { step: r.steps, loss: 1, accuracy },
  ],
  final: { accuracy, loss: 1, steps: r.steps },
  secondsPerStep: 0.1,
  stoppedEarly: false,
  cancelled,
  startedAt: '',
  settings: { steps: r.steps, batch: r.batch, lr: r.lr, schedule: r.schedule, warmupSteps: r.warmupSteps, weightDecay: r.weightDecay, clipNorm: r.clipNorm, evalEvery: r.evalEvery, evalSize: r.evalSize, earlyStopAccuracy: r.earlyStopAccuracy },
});

describe('quality jobs', () => {
  it('trains each design, then the controls at the design’s lab depth', () => {
    const jobs = qualityJobs([llama], { ...DEFAULT_QUALITY_SETTINGS, controls: true, kvPairs: [8, 16] });
    expect(jobs.map((j) => [j.record.control?.kind ?? 'design', j.request.kvPairs])).toEqual([
      ['design', 8],
      ['design', 16],
      ['ssm', 8],
      ['ssm', 16],
    ]); // llama is pure attention: its attention control is itself
    const ssm = jobs[2]!;
    expect(ssm.request.lab.layers).toBe(8);
    expect(ssm.record.control).toEqual({ kind: 'ssm', of: designKey(llama), ofName: llama.name });
    expect(ssm.request.evalEvery).toBe(25);
  });

  it('leaves out controls that a pinned variant already trains (Compare ratios pins them)', () => {
    const designs = [jamba, ...ratioVariants(jamba).map((v) => v.design)];
    const withControls = { ...DEFAULT_QUALITY_SETTINGS, controls: true };
    const jobs = qualityJobs(designs, withControls);
    // 6 designs (1:7 is Jamba under another name: both kept); the Jamba-width controls are the pinned pure variants;
    // only the pure variants' own controls (a default Mamba, a default attention) are new
    expect(jobs.map((j) => (j.record.control ? `${j.record.control.kind} of ${j.record.control.ofName}` : j.record.designName))).toEqual([
      ...designs.map((d) => d.name),
      'ssm of Jamba-v0.1 (pure attention)',
      'attention of Jamba-v0.1 (pure Mamba)',
    ]);
    expect(qualityJobs(designs, DEFAULT_QUALITY_SETTINGS)).toHaveLength(6);
    expect(qualityJobs([jamba], withControls).map((j) => j.record.control?.kind ?? 'design')).toEqual(['design', 'attention', 'ssm']);
  });

  it('a small budget evaluates more often', () => {
    const [job] = qualityJobs([jamba], { ...DEFAULT_QUALITY_SETTINGS, steps: 24, controls: false });
    expect(job!.request).toMatchObject({ steps: 24, evalEvery: 2, task: 'mqar-stacked', kvPairs: 16 });
  });
});

describe('quality queue', () => {
  let env: ReturnType<typeof makeStore>;
  beforeEach(() => {
    env = makeStore();
    env.store.getState().setQualitySettings({ controls: false, steps: 10 });
  });
  afterEach(() => cancelQuality(env.store));

  it('runs one design at a time, records progress and results, then the next', () => {
    const { client, calls } = scriptedClient();
    expect(startQuality(client, env.store, [jamba, llama])).toBe(2);
    expect(calls).toHaveLength(1);
    expect(env.store.getState().qualityResults.map((r) => r.status)).toEqual(['queued', 'queued']);
    const [first] = calls;
    first!.cb.onStarted(started(first!.request));
    first!.cb.onProgress({ step: 1, steps: 10, loss: 5.4, accuracy: 0.01, etaMs: 900 });
    first!.cb.onPoint({ step: 0, loss: 5.5, accuracy: 0.004 });
    let s = env.store.getState();
    expect(s.qualityActiveId).toBe(s.qualityResults[0]!.id);
    expect(s.qualityResults[0]).toMatchObject({ status: 'running', backend: 'wasm', trainCurve: [{ step: 1, loss: 5.4, accuracy: 0.01 }], curve: [{ step: 0 }] });
    expect(startQuality(client, env.store, [jamba])).toBe(0);
    expect(env.notices.at(-1)).toMatch(/Training is in progress/);
    first!.cb.onDone(result(first!.request, 0.42));
    expect(calls).toHaveLength(2);
    calls[1]!.cb.onDone(result(calls[1]!.request, 0.97));
    s = env.store.getState();
    expect(s.qualityResults.map((r) => [r.designName, r.status, r.final?.accuracy])).toEqual([
      [jamba.name, 'done', 0.42],
      [llama.name, 'done', 0.97],
    ]);
    expect(latestQuality(s.qualityResults, designKey(llama), 'mqar-stacked')!.final!.accuracy).toBe(0.97);
    expect(qualityBusy()).toBe(false);
  });

  it('cancel stops the run in flight (curve kept) and drops the queue', () => {
    const { client, calls } = scriptedClient();
    startQuality(client, env.store, [jamba, llama]);
    calls[0]!.cb.onStarted(started(calls[0]!.request));
    calls[0]!.cb.onPoint({ step: 0, loss: 5.5, accuracy: 0.004 });
    cancelQuality(env.store);
    expect(calls[0]!.cancelled).toBe(true);
    const s = env.store.getState();
    expect(s.qualityResults).toHaveLength(1);
    expect(s.qualityResults[0]).toMatchObject({ status: 'cancelled', curve: [{ step: 0 }] });
    expect(s.qualityActiveId).toBeNull();
    // the worker's late 'done' of the cancelled run changes nothing and starts nothing
    calls[0]!.cb.onDone(result(calls[0]!.request, 0.5, true));
    expect(env.store.getState().qualityResults[0]!.status).toBe('cancelled');
    expect(calls).toHaveLength(1);
  });

  it('refuses while a benchmark run is in flight', () => {
    env.store.setState({ activeRunId: 'run-1' });
    const { client, calls } = scriptedClient();
    expect(startQuality(client, env.store, [jamba])).toBe(0);
    expect(calls).toHaveLength(0);
    expect(env.notices.at(-1)).toMatch(/benchmark run is in progress/);
  });

  it('an error ends that run and the queue goes on', () => {
    const { client, calls } = scriptedClient();
    startQuality(client, env.store, [jamba, llama]);
    calls[0]!.cb.onError('out of memory');
    expect(env.store.getState().qualityResults[0]).toMatchObject({ status: 'error', error: 'out of memory' });
    expect(calls).toHaveLength(2);
  });
});

describe('stored results', () => {
  it('survive a reload: a cut-off run becomes cancelled, a bad record is dropped, long training curves are thinned', () => {
    const { client, calls } = scriptedClient();
    const { store } = makeStore();
    store.getState().setQualitySettings({ controls: false });
    startQuality(client, store, [jamba]);
    calls[0]!.cb.onStarted(started(calls[0]!.request));
    for (let i = 1; i <= 150; i++) calls[0]!.cb.onProgress({ step: i, steps: 300, loss: 5, accuracy: 0, etaMs: 1 });
    const stored = JSON.parse(JSON.stringify(storedQuality(store.getState().qualityResults)));
    expect(stored[0].trainCurve.length).toBeLessThanOrEqual(60);
    expect(stored[0].trainCurve.at(-1).step).toBe(150);
    const back = sanitizeQuality([...stored, { id: 'x', designKey: 'k' }])!;
    expect(back).toHaveLength(1);
    expect(back[0]!.status).toBe('cancelled');
    expect(back[0]!.design.name).toBe(jamba.name);
    cancelQuality(store);
  });
});

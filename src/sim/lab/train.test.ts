import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DesignSchema, FORMAT, expandLayers, type Design, type DesignInput } from '../../models/schema';
import { PRESETS, getPreset } from '../../models/presets';
import { useTestBackend } from '../runtime/testBackend';
import { Rng } from '../runtime/rng';
import { FFN_TRAININGS, MIXER_TRAININGS } from '../../kinds/trainings';
import { LabTrainer, runTraining, trainingScan } from './train';
import { checkTrainRequest, trainRequest } from './trainRequest';
import { TASKS } from './tasks/tasks';

function design(name: string, layers: DesignInput['layers'], sharedBlocks: DesignInput['sharedBlocks'] = []): Design {
  return DesignSchema.parse({ format: FORMAT, name, vocabSize: 1000, dModel: 64, maxContext: 4096, tiedEmbeddings: true, layers, sharedBlocks });
}

const ATTN1 = design('attention x1', [{ mixer: { kind: 'attention', nHeads: 2, nKvHeads: 2, headDim: 32 }, ffn: { kind: 'none' } }]);
/** A small request: stacked MQAR with 4 pairs, batches of 8, a held-out set of 16. */
const small = (d: Design, patch: Parameters<typeof trainRequest>[1] = {}) =>
  trainRequest(d, { kvPairs: 4, steps: 6, batch: 8, evalEvery: 3, evalSize: 16, backend: 'wasm', ...patch });

describe('training on wasm', () => {
  let baseline = 0;
  beforeAll(async () => {
    await useTestBackend('wasm');
  });
  afterEach(() => expect(tf.memory().numTensors).toBe(baseline));

  it.each([...Object.entries(MIXER_TRAININGS), ...Object.entries(FFN_TRAININGS)])('steps on one batch lower its loss: %s', async (kind, t) => {
    baseline = tf.memory().numTensors;
    const f = t.fixture(64);
    const d = design(`${kind} fixture`, f.layers, f.sharedBlocks);
    const tr = await LabTrainer.create(small(d, { lr: 1e-2, warmupSteps: 0, schedule: 'constant', lab: { ffn: true, outProjStd: 0.02, attentionOutProjStd: 0.02, embedStd: 0.02 } }));
    try {
      const batch = TASKS['mqar-stacked'].generate(tr.params, 8, new Rng(3));
      const before = await tr.evaluate([batch]);
      for (let i = 0; i < 8; i++) await tr.stepOn(batch);
      const after = await tr.evaluate([batch]);
      expect(after.loss).toBeLessThan(before.loss - 0.05);
      expect(tr.started.gradientPaths.map((g) => g.kind)).toContain(kind === 'none' ? tr.started.gradientPaths[0]!.kind : kind);
    } finally {
      tr.dispose();
    }
  });

  it('the same seed gives the same curve; another seed another curve', async () => {
    baseline = tf.memory().numTensors;
    const a = await runTraining(small(ATTN1, { seed: 5 }));
    const b = await runTraining(small(ATTN1, { seed: 5 }));
    const c = await runTraining(small(ATTN1, { seed: 6 }));
    expect(a.curve.map((p) => p.step)).toEqual([0, 3, 6]);
    expect(b.curve).toEqual(a.curve);
    expect(c.curve).not.toEqual(a.curve);
    expect(a.final).toEqual({ accuracy: a.curve[2]!.accuracy, loss: a.curve[2]!.loss, steps: 6 });
    expect(a.secondsPerStep).toBeGreaterThan(0);
  });

  it('a Mamba-2 hybrid trains with the simd scan kernels and leaves no tensor behind', async () => {
    baseline = tf.memory().numTensors;
    const hybrid = design('hybrid', [
      { mixer: { kind: 'mamba2', dState: 16, headDim: 32, nGroups: 1, dConv: 4, expand: 2 }, ffn: { kind: 'mlp', width: 128 } },
      { mixer: { kind: 'attention', nHeads: 2, nKvHeads: 1, headDim: 32 }, ffn: { kind: 'moe', nExperts: 4, topK: 2, expertWidth: 64 } },
    ]);
    const progress: number[] = [];
    const r = await runTraining(small(hybrid, { lab: { ffn: true, outProjStd: 0.002, attentionOutProjStd: 0.02, embedStd: 0.02 } }), { onProgress: (p) => progress.push(p.step) });
    expect(r.scan).toBe('simd');
    expect(r.gradientPaths.find((g) => g.kind === 'mamba2')!.path).toMatch(/SIMD forward kernel with a registered reverse-recurrence backward/);
    expect(progress).toEqual([1, 2, 3, 4, 5, 6]);
    expect(r.cancelled).toBe(false);
    expect(expandLayers(r.labDesign.layers).map((l) => `${l.mixer.kind}/${l.ffn.kind}`)).toEqual(['mamba2/mlp', 'attention/moe']);
  });

  it('cancel stops between steps, keeps the curve so far and leaves no tensor behind', async () => {
    baseline = tf.memory().numTensors;
    const ac = new AbortController();
    const r = await runTraining(small(ATTN1, { steps: 50 }), { signal: ac.signal, onProgress: (p) => p.step === 2 && ac.abort() });
    expect(r.cancelled).toBe(true);
    expect(r.curve.map((p) => p.step)).toEqual([0]);
    expect(r.final.steps).toBe(0);
  });

  it('stops early once the held-out accuracy reaches the threshold', async () => {
    baseline = tf.memory().numTensors;
    const r = await runTraining(small(ATTN1, { steps: 200, lr: 1e-2, evalEvery: 5, earlyStopAccuracy: 0.5 }));
    expect(r.stoppedEarly).toBe(true);
    expect(r.final.accuracy).toBeGreaterThanOrEqual(0.5);
    expect(r.curve.slice(0, -1).every((p) => p.accuracy < 0.5)).toBe(true);
    expect(r.final.steps).toBeLessThan(200);
    expect(r.final.steps % 5).toBe(0);
  });
});

describe('requests', () => {
  it.each([
    [{ steps: 0 }, 'steps must be an integer in [1, 100000], got 0'],
    [{ lr: 0 }, 'lr must be a number in (0, 1], got 0'],
    [{ lr: -1e-3 }, 'lr must be a number in (0, 1], got -0.001'],
    [{ kvPairs: 300 }, 'kvPairs 300 is too large for the vocabulary: 512 ids hold 255 distinct keys'],
    [{ task: 'recall' as never }, 'task must be one of mqar-stacked, mqar, copy, induction, got "recall"'],
    [{ task: 'induction' as const, kvPairs: 4 }, 'kvPairs does not apply to task induction'],
    [{ batch: 1000 }, 'batch must be an integer in [1, 512], got 1000'],
    [{ lab: { ffn: false, outProjStd: -1, attentionOutProjStd: 0.02, embedStd: 0.02 } }, 'lab.outProjStd must be a number in [0, 1], got -1'],
  ])('%j is refused: %s', (patch, msg) => {
    expect(() => checkTrainRequest(trainRequest(ATTN1, patch))).toThrow(msg);
  });

  it('trains with the registered kernels on cpu/wasm and falls back to the chunked scans on webgpu', () => {
    expect(trainingScan('wasm', 'auto', 16)).toEqual({ scan: 'simd', note: null });
    expect(trainingScan('cpu', 'js', 16)).toEqual({ scan: 'js', note: null });
    expect(trainingScan('webgpu', 'auto', 16).scan).toBe('chunked');
    expect(trainingScan('webgpu', 'wgsl', 16).note).toMatch(/no backward kernels/);
    expect(trainingScan('webgl', 'auto', 16)).toEqual({ scan: 'chunked', note: null });
  });

  it('a preset trains at its lab profile: Jamba keeps its 1:7 pattern in 8 layers at d = 32', async () => {
    await useTestBackend('wasm');
    const tr = await LabTrainer.create(trainRequest(getPreset('jamba-v0.1')!.design, { backend: 'wasm' }));
    try {
      expect(tr.started.profile).toMatchObject({ name: 'lab', dModel: 32, layers: 8, ffn: false, vocabSize: 512 });
      expect(expandLayers(tr.started.labDesign.layers).map((l) => (l.mixer.kind === 'attention' ? 'A' : 'M')).join('')).toBe('MMMMAMMM');
    } finally {
      tr.dispose();
    }
  });

  it.each(PRESETS.map((p) => [p.id] as const))('preset %s: its lab copy builds and one step gives a finite loss, no tensor left', async (id) => {
    await useTestBackend('wasm');
    const base = tf.memory().numTensors;
    const tr = await LabTrainer.create(trainRequest(getPreset(id)!.design, { backend: 'wasm', kvPairs: 4, batch: 4 }));
    try {
      const batch = TASKS['mqar-stacked'].generate(tr.params, 4, new Rng(1));
      await tr.stepOn(batch);
      const r = await tr.evaluate([batch]);
      expect(Number.isFinite(r.loss)).toBe(true);
      expect(tr.started.labDesign.sharedBlocks.every((b) => b.adapters === undefined)).toBe(true);
      if (getPreset(id)!.design.sharedBlocks.some((b) => b.adapters)) expect(tr.started.notes.join('\n')).toMatch(/LoRA adapters dropped/);
    } finally {
      tr.dispose();
    }
    expect(tf.memory().numTensors).toBe(base);
  });
});

/**
 * Issue 13 audit, runs the backend cannot hold, and what held and must keep holding:
 * - the memory estimate is honest: a real prefill's peak of live tensor bytes stays below it (the old estimate was
 *   ~1.6x low on attention-heavy runs: every query block's scores stay alive until the layer ends);
 * - a run the wasm heap cannot hold is refused up front, whatever the budget (jamba-1.5-large, medium, 8192 passed the
 *   old check and aborted the heap after 65 s; a budget of 1 TiB let 1M tokens start);
 * - refusals are RunRefusedErrors (the user's to fix); anything else is an internal failure;
 * - 10 cancels in a row, then a normal run; 200 sweeps leave no tensor behind and a flat wasm heap.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { getPreset } from '../../models/presets';
import { DesignSchema, FORMAT, type Design } from '../../models/schema';
import type { BenchRequest } from '../protocol';
import { initBackend } from './backend';
import { BACKEND_LIMITS, checkMemoryBudget, estimateRunMemory, runBench, wasmHeapBytes } from './bench';
import { getRunProfile, scaleDesign } from './profile';
import { RunRefusedError, isRunRefused } from './runRefused';

/** Two small layers: attention + MLP, Mamba alone. The tiny profile keeps both (d 64, 8 heads of 8). */
const TWO_LAYERS: Design = DesignSchema.parse({
  format: FORMAT,
  name: 'two layers',
  vocabSize: 1000,
  dModel: 512,
  maxContext: 1 << 20,
  layers: [
    { mixer: { kind: 'attention', nHeads: 8, nKvHeads: 8, headDim: 64 }, ffn: { kind: 'mlp', width: 1024 } },
    { mixer: { kind: 'mamba', dState: 16, dConv: 4, expand: 2 }, ffn: { kind: 'none' } },
  ],
});
/** Attention only, two layers (the case the old estimate missed by the most). */
const ATTENTION_ONLY: Design = { ...TWO_LAYERS, name: 'attention only', layers: [TWO_LAYERS.layers[0]!, TWO_LAYERS.layers[0]!] };

function request(design: Design, over: Partial<BenchRequest> = {}): BenchRequest {
  return { design, seqLens: [8], backend: 'wasm', scan: 'auto', profile: getRunProfile('tiny')!, seed: 3, batch: 1, decodeSteps: 1, repeats: 1, memoryBudgetBytes: 2 ** 30, ...over };
}

/** Counts the bytes of distinct live tensor buffers at every allocation tfjs registers (bench/memoryProbe.ts). */
function trackTensorPeak(): { peak: () => number; stop: () => void } {
  type Info = { bytes: number };
  const engine = tf.engine() as unknown as { state: { tensorInfo: Map<object, Info> }; trackTensor: (a: { dataId: object }, b: unknown) => void; removeDataId: (id: object, b: unknown) => void };
  const track = engine.trackTensor;
  const remove = engine.removeDataId;
  let live = 0;
  let peak = 0;
  engine.trackTensor = function (this: unknown, a, b) {
    const fresh = !engine.state.tensorInfo.has(a.dataId);
    track.call(engine, a, b);
    if (fresh) live += engine.state.tensorInfo.get(a.dataId)?.bytes ?? 0;
    peak = Math.max(peak, live);
  };
  engine.removeDataId = function (this: unknown, id, b) {
    const bytes = engine.state.tensorInfo.get(id)?.bytes ?? 0;
    const had = engine.state.tensorInfo.has(id);
    remove.call(engine, id, b);
    if (had && !engine.state.tensorInfo.has(id)) live -= bytes;
  };
  return {
    peak: () => peak,
    stop: () => {
      engine.trackTensor = track;
      engine.removeDataId = remove;
    },
  };
}

const wasmHeap = () => (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.length;

describe('run memory: an honest estimate, refused up front when the backend cannot hold it', () => {
  let base = 0;
  beforeAll(async () => {
    await initBackend('wasm');
    base = tf.memory().numTensors;
  });

  it('an attention-heavy prefill (two attention layers, tiny, L = 2048: 8 query blocks) peaks below the estimate', async () => {
    const design = ATTENTION_ONLY;
    const req = request(design, { seqLens: [2048], memoryBudgetBytes: 2 ** 34 });
    const scaled = scaleDesign(design, req.profile).design;
    const t = trackTensorPeak();
    try {
      await runBench(req);
    } finally {
      t.stop();
    }
    const e = estimateRunMemory(scaled, 2048, 1, 1, 'exact', { backend: 'wasm', scan: 'simd' });
    expect(t.peak()).toBeGreaterThan(0.5 * e.totalBytes); // the estimate is an upper bound, not a wild one
    expect(t.peak()).toBeLessThanOrEqual(e.totalBytes);
    expect(tf.memory().numTensors).toBe(base);
  });

  it('jamba-1.5-large, medium, 8192 is refused before anything is allocated: with the default 4 GiB budget, and with 64 GiB by the wasm heap', async () => {
    const design = getPreset('jamba-1.5-large')!.design;
    const req = request(design, { seqLens: [8192], profile: getRunProfile('medium')!, decodeSteps: 32, memoryBudgetBytes: 4 * 2 ** 30 });
    const scaled = scaleDesign(design, req.profile).design;
    const wasm = { backend: 'wasm', scan: 'simd' } as const;
    expect(() => checkMemoryBudget(scaled, req, wasm)).toThrow(/run refused: seqLen 8192 needs an estimated .* above the memory budget of 4096.0 MiB/);
    const big = { ...req, memoryBudgetBytes: 64 * 2 ** 30 };
    expect(() => checkMemoryBudget(scaled, big, wasm)).toThrow(RunRefusedError);
    expect(() => checkMemoryBudget(scaled, big, wasm)).toThrow(/of wasm heap .* more than the 4.00 GiB the wasm backend can address/);
    expect(wasmHeapBytes(estimateRunMemory(scaled, 8192, 32, 1, 'exact', wasm))).toBeGreaterThan(BACKEND_LIMITS.wasm.heapBytes!);
    const before = tf.memory().numTensors;
    await expect(runBench(big)).rejects.toThrow(/wasm heap/);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a budget of 1 TiB does not let 1M tokens start, on wasm or cpu, attention or state-space only', async () => {
    const wasm = { backend: 'wasm', scan: 'simd' } as const;
    const cpu = { backend: 'cpu', scan: 'simd' } as const;
    for (const id of ['llama-2-7b', 'mamba-2.8b', 'jamba-v0.1']) {
      const req = request(getPreset(id)!.design, { seqLens: [1 << 20], memoryBudgetBytes: 2 ** 40 });
      const scaled = scaleDesign(req.design, req.profile).design;
      expect(() => checkMemoryBudget(scaled, req, wasm), id).toThrow(RunRefusedError);
      if (id !== 'mamba-2.8b') expect(() => checkMemoryBudget(scaled, req, cpu), id).toThrow(RunRefusedError);
    }
    const before = tf.memory().numTensors;
    const err = await runBench(request(getPreset('llama-2-7b')!.design, { seqLens: [1 << 20], memoryBudgetBytes: 2 ** 40 })).catch((e: unknown) => e);
    expect(isRunRefused(err)).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refusals are RunRefusedErrors: bad requests, profiles, backends and scans', async () => {
    const d = getPreset('jamba-v0.1')!.design;
    for (const over of [{ seqLens: [0] }, { batch: 0 }, { profile: { ...getRunProfile('tiny')!, headDim: 7 } }, { backend: 'webgl' as const }, { scan: 'wgsl' as const }]) {
      const err = await runBench(request(d, over)).catch((e: unknown) => e);
      expect(isRunRefused(err), JSON.stringify(over)).toBe(true);
    }
    // An error while running (here: a consumer callback failing) is not a refusal.
    const err = await runBench(request(d), {
      onPoint: () => {
        throw new Error('memory access out of bounds');
      },
    }).catch((e: unknown) => e);
    expect(isRunRefused(err)).toBe(false);
    expect(tf.memory().numTensors).toBe(base);
  });
});

describe('what held and must keep holding', () => {
  let base = 0;
  beforeAll(async () => {
    await initBackend('wasm');
    base = tf.memory().numTensors;
  });

  it('10 cancels in a row (at build, prefill and decode), then a normal run', async () => {
    const d = TWO_LAYERS;
    const phases = ['build', 'prefill', 'decode'] as const;
    for (let i = 0; i < 10; i++) {
      const ac = new AbortController();
      const phase = phases[i % 3]!;
      const res = await runBench(request(d, { seqLens: [8, 16], decodeSteps: 2 }), { signal: ac.signal, onProgress: (p) => p.phase === phase && ac.abort() });
      expect(res.cancelled).toBe(true);
      expect(tf.memory().numTensors).toBe(base);
    }
    const res = await runBench(request(d, { seqLens: [8, 16], decodeSteps: 2 }));
    expect(res.cancelled).toBe(false);
    expect(res.points.map((p) => p.seqLen)).toEqual([8, 16]);
    expect(tf.memory().numTensors).toBe(base);
  });

  it('200 sweeps leave no tensor behind and a flat memory (tfjs bytes back to the start, the wasm heap stops growing)', async () => {
    const d = TWO_LAYERS;
    const startBytes = tf.memory().numBytes;
    let heapAt20 = 0;
    for (let i = 0; i < 200; i++) {
      await runBench(request(d, { seqLens: [4], seed: i }));
      expect(tf.memory().numTensors).toBe(base);
      if (i === 19) heapAt20 = wasmHeap();
    }
    expect(tf.memory().numBytes).toBe(startBytes);
    expect(wasmHeap()).toBe(heapAt20);
  });
});

/**
 * The benchmark sweep: per sequence length L, measure prefill throughput, decode latency at context L, and the bytes
 * the caches actually hold, on a real model built from the scaled design.
 *
 * Honest measurement (tfjs-notes, "Measuring honestly"): device work is asynchronous, so every timing runs from
 * before the forward to the resolution of `await data()` on a small result (the last position's logits for prefill,
 * the argmax token for decode). Prefill: one warm-up run, then `repeats` timed runs, median and spread. Decode: prefill
 * to L, then `decodeSteps` timed steps of forward + argmax + `await data()`, each feeding its token to the next.
 * The caches are allocated once per L for L + decodeSteps positions. Under the default `exact` KV policy that is their
 * capacity, so the measured bytes equal the cost model's prediction for the scaled design at seqLen = L + decodeSteps,
 * float32; under `pow2` it is the power-of-two bucket that holds them (the cost model at that bucket), which a point
 * reports as `kvCacheCapacity`. Either way the timed decode never grows a cache.
 *
 * Every tensor is freed on completion, error and cancellation; cancellation is checked between runs and steps.
 */
import * as tf from '@tensorflow/tfjs';
import { expandLayers, type Design } from '../../models/schema';
import { costAt } from '../cost';
import type { BackendName, BenchPoint, BenchRequest, BenchResult, KvCapacityPolicy, RunProfileSpec, ScanImpl, Spread } from '../protocol';
import { initBackend } from './backend';
import { RuntimeModel, initModelWeights, type ModelCaches } from './builder';
import { kvBucket } from '../../kinds/attention/layer';
import { ffnRuntime, mixerRuntime } from '../../kinds/runtimes';
import type { FootprintContext } from '../../kinds/runtimeKind';
import { isSparseFfn } from '../../kinds/specs';
import { scaleDesign } from './profile';
import { Rng } from './rng';
import { chooseScan } from './scan/chooseScan';
import { simdScanAvailable } from './scan/scanSimd';
import { releaseSimdScanMemory } from './kernels/wasm/simdScanKernels';
import { simdScanThreads, startSimdScanPool, stopSimdScanPool } from './kernels/wasm/scanPool';
import { RunRefusedError, refuseOnError } from './runRefused';

/** Thrown inside the sweep when the signal aborts; turned into a result with `cancelled: true`. */
class Cancelled extends Error {}

export interface BenchStarted {
  backend: BackendName;
  backendReason: string;
  threads: number;
  threadsReason: string;
  scan: ScanImpl;
  profile: RunProfileSpec;
  scaledDesign: Design;
  profileNotes: string[];
}

export interface BenchProgress {
  seqLen: number;
  index: number;
  total: number;
  phase: 'build' | 'prefill' | 'decode';
  etaMs: number | null;
}

export interface BenchHooks {
  onStarted?(s: BenchStarted): void;
  onProgress?(p: BenchProgress): void;
  onPoint?(p: BenchPoint): void;
  signal?: AbortSignal;
}

/** Median, extremes and quartiles (linear interpolation between order statistics). */
export function spreadOf(values: readonly number[]): Spread {
  if (!values.length) throw new Error('spreadOf: no values');
  const s = [...values].sort((a, b) => a - b);
  const q = (p: number) => {
    const i = p * (s.length - 1);
    const lo = Math.floor(i);
    const hi = Math.ceil(i);
    return s[lo]! + (s[hi]! - s[lo]!) * (i - lo);
  };
  return { median: q(0.5), min: s[0]!, max: s[s.length - 1]!, q1: q(0.25), q3: q(0.75) };
}

/** Memory a run of the scaled design at L tokens (+ decode steps) is expected to need, by part. */
export interface MemoryEstimate {
  weightBytes: number;
  kvCacheBytes: number;
  stateBytes: number;
  /**
   * Peak temporaries of a prefill: the per-token intermediates of the widest layer (`ACTIVATION_TENSORS` tensors of
   * its widest per-token width) plus the largest attention layer's own (its score blocks, `attentionScoreBytes`, and
   * `ATTENTION_TOKEN_TENSORS` tensors of width H·hd).
   */
  activationBytes: number;
  /** Of `activationBytes`: the score blocks of the largest attention layer, all alive until that layer ends. */
  attentionScoreBytes: number;
  /** The largest single tensor of the run (a weight matrix, a per-token intermediate or a KV cache). */
  largestTensorBytes: number;
  totalBytes: number;
}

/**
 * Per-token intermediates alive at once in the widest layer, in tensors of its widest per-token width: fitted to the
 * peaks measured by `npm run bench -- memory` (bench/memoryProbe.ts counts tfjs's live tensor bytes at every
 * allocation) so that the estimate is never below a measured peak; docs/benchmarks.md has the table.
 */
export const ACTIVATION_TENSORS = 12;

/**
 * Estimates the memory of a run with the cost model (weights, KV cache, state at float32) plus the prefill's
 * temporaries: `ACTIVATION_TENSORS` live (b, L, w) float32 tensors of the widest per-token width w over the blocks
 * (each kind's `footprint` / `width`, src/kinds/<kind>/runtime.ts: FFN width, the MoE experts' rows (top-k on cpu /
 * wasm, where experts gather their tokens; all E on webgl / webgpu), attention H·hd, a Mamba mixer's in-projection
 * 2·dInner (or its (L, dInner, N) terms when the scan is a tf-op one), Hyena's modal width), plus the largest
 * attention layer's own bytes (its score blocks, all alive until the layer ends, and its per-head copies:
 * kinds/attention/runtime.ts `attentionFootprint`). Fitted so that no measured peak exceeds it (docs/benchmarks.md,
 * "Run memory"). Under the `pow2` KV policy the KV cache is the cost model's at the bucket that holds seqLen +
 * decodeSteps (the window still caps it). `scan` and `backend` (known once the backend is up) sharpen the widths;
 * without them the estimate takes the larger choices.
 */
export function estimateRunMemory(design: Design, seqLen: number, decodeSteps: number, batch: number, kvPolicy: KvCapacityPolicy = 'exact', run: { scan?: ScanImpl; backend?: BackendName } = {}): MemoryEstimate {
  const positions = seqLen + decodeSteps;
  const c = costAt(design, kvPolicy === 'pow2' ? kvBucket(positions) : positions, { dtype: 'fp32', cacheDtype: 'fp32', batch });
  const d = design.dModel;
  const ctx: FootprintContext = { design, seqLen, batch, ...(run.scan ? { scan: run.scan } : {}), ...(run.backend ? { backend: run.backend } : {}) };
  let width = d;
  let scores = 0;
  let attention = 0;
  let largest = 4 * design.vocabSize * d;
  for (const l of expandLayers(design.layers)) {
    if (l.ffn.kind !== 'none') {
      const w = ffnRuntime(l.ffn.kind).width(l.ffn, ctx);
      width = Math.max(width, w);
      largest = Math.max(largest, 4 * d * w);
    }
    if (l.mixer.kind !== 'none') {
      const f = mixerRuntime(l.mixer.kind).footprint(l.mixer, ctx);
      width = Math.max(width, f.width);
      scores = Math.max(scores, f.scoreBytes);
      attention = Math.max(attention, f.scoreBytes + (f.extraBytes ?? 0));
      largest = Math.max(largest, f.largestBytes ?? 0);
    }
  }
  const perToken = batch * seqLen * width * 4;
  const activationBytes = ACTIVATION_TENSORS * perToken + attention;
  // The largest single tensor: an embedding or FFN weight matrix, a per-token intermediate, an attention score block.
  const largestTensorBytes = Math.max(largest, perToken);
  return {
    weightBytes: c.weightBytes,
    kvCacheBytes: c.kvCacheBytes,
    stateBytes: c.stateBytes,
    activationBytes,
    attentionScoreBytes: scores,
    largestTensorBytes,
    totalBytes: c.weightBytes + c.kvCacheBytes + c.stateBytes + activationBytes,
  };
}

/**
 * What a backend can hold, whatever the budget says. `wasm`: tfjs-backend-wasm 4.22 is built with a heap of at most
 * 4,294,901,760 bytes (emscripten `getHeapMax`, wasm-out/tfjs-backend-wasm*.js); a run needs `wasmHeapBytes` of it
 * (measured, docs/benchmarks.md); one allocation is kept below 2 GiB (sizes are 32-bit signed in parts of the C++
 * kernels and of the JS views on the heap). `cpu`: tensors are JS typed arrays, at most 2^32 - 1 elements (V8); the
 * machine's memory is the budget's to say. GPU backends: their device limits decide and are not known here.
 */
export const BACKEND_LIMITS: Readonly<Record<BackendName, { heapBytes: number | null; maxTensorBytes: number | null }>> = {
  wasm: { heapBytes: 4_294_901_760, maxTensorBytes: 2 ** 31 - 1 },
  cpu: { heapBytes: null, maxTensorBytes: 4 * (2 ** 32 - 1) },
  webgl: { heapBytes: null, maxTensorBytes: null },
  webgpu: { heapBytes: null, maxTensorBytes: null },
};

/**
 * The wasm heap a run needs (bytes), from its estimate: `WASM_HEAP.weights` x the weights (they are uploaded through
 * temporary copies that leave holes the run cannot always reuse) + `WASM_HEAP.run` x everything else (allocator
 * overhead, heap growth steps) + `WASM_HEAP.base` (the heap before any tensor). Fitted to the heap sizes measured
 * after real runs (the heap never shrinks, so its size after a run bounds the run's peak): no measured heap exceeds
 * it (docs/benchmarks.md, "Run memory").
 */
export const WASM_HEAP = { weights: 2.1, run: 1.25, base: 16 * 2 ** 20 } as const;

/** The wasm heap a run with estimate `e` is expected to need; see {@link WASM_HEAP}. */
export function wasmHeapBytes(e: MemoryEstimate): number {
  return WASM_HEAP.weights * e.weightBytes + WASM_HEAP.run * (e.totalBytes - e.weightBytes) + WASM_HEAP.base;
}

const MiB = (n: number) => `${(n / 2 ** 20).toFixed(1)} MiB`;
const GiB = (n: number) => `${(n / 2 ** 30).toFixed(2)} GiB`;

/** Checks the request's fields; throws a RunRefusedError naming the field and the rule. */
export function checkBenchRequest(r: BenchRequest): void {
  const rule = (field: string, ok: boolean, msg: string) => {
    if (!ok) throw new RunRefusedError(`${field} ${msg}`);
  };
  const posInt = (v: number, max: number) => Number.isInteger(v) && v >= 1 && v <= max;
  rule('seqLens', Array.isArray(r.seqLens) && r.seqLens.length >= 1 && r.seqLens.length <= 64, 'must list 1 to 64 sequence lengths');
  r.seqLens.forEach((L, i) => rule(`seqLens[${i}]`, posInt(L, 1 << 20), `must be an integer in [1, 1048576], got ${L}`));
  rule('batch', posInt(r.batch, 64), `must be an integer in [1, 64], got ${r.batch}`);
  rule('decodeSteps', posInt(r.decodeSteps, 4096), `must be an integer in [1, 4096], got ${r.decodeSteps}`);
  rule('repeats', posInt(r.repeats, 1000), `must be an integer in [1, 1000], got ${r.repeats}`);
  rule('memoryBudgetBytes', Number.isFinite(r.memoryBudgetBytes) && r.memoryBudgetBytes > 0, `must be a positive number of bytes, got ${r.memoryBudgetBytes}`);
  rule('seed', Number.isInteger(r.seed), `must be an integer, got ${r.seed}`);
  rule('threads', r.threads === undefined || posInt(r.threads, 1024), `must be an integer in [1, 1024], got ${r.threads}`);
  rule('kvCapacity', r.kvCapacity === undefined || r.kvCapacity === 'exact' || r.kvCapacity === 'pow2', `must be 'exact' or 'pow2', got ${String(r.kvCapacity)}`);
}

/**
 * Refuses (throws a RunRefusedError) when any L of the sweep is expected to exceed the budget or, once the backend is
 * known, what that backend can hold (its heap, its largest allocation): a budget of 1 TiB does not let a run start
 * that the wasm heap cannot hold. Nothing is allocated before this.
 */
export function checkMemoryBudget(design: Design, r: BenchRequest, run: { scan?: ScanImpl; backend?: BackendName } = {}): void {
  const limits = run.backend ? BACKEND_LIMITS[run.backend] : null;
  for (const L of r.seqLens) {
    const e = estimateRunMemory(design, L, r.decodeSteps, r.batch, r.kvCapacity, run);
    const parts = `weights ${MiB(e.weightBytes)}, KV cache ${MiB(e.kvCacheBytes)}, state ${MiB(e.stateBytes)}, prefill temporaries ${MiB(e.activationBytes)} of which attention scores ${MiB(e.attentionScoreBytes)}`;
    if (e.totalBytes > r.memoryBudgetBytes) {
      throw new RunRefusedError(`run refused: seqLen ${L} needs an estimated ${MiB(e.totalBytes)} (${parts}), above the memory budget of ${MiB(r.memoryBudgetBytes)}`);
    }
    if (limits?.heapBytes != null && run.backend === 'wasm' && wasmHeapBytes(e) > limits.heapBytes) {
      throw new RunRefusedError(
        `run refused: seqLen ${L} needs an estimated ${GiB(wasmHeapBytes(e))} of wasm heap (for ${MiB(e.totalBytes)}: ${parts}), ` +
          `more than the ${GiB(limits.heapBytes)} the wasm backend can address; use shorter lengths or a smaller profile`,
      );
    }
    if (limits?.maxTensorBytes != null && e.largestTensorBytes > limits.maxTensorBytes) {
      throw new RunRefusedError(`run refused: seqLen ${L} needs a single tensor of ${MiB(e.largestTensorBytes)}, more than the ${MiB(limits.maxTensorBytes)} the ${run.backend} backend allows in one allocation; use shorter lengths or a smaller profile`);
    }
  }
}

function largestStatePerChannel(design: Design): number {
  let n = 0;
  for (const l of expandLayers(design.layers)) if (l.mixer.kind !== 'none') n = Math.max(n, mixerRuntime(l.mixer.kind).statePerChannel(l.mixer));
  return n;
}

function hasMoe(design: Design): boolean {
  return expandLayers(design.layers).some((l) => isSparseFfn(l.ffn.kind)) || design.sharedBlocks.some((b) => isSparseFfn(b.ffn.kind));
}

/** Lets queued events (a worker's `cancel` message) run: a macrotask turn, without setTimeout's 4 ms clamp. */
export function yieldToEvents(): Promise<void> {
  if (typeof setImmediate === 'function') return new Promise((r) => setImmediate(r));
  if (typeof MessageChannel === 'function') {
    return new Promise((r) => {
      const ch = new MessageChannel();
      ch.port1.onmessage = () => {
        ch.port1.close();
        r();
      };
      ch.port2.postMessage(null);
    });
  }
  return new Promise((r) => setTimeout(r, 0));
}

/** Milliseconds from a monotonic clock where there is one. */
export const now = () => (typeof performance !== 'undefined' ? performance.now() : Date.now());

/**
 * Runs the sweep. Resolves with the result (with `cancelled: true` and the points so far when the signal aborts);
 * rejects with a RunRefusedError on a bad request or a run the budget or the backend cannot hold (nothing allocated
 * yet), and with any other error when the run fails while running (an internal failure). Every tensor it made is
 * freed either way.
 */
export async function runBench(request: BenchRequest, hooks: BenchHooks = {}): Promise<BenchResult> {
  checkBenchRequest(request);
  const startedAt = new Date().toISOString();
  const { design: scaled, notes } = refuseOnError(() => scaleDesign(request.design, request.profile));
  const signal = hooks.signal;
  // Yield to the event loop first: on cpu/wasm `await data()` resolves as a microtask, so without this a worker
  // would never get to handle the cancel message until the sweep ended.
  const check = async () => {
    await yieldToEvents();
    if (signal?.aborted) throw new Cancelled('cancelled');
  };

  let info: Awaited<ReturnType<typeof initBackend>>;
  try {
    info = await initBackend(request.backend, request.threads === undefined ? {} : { threads: request.threads });
  } catch (e) {
    throw new RunRefusedError(e instanceof Error ? e.message : String(e));
  }
  const scan = refuseOnError(() => chooseScan(info.backend, request.scan, largestStatePerChannel(scaled), simdScanAvailable()));
  // The budget and what this backend can hold, with the widths of the backend and scan that will run; nothing is
  // allocated before (initialising a backend makes no tensors).
  checkMemoryBudget(scaled, request, { backend: info.backend, scan });
  // The simd scans split across the same number of threads as tfjs's pool (browser workers only, see scanPool.ts).
  let threadsReason = info.threadsReason;
  if (scan === 'simd' && info.threads > 1) {
    const pooled = await startSimdScanPool(info.threads);
    threadsReason += pooled ? `; simd scans on ${simdScanThreads()} threads` : '; simd scans on 1 thread (no scan pool here)';
  } else stopSimdScanPool();
  hooks.onStarted?.({ backend: info.backend, backendReason: info.reason, threads: info.threads, threadsReason, scan, profile: request.profile, scaledDesign: scaled, profileNotes: notes });

  const points: BenchPoint[] = [];
  const total = request.seqLens.length;
  const units = request.seqLens.map((L) => L + request.decodeSteps);
  const allUnits = units.reduce((a, b) => a + b, 0);
  const t0 = now();
  let doneUnits = 0;
  const eta = () => (doneUnits > 0 ? ((now() - t0) / doneUnits) * (allUnits - doneUnits) : null);

  let model: RuntimeModel | null = null;
  let caches: ModelCaches | null = null;
  const live = new Set<tf.Tensor>();
  const keep = <T extends tf.Tensor>(t: T): T => (live.add(t), t);
  const drop = (t: tf.Tensor | null) => {
    if (t && live.delete(t)) t.dispose();
  };
  let cancelled = false;
  let firstLogits: number[] | null = null;
  try {
    hooks.onProgress?.({ seqLen: request.seqLens[0]!, index: 0, total, phase: 'build', etaMs: null });
    model = new RuntimeModel(initModelWeights(scaled, request.seed), { backend: info.backend, scan });
    const b = request.batch;
    const steps = request.decodeSteps;
    const kvPolicy = request.kvCapacity ?? 'exact';
    const rng = new Rng(request.seed ^ 0x5eed);
    const prefillOnce = async (ids: tf.Tensor2D, keepLogits = false): Promise<number> => {
      const s = now();
      const logits = keep(model!.prefill(ids, caches));
      const values = await logits.data();
      const ms = now() - s;
      if (keepLogits) firstLogits = Array.from(values);
      drop(logits);
      return ms;
    };
    /** One decode step from `tok` (b, 1) at `pos`; returns the next token (b, 1) and the time. */
    const decodeOnce = async (tok: tf.Tensor2D, pos: number): Promise<[tf.Tensor2D, number]> => {
      const s = now();
      const logits = keep(model!.decode(tok, caches!, pos));
      const next = keep(tf.tidy(() => tf.reshape(tf.argMax(logits, 1), [b, 1]).cast('int32') as tf.Tensor2D));
      await next.data();
      const ms = now() - s;
      drop(logits);
      return [next, ms];
    };

    for (let index = 0; index < total; index++) {
      const L = request.seqLens[index]!;
      await check();
      hooks.onProgress?.({ seqLen: L, index, total, phase: 'prefill', etaMs: eta() });
      const tokens = new Int32Array(b * L);
      for (let i = 0; i < tokens.length; i++) tokens[i] = Math.floor(rng.next() * scaled.vocabSize);
      const ids = keep(tf.tensor2d(tokens, [b, L], 'int32'));
      caches = model.createCaches(b, L + steps, kvPolicy);
      const firstTok = keep(tf.tensor2d(Array.from({ length: b }, () => Math.floor(rng.next() * scaled.vocabSize)), [b, 1], 'int32'));

      // Warm-up: one prefill and up to two decode steps (kernels compiled, buffers pooled); the second step is
      // profiled for its dispatch count. The timed runs below overwrite these positions.
      await prefillOnce(ids, request.returnLogits === true && index === 0);
      await check();
      let tok: tf.Tensor2D = firstTok;
      let dispatches = 0;
      const warm = Math.min(2, steps);
      for (let w = 0; w < warm; w++) {
        if (w === warm - 1) {
          let next: tf.Tensor2D | null = null;
          const prof = await tf.profile(async () => {
            [next] = await decodeOnce(tok, L + w);
          });
          dispatches = prof.kernels.length;
          if (tok !== firstTok) drop(tok);
          tok = next!;
        } else {
          const [next] = await decodeOnce(tok, L + w);
          if (tok !== firstTok) drop(tok);
          tok = next;
        }
        await check();
      }
      if (tok !== firstTok) drop(tok);

      const prefillMs: number[] = [];
      for (let r = 0; r < request.repeats; r++) {
        prefillMs.push(await prefillOnce(ids));
        await check();
      }
      const held = caches.bytes();
      const kvCapacity = caches.kvCapacity();
      const mem = tf.memory();
      const predicted = costAt(scaled, L + steps, { dtype: 'fp32', cacheDtype: 'fp32', batch: b });

      hooks.onProgress?.({ seqLen: L, index, total, phase: 'decode', etaMs: eta() });
      const decodeMs: number[] = [];
      tok = firstTok;
      for (let s = 0; s < steps; s++) {
        const [next, ms] = await decodeOnce(tok, L + s);
        if (tok !== firstTok) drop(tok);
        tok = next;
        decodeMs.push(ms);
        await check();
      }
      if (tok !== firstTok) drop(tok);
      drop(firstTok);
      drop(ids);
      caches.dispose();
      caches = null;

      const pre = spreadOf(prefillMs);
      const dec = spreadOf(decodeMs);
      const point: BenchPoint = {
        seqLen: L,
        prefillTokensPerSec: (b * L) / (pre.median / 1000),
        prefillMs: pre,
        decodeMsPerToken: dec.median,
        decodeMs: dec,
        kvCacheBytes: held.kvCacheBytes,
        kvCacheFilledBytes: held.kvFilledBytes,
        kvCacheCapacity: kvCapacity,
        stateBytes: held.stateBytes,
        predictedKvCacheBytes: predicted.kvCacheBytes,
        predictedStateBytes: predicted.stateBytes,
        tfNumBytes: mem.numBytes,
        tfNumTensors: mem.numTensors,
        dispatchesPerDecodeStep: dispatches,
      };
      points.push(point);
      doneUnits += units[index]!;
      hooks.onPoint?.(point);
    }
  } catch (e) {
    if (!(e instanceof Cancelled)) throw e;
    cancelled = true;
  } finally {
    caches?.dispose();
    for (const t of live) t.dispose();
    live.clear();
    model?.dispose();
    // the simd scans' WebAssembly memory grows to the longest L of the sweep; hand it back with the tensors (the
    // scan pool's helpers share it, so they stop first)
    stopSimdScanPool();
    if (scan === 'simd') releaseSimdScanMemory();
  }
  return {
    backend: info.backend,
    backendReason: info.reason,
    threads: info.threads,
    threadsReason,
    scan,
    profile: request.profile,
    scaledDesign: scaled,
    points,
    startedAt,
    cancelled,
    profileNotes: notes,
    ...(hasMoe(scaled) ? { moeCombine: model!.moeCombine } : {}),
    ...(firstLogits ? { logits: firstLogits } : {}),
  };
}

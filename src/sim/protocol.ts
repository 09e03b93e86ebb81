/**
 * The typed message protocol between the app and the runtime worker, and the plain-data results a run produces.
 * Plain data only: no tensors ever cross this boundary. Shared by the worker, the worker client, the CLI and the UI.
 */
import type { Design } from '../models/schema';
import type { DeviceProbe } from './planner/calibration';

export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';
export type BackendChoice = BackendName | 'auto';
/**
 * Scan implementations (src/sim/runtime/scan): `naive` per-token tf ops (shows dispatch cost); `chunked` a few large
 * tf ops whose count does not grow with L (log L levels for Mamba-1); `wgsl` one custom WebGPU program (webgpu only);
 * `js` one readback of the scan inputs, a plain TypedArray loop on the CPU, one upload (cpu and wasm, where tensors
 * already live in CPU memory); `simd` the same readback and upload around our own WebAssembly SIMD kernel (cpu and
 * wasm: the fastest there).
 */
export type ScanImpl = 'naive' | 'chunked' | 'wgsl' | 'js' | 'simd';
export type ScanChoice = ScanImpl | 'auto';
/**
 * How attention KV caches are sized (src/sim/runtime/layers/attention.ts): `exact` allocates exactly the positions
 * asked for (so measured bytes equal the cost model's prediction); `pow2` allocates the smallest power-of-two bucket
 * (at least 16) that holds them. Either way the window caps a sliding-window cache, and a cache that runs out of room
 * grows once to the next power-of-two bucket (never a per-token concat).
 */
export type KvCapacityPolicy = 'exact' | 'pow2';

/** How a full-size design is shrunk to something a browser can run; the layer pattern is kept. */
export interface RunProfileSpec {
  /** e.g. "tiny", "small", "medium", or "custom". */
  name: string;
  dModel: number;
  vocabSize: number;
  /** Layers kept (the pattern is kept by taking whole periods of the design, see the builder). */
  maxLayers: number;
  headDim: number;
  /** FFN / expert width as a multiple of dModel. */
  ffnMult: number;
  maxExperts: number;
  /** Cap on the recurrent state size N of Mamba / Mamba-2 mixers (kept when smaller). */
  maxDState?: number;
}

export interface BenchRequest {
  design: Design;
  seqLens: number[];
  backend: BackendChoice;
  scan: ScanChoice;
  profile: RunProfileSpec;
  seed: number;
  batch: number;
  /** Decode steps timed after prefill to L (>= 32). */
  decodeSteps: number;
  /** Timed prefill repeats after warm-up (>= 5). */
  repeats: number;
  /** Refuse the run if the predicted bytes exceed this. */
  memoryBudgetBytes: number;
  /** KV-cache sizing; `exact` (capacity seqLen + decodeSteps) when absent. */
  kvCapacity?: KvCapacityPolicy;
  /**
   * Most CPU threads the run may use (an integer >= 1); every available one when absent. Threads need a
   * cross-origin isolated page (see runtime/backend.ts); elsewhere a run uses one.
   */
  threads?: number;
  /** Return the logits of the first prefill (warm-up) at the first length, for checks across backends and threads. */
  returnLogits?: boolean;
}

export interface Spread {
  median: number;
  min: number;
  max: number;
  q1: number;
  q3: number;
}

export interface BenchPoint {
  seqLen: number;
  prefillTokensPerSec: number;
  prefillMs: Spread;
  decodeMsPerToken: number;
  decodeMs: Spread;
  /**
   * Bytes of the KV-cache tensors actually allocated: capacity seqLen + decodeSteps under the `exact` policy, its
   * power-of-two bucket under `pow2` (a sliding-window cache holds at most the window either way).
   */
  kvCacheBytes: number;
  /** Bytes of the KV-cache slots filled after prefill to seqLen (<= kvCacheBytes). */
  kvCacheFilledBytes?: number;
  /** Positions the largest KV cache can hold (its slots); 0 when the design keeps no KV cache. */
  kvCacheCapacity?: number;
  /** Bytes of the recurrent-state tensors actually allocated. */
  stateBytes: number;
  /** The cost model's prediction for the scaled design at seqLen + decodeSteps positions and float32. */
  predictedKvCacheBytes: number;
  predictedStateBytes: number;
  /** tf.memory() after prefill, while caches are held. */
  tfNumBytes: number;
  tfNumTensors: number;
  dispatchesPerDecodeStep: number;
}

export interface BenchResult {
  backend: BackendName;
  backendReason: string;
  /** CPU threads the run's kernels used (tfjs's wasm pool and the simd scans; 1 on cpu, webgl and webgpu). */
  threads: number;
  /** Why that many (cores available, the user's cap, no cross-origin isolation, ...). */
  threadsReason: string;
  scan: ScanImpl;
  profile: RunProfileSpec;
  /** The scaled design that actually ran. */
  scaledDesign: Design;
  points: BenchPoint[];
  startedAt: string;
  cancelled: boolean;
  /** How the profile shrank the design (layers kept and why, heads, experts), one line each. */
  profileNotes?: string[];
  /** MoE combine strategy that ran ('gather' or 'dense', see runtime/layers/moe.ts), when the design has MoE. */
  moeCombine?: 'gather' | 'dense';
  /** (b·vocab) logits of the last position of the first prefill at the first length, when `returnLogits` was set. */
  logits?: number[];
}

export type ToWorker =
  | { type: 'start'; id: string; request: BenchRequest }
  | { type: 'cancel'; id: string }
  /** Measure this device for the planner (src/sim/runtime/probeDevice.ts); answered by `probed` or `error`. */
  | { type: 'probe'; id: string; backend: BackendChoice; options?: ProbeOptions };

/** Sizes of the device probe (defaults per backend when absent; tests make it small). */
export interface ProbeOptions {
  /** Square matmul sizes to try. */
  matmulSizes?: number[];
  /** Elements of each add operand. */
  addElements?: number;
  /** Trials per measurement; the best is kept (default 3). */
  trials?: number;
  /** Seconds each trial aims to last (default 0.15). */
  trialSeconds?: number;
}

export type FromWorker =
  | { type: 'started'; id: string; backend: BackendName; backendReason: string; threads: number; threadsReason: string; scan: ScanImpl; profile: RunProfileSpec; scaledDesign: Design }
  | { type: 'progress'; id: string; seqLen: number; index: number; total: number; phase: 'build' | 'prefill' | 'decode'; etaMs: number | null }
  | { type: 'point'; id: string; point: BenchPoint }
  | { type: 'done'; id: string; result: BenchResult }
  | { type: 'error'; id: string; message: string }
  | { type: 'probed'; id: string; probe: DeviceProbe; backendReason: string };

/**
 * What every block kind provides to the runtime (tfjs): seeded plain-data weights, the tfjs layer built from them,
 * the Float64 reference twin over the same weights, the weights under Hugging Face-style names, and the scan
 * implementations its prefill honours. Each kind's `runtime.ts` exports one of these; `runtimes.ts` is the typed
 * table. This wall imports tfjs; the views never import it.
 */
import type { Design } from '../models/schema';
import type { BackendName, ScanImpl } from '../sim/protocol';
import type { WeightEntry } from '../sim/runtime/params';
import type { Rng } from '../sim/runtime/rng';
import type { RuntimeFfn, RuntimeMixer } from '../sim/runtime/types';
import type { MoeCombine } from './moe/layer';
import type { SharedBlockTensors, SharedBlockWeights } from './shared/layer';

export interface InitContext {
  design: Design;
  dModel: number;
}

export interface BuildContext {
  moeCombine: MoeCombine;
  /** The model's shared-block tensors by id (Zamba). */
  sharedTensors: ReadonlyMap<string, SharedBlockTensors>;
}

export interface RefContext {
  dModel: number;
  /** The original token embeddings (l·d), for blocks that read them (Zamba's shared block). */
  emb: Float64Array;
  sharedWeights: readonly SharedBlockWeights[];
}

/** What a prefill of L tokens holds besides weights and caches, for the run's memory estimate. */
export interface Footprint {
  /** The widest per-token activation row (floats) the block's prefill makes. */
  width: number;
  /** Bytes of attention score blocks alive at once (0 for kinds without them). */
  scoreBytes: number;
  /** Other bytes the block's own prefill holds at once besides `width`-wide rows and scores (attention's per-head copies). */
  extraBytes?: number;
  /** The block's largest single tensor in bytes, when larger than one `width`-wide (b, L, width) row set. */
  largestBytes?: number;
}

export interface FootprintContext {
  design: Design;
  seqLen: number;
  batch: number;
  /** The scan that will run, once known: `simd` and `js` read the scan inputs back and never make (L, di, N) tensors. */
  scan?: ScanImpl;
  /** The backend that will run, once known (MoE gathers each expert's tokens on cpu and wasm). */
  backend?: BackendName;
}

export interface MixerRuntime<C, W> {
  /** Seeded weights (one `Rng` fork per layer is passed in; adding a layer never changes the others' weights). */
  init(m: C, ctx: InitContext, rng: Rng): W;
  /** The tfjs layer; it owns its tensors until `dispose()`. */
  build(w: W, ctx: BuildContext): RuntimeMixer;
  /** Float64 reference of one sequence x (l·d) -> (l·d), every position seeing the whole prefix, no cache. */
  reference(w: W, x: Float64Array, l: number, ctx: RefContext): Float64Array;
  /** Stored tensors under Hugging Face-style names relative to the mixer, torch layout (exporters add prefixes). */
  entries(w: W): WeightEntry[];
  /** Scan implementations its prefill honours; empty when it runs no recurrent scan. */
  readonly scans: readonly ScanImpl[];
  /** Activation width and score bytes of a prefill (src/sim/runtime/bench.ts `estimateRunMemory`). */
  footprint(m: C, ctx: FootprintContext): Footprint;
  /** Recurrent state elements per channel (Mamba's N, Hyena's S); 0 when none. Auto avoids `wgsl` above its limit. */
  statePerChannel(m: C): number;
}

export interface FfnRuntime<C, W> {
  init(f: C, ctx: InitContext, rng: Rng): W;
  build(w: W, ctx: BuildContext): RuntimeFfn;
  /** Float64 reference over `rows` positions of x (rows·d). */
  reference(w: W, x: Float64Array, rows: number): Float64Array;
  entries(w: W): WeightEntry[];
  /** The widest per-token activation row of the FFN (`ctx`: the backend, when known). */
  width(f: C, ctx?: FootprintContext): number;
}

/** Every scan implementation (the recurrent kinds honour them all). */
export const ALL_SCANS = ['naive', 'chunked', 'wgsl', 'js', 'simd'] as const satisfies readonly ScanImpl[];

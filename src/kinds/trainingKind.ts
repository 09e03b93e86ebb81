/**
 * What a block kind provides to the quality lab (src/sim/lab): how its runtime layer trains. Each kind's
 * `training.ts` exports one of these; `trainings.ts` is the typed table (a kind without an entry is a compile error).
 * An entry is data and functions over the kind's plain-data weights (its runtime entry's `W`), no tfjs: the forward is
 * the kind's own `layer.ts`, made trainable by reading every weight through its `BuildContext.tensors` source
 * (`src.tensor(param)`, derived layouts through `Derived`, src/sim/runtime/params.ts).
 *
 * To train a new kind: make its layer read its weights through the tensor source, then add `training.ts` with a
 * `fixture` (the lab's gradient and training tests pick it up: its gradients are checked against central differences
 * of the kind's Float64 reference, and a few steps must lower the loss), the residual `outputParams`, the matrices
 * that get weight decay, the scan family and how the rest of its forward is differentiated. A composite kind (the
 * parallel layer) lists its parts instead: each part is trained by its own kind's entry (init, decay, constraints,
 * gradient path), and the composite adds only what is its own.
 */
import type { DesignInput } from '../models/schema';
import type { ScanImpl } from '../sim/protocol';
import type { ModelWeights } from '../sim/runtime/builder';
import type { Param } from '../sim/runtime/params';

/** A few layers (and shared blocks) that exercise a kind, at width `dModel`, for the lab's tests. */
export type KindFixture = Pick<DesignInput, 'layers'> & Partial<Pick<DesignInput, 'sharedBlocks'>>;

/** Which recurrence a kind scans with, if any (its gradient path then depends on the scan). */
export type ScanFamily = 'selective' | 'ssd' | 'modal' | 'linear';

/** A part of a composite layer: a mixer of a registry kind with its weights (that kind's runtime `W`). */
export interface KindPart {
  kind: string;
  weights: unknown;
}

export interface KindTraining<W> {
  /** Layers exercising this kind in the gradient and training tests. */
  fixture(dModel: number): KindFixture;
  /** The output projection(s) closing the residual branch: initialised N(0, outProjStd) in the lab. */
  outputParams(w: W, model: ModelWeights): Param[];
  /** The projection matrices that get weight decay (gains, biases, A_log, D, dt biases, poles never do). */
  decayed(w: W, model: ModelWeights): Param[];
  /** The recurrence the kind scans with, or null. */
  scan: ScanFamily | null;
  /** How the forward is differentiated apart from any scan, in words (shown with every result). */
  gradient: string;
  /** Projection applied to the weights after each optimiser step (keeps them where the forward is defined). */
  constrain?(w: W): void;
  /** A composite's parts (mixers of other kinds), trained by their own kinds' entries. */
  parts?(w: W): KindPart[];
}

const FAMILY_NAMES: Record<ScanFamily, string> = { selective: 'selective scan', ssd: 'SSD scan', modal: 'modal scan', linear: 'linear-attention scan' };

/**
 * How a scan family is differentiated with a given scan implementation, in words (the lab maps `js` / `simd` to
 * `chunked` off cpu and wasm, src/sim/lab/train.ts `trainingScan`). The selective scan's and the SSD's backward run in
 * WebAssembly SIMD with `simd` (kernels/wasm/simdScanGradKernel.ts); the modal and linear-attention backward kernels
 * are TypeScript loops. Linear attention has no chunked or WGSL form: it trains with its per-token tf ops there.
 */
export function scanGradientPath(family: ScanFamily, scan: ScanImpl): string {
  const what = FAMILY_NAMES[family];
  const simdBackward = family === 'selective' || family === 'ssd' ? 'WebAssembly SIMD' : 'TypeScript';
  switch (scan) {
    case 'simd':
      return `${what}: our WebAssembly SIMD forward kernel with a registered reverse-recurrence backward kernel (${simdBackward})`;
    case 'js':
      return `${what}: JS forward kernel with a registered reverse-recurrence backward kernel (TypeScript)`;
    case 'chunked':
      return family === 'linear' ? `${what}: no chunked form; per-token tf ops (naive), differentiated by tfjs` : `${what}: chunked tf-op form, differentiated by tfjs`;
    case 'naive':
      return `${what}: per-token tf ops, differentiated by tfjs`;
    case 'wgsl':
      return family === 'linear' ? `${what}: no WGSL form; per-token tf ops (naive), differentiated by tfjs` : `${what}: the WGSL program has no backward; not trainable`;
  }
}

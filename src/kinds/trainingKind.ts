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
 * that get weight decay, the scan family and how the rest of its forward is differentiated.
 */
import type { DesignInput } from '../models/schema';
import type { ScanImpl } from '../sim/protocol';
import type { ModelWeights } from '../sim/runtime/builder';
import type { Param } from '../sim/runtime/params';

/** A few layers (and shared blocks) that exercise a kind, at width `dModel`, for the lab's tests. */
export type KindFixture = Pick<DesignInput, 'layers'> & Partial<Pick<DesignInput, 'sharedBlocks'>>;

/** Which recurrence a kind scans with, if any (its gradient path then depends on the scan). */
export type ScanFamily = 'selective' | 'ssd' | 'modal';

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
}

/** How a scan family is differentiated with a given scan implementation, in words. */
export function scanGradientPath(family: ScanFamily, scan: ScanImpl): string {
  const what = family === 'selective' ? 'selective scan' : family === 'ssd' ? 'SSD scan' : 'modal scan';
  switch (scan) {
    case 'simd':
      return `${what}: our WebAssembly SIMD forward kernel with a registered reverse-recurrence backward kernel`;
    case 'js':
      return `${what}: JS forward kernel with a registered reverse-recurrence backward kernel`;
    case 'chunked':
      return `${what}: chunked tf-op form, differentiated by tfjs`;
    case 'naive':
      return `${what}: per-token tf ops, differentiated by tfjs`;
    case 'wgsl':
      return `${what}: the WGSL program has no backward; not trainable`;
  }
}

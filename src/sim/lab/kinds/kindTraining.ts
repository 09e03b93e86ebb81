/**
 * The contract a block kind signs to be trained by the lab: one entry per kind in the typed tables of
 * `trainingSupport.ts` (`satisfies` a mapped type over `MixerKind` / `FfnKind`), so a kind without an entry is a
 * compile error. An entry is pure data and functions over the kind's plain-data weights (no tfjs): the forward itself
 * is the runtime's layer, made trainable by its `TensorSource` (src/sim/runtime/params.ts).
 *
 * To add a kind: write its runtime layer so that it reads every weight through `src.tensor(param)` (derived layouts
 * through `Derived`), then add an entry here with a `fixture` (the gradient-check and training tests pick it up),
 * its residual `outputParams`, the matrices that get weight decay, and how its forward is differentiated.
 */
import type { DesignInput, FfnKind, MixerKind } from '../../../models/schema';
import type { ScanImpl } from '../../protocol';
import type { FfnWeights, MixerWeights, ModelWeights } from '../../runtime/builder';
import type { Param } from '../../runtime/params';

/** A few layers (and shared blocks) that exercise a kind, at width `dModel`, for the tests. */
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

export type MixerWeightsOf<K extends MixerKind> = Extract<MixerWeights, { kind: K }>;
export type FfnWeightsOf<K extends FfnKind> = Extract<FfnWeights, { kind: K }>;

/** The mixer table's type: every mixer kind, each with its own weights. */
export type MixerTrainingTable = { [K in MixerKind]: KindTraining<MixerWeightsOf<K>> };
/** The FFN table's type. */
export type FfnTrainingTable = { [K in FfnKind]: KindTraining<FfnWeightsOf<K>> };

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

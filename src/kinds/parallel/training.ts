/**
 * The parallel layer: how the lab trains it (src/kinds/trainingKind.ts). A composite: each branch is trained by its
 * own kind's entry (its init, weight decay, constraints and gradient path: `parts`); the layer adds the sum, or the
 * per-branch norms (gains, no decay) and the mean.
 */
import type { KindTraining } from '../trainingKind';
import type { ParallelWeights } from './runtime';

export const parallelTraining: KindTraining<ParallelWeights> = {
  fixture: (d) => ({
    layers: [
      // Falcon-H1-like: attention (gated, q/k-normed, partial rotary) ∥ Mamba-2, summed
      {
        mixer: {
          kind: 'parallel',
          combine: 'sum',
          branches: [
            { kind: 'attention', nHeads: 2, nKvHeads: 1, headDim: d / 2, outputGate: true, qkNorm: true, ropeFraction: 0.5 },
            { kind: 'mamba2', dState: 4, headDim: d / 2, nGroups: 1, dConv: 3, expand: 1 },
          ],
        },
        ffn: { kind: 'none' },
      },
      // Hymba-like: MLA ∥ linear attention ∥ Mamba-1, each normed, then averaged
      {
        mixer: {
          kind: 'parallel',
          combine: 'mean-norm',
          branches: [
            { kind: 'mla', nHeads: 1, kvLoraRank: d / 2, qkNopeHeadDim: d / 2, qkRopeHeadDim: 2, vHeadDim: d / 2 },
            { kind: 'linear-attention', nKeyHeads: 1, nValueHeads: 1, keyHeadDim: d / 2, valueHeadDim: d / 2, update: 'delta', decay: 'head', convSize: 2 },
            { kind: 'mamba', dState: 3, dConv: 2, expand: 1 },
          ],
        },
        ffn: { kind: 'none' },
      },
    ],
  }),
  outputParams: () => [],
  decayed: () => [],
  parts: (w) => w.branches.map((b) => ({ kind: b.kind, weights: b.weights })),
  scan: null,
  gradient: 'its branches on the same input (each by its own path, listed under its kind), then the sum or the per-branch norms and mean in tf ops',
};

/**
 * Zamba's shared block: how the lab trains a call site (src/kinds/trainingKind.ts). The shared block's weights are trained once
 * through every call (their gradients add up); each call's own output linear closes its residual branch, else the
 * block's FFN down projection does.
 */
import type { ModelWeights } from '../../sim/runtime/builder';
import type { Param } from '../../sim/runtime/params';
import type { KindTraining } from '../trainingKind';
import { mlpTraining } from '../mlp/training';
import { moeTraining } from '../moe/training';
import type { SharedBlockWeights, SharedCallWeights } from './layer';

function blockOf(w: SharedCallWeights, model: ModelWeights): SharedBlockWeights {
  const b = model.sharedBlocks.find((s) => s.id === w.blockId);
  if (!b) throw new Error(`shared mixer: blockId "${w.blockId}" names no shared block`);
  return b;
}

/** The block FFN's output projections, as its kind's training entry names them. */
function ffnDowns(b: SharedBlockWeights, model: ModelWeights): Param[] {
  return b.ffn.kind === 'mlp' ? mlpTraining.outputParams(b.ffn.weights, model) : moeTraining.outputParams(b.ffn.weights, model);
}

/** The block FFN's decayed matrices, as its kind's training entry names them. */
function ffnMatrices(b: SharedBlockWeights, model: ModelWeights): Param[] {
  return b.ffn.kind === 'mlp' ? mlpTraining.decayed(b.ffn.weights, model) : moeTraining.decayed(b.ffn.weights, model);
}

export const sharedTraining: KindTraining<SharedCallWeights> = {
  fixture: (d) => ({
    sharedBlocks: [
      { id: 'z', attention: { kind: 'attention', nHeads: 2, nKvHeads: 2, headDim: d / 2 }, ffn: { kind: 'mlp', width: 2 * d }, concatEmbedding: true, perCallLinear: true },
      { id: 'y', attention: { kind: 'attention', nHeads: 1, nKvHeads: 1, headDim: d }, ffn: { kind: 'moe', nExperts: 3, topK: 2, expertWidth: d }, concatEmbedding: false, perCallLinear: false },
    ],
    layers: [
      { mixer: { kind: 'shared', blockId: 'z' }, ffn: { kind: 'none' } },
      { mixer: { kind: 'shared', blockId: 'y' }, ffn: { kind: 'none' } },
      { mixer: { kind: 'shared', blockId: 'z' }, ffn: { kind: 'none' } },
    ],
  }),
  outputParams: (w, model) => (w.linear ? [w.linear] : ffnDowns(blockOf(w, model), model)),
  decayed: (w, model) => {
    const b = blockOf(w, model);
    const a = b.attention;
    return [...(w.linear ? [w.linear] : []), a.wq, a.wk, a.wv, a.wo, ...ffnMatrices(b, model)];
  },
  scan: null,
  gradient: 'tf ops (the block attention, norms and FFN), its weights summed over the call sites',
};

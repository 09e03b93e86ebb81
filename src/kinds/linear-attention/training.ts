/** Linear attention: how the lab trains it (src/kinds/trainingKind.ts; scan: linear, scanKernel.ts). */
import type { KindTraining } from '../trainingKind';
import type { LinearAttentionRuntimeWeights } from './runtime';

export const linearAttentionTraining: KindTraining<LinearAttentionRuntimeWeights> = {
  fixture: (d) => ({
    layers: [
      // Gated DeltaNet (Qwen3-Next layout): delta rule, decay per head, conv, SiLU-gated norm, 2 value heads per key head
      { mixer: { kind: 'linear-attention', nKeyHeads: 1, nValueHeads: 2, keyHeadDim: d / 2, valueHeadDim: d / 4, update: 'delta', decay: 'head', convSize: 3, outputGate: 'full', layout: 'qwen3-next' }, ffn: { kind: 'none' } },
      // KDA: decay per key channel (low rank), low-rank sigmoid gate
      { mixer: { kind: 'linear-attention', nKeyHeads: 1, nValueHeads: 1, keyHeadDim: d / 2, valueHeadDim: d / 2, update: 'delta', decay: 'channel', convSize: 2, outputGate: 'lowrank', lowRank: 2, layout: 'kimi' }, ffn: { kind: 'none' } },
      // Lightning (MiniMax): additive, fixed ALiBi decay, no conv, one norm over every head
      { mixer: { kind: 'linear-attention', nKeyHeads: 2, nValueHeads: 2, keyHeadDim: d / 4, valueHeadDim: d / 4, update: 'additive', decay: 'fixed', convSize: 0, outputGate: 'full', layout: 'minimax' }, ffn: { kind: 'none' } },
      // plain linear attention: additive, no decay, no gate, no norm
      { mixer: { kind: 'linear-attention', nKeyHeads: 1, nValueHeads: 1, keyHeadDim: d / 2, valueHeadDim: d / 2, update: 'additive', decay: 'none', convSize: 2, outputGate: 'none', outputNorm: false }, ffn: { kind: 'none' } },
    ],
  }),
  outputParams: (m) => [m.weights.wo],
  decayed: (m) => {
    const w = m.weights;
    return [w.wq, w.wk, w.wv, w.wo, ...[w.wa, w.fa, w.fb, w.wb, w.wg, w.ga, w.gb].filter((p) => p !== null)];
  },
  scan: 'linear',
  gradient: 'projections, the causal depthwise conv, L2 norms, decay, gate and output norm in tf ops (on wasm with our depthwise backprop kernels)',
};

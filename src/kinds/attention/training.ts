/** Attention: how the lab trains it (src/kinds/trainingKind.ts). */
import type { KindTraining } from '../trainingKind';
import type { AttentionWeights } from './layer';

export const attentionTraining: KindTraining<AttentionWeights> = {
  fixture: (d) => ({
    layers: [
      { mixer: { kind: 'attention', nHeads: 2, nKvHeads: 1, headDim: d / 2, positional: 'rope', bias: true }, ffn: { kind: 'none' } },
      { mixer: { kind: 'attention', nHeads: 2, nKvHeads: 2, headDim: d / 2, positional: 'none', slidingWindow: 3 }, ffn: { kind: 'none' } },
      // the options (Qwen3-Next gated attention): output gate, q/k RMSNorm, RoPE on half of each head's dims
      { mixer: { kind: 'attention', nHeads: 2, nKvHeads: 1, headDim: d / 2, positional: 'rope', outputGate: true, qkNorm: true, ropeFraction: 0.5 }, ffn: { kind: 'none' } },
    ],
  }),
  outputParams: (w) => [w.wo],
  decayed: (w) => [w.wq, w.wk, w.wv, w.wo],
  scan: null,
  gradient: 'tf ops (batched matMul, softmax; the output gate and q/k norms with them), differentiated by tfjs',
};

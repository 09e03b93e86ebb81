/** MLA: how the lab trains it (src/kinds/trainingKind.ts). */
import type { KindTraining } from '../trainingKind';
import type { MlaWeights } from './weights';

export const mlaTraining: KindTraining<MlaWeights> = {
  fixture: (d) => ({
    layers: [
      // DeepSeek-V3-like: low-rank query, RoPE on the shared key part
      { mixer: { kind: 'mla', nHeads: 2, kvLoraRank: d / 2, qLoraRank: d / 2, qkNopeHeadDim: d / 2, qkRopeHeadDim: 2, vHeadDim: d / 2 }, ffn: { kind: 'none' } },
      // Kimi Linear-like: plain q_proj, NoPE
      { mixer: { kind: 'mla', nHeads: 1, kvLoraRank: d / 4, qLoraRank: null, qkNopeHeadDim: d / 4, qkRopeHeadDim: 3, vHeadDim: d, positional: 'none' }, ffn: { kind: 'none' } },
    ],
  }),
  outputParams: (w) => [w.oProj],
  decayed: (w) => [w.kvAProj, w.kvBProj, w.oProj, ...[w.qProj, w.qAProj, w.qBProj].filter((p) => p !== null)],
  scan: null,
  gradient: 'tf ops (the latent projections and norms, K/V expanded per head, batched causal attention), differentiated by tfjs',
};

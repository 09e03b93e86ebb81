/** MLA: how it runs (layer.ts: the tfjs layer, naive prefill and absorbed decode; reference.ts: the Float64 twin). */
import type { MixerRuntime } from '../runtimeKind';
import { ATTENTION_TOKEN_TENSORS, attentionScoreBytes } from '../attention/runtime';
import { MLA_QUERY_BLOCK, MlaLayer } from './layer';
import { mlaRef } from './reference';
import { mlaQkHeadDim, type MlaMixer } from './spec';
import { initMlaWeights, mlaDims, mlaEntries, type MlaWeights } from './weights';

export const mlaRuntime: MixerRuntime<MlaMixer, MlaWeights> = {
  init: (m, { dModel }, rng) => initMlaWeights(mlaDims(m, dModel), rng),
  build: (w) => new MlaLayer(w),
  reference: (w, x, l) => mlaRef(w, x, 1, l),
  entries: mlaEntries,
  scans: [],
  /**
   * As attention's (src/kinds/attention/runtime.ts): the prefill keeps every query block's scores, masked scores and
   * softmax inside one tf.tidy (`attentionScoreBytes` with H heads, no window), and about ATTENTION_TOKEN_TENSORS
   * per-token tensors beside them, counted here at the widest MLA row: q or the keys (H·dq) or the expanded K/V
   * (H·(dn + dv)).
   */
  footprint: (m, { seqLen, batch }) => {
    const width = m.nHeads * Math.max(mlaQkHeadDim(m), m.qkNopeHeadDim + m.vHeadDim);
    return {
      width,
      scoreBytes: attentionScoreBytes(batch, m.nHeads, seqLen, null),
      extraBytes: ATTENTION_TOKEN_TENSORS * batch * seqLen * width * 4,
      largestBytes: 4 * batch * m.nHeads * Math.min(seqLen, MLA_QUERY_BLOCK) * seqLen,
    };
  },
  statePerChannel: () => 0,
};

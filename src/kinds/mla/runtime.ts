/** MLA: how it runs (layer.ts: the tfjs layer, naive prefill and absorbed decode; reference.ts: the Float64 twin). */
import type { MixerRuntime } from '../runtimeKind';
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
   * The widest row: q (H·dq), the expanded K/V (H·(dn + dv)) or the keys with k_pe tiled (H·dq); scores as
   * attention's: (b, H, Q, L) blocks ×3 (scores, masked, softmax).
   */
  footprint: (m, { seqLen, batch }) => ({
    width: m.nHeads * Math.max(mlaQkHeadDim(m), m.qkNopeHeadDim + m.vHeadDim),
    scoreBytes: 3 * batch * m.nHeads * Math.min(seqLen, MLA_QUERY_BLOCK) * seqLen * 4,
  }),
  statePerChannel: () => 0,
};

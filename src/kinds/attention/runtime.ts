/** Attention: how it runs (see layer.ts for the tfjs layer and reference.ts for its Float64 twin). */
import { linearEntry, type Param, type WeightEntry } from '../../sim/runtime/params';
import type { Footprint, MixerRuntime } from '../runtimeKind';
import { AttentionLayer, PREFILL_QUERY_BLOCK, attentionDims, initAttentionWeights, type AttentionWeights } from './layer';
import { attentionRef } from './reference';
import type { AttentionMixer } from './spec';

const bias = (name: string, p: Param | null): WeightEntry[] => (p ? [[name, [...p.shape], p.data]] : []);

/** q, k, v, o under HF `modeling_llama.py` names, torch layout, biases when present. */
export function attentionEntries(a: AttentionWeights): WeightEntry[] {
  return [
    linearEntry('q_proj.weight', a.wq),
    ...bias('q_proj.bias', a.bq),
    linearEntry('k_proj.weight', a.wk),
    ...bias('k_proj.bias', a.bk),
    linearEntry('v_proj.weight', a.wv),
    ...bias('v_proj.bias', a.bv),
    linearEntry('o_proj.weight', a.wo),
    ...bias('o_proj.bias', a.bo),
  ];
}

/** Width H·hd, and the (b, H, Q, L) score blocks ×3 (scores, masked, softmax) of the blocked prefill. */
export function attentionFootprint(m: AttentionMixer, seqLen: number, batch: number): Footprint {
  return { width: m.nHeads * m.headDim, scoreBytes: 3 * batch * m.nHeads * Math.min(seqLen, PREFILL_QUERY_BLOCK) * seqLen * 4 };
}

export const attentionRuntime: MixerRuntime<AttentionMixer, AttentionWeights> = {
  init: (m, { dModel }, rng) => initAttentionWeights(attentionDims(m, dModel, dModel), m.bias, rng),
  build: (w) => new AttentionLayer(w),
  reference: (w, x, l) => attentionRef(w, x, 1, l),
  entries: attentionEntries,
  scans: [],
  footprint: (m, ctx) => attentionFootprint(m, ctx.seqLen, ctx.batch),
  statePerChannel: () => 0,
};

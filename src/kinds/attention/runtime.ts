/** Attention: how it runs (see layer.ts for the tfjs layer and reference.ts for its Float64 twin). */
import { linearEntry, type Param, type WeightEntry } from '../../sim/runtime/params';
import type { Footprint, MixerRuntime } from '../runtimeKind';
import { AttentionLayer, PREFILL_QUERY_BLOCK, attentionDims, initAttentionWeights, type AttentionWeights } from './layer';
import { attentionRef } from './reference';
import type { AttentionMixer } from './spec';

const bias = (name: string, p: Param | null | undefined): WeightEntry[] => (p ? [[name, [...p.shape], p.data]] : []);

/**
 * q, k, v, o under HF `modeling_llama.py` names, torch layout, biases when present; q_norm and k_norm [hd] with the
 * q/k norm (HF `modeling_qwen3_next.py`; the gains are w as in Qwen3, not Qwen3-Next's zero-centred w − 1). With the
 * output gate q_proj is [2·H·hd, dIn], per head the query rows then the gate rows, as Qwen3-Next stores it.
 */
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
    ...bias('q_norm.weight', a.qNorm),
    ...bias('k_norm.weight', a.kNorm),
  ];
}

/**
 * Per-token tensors of width H·hd an attention prefill holds beside its score blocks (q, k, v, their head splits and
 * rotary products, the per-head slices of the wasm / cpu path, the block outputs and their concatenation): fitted to
 * measured peaks (`npm run bench -- memory`, docs/benchmarks.md "Run memory").
 */
export const ATTENTION_TOKEN_TENSORS = 40;

/**
 * Bytes of one attention layer's prefill score blocks (layer.ts `attendPrefill`): the queries go in blocks of
 * PREFILL_QUERY_BLOCK rows; each block's scores, masked scores and softmax, (b, H, nq, nk) each, and its mask (nq, nk)
 * are made inside the layer's one tf.tidy, so every block of the layer is alive until the layer ends:
 * 4 (3 b H + 1) x the sum over blocks of nq nk, which grows as L^2 / 2 (as L W with a window W).
 */
export function attentionScoreBytes(batch: number, nHeads: number, seqLen: number, window: number | null): number {
  let cells = 0;
  for (let s = 0; s < seqLen; s += PREFILL_QUERY_BLOCK) {
    const e = Math.min(seqLen, s + PREFILL_QUERY_BLOCK);
    const k0 = window === null ? 0 : Math.max(0, s - window + 1);
    cells += (e - s) * (e - k0);
  }
  return 4 * (3 * batch * nHeads + 1) * cells;
}

/**
 * Per-token tensors of width H·hd the options add to a prefill (not fitted: counted from the ops layer.ts adds): the
 * output gate's q_proj output (2 wide), the gate and its sigmoid, the gated output; q/k norm's square, mean-scaled and
 * gained copies of q and of k.
 */
const GATE_TOKEN_TENSORS = 5;
const QK_NORM_TOKEN_TENSORS = 6;

/**
 * Width H·hd (2·H·hd out of q_proj with the gate); every score block of the prefill (`attentionScoreBytes`) and the
 * per-head copies beside them.
 */
export function attentionFootprint(m: AttentionMixer, seqLen: number, batch: number): Footprint {
  const width = m.nHeads * m.headDim;
  const tensors = ATTENTION_TOKEN_TENSORS + (m.outputGate ? GATE_TOKEN_TENSORS : 0) + (m.qkNorm ? QK_NORM_TOKEN_TENSORS : 0);
  return {
    width: m.outputGate ? 2 * width : width,
    scoreBytes: attentionScoreBytes(batch, m.nHeads, seqLen, m.slidingWindow),
    extraBytes: tensors * batch * seqLen * width * 4,
    largestBytes: 4 * batch * m.nHeads * Math.min(seqLen, PREFILL_QUERY_BLOCK) * seqLen,
  };
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

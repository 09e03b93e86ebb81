/** Zamba's shared block: how a call runs (layer.ts: the shared tensors and the call's mixer; reference.ts). */
import { linearEntry } from '../../sim/runtime/params';
import type { MixerRuntime } from '../runtimeKind';
import { SharedMixer, initSharedCallWeights, type LowRankWeights, type SharedCallWeights } from './layer';
import { sharedRef } from './reference';
import { attentionFootprint } from '../attention/runtime';
import type { SharedRef } from './spec';

export const sharedRuntime: MixerRuntime<SharedRef, SharedCallWeights> = {
  init: (m, { design, dModel }, rng) => {
    const block = design.sharedBlocks.find((b) => b.id === m.blockId);
    if (!block) throw new Error(`shared mixer: blockId "${m.blockId}" names no entry of sharedBlocks`);
    return initSharedCallWeights(block, dModel, rng);
  },
  build: (w, { sharedTensors, moeCombine, tensors }) => {
    const t = sharedTensors.get(w.blockId);
    if (!t) throw new Error(`shared mixer: no tensors for block "${w.blockId}"`);
    return new SharedMixer(t, w, moeCombine, tensors);
  },
  reference: (w, x, l, { dModel, emb, sharedWeights }) => {
    const block = sharedWeights.find((b) => b.id === w.blockId);
    if (!block) throw new Error(`shared mixer: no weights for block "${w.blockId}"`);
    return sharedRef(block, w, x, emb, l, dModel);
  },
  /**
   * The call's own d×d linear (`linear_layers.{j}` in HF `modeling_zamba.py`) and its adapters (HF
   * `modeling_zamba2.py` `*_adapter_list.{j}.0/1`); the block is exported once.
   */
  entries: (w) => {
    const out = w.linear ? [linearEntry('linear.weight', w.linear)] : [];
    const ad = w.adapters;
    if (!ad) return out;
    const pair = (name: string, lr: LowRankWeights | null) => (lr ? [linearEntry(`${name}.0.weight`, lr.a), linearEntry(`${name}.1.weight`, lr.b)] : []);
    return [...out, ...pair('self_attn.linear_q_adapter', ad.q), ...pair('self_attn.linear_k_adapter', ad.k), ...pair('self_attn.linear_v_adapter', ad.v), ...pair('feed_forward.gate_up_proj_adapter', ad.ffn)];
  },
  scans: [],
  /** The 2d concatenated input, the block's FFN width and its attention's score blocks. */
  footprint: (m, ctx) => {
    const block = ctx.design.sharedBlocks.find((b) => b.id === m.blockId);
    if (!block) return { width: 2 * ctx.design.dModel, scoreBytes: 0 };
    const a = attentionFootprint(block.attention, ctx.seqLen, ctx.batch);
    const ffnWidth = block.ffn.kind === 'mlp' ? block.ffn.width : block.ffn.expertWidth;
    return { ...a, width: Math.max(2 * ctx.design.dModel, ffnWidth, a.width) };
  },
  statePerChannel: () => 0,
};

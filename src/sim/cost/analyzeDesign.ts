/**
 * The analytic cost of a full-size design: parameters (total and active), weight bytes, KV-cache bytes per token,
 * recurrent state bytes and FLOPs per token, per layer and in total. Sequence-length dependent figures come from
 * `costPointAt` (see costAt.ts), which reuses this analysis.
 *
 * What is counted:
 * - Parameters follow the reference implementations tensor by tensor (see src/kinds/<kind>/cost.ts for each kind's
 *   source).
 *   Each layer carries one norm (d, or 2d for LayerNorm's weight + bias) per sub-block it has: one before a mixer
 *   (not for `none` or a shared-block call, whose norms belong to the shared block, HF `modeling_zamba.py`) and one
 *   before an FFN that is not `none`. Plus the final norm, the embedding [vocab, d] and the LM head [vocab, d]
 *   unless tied (HF `modeling_llama.py`).
 * - Active parameters: the distinct stored parameters a token touches; an MoE layer touches its router and top-k
 *   experts (HF `modeling_mixtral.py`); the embedding, final norm and LM head are touched by every token. A shared
 *   block counts once in `params.active`; `params.activeWithRepeats` counts it at every call (executed each time).
 * - Weight bytes = total parameters × bytes per element of the weight dtype (every tensor in that dtype).
 * - KV cache per attention layer and per shared-block call: the kind's per-position tensors × bytes × batch: 2 (k and
 *   v) × KVH × hd for attention, never d_model; the latent + rope key (kv_lora_rank + qk_rope_head_dim) for MLA; a
 *   sliding window caps the positions kept.
 * - Recurrent state (constant in L), per sequence: Mamba-1 conv [di, K] + ssm [di, N]; Mamba-2 conv [convDim, K] +
 *   ssm [nh, P, N]; Hyena fir [3d, Ks − 1] + iir [d, S, 2] (complex as two reals); × bytes of the cache dtype × batch.
 * - FLOPs per token: 2 × MACs of every weight matrix and conv tap on the active path, the LM head included (even
 *   when tied); the attention scores and values 2 × 2 × H × hd per position attended (MLA: its absorbed form,
 *   2 × H × (2·kv_lora_rank + qk_rope_head_dim), src/kinds/mla/cost.ts); the recurrent scan
 *   4 × state elements. Elementwise work (norms, activations, gates, softmax, RoPE, biases) is not counted.
 */
import { expandLayers, type Design } from '../../models/schema';
import { sharedBlockCost } from '../../kinds/shared/cost';
import { ffnCost, mixerCost, normTensors, sumParams, type SharedCallSpec } from './blockCosts';
import { BYTES_PER_ELEMENT } from './bytesPerElement';
import type { CostOptions, DesignCost, LayerCost, SharedBlockCost, StateTensorSpec, TensorSpec } from './types';

/** Checks and fills in the options: dtype defaults to the design's, cacheDtype to dtype, batch to 1. */
export function resolveOptions(design: Design, opts: CostOptions = {}): Required<CostOptions> {
  const dtype = opts.dtype ?? design.dtype;
  const cacheDtype = opts.cacheDtype ?? dtype;
  const batch = opts.batch ?? 1;
  if (!Object.hasOwn(BYTES_PER_ELEMENT, dtype)) throw new RangeError(`dtype "${String(dtype)}" is not one of ${Object.keys(BYTES_PER_ELEMENT).join(', ')}`);
  if (!Object.hasOwn(BYTES_PER_ELEMENT, cacheDtype)) throw new RangeError(`cacheDtype "${String(cacheDtype)}" is not one of ${Object.keys(BYTES_PER_ELEMENT).join(', ')}`);
  if (!Number.isInteger(batch) || batch < 1) throw new RangeError(`batch must be a positive integer, got ${batch}`);
  return { dtype, cacheDtype, batch };
}

/** Analyses a validated design once; every per-length figure is then cheap (see `costPointAt`). */
export function analyzeDesign(design: Design, opts: CostOptions = {}): DesignCost {
  const { dtype, cacheDtype, batch } = resolveOptions(design, opts);
  const d = design.dModel;
  const cacheBytes = BYTES_PER_ELEMENT[cacheDtype];

  const sharedSpecs = new Map<string, SharedCallSpec>();
  for (const b of design.sharedBlocks) sharedSpecs.set(b.id, sharedBlockCost(b, d, design.norm));
  const calls = new Map<string, number>();

  const layers: LayerCost[] = expandLayers(design.layers).map((layer, index) => {
    const mixer = mixerCost(layer.mixer, { dModel: d, norm: design.norm, shared: sharedSpecs });
    const ffn = ffnCost(layer.ffn, d);
    const norms: TensorSpec[] = [
      ...(mixer.hasNorm ? normTensors('input_layernorm', d, design.norm) : []),
      ...(layer.ffn.kind !== 'none' ? normTensors('pre_ff_layernorm', d, design.norm) : []),
    ];
    const normParams = sumParams(norms);
    const tensors = [
      ...norms,
      ...mixer.tensors.map((t) => ({ ...t, name: `mixer.${t.name}` })),
      ...ffn.tensors.map((t) => ({ ...t, name: `ffn.${t.name}` })),
    ];
    if (mixer.sharedBlockId !== null) calls.set(mixer.sharedBlockId, (calls.get(mixer.sharedBlockId) ?? 0) + 1);

    const kv = mixer.kv;
    const kvTensors: StateTensorSpec[] = kv ? kv.tensors : [];
    const kvElementsPerToken = kvTensors.reduce((a, t) => a + t.elements, 0);
    const stateElements = mixer.state.reduce((a, s) => a + s.elements, 0);
    return {
      index,
      mixer: layer.mixer.kind,
      ffn: layer.ffn.kind,
      params: normParams + mixer.params + ffn.params,
      activeParams: normParams + mixer.activeParams + ffn.activeParams,
      kvBytesPerToken: kvElementsPerToken * cacheBytes * batch,
      kvWindow: kv ? kv.window : null,
      stateBytes: stateElements * cacheBytes * batch,
      tensors,
      cacheTensors: [...kvTensors, ...mixer.state],
      flopsPerTokenFixed: 2 * (mixer.macsPerToken + ffn.macsPerToken) + mixer.scanFlopsPerToken,
      scanFlopsPerToken: mixer.scanFlopsPerToken,
      attnFlopsPerContextToken: kv ? kv.flopsPerContextToken : 0,
      sharedBlockId: mixer.sharedBlockId,
      kvHeads: kv ? kv.heads : 0,
      tpDims: [...(mixer.tpDims ?? []), ...(ffn.tpDims ?? [])],
      routed: [...(mixer.routed ?? []), ...(ffn.routed ?? [])],
      scanIoElementsPerToken: mixer.scanIoElementsPerToken ?? 0,
      // A mixer with its own norm is one branch; a shared-block call runs the block's attention and FFN branches.
      residualBranches: (mixer.hasNorm ? 1 : 0) + (mixer.sharedBlockId !== null ? 2 : 0) + (layer.ffn.kind !== 'none' ? 1 : 0),
    };
  });

  const sharedBlocks: SharedBlockCost[] = design.sharedBlocks.map((b) => {
    const spec = sharedSpecs.get(b.id)!;
    return { id: b.id, params: spec.cost.params, activeParams: spec.cost.activeParams, calls: calls.get(b.id) ?? 0, tensors: spec.cost.tensors };
  });

  const embedding = design.vocabSize * d;
  const lmHead = design.tiedEmbeddings ? 0 : design.vocabSize * d;
  const finalNorm = sumParams(normTensors('norm', d, design.norm));
  const shared = sharedBlocks.reduce((a, b) => a + b.params, 0);
  const layerParams = layers.reduce((a, l) => a + l.params, 0);
  const layerActive = layers.reduce((a, l) => a + l.activeParams, 0);
  const total = layerParams + shared + embedding + lmHead + finalNorm;
  const activeWithRepeats = layerActive + embedding + lmHead + finalNorm;
  const repeatedShared = sharedBlocks.reduce((a, b) => a + Math.max(0, b.calls - 1) * b.activeParams, 0);

  const kvByWindow = new Map<number | null, { bytesPerToken: number; layers: number }>();
  const flopsByWindow = new Map<number | null, number>();
  for (const l of layers) {
    if (l.kvBytesPerToken > 0) {
      const g = kvByWindow.get(l.kvWindow) ?? { bytesPerToken: 0, layers: 0 };
      kvByWindow.set(l.kvWindow, { bytesPerToken: g.bytesPerToken + l.kvBytesPerToken, layers: g.layers + 1 });
    }
    if (l.attnFlopsPerContextToken > 0) flopsByWindow.set(l.kvWindow, (flopsByWindow.get(l.kvWindow) ?? 0) + l.attnFlopsPerContextToken);
  }

  return {
    name: design.name,
    dModel: d,
    vocabSize: design.vocabSize,
    params: { total, active: activeWithRepeats - repeatedShared, embedding, lmHead, shared, finalNorm, activeWithRepeats },
    layers,
    weightBytes: total * BYTES_PER_ELEMENT[dtype],
    stateBytes: layers.reduce((a, l) => a + l.stateBytes, 0),
    dtype,
    cacheDtype,
    batch,
    kvGroups: [...kvByWindow].map(([window, g]) => ({ window, ...g })),
    attnFlopGroups: [...flopsByWindow].map(([window, flopsPerContextToken]) => ({ window, flopsPerContextToken })),
    // The LM head multiplies by [vocab, d] for every token whether or not it shares the embedding's storage.
    flopsPerTokenFixed: layers.reduce((a, l) => a + l.flopsPerTokenFixed, 0) + 2 * design.vocabSize * d,
    sharedBlocks,
  };
}

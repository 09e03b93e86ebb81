/**
 * Float64 reference twin of builder.ts `RuntimeModel`: the whole model as plain loops over the same plain-data
 * weights, one sequence at a time, no caches (every layer sees the whole sequence). Used by tests only.
 */
import type { LayerWeights, MixerWeights, ModelWeights } from '../builder';
import type { SharedBlockWeights } from '../layers/shared';
import { attentionRef } from './attention';
import { hyenaRef } from './hyena';
import { mambaRef } from './mamba';
import { mamba2Ref } from './mamba2';
import { mlpRef } from './mlp';
import { moeRef } from './moe';
import { normRef } from './norm';
import { linearRef } from './ops';

function sharedRef(block: SharedBlockWeights, linear: LayerWeights['mixer'] & { kind: 'shared' }, x: Float64Array, emb: Float64Array, l: number, d: number): Float64Array {
  let u = x;
  if (block.concatEmbedding) {
    u = new Float64Array(l * 2 * d);
    for (let t = 0; t < l; t++) {
      u.set(x.subarray(t * d, (t + 1) * d), t * 2 * d);
      u.set(emb.subarray(t * d, (t + 1) * d), t * 2 * d + d);
    }
  }
  const dIn = block.concatEmbedding ? 2 * d : d;
  const a = attentionRef(block.attention, normRef(block.inputNorm, u, dIn), 1, l);
  const h = normRef(block.preFfNorm, a, d);
  const f = block.ffn.kind === 'mlp' ? mlpRef(block.ffn.weights, h, l) : moeRef(block.ffn.weights, h, l);
  return linear.weights.linear ? linearRef(f, l, linear.weights.linear) : f;
}

function mixerRef(m: MixerWeights, w: ModelWeights, x: Float64Array, emb: Float64Array, l: number, d: number): Float64Array {
  switch (m.kind) {
    case 'attention':
      return attentionRef(m.weights, x, 1, l);
    case 'mamba':
      return mambaRef(m.weights, m.mixer, m.dModel, x, l).y;
    case 'mamba2':
      return mamba2Ref(m.weights, m.mixer, m.dModel, x, l).y;
    case 'hyena':
      return hyenaRef(m.weights, m.mixer, m.dModel, x, l).y;
    case 'shared': {
      const block = w.sharedBlocks.find((b) => b.id === m.weights.blockId)!;
      return sharedRef(block, m, x, emb, l, d);
    }
    case 'none':
      return new Float64Array(x.length);
  }
}

/**
 * The final-normed hidden states (l·d) of one sequence of token ids; `extra` adds a second embedding row per position
 * (the lab's stacked MQAR), as `RuntimeModel.hiddenStates` does.
 */
export function referenceHiddenStates(w: ModelWeights, tokens: readonly number[], extra: readonly number[] | null = null): Float64Array {
  const d = w.design.dModel;
  const l = tokens.length;
  const emb = new Float64Array(l * d);
  tokens.forEach((id, t) => emb.set(w.embedding.table.data.subarray(id * d, (id + 1) * d), t * d));
  if (extra) extra.forEach((id, t) => {
    for (let i = 0; i < d; i++) emb[t * d + i]! += w.embedding.table.data[id * d + i]!;
  });
  const x = Float64Array.from(emb);
  for (const lw of w.layers) {
    if (lw.mixer.kind !== 'none') {
      const input = lw.mixerNorm ? normRef(lw.mixerNorm, x, d) : x;
      const y = mixerRef(lw.mixer, w, input, emb, l, d);
      for (let i = 0; i < x.length; i++) x[i]! += y[i]!;
    }
    if (lw.ffn.kind !== 'none') {
      const h = normRef(lw.ffnNorm!, x, d);
      const y = lw.ffn.kind === 'mlp' ? mlpRef(lw.ffn.weights, h, l) : moeRef(lw.ffn.weights, h, l);
      for (let i = 0; i < x.length; i++) x[i]! += y[i]!;
    }
  }
  return normRef(w.finalNorm, x, d);
}

/** Logits (V) of the last position of one sequence of token ids. */
export function referenceLogits(w: ModelWeights, tokens: readonly number[]): Float64Array {
  const d = w.design.dModel;
  const l = tokens.length;
  const last = referenceHiddenStates(w, tokens).subarray((l - 1) * d);
  const V = w.design.vocabSize;
  const logits = new Float64Array(V);
  for (let v = 0; v < V; v++) {
    let s = 0;
    for (let i = 0; i < d; i++) s += last[i]! * (w.embedding.lmHead ? w.embedding.lmHead.data[i * V + v]! : w.embedding.table.data[v * d + i]!);
    logits[v] = s;
  }
  return logits;
}

/**
 * Float64 reference twin of builder.ts `RuntimeModel`: the whole model as plain loops over the same plain-data
 * weights, one sequence at a time, no caches (every layer sees the whole sequence). Each kind's own reference comes
 * from its runtime entry (src/kinds/runtimes.ts). Used by tests only.
 */
import type { ModelWeights } from '../builder';
import { ffnRuntime, mixerRuntime } from '../../../kinds/runtimes';
import type { RefContext } from '../../../kinds/runtimeKind';
import { normRef } from './norm';

/** Logits (V) of the last position of one sequence of token ids. */
export function referenceLogits(w: ModelWeights, tokens: readonly number[]): Float64Array {
  const d = w.design.dModel;
  const l = tokens.length;
  const emb = new Float64Array(l * d);
  tokens.forEach((id, t) => emb.set(w.embedding.table.data.subarray(id * d, (id + 1) * d), t * d));
  const ctx: RefContext = { dModel: d, emb, sharedWeights: w.sharedBlocks };
  const x = Float64Array.from(emb);
  for (const lw of w.layers) {
    if (lw.mixer.kind !== 'none') {
      const input = lw.mixerNorm ? normRef(lw.mixerNorm, x, d) : x;
      const y = mixerRuntime(lw.mixer.kind).reference(lw.mixer.weights, input, l, ctx);
      for (let i = 0; i < x.length; i++) x[i]! += y[i]!;
    }
    if (lw.ffn.kind !== 'none') {
      const h = normRef(lw.ffnNorm!, x, d);
      const y = ffnRuntime(lw.ffn.kind).reference(lw.ffn.weights, h, l);
      for (let i = 0; i < x.length; i++) x[i]! += y[i]!;
    }
  }
  const last = normRef(w.finalNorm, x.subarray((l - 1) * d), d);
  const V = w.design.vocabSize;
  const logits = new Float64Array(V);
  for (let v = 0; v < V; v++) {
    let s = 0;
    for (let i = 0; i < d; i++) s += last[i]! * (w.embedding.lmHead ? w.embedding.lmHead.data[i * V + v]! : w.embedding.table.data[v * d + i]!);
    logits[v] = s;
  }
  return logits;
}

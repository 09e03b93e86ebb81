/**
 * Float64 reference of one call of a Zamba shared block (HF `modeling_zamba.py`): u = concat(x, emb) when
 * `concatEmbedding`, a = attention(input_layernorm(u)), t = ffn(pre_ff_layernorm(a)), y = linear_i(t).
 */
import { normRef } from '../../sim/runtime/reference/norm';
import { linearRef } from '../../sim/runtime/reference/ops';
import { attentionRef } from '../attention/reference';
import { mlpRef } from '../mlp/reference';
import { moeRef } from '../moe/reference';
import { callBlockWeights, type SharedBlockWeights, type SharedCallWeights } from './layer';

/** One call; a call with adapters (Zamba2) runs the block's weights with its A B merged in (layer.ts `callBlockWeights`). */
export function sharedRef(stored: SharedBlockWeights, call: SharedCallWeights, x: Float64Array, emb: Float64Array, l: number, d: number): Float64Array {
  const block = callBlockWeights(stored, call);
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
  return call.linear ? linearRef(f, l, call.linear) : f;
}

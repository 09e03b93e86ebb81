/**
 * Test support for the state-space layers (used by mamba/mamba2/hyena tests): runs a tfjs mixer and its Float64
 * reference twin on the same fresh random input and reports norm-wise relative errors, for prefill (outputs and final
 * state) and for prefill-then-decode against one full forward. Reads back with `await data()` (webgpu has no
 * synchronous readback of device tensors).
 */
import * as tf from '@tensorflow/tfjs';
import type { ScanImpl } from '../../protocol';
import type { Rng } from '../rng';
import { relError } from '../testBackend';
import type { ForwardContext, RuntimeMixer } from '../types';

/** A reference run over one sequence: outputs (l·d) and the final state tensors in the cache's order, one sequence each. */
export type RefRun = (x: Float64Array, l: number) => { y: Float64Array; state: Float64Array[] };

/** Refuses an all-zero reference: comparing zeros with zeros would pass without testing anything. */
function nonTrivial(a: ArrayLike<number>, what: string): ArrayLike<number> {
  for (let i = 0; i < a.length; i++) if (a[i] !== 0) return a;
  throw new Error(`${what} is all zeros: the comparison would prove nothing`);
}

function ctxFor(scan: ScanImpl): ForwardContext {
  return { backend: tf.getBackend() as ForwardContext['backend'], scan };
}

/** Element bi of a (b, ...) array with `per` elements per batch entry. */
function batchItem(a: ArrayLike<number>, bi: number, per: number): number[] {
  return Array.from(a).slice(bi * per, (bi + 1) * per);
}

/** Prefill of b random sequences of length l vs the reference: worst relative error of y and of each state tensor. */
export async function prefillErrors(layer: RuntimeMixer, ref: RefRun, d: number, l: number, b: number, scan: ScanImpl, rng: Rng): Promise<{ y: number; state: number[]; shapes: number[][] }> {
  const x = rng.normals(b * l * d);
  const cache = layer.createCache(b, l);
  if (!cache) throw new Error('state layers always keep a cache');
  const xt = tf.tensor3d(x, [b, l, d]);
  const y = layer.prefill(xt, cache, ctxFor(scan));
  const yData = nonTrivial(await y.data(), 'prefill output');
  const held = cache.tensors();
  const stateData = await Promise.all(held.map((t) => t.data()));
  let yErr = 0;
  const stErr = held.map(() => 0);
  for (let bi = 0; bi < b; bi++) {
    const r = ref(Float64Array.from(x.subarray(bi * l * d, (bi + 1) * l * d)), l);
    yErr = Math.max(yErr, relError(batchItem(yData, bi, l * d), r.y));
    r.state.forEach((s, i) => {
      stErr[i] = Math.max(stErr[i]!, relError(batchItem(stateData[i]!, bi, s.length), s));
    });
  }
  const shapes = held.map((t) => [...t.shape]);
  tf.dispose([xt, y]);
  cache.dispose();
  return { y: yErr, state: stErr, shapes };
}

/**
 * Prefill of the first `split` tokens, then decode of the rest one token at a time, vs one full prefill of all l:
 * relative error of the concatenated outputs and of the final states.
 */
export async function decodeErrors(layer: RuntimeMixer, d: number, l: number, split: number, b: number, scan: ScanImpl, rng: Rng): Promise<{ y: number; state: number }> {
  const x = rng.normals(b * l * d);
  const ctx = ctxFor(scan);
  const full = layer.createCache(b, l)!;
  const xt = tf.tensor3d(x, [b, l, d]);
  const yFull = layer.prefill(xt, full, ctx);
  const fullY = nonTrivial(await yFull.data(), 'full forward output');
  const fullState = await Promise.all(full.tensors().map(async (t) => Array.from(await t.data())));
  const inc = layer.createCache(b, l)!;
  const parts: tf.Tensor3D[] = [];
  const head = tf.slice(xt, [0, 0, 0], [b, split, d]);
  parts.push(layer.prefill(head, inc, ctx));
  head.dispose();
  for (let t = split; t < l; t++) {
    const xs = tf.slice(xt, [0, t, 0], [b, 1, d]);
    parts.push(layer.decode(xs, inc, t, ctx));
    xs.dispose();
  }
  const cat = tf.concat(parts, 1);
  const yErr = relError(await cat.data(), fullY);
  const incState = await Promise.all(inc.tensors().map(async (t) => Array.from(await t.data())));
  const sErr = Math.max(...incState.map((s, i) => relError(s, fullState[i]!)));
  tf.dispose([xt, yFull, cat, ...parts]);
  full.dispose();
  inc.dispose();
  return { y: yErr, state: sErr };
}

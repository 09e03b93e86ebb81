/**
 * The textbook selective scan as per-token tfjs ops (state-spaces `selective_scan_ref`'s loop). Kept on purpose: it
 * issues about a dozen kernels per token, so users can see what dispatch cost does to a sequential scan. Each token's
 * inputs are picked with `gather` (one small copy per input; `slice` would copy the whole tensor on wasm), and each
 * step runs in its own `tf.tidy` so only the running state outlives it.
 */
import * as tf from '@tensorflow/tfjs';
import type { SelectiveScanInput, SelectiveScanOutput } from './selectiveScanTypes';

/**
 * Broadcasts x (same rank, dims 1 or equal) to `shape` by multiplying with a small tensor of ones: `broadcastTo`
 * runs Tile, which is very slow on wasm.
 */
export function expandTo(x: tf.Tensor, shape: number[]): tf.Tensor {
  const ones = shape.map((n, i) => (x.shape[i] === 1 ? n : 1));
  return ones.every((n) => n === 1) ? x : tf.mul(x, tf.ones(ones));
}

/** (b, G, N) -> a tensor that broadcasts against (b, C, N): channel c uses group floor(c / (C / G)). */
export function groupsToChannels(x: tf.Tensor, channels: number): tf.Tensor {
  const shape = x.shape;
  const G = shape[shape.length - 2]!;
  const N = shape[shape.length - 1]!;
  const lead = shape.slice(0, -2);
  if (G === 1) return x;
  const perGroup = channels / G;
  return tf.reshape(expandTo(tf.reshape(x, [...lead, G, 1, N]), [...lead, G, perGroup, N]), [...lead, channels, N]);
}

/** Runs the scan token by token. */
export function selectiveScanNaive(inp: SelectiveScanInput): SelectiveScanOutput {
  const [b, l, C] = inp.u.shape;
  const N = inp.A.shape[1];
  const timeMajor = tf.tidy(() => ({
    u: tf.transpose(inp.u, [1, 0, 2]), // (l, b, C)
    delta: tf.transpose(inp.delta, [1, 0, 2]), // (l, b, C)
    B: tf.transpose(inp.B, [1, 0, 2, 3]), // (l, b, G, N)
    C: tf.transpose(inp.C, [1, 0, 2, 3]), // (l, b, G, N)
    A: tf.expandDims(inp.A, 0), // (1, C, N)
  }));
  let h: tf.Tensor = inp.h0 ? tf.clone(inp.h0) : tf.zeros([b, C, N]);
  const ys: tf.Tensor[] = [];
  try {
    for (let t = 0; t < l; t++) {
      const next = tf.tidy(() => {
        const idx = tf.tensor1d([t], 'int32');
        const u = tf.reshape(tf.gather(timeMajor.u, idx), [b, C, 1]);
        const dt = tf.reshape(tf.gather(timeMajor.delta, idx), [b, C, 1]);
        const Bt = groupsToChannels(tf.squeeze(tf.gather(timeMajor.B, idx), [0]), C); // (b, C|1, N)
        const Ct = groupsToChannels(tf.squeeze(tf.gather(timeMajor.C, idx), [0]), C);
        const dA = tf.exp(tf.mul(dt, timeMajor.A)); // (b, C, N)
        const hNew = tf.add(tf.mul(dA, h), tf.mul(tf.mul(dt, u), Bt));
        return { h: hNew, y: tf.sum(tf.mul(hNew, Ct), 2) }; // y: (b, C)
      });
      h.dispose();
      h = next.h;
      ys.push(next.y);
    }
    const y = l > 0 ? (tf.stack(ys, 1) as tf.Tensor3D) : tf.zeros([b, 0, C]) as tf.Tensor3D;
    return { y, state: h as tf.Tensor3D };
  } catch (e) {
    h.dispose();
    throw e;
  } finally {
    for (const y of ys) y.dispose();
    for (const v of Object.values(timeMajor)) v.dispose();
  }
}

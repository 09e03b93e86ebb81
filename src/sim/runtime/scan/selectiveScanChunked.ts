/**
 * Chunked selective scan in tfjs ops: a log-space chunked form of the Mamba-1 recurrence, applied recursively to the
 * chunk states, so the number of kernels grows as log_8(l) (4 levels at l = 1024, 5 at 8192), not as l.
 *
 * Within a chunk of Q tokens, with S_t = Σ_{τ≤t} a_τ (a = Δ·A ≤ 0, cumulative log-decay):
 *   h_t = exp(S_t)·h_start + Σ_{τ≤t} exp(S_t − S_τ)·v_τ = exp(S_t − M)·cumsum_τ(exp(M − S_τ)·v_τ) + exp(S_t)·h_start,
 * with v = Δ·B·u and M = S_last / 2 (the chunk's mid log-decay). tfjs-notes: exp(−cumsum) overflows float32 for
 * chunks beyond about 32 tokens; here each per-step log-decay is clamped at −16 (a decay below e^−16 ≈ 1.1e−7 per step
 * is kept as e^−16, an absolute change of at most 1.1e−7·|h|) and Q = 8, so |S_t − M| ≤ 64 and exp stays finite.
 * The chunk-end states obey the same recurrence over chunks (decay exp(S_last), input the chunk's local end state):
 * they are solved by the same routine, one level up, until one chunk remains.
 */
import * as tf from '@tensorflow/tfjs';
import { expandTo } from './selectiveScanNaive';
import type { SelectiveScanInput, SelectiveScanOutput } from './selectiveScanTypes';

/** Tokens per chunk at every level. */
export const SELECTIVE_CHUNK = 8;
/** Per-step log-decay floor: |S − M| ≤ SELECTIVE_CHUNK · LOG_DECAY_FLOOR / 2 = 64, far from float32's exp limit (88). */
export const LOG_DECAY_FLOOR = 16;

/** How many recursion levels the chunked scan uses for l tokens (for the docs and the benchmark). */
export function selectiveChunkLevels(l: number): number {
  let levels = 1;
  for (let t = Math.ceil(l / SELECTIVE_CHUNK); t > 1; t = Math.ceil(t / SELECTIVE_CHUNK)) levels++;
  return levels;
}

/**
 * Every state of the diagonal recurrence h_t = exp(a_t)·h_{t−1} + v_t, time on the last axis (cumsum along the last
 * axis is fast on every backend; along another axis tfjs transposes). a, v: (b, K, T); h0: (b, K) or null.
 * Returns all states (b, K, T) and the state after the last token (b, K). Call inside tf.tidy.
 */
function scanLevel(a: tf.Tensor3D, v: tf.Tensor3D, h0: tf.Tensor2D | null): { all: tf.Tensor3D; last: tf.Tensor2D } {
  const [b, K, T] = a.shape;
  const Q = SELECTIVE_CHUNK;
  const nc = Math.ceil(T / Q);
  const pad = nc * Q - T;
  // Padding at the end with a = 0, v = 0 leaves the state unchanged.
  const ap = pad ? tf.pad(a, [[0, 0], [0, 0], [0, pad]]) : a;
  const vp = pad ? tf.pad(v, [[0, 0], [0, 0], [0, pad]]) : v;
  const a4 = tf.reshape(tf.clipByValue(ap, -LOG_DECAY_FLOOR, 0), [b, K, nc, Q]);
  const v4 = tf.reshape(vp, [b, K, nc, Q]);
  const S = tf.cumsum(a4, 3); // (b, K, nc, Q)
  const sLast = tf.sum(a4, 3, true); // (b, K, nc, 1)
  const M = tf.mul(sLast, 0.5);
  const E = tf.exp(tf.sub(S, M)); // exp(S − M), the one large exp
  const W = tf.div(v4, E); // exp(M − S)·v
  const local = tf.mul(E, tf.cumsum(W, 3)); // zero-start state within each chunk
  const expM = tf.exp(M); // (b, K, nc, 1)
  // End of each chunk from a zero start: exp(S_last − M)·Σ W = exp(M)·Σ W, since S_last − M = M.
  const endLocal = tf.reshape(tf.mul(expM, tf.sum(W, 3, true)), [b, K, nc]) as tf.Tensor3D;
  let start: tf.Tensor; // (b, K, nc, 1): state entering each chunk
  let last: tf.Tensor2D;
  if (nc === 1) {
    start = h0 ? tf.reshape(h0, [b, K, 1, 1]) : tf.zeros([b, K, 1, 1]);
    last = tf.reshape(tf.add(endLocal, tf.mul(tf.reshape(tf.exp(sLast), [b, K, 1]), tf.reshape(start, [b, K, 1]))), [b, K]) as tf.Tensor2D;
  } else {
    const up = scanLevel(tf.reshape(sLast, [b, K, nc]) as tf.Tensor3D, endLocal, h0); // state after each chunk
    const first = h0 ? tf.reshape(h0, [b, K, 1]) : tf.zeros([b, K, 1]);
    start = tf.reshape(tf.concat([first, tf.slice(up.all, [0, 0, 0], [b, K, nc - 1])], 2), [b, K, nc, 1]);
    last = up.last;
  }
  // h = local + exp(S)·start, with exp(S) = exp(S − M)·exp(M).
  const h = tf.add(local, tf.mul(E, tf.mul(expM, start)));
  const flat = tf.reshape(h, [b, K, nc * Q]);
  return { all: (pad ? tf.slice(flat, [0, 0, 0], [b, K, T]) : flat) as tf.Tensor3D, last };
}

/**
 * Tokens per block: longer inputs are scanned block after block, carrying the state, so the (b, C·N, block) tensors
 * (about ten alive at once) stay near 10·4·C·N·block bytes (168 MB for C·N = 4096) instead of growing with l.
 */
export const SELECTIVE_BLOCK = 1024;

/**
 * The selective scan with O(log l) large ops per block of `block` tokens (one block up to SELECTIVE_BLOCK tokens,
 * so the kernel count grows only as log_8 l there, and by one block's worth per further SELECTIVE_BLOCK tokens).
 */
export function selectiveScanChunked(inp: SelectiveScanInput, block = SELECTIVE_BLOCK): SelectiveScanOutput {
  const [b, l] = inp.u.shape;
  if (l <= block) return selectiveScanBlock(inp);
  const ys: tf.Tensor3D[] = [];
  let h: tf.Tensor3D | null = inp.h0;
  try {
    for (let t0 = 0; t0 < l; t0 += block) {
      const n = Math.min(block, l - t0);
      const part = tf.tidy(() => {
        const cut = <T extends tf.Tensor>(x: T): T => tf.slice(x, [0, t0, ...x.shape.slice(2).map(() => 0)], [b, n, ...x.shape.slice(2)]) as T;
        return { u: cut(inp.u), delta: cut(inp.delta), B: cut(inp.B), C: cut(inp.C) };
      });
      const out = selectiveScanBlock({ ...part, A: inp.A, h0: h });
      tf.dispose([part.u, part.delta, part.B, part.C]);
      if (h && h !== inp.h0) h.dispose();
      h = out.state;
      ys.push(out.y);
    }
    const y = tf.concat(ys, 1);
    return { y, state: h! };
  } catch (e) {
    if (h && h !== inp.h0) h.dispose();
    throw e;
  } finally {
    tf.dispose(ys);
  }
}

/** One block: every state from the recursive chunked form, then y = Σ_n C·h. */
function selectiveScanBlock(inp: SelectiveScanInput): SelectiveScanOutput {
  return tf.tidy(() => {
    const [b, l, C] = inp.u.shape;
    const [, , G, N] = inp.B.shape;
    if (l === 0) return { y: tf.zeros([b, 0, C]) as tf.Tensor3D, state: (inp.h0 ? tf.clone(inp.h0) : tf.zeros([b, C, N])) as tf.Tensor3D };
    // Time last: (b, C, 1, l) and (b, G, N, l) are small transposes; the (b, C, N, l) tensors are built by broadcasting.
    const dtT = tf.reshape(tf.transpose(inp.delta, [0, 2, 1]), [b, C, 1, l]);
    const duT = tf.mul(dtT, tf.reshape(tf.transpose(inp.u, [0, 2, 1]), [b, C, 1, l]));
    const groupsLast = (t: tf.Tensor4D) => {
      const g = tf.transpose(t, [0, 2, 3, 1]); // (b, G, N, l)
      return G === 1 ? g : tf.reshape(expandTo(tf.reshape(g, [b, G, 1, N, l]), [b, G, C / G, N, l]), [b, C, N, l]);
    };
    const a = tf.reshape(tf.mul(dtT, tf.reshape(inp.A, [C, N, 1])), [b, C * N, l]) as tf.Tensor3D; // Δ·A
    const v = tf.reshape(tf.mul(duT, groupsLast(inp.B)), [b, C * N, l]) as tf.Tensor3D; // Δ·B·u
    const { all, last } = scanLevel(a, v, inp.h0 ? (tf.reshape(inp.h0, [b, C * N]) as tf.Tensor2D) : null);
    const yT = tf.sum(tf.mul(tf.reshape(all, [b, C, N, l]), groupsLast(inp.C)), 2); // (b, C, l)
    return { y: tf.transpose(yT, [0, 2, 1]) as tf.Tensor3D, state: tf.reshape(last, [b, C, N]) as tf.Tensor3D };
  });
}

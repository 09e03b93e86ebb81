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
import { groupsToChannels } from './selectiveScanNaive';
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
 * Every state of the diagonal recurrence h_t = exp(a_t)·h_{t−1} + v_t. a, v: (b, T, K); h0: (b, K) or null.
 * Returns (b, T, K). Call inside tf.tidy.
 */
function scanLevel(a: tf.Tensor3D, v: tf.Tensor3D, h0: tf.Tensor2D | null): tf.Tensor3D {
  const [b, T, K] = a.shape;
  const Q = SELECTIVE_CHUNK;
  const nc = Math.ceil(T / Q);
  const pad = nc * Q - T;
  // Padding at the end with a = 0, v = 0 leaves the state unchanged.
  const ap = pad ? tf.pad(a, [[0, 0], [0, pad], [0, 0]]) : a;
  const vp = pad ? tf.pad(v, [[0, 0], [0, pad], [0, 0]]) : v;
  const a4 = tf.reshape(tf.clipByValue(ap, -LOG_DECAY_FLOOR, 0), [b, nc, Q, K]);
  const v4 = tf.reshape(vp, [b, nc, Q, K]);
  const S = tf.cumsum(a4, 2); // (b, nc, Q, K)
  const sLast = tf.slice(S, [0, 0, Q - 1, 0], [b, nc, 1, K]); // (b, nc, 1, K)
  const M = tf.mul(sLast, 0.5);
  const local = tf.mul(tf.exp(tf.sub(S, M)), tf.cumsum(tf.mul(tf.exp(tf.sub(M, S)), v4), 2)); // (b, nc, Q, K)
  let h: tf.Tensor;
  if (nc === 1) {
    h = h0 ? tf.add(local, tf.mul(tf.exp(S), tf.reshape(h0, [b, 1, 1, K]))) : local;
  } else {
    const endLocal = tf.reshape(tf.slice(local, [0, 0, Q - 1, 0], [b, nc, 1, K]), [b, nc, K]) as tf.Tensor3D;
    const ends = scanLevel(tf.reshape(sLast, [b, nc, K]) as tf.Tensor3D, endLocal, h0); // state after each chunk
    const start = h0 ? tf.reshape(h0, [b, 1, K]) : tf.zeros([b, 1, K]);
    const prev = tf.concat([start, tf.slice(ends, [0, 0, 0], [b, nc - 1, K])], 1); // state before each chunk
    h = tf.add(local, tf.mul(tf.exp(S), tf.reshape(prev, [b, nc, 1, K])));
  }
  const flat = tf.reshape(h, [b, nc * Q, K]);
  return (pad ? tf.slice(flat, [0, 0, 0], [b, T, K]) : flat) as tf.Tensor3D;
}

/** The selective scan with O(log l) large ops. */
export function selectiveScanChunked(inp: SelectiveScanInput): SelectiveScanOutput {
  return tf.tidy(() => {
    const [b, l, C] = inp.u.shape;
    const N = inp.A.shape[1];
    if (l === 0) return { y: tf.zeros([b, 0, C]) as tf.Tensor3D, state: (inp.h0 ? tf.clone(inp.h0) : tf.zeros([b, C, N])) as tf.Tensor3D };
    const dt = tf.reshape(inp.delta, [b, l, C, 1]);
    const a = tf.reshape(tf.mul(dt, inp.A), [b, l, C * N]) as tf.Tensor3D; // Δ·A (b, l, C·N)
    const Bc = groupsToChannels(inp.B, C); // (b, l, C|1, N)
    const v = tf.reshape(tf.mul(tf.mul(dt, tf.reshape(inp.u, [b, l, C, 1])), Bc), [b, l, C * N]) as tf.Tensor3D; // Δ·B·u
    const h = scanLevel(a, v, inp.h0 ? tf.reshape(inp.h0, [b, C * N]) : null); // (b, l, C·N)
    const y = tf.sum(tf.mul(tf.reshape(h, [b, l, C, N]), groupsToChannels(inp.C, C)), 3) as tf.Tensor3D;
    const state = tf.reshape(tf.slice(h, [0, l - 1, 0], [b, 1, C * N]), [b, C, N]) as tf.Tensor3D;
    return { y, state };
  });
}

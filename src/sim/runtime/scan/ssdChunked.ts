/**
 * Mamba-2's SSD in chunked matmul form (Dao & Gu 2024; state-spaces `ssd_minimal.py` `ssd_minimal_discrete`), with
 * batched `matMul` instead of einsum (no einsum kernel on wasm, tfjs-notes) and explicit broadcasts (batched matMul
 * broadcasts by modulo over the flattened batch). About 60 kernels whatever l is.
 *
 * Per head h (group g = h / (nh / ng)), scalar decay a_t = Δ_t·A_h: the intra-chunk part is (C Bᵀ ∘ exp(segsum a)) X,
 * chunk states are Bᵀ diag(exp(a_last − cumsum a)) X, the states pass between chunks through exp(segsum) of the
 * chunk totals (a small (nc+1)² matrix per head), and each chunk reads its incoming state through C·exp(cumsum a).
 * `segsum` is the stable masked-cumsum form of `ssd_minimal.py` (no difference of large cumulative sums).
 *
 * Glossary: b batch, l tokens, nh heads, P headDim, ng groups, N dState, Q chunk, nc chunks.
 */
import * as tf from '@tensorflow/tfjs';

export interface SsdInput {
  /** (b, l, nh, P). */
  x: tf.Tensor4D;
  /** (b, l, nh) Δ after softplus. */
  dt: tf.Tensor3D;
  /** (nh) A = -exp(A_log). */
  A: tf.Tensor1D;
  /** (b, l, ng, N). */
  B: tf.Tensor4D;
  /** (b, l, ng, N). */
  C: tf.Tensor4D;
  /** (b, nh, P, N) or null. */
  h0: tf.Tensor4D | null;
}

export interface SsdOutput {
  /** (b, l, nh, P), without the D skip. */
  y: tf.Tensor4D;
  /** (b, nh, P, N). */
  state: tf.Tensor4D;
}

/**
 * segsum over the last axis: (..., T) -> (..., T, T), out[i, j] = Σ_{j<k≤i} x_k for j ≤ i, −∞ above the diagonal.
 * Built transposed ([j, k] = x_k for k > j, then a cumsum along the last axis, which is fast on every backend) and
 * with broadcast multiplies and adds instead of `where` + `broadcastTo` (Tile is very slow on wasm).
 */
function segsum(x: tf.Tensor): tf.Tensor {
  const T = x.shape[x.rank - 1]!;
  const row = tf.range(0, T, 1, 'int32');
  const a = tf.reshape(row, [T, 1]);
  const b = tf.reshape(row, [1, T]);
  const strictT = tf.cast(tf.greater(b, a), 'float32'); // [j, k]: k > j
  const upperInf = tf.where(tf.greaterEqual(a, b), tf.zeros([T, T]), tf.fill([T, T], -Infinity)); // [i, j]: 0 if i ≥ j
  const csT = tf.cumsum(tf.mul(tf.expandDims(x, -2), strictT), x.rank); // [j, i] = Σ_{j<k≤i} x_k
  const perm = [...Array(x.rank - 1).keys(), x.rank, x.rank - 1];
  return tf.add(tf.transpose(csT, perm), upperInf);
}

/** (b, ng, ...rest) -> (b, nh, ...rest), each group repeated for its heads. */
function groupsToHeads(x: tf.Tensor, nh: number): tf.Tensor {
  const [b, ng, ...rest] = x.shape as number[];
  if (ng === nh) return x;
  const hpg = nh / ng!;
  // A broadcast multiply by ones instead of broadcastTo: Tile is very slow on wasm.
  return tf.reshape(tf.mul(tf.reshape(x, [b!, ng!, 1, ...rest]), tf.ones([1, 1, hpg, ...rest.map(() => 1)])), [b!, nh, ...rest]);
}

/**
 * Largest chunk the runtime uses: the chunk length changes only the cost, never the result (as `chunk_size` in
 * mamba_ssm), and the intra-chunk work grows with Q (l·Q per head) while the inter-chunk part stays small.
 */
export const SSD_MAX_CHUNK = 64;

/** Runs the SSD for all l tokens with chunk length min(chunkSize, SSD_MAX_CHUNK, next power of two ≥ l). */
export function ssdChunked(inp: SsdInput, chunkSize: number): SsdOutput {
  return tf.tidy(() => {
    const [b, l, nh, P] = inp.x.shape;
    const [, , ng, N] = inp.B.shape;
    if (l === 0) return { y: tf.zeros([b, 0, nh, P]) as tf.Tensor4D, state: (inp.h0 ? tf.clone(inp.h0) : tf.zeros([b, nh, P, N])) as tf.Tensor4D };
    const Q = Math.max(1, Math.min(chunkSize, SSD_MAX_CHUNK, 2 ** Math.ceil(Math.log2(l))));
    const nc = Math.ceil(l / Q);
    const pad = nc * Q - l;
    const padL = <T extends tf.Tensor>(t: T): T => (pad ? (tf.pad(t, [[0, 0], [0, pad], ...t.shape.slice(2).map(() => [0, 0] as [number, number])]) as T) : t);
    // Padded tokens have Δ = 0: no decay, no input, so the final state is unchanged.
    const dt = padL(inp.dt);
    const x = padL(inp.x);
    const Bp = padL(inp.B);
    const Cp = padL(inp.C);
    const a = tf.transpose(tf.reshape(tf.mul(dt, inp.A), [b, nc, Q, nh]), [0, 3, 1, 2]); // (b, nh, nc, Q)
    const aCum = tf.cumsum(a, 3); // (b, nh, nc, Q)
    const X = tf.transpose(tf.reshape(tf.mul(x, tf.expandDims(dt, 3)), [b, nc, Q, nh, P]), [0, 3, 1, 2, 4]); // (b, nh, nc, Q, P)
    const Bg = tf.transpose(tf.reshape(Bp, [b, nc, Q, ng, N]), [0, 3, 1, 2, 4]); // (b, ng, nc, Q, N)
    const Cg = tf.transpose(tf.reshape(Cp, [b, nc, Q, ng, N]), [0, 3, 1, 2, 4]); // (b, ng, nc, Q, N)
    // 1. intra-chunk (diagonal blocks)
    const CB = tf.reshape(tf.matMul(tf.reshape(Cg, [b * ng * nc, Q, N]), tf.reshape(Bg, [b * ng * nc, Q, N]), false, true), [b, ng, nc, Q, Q]);
    const Lmat = tf.exp(segsum(a)); // (b, nh, nc, Q, Q)
    const M = tf.mul(groupsToHeads(CB, nh), Lmat);
    const yDiag = tf.reshape(tf.matMul(tf.reshape(M, [b * nh * nc, Q, Q]), tf.reshape(X, [b * nh * nc, Q, P])), [b, nh, nc, Q, P]);
    // 2. each chunk's end state from a zero start
    const aLast = tf.slice(aCum, [0, 0, 0, Q - 1], [b, nh, nc, 1]); // (b, nh, nc, 1)
    const decayStates = tf.exp(tf.sub(aLast, aCum)); // (b, nh, nc, Q)
    const Bh = tf.reshape(groupsToHeads(Bg, nh), [b * nh * nc, Q, N]);
    const Ch = tf.reshape(groupsToHeads(Cg, nh), [b * nh * nc, Q, N]);
    const Xdec = tf.reshape(tf.mul(X, tf.expandDims(decayStates, 4)), [b * nh * nc, Q, P]);
    const states = tf.reshape(tf.matMul(Xdec, Bh, true, false), [b, nh, nc, P * N]); // (b, nh, nc, P·N)
    // 3. pass states between chunks
    const init = inp.h0 ? tf.reshape(inp.h0, [b, nh, 1, P * N]) : tf.zeros([b, nh, 1, P * N]);
    const all = tf.concat([init, states], 2); // (b, nh, nc+1, P·N)
    const chunkA = tf.pad(tf.reshape(aLast, [b, nh, nc]), [[0, 0], [0, 0], [1, 0]]); // (b, nh, nc+1)
    const decayChunk = tf.exp(segsum(chunkA)); // (b, nh, nc+1, nc+1)
    const passed = tf.reshape(tf.matMul(tf.reshape(decayChunk, [b * nh, nc + 1, nc + 1]), tf.reshape(all, [b * nh, nc + 1, P * N])), [b, nh, nc + 1, P * N]);
    const prev = tf.slice(passed, [0, 0, 0, 0], [b, nh, nc, P * N]); // state entering each chunk
    const final = tf.reshape(tf.slice(passed, [0, 0, nc, 0], [b, nh, 1, P * N]), [b, nh, P, N]) as tf.Tensor4D;
    // 4. each chunk's output from its incoming state
    const yOffRaw = tf.reshape(tf.matMul(Ch, tf.reshape(prev, [b * nh * nc, P, N]), false, true), [b, nh, nc, Q, P]);
    const yOff = tf.mul(yOffRaw, tf.expandDims(tf.exp(aCum), 4));
    const Y = tf.reshape(tf.transpose(tf.add(yDiag, yOff), [0, 2, 3, 1, 4]), [b, nc * Q, nh, P]);
    const y = (pad ? tf.slice(Y, [0, 0, 0, 0], [b, l, nh, P]) : Y) as tf.Tensor4D;
    return { y, state: final };
  });
}

/**
 * The modal scan of StripedHyena's long filter (`engine.py` step_iir / prefill_via_direct_recurrence):
 * s_t = p·s_{t−1} + x_t (complex, per channel and pole), y_t = Re Σ_s R·s_t; the causal convolution of x with
 * h[t] = Re Σ_s R p^t. Never tfjs FFT (O(N²) on webgpu/webgl, missing on wasm: tfjs-notes).
 *
 * - `modalScanNaive`: the recurrence token by token in tf ops (dispatch cost made visible).
 * - `modalScanChunked`: the filter is time-invariant, so within a chunk of Q tokens the output is a Toeplitz matmul
 *   (Q×Q per channel, entries h[i−j]); each chunk's end state is a matmul with the powers p^{Q−1−τ}; the states enter
 *   the following chunks through an (nc+1)² lower-triangular matrix of p^{Q·(k−j)} per channel and pole (a complex
 *   matmul); each chunk reads its incoming state through Re(R·p^{j+1}). Q ≈ √l, so both matrices hold about d·l
 *   (and d·S·l) numbers. Only non-negative powers of |p| < 1 appear: nothing overflows.
 *
 * Glossary: b batch, l tokens, d channels, S poles per channel, Q chunk, nc chunks.
 */
import * as tf from '@tensorflow/tfjs';
import type { ModalScanInput, ModalScanOutput } from './selectiveScanTypes';

/** The recurrence token by token; each step in its own tidy. */
export function modalScanNaive(inp: ModalScanInput): ModalScanOutput {
  const [b, l, d] = inp.x.shape;
  const S = inp.polesRe.shape[1];
  const xT = tf.transpose(inp.x, [1, 0, 2]); // (l, b, d)
  let sr: tf.Tensor = inp.stateRe ? tf.clone(inp.stateRe) : tf.zeros([b, d, S]);
  let si: tf.Tensor = inp.stateIm ? tf.clone(inp.stateIm) : tf.zeros([b, d, S]);
  const ys: tf.Tensor[] = [];
  try {
    for (let t = 0; t < l; t++) {
      const next = tf.tidy(() => {
        const xt = tf.reshape(tf.gather(xT, tf.tensor1d([t], 'int32')), [b, d, 1]);
        const nr = tf.add(tf.sub(tf.mul(inp.polesRe, sr), tf.mul(inp.polesIm, si)), xt);
        const ni = tf.add(tf.mul(inp.polesRe, si), tf.mul(inp.polesIm, sr));
        const y = tf.sum(tf.sub(tf.mul(inp.residuesRe, nr), tf.mul(inp.residuesIm, ni)), 2); // (b, d)
        return { nr, ni, y };
      });
      sr.dispose();
      si.dispose();
      sr = next.nr;
      si = next.ni;
      ys.push(next.y);
    }
    const y = (l > 0 ? tf.stack(ys, 1) : tf.zeros([b, 0, d])) as tf.Tensor3D;
    return { y, stateRe: sr as tf.Tensor3D, stateIm: si as tf.Tensor3D };
  } catch (e) {
    sr.dispose();
    si.dispose();
    throw e;
  } finally {
    for (const y of ys) y.dispose();
    xT.dispose();
  }
}

/** Chunk length for l tokens: a power of two near √l (1 for l = 1). */
export function modalChunk(l: number): number {
  return Math.max(1, 2 ** Math.round(Math.log2(Math.sqrt(Math.max(l, 1)))));
}

/** The modal scan with a fixed number of large ops (about 50) whatever l is. */
export function modalScanChunked(inp: ModalScanInput): ModalScanOutput {
  return tf.tidy(() => {
    const [b, l, d] = inp.x.shape;
    const S = inp.polesRe.shape[1];
    if (l === 0) {
      return {
        y: tf.zeros([b, 0, d]) as tf.Tensor3D,
        stateRe: (inp.stateRe ? tf.clone(inp.stateRe) : tf.zeros([b, d, S])) as tf.Tensor3D,
        stateIm: (inp.stateIm ? tf.clone(inp.stateIm) : tf.zeros([b, d, S])) as tf.Tensor3D,
      };
    }
    const Q = modalChunk(l);
    const nc = Math.ceil(l / Q);
    const pad = nc * Q - l;
    // Padding the end with zeros: outputs there are dropped, but the state keeps turning, so the final state is
    // read at the real last token, not at the padded end (see `last` below).
    const x = pad ? tf.pad(inp.x, [[0, 0], [0, pad], [0, 0]]) : inp.x;
    const logMod = tf.mul(tf.log(tf.add(tf.square(inp.polesRe), tf.square(inp.polesIm))), 0.5); // (d, S)
    const ang = tf.atan2(inp.polesIm, inp.polesRe); // (d, S)
    // p^k for k = 0..Q: (d, S, Q+1)
    const k = tf.range(0, Q + 1, 1, 'float32');
    const mag = tf.exp(tf.mul(tf.expandDims(logMod, 2), k));
    const th = tf.mul(tf.expandDims(ang, 2), k);
    const pkRe = tf.mul(mag, tf.cos(th));
    const pkIm = tf.mul(mag, tf.sin(th));
    const rRe = tf.expandDims(inp.residuesRe, 2);
    const rIm = tf.expandDims(inp.residuesIm, 2);
    // R·p^k: (d, S, Q+1)
    const rpRe = tf.sub(tf.mul(rRe, pkRe), tf.mul(rIm, pkIm));
    const rpIm = tf.add(tf.mul(rRe, pkIm), tf.mul(rIm, pkRe));
    // 1. intra-chunk Toeplitz T[i, j] = h[i − j] (i ≥ j), h[k] = Re Σ_s R p^k
    const h = tf.sum(tf.slice(rpRe, [0, 0, 0], [d, S, Q]), 1); // (d, Q)
    const qi = tf.reshape(tf.range(0, Q, 1, 'int32'), [Q, 1]);
    const qj = tf.reshape(tf.range(0, Q, 1, 'int32'), [1, Q]);
    const lag = tf.reshape(tf.maximum(tf.sub(qi, qj), tf.scalar(0, 'int32')), [Q * Q]);
    const lower = tf.cast(tf.greaterEqual(qi, qj), 'float32'); // (Q, Q)
    const T = tf.mul(tf.reshape(tf.gather(h, lag, 1), [d, Q, Q]), lower); // (d, Q, Q)
    const X = tf.reshape(tf.transpose(tf.reshape(x, [b, nc, Q, d]), [3, 2, 0, 1]), [d, Q, b * nc]); // (d, Q, b·nc)
    const yIntra = tf.matMul(T, X); // (d, Q, b·nc)
    // 2. chunk end states from zero: Σ_τ p^{Q−1−τ} x_τ; rows [re; im] -> (d, 2S, b·nc)
    const pEnd = tf.concat([tf.reverse(tf.slice(pkRe, [0, 0, 0], [d, S, Q]), 2), tf.reverse(tf.slice(pkIm, [0, 0, 0], [d, S, Q]), 2)], 1);
    const ends = tf.reshape(tf.matMul(pEnd, X), [d, 2, S, b, nc]);
    // 3. states entering chunk k (k = 0..nc): H_k = Σ_{j≤k} p^{Q(k−j)} E_j, E_0 = initial state, E_{j+1} = end_j
    const init = (t: tf.Tensor3D | null) => (t ? tf.reshape(tf.transpose(t, [1, 2, 0]), [d, S, b, 1]) : tf.zeros([d, S, b, 1]));
    const eRe = tf.transpose(tf.concat([init(inp.stateRe), tf.reshape(tf.slice(ends, [0, 0, 0, 0, 0], [d, 1, S, b, nc]), [d, S, b, nc])], 3), [0, 1, 3, 2]); // (d, S, nc+1, b)
    const eIm = tf.transpose(tf.concat([init(inp.stateIm), tf.reshape(tf.slice(ends, [0, 1, 0, 0, 0], [d, 1, S, b, nc]), [d, S, b, nc])], 3), [0, 1, 3, 2]);
    const ci = tf.reshape(tf.range(0, nc + 1, 1, 'int32'), [nc + 1, 1]);
    const cj = tf.reshape(tf.range(0, nc + 1, 1, 'int32'), [1, nc + 1]);
    const steps = tf.mul(tf.cast(tf.maximum(tf.sub(ci, cj), tf.scalar(0, 'int32')), 'float32'), Q); // (nc+1, nc+1)
    const cLower = tf.cast(tf.greaterEqual(ci, cj), 'float32');
    const gMag = tf.mul(tf.exp(tf.mul(tf.reshape(logMod, [d, S, 1, 1]), steps)), cLower);
    const gTh = tf.mul(tf.reshape(ang, [d, S, 1, 1]), steps);
    const gRe = tf.reshape(tf.mul(gMag, tf.cos(gTh)), [d * S, nc + 1, nc + 1]);
    const gIm = tf.reshape(tf.mul(gMag, tf.sin(gTh)), [d * S, nc + 1, nc + 1]);
    const er = tf.reshape(eRe, [d * S, nc + 1, b]);
    const ei = tf.reshape(eIm, [d * S, nc + 1, b]);
    const hRe = tf.reshape(tf.sub(tf.matMul(gRe, er), tf.matMul(gIm, ei)), [d, S, nc + 1, b]);
    const hIm = tf.reshape(tf.add(tf.matMul(gRe, ei), tf.matMul(gIm, er)), [d, S, nc + 1, b]);
    // 4. each chunk reads its incoming state: y_off[j] = Σ_s Re(R p^{j+1})·Hre − Im(R p^{j+1})·Him
    const wOut = tf.transpose(tf.concat([tf.slice(rpRe, [0, 0, 1], [d, S, Q]), tf.neg(tf.slice(rpIm, [0, 0, 1], [d, S, Q]))], 1), [0, 2, 1]); // (d, Q, 2S)
    const hIn = tf.concat([tf.slice(hRe, [0, 0, 0, 0], [d, S, nc, b]), tf.slice(hIm, [0, 0, 0, 0], [d, S, nc, b])], 1); // (d, 2S, nc, b)
    const hInCols = tf.reshape(tf.transpose(hIn, [0, 1, 3, 2]), [d, 2 * S, b * nc]);
    const yAll = tf.add(yIntra, tf.matMul(wOut, hInCols)); // (d, Q, b·nc)
    const Y = tf.reshape(tf.transpose(tf.reshape(yAll, [d, Q, b, nc]), [2, 3, 1, 0]), [b, nc * Q, d]);
    const y = (pad ? tf.slice(Y, [0, 0, 0], [b, l, d]) : Y) as tf.Tensor3D;
    if (!pad) {
      const fin = (t: tf.Tensor) => tf.transpose(tf.reshape(tf.slice(t, [0, 0, nc, 0], [d, S, 1, b]), [d, S, b]), [2, 0, 1]) as tf.Tensor3D;
      return { y, stateRe: fin(hRe), stateIm: fin(hIm) };
    }
    // The last chunk holds q = Q − pad real tokens: state = p^q·H_{nc−1} + Σ_{τ<q} p^{q−1−τ} x_τ.
    const q = Q - pad;
    const last = tf.slice(x, [0, (nc - 1) * Q, 0], [b, q, d]); // (b, q, d)
    const pqRe = tf.slice(pkRe, [0, 0, q], [d, S, 1]);
    const pqIm = tf.slice(pkIm, [0, 0, q], [d, S, 1]);
    const hPrevRe = tf.slice(hRe, [0, 0, nc - 1, 0], [d, S, 1, b]);
    const hPrevIm = tf.slice(hIm, [0, 0, nc - 1, 0], [d, S, 1, b]);
    const pr = tf.reshape(hPrevRe, [d, S, b]);
    const pi = tf.reshape(hPrevIm, [d, S, b]);
    const lastCols = tf.transpose(last, [2, 1, 0]); // (d, q, b)
    const powRe = tf.reverse(tf.slice(pkRe, [0, 0, 0], [d, S, q]), 2); // p^{q−1−τ}
    const powIm = tf.reverse(tf.slice(pkIm, [0, 0, 0], [d, S, q]), 2);
    const sRe = tf.add(tf.sub(tf.mul(pqRe, pr), tf.mul(pqIm, pi)), tf.matMul(powRe, lastCols));
    const sIm = tf.add(tf.add(tf.mul(pqRe, pi), tf.mul(pqIm, pr)), tf.matMul(powIm, lastCols));
    return { y, stateRe: tf.transpose(sRe, [2, 0, 1]) as tf.Tensor3D, stateIm: tf.transpose(sIm, [2, 0, 1]) as tf.Tensor3D };
  });
}

/**
 * The selective-scan problem shared by Mamba-1 and Mamba-2 (state-spaces `selective_scan_ref`), and its result.
 *
 * Glossary: b = batch, l = tokens, C = channels (Mamba-1: dInner; Mamba-2: nHeads·headDim), N = dState, G = groups
 * of channels sharing B and C (Mamba-1: 1; Mamba-2: nGroups; channel c belongs to group floor(c / (C / G))).
 * Per channel c and state n: h_t = exp(Δ_t·A_{c,n})·h_{t-1} + Δ_t·B_{t,g,n}·u_t; y_t = Σ_n C_{t,g,n}·h_t.
 * The D skip and the gate are applied by the layer, not here.
 */
import type * as tf from '@tensorflow/tfjs';

export interface SelectiveScanInput {
  /** (b, l, C) input after the conv and SiLU. */
  u: tf.Tensor3D;
  /** (b, l, C) step sizes Δ, already through softplus (> 0). */
  delta: tf.Tensor3D;
  /** (C, N) state matrix A = -exp(A_log) (< 0). */
  A: tf.Tensor2D;
  /** (b, l, G, N). */
  B: tf.Tensor4D;
  /** (b, l, G, N). */
  C: tf.Tensor4D;
  /** (b, C, N) state before the first token; null = zeros. */
  h0: tf.Tensor3D | null;
}

export interface SelectiveScanOutput {
  /** (b, l, C). */
  y: tf.Tensor3D;
  /** (b, C, N) state after the last token. */
  state: tf.Tensor3D;
}

/**
 * The modal (diagonal complex, linear time-invariant) scan of StripedHyena's long filter (`engine.py` step_iir):
 * s_t = p·s_{t-1} + x_t per channel c and pole s (complex s, real x), y_t = Re Σ_s R_{c,s}·s_t. Equals the causal
 * convolution of x with h[t] = Re Σ_s R p^t. The D skip and the gate are applied by the layer.
 */
export interface ModalScanInput {
  /** (b, l, d) real input (x1·v in StripedHyena). */
  x: tf.Tensor3D;
  /** (d, S) poles, real and imaginary parts, |p| < 1. */
  polesRe: tf.Tensor2D;
  polesIm: tf.Tensor2D;
  /** (d, S) residues. */
  residuesRe: tf.Tensor2D;
  residuesIm: tf.Tensor2D;
  /** (b, d, S) state before the first token; null = zeros. */
  stateRe: tf.Tensor3D | null;
  stateIm: tf.Tensor3D | null;
}

export interface ModalScanOutput {
  /** (b, l, d). */
  y: tf.Tensor3D;
  /** (b, d, S) state after the last token. */
  stateRe: tf.Tensor3D;
  stateIm: tf.Tensor3D;
}

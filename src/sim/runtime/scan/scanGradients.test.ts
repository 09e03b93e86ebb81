import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ScanImpl } from '../../protocol';
import { registerTrainingKernels } from '../kernels/trainingKernels';
import { Rng } from '../rng';
import { relError, useTestBackend } from '../testBackend';
import { runModalScan, runSelectiveScan, runSsd } from './runScan';
import { modalScanRef, selectiveScanRef } from './scanRef';
import { selectiveScanBackward } from './scanBackward';
import { selectiveScanBackwardSimd } from './scanSimd';

/**
 * Gradients of every scan that can train (the registered `js` and `simd` kernels with their reverse-recurrence
 * backward, and the `chunked` tf-op forms) against central differences of the Float64 references, for the loss
 * L = Σ r ⊙ y + Σ q ⊙ final state, on a few entries of every input.
 */
const IMPLS: ScanImpl[] = ['js', 'simd', 'chunked'];
const EPS = 1e-5;

type Inputs = Record<string, { data: Float32Array; shape: number[] }>;

/** tf gradients of L with respect to every input, read back. */
async function tfGrads(inputs: Inputs, f: (t: Record<string, tf.Tensor>) => tf.Tensor[], weights: Float32Array[]): Promise<Record<string, Float32Array>> {
  const names = Object.keys(inputs);
  const ts = names.map((n) => tf.tensor(inputs[n]!.data, inputs[n]!.shape));
  const gs = tf.tidy(() =>
    tf.grads((...xs: tf.Tensor[]) => {
      const outs = f(Object.fromEntries(names.map((n, i) => [n, xs[i]!])));
      return tf.addN(outs.map((o, i) => tf.sum(tf.mul(o, tf.tensor(weights[i]!, o.shape)))));
    })(ts),
  );
  const out: Record<string, Float32Array> = {};
  for (let i = 0; i < names.length; i++) out[names[i]!] = (await gs[i]!.data()) as Float32Array;
  tf.dispose([...ts, ...gs]);
  return out;
}

/** Checks sampled entries of every input's tf gradient against central differences of `ref`. */
async function check(inputs: Inputs, f: (t: Record<string, tf.Tensor>) => tf.Tensor[], ref: (a: Record<string, Float64Array>) => Float64Array[], rng: Rng): Promise<number> {
  const outs = ref(Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, Float64Array.from(v.data)])));
  const weights = outs.map((o) => rng.normals(o.length));
  const loss = (a: Record<string, Float64Array>) => ref(a).reduce((s, o, i) => s + o.reduce((t, v, j) => t + v * weights[i]![j]!, 0), 0);
  const g = await tfGrads(inputs, f, weights);
  let worst = 0;
  for (const [name, v] of Object.entries(inputs)) {
    const at = Array.from({ length: 6 }, () => Math.floor(rng.next() * v.data.length));
    const fd = at.map((i) => {
      const a = Object.fromEntries(Object.entries(inputs).map(([k, w]) => [k, Float64Array.from(w.data)]));
      a[name]![i]! += EPS;
      const up = loss(a);
      a[name]![i]! -= 2 * EPS;
      return (up - loss(a)) / (2 * EPS);
    });
    const e = relError(at.map((i) => g[name]![i]!), fd);
    expect(e, `${name}`).toBeLessThan(2e-3);
    worst = Math.max(worst, e);
  }
  return worst;
}

describe.each(['cpu', 'wasm'] as const)('scan gradients on %s', (backend) => {
  let baseline = 0;
  beforeAll(async () => {
    await useTestBackend(backend);
    registerTrainingKernels();
  });
  afterEach(() => expect(tf.memory().numTensors).toBe(baseline));

  describe.each(IMPLS)('%s', (impl) => {
    it.each([1, 2])('selective scan (groups %i): u, delta, A, B and C', async (G) => {
      baseline = tf.memory().numTensors;
      const rng = new Rng(10 + G);
      const b = 2, l = 9, C = 4, N = 3;
      const inputs: Inputs = {
        u: { data: rng.normals(b * l * C), shape: [b, l, C] },
        delta: { data: rng.uniforms(b * l * C, 0.05, 0.8), shape: [b, l, C] },
        A: { data: rng.uniforms(C * N, -2, -0.2), shape: [C, N] },
        B: { data: rng.normals(b * l * G * N), shape: [b, l, G, N] },
        C: { data: rng.normals(b * l * G * N), shape: [b, l, G, N] },
      };
      await check(
        inputs,
        (t) => {
          const o = runSelectiveScan(impl, { u: t.u as tf.Tensor3D, delta: t.delta as tf.Tensor3D, A: t.A as tf.Tensor2D, B: t.B as tf.Tensor4D, C: t.C as tf.Tensor4D, h0: null });
          return [o.y, o.state];
        },
        (a) => {
          const r = selectiveScanRef({ b, l, C, N, G }, a.u!, a.delta!, a.A!, a.B!, a.C!, null);
          return [r.y, r.state];
        },
        rng,
      );
    });

    it('Mamba-2 SSD (2 groups of 2 heads): x, dt, A, B and C', async () => {
      baseline = tf.memory().numTensors;
      const rng = new Rng(20);
      const b = 2, l = 9, nh = 4, P = 2, ng = 2, N = 3;
      const inputs: Inputs = {
        x: { data: rng.normals(b * l * nh * P), shape: [b, l, nh, P] },
        dt: { data: rng.uniforms(b * l * nh, 0.05, 0.8), shape: [b, l, nh] },
        A: { data: rng.uniforms(nh, -2, -0.2), shape: [nh] },
        B: { data: rng.normals(b * l * ng * N), shape: [b, l, ng, N] },
        C: { data: rng.normals(b * l * ng * N), shape: [b, l, ng, N] },
      };
      // The SSD is the selective scan over nh·P channels with Δ and A shared by the P channels of a head.
      const ref = (a: Record<string, Float64Array>) => {
        const Cch = nh * P;
        const delta = new Float64Array(b * l * Cch).map((_, i) => a.dt![Math.floor(i / Cch) * nh + Math.floor((i % Cch) / P)]!);
        const A = new Float64Array(Cch * N).map((_, i) => a.A![Math.floor(Math.floor(i / N) / P)]!);
        const r = selectiveScanRef({ b, l, C: Cch, N, G: ng }, a.x!, delta, A, a.B!, a.C!, null);
        return [r.y, r.state];
      };
      await check(
        inputs,
        (t) => {
          const o = runSsd(impl, { x: t.x as tf.Tensor4D, dt: t.dt as tf.Tensor3D, A: t.A as tf.Tensor1D, B: t.B as tf.Tensor4D, C: t.C as tf.Tensor4D, h0: null }, 4);
          return [o.y, o.state];
        },
        ref,
        rng,
      );
    });

    it('Hyena modal scan: x, poles and residues (real and imaginary parts)', async () => {
      baseline = tf.memory().numTensors;
      const rng = new Rng(30);
      const b = 2, l = 9, d = 3, S = 2;
      const mod = rng.uniforms(d * S, 0.5, 0.95);
      const ang = rng.uniforms(d * S, 0.1, 3);
      const inputs: Inputs = {
        x: { data: rng.normals(b * l * d), shape: [b, l, d] },
        polesRe: { data: mod.map((m, i) => m * Math.cos(ang[i]!)), shape: [d, S] },
        polesIm: { data: mod.map((m, i) => m * Math.sin(ang[i]!)), shape: [d, S] },
        residuesRe: { data: rng.normals(d * S), shape: [d, S] },
        residuesIm: { data: rng.normals(d * S), shape: [d, S] },
      };
      await check(
        inputs,
        (t) => {
          const o = runModalScan(impl, {
            x: t.x as tf.Tensor3D,
            polesRe: t.polesRe as tf.Tensor2D,
            polesIm: t.polesIm as tf.Tensor2D,
            residuesRe: t.residuesRe as tf.Tensor2D,
            residuesIm: t.residuesIm as tf.Tensor2D,
            stateRe: null,
            stateIm: null,
          });
          return [o.y, o.stateRe, o.stateIm];
        },
        (a) => {
          const r = modalScanRef({ b, l, d, S }, a.x!, a.polesRe!, a.polesIm!, a.residuesRe!, a.residuesIm!, null, null);
          return [r.y, r.stateRe, r.stateIm];
        },
        rng,
      );
    });
  });
});

describe('the SIMD selective-scan backward at wide states', () => {
  it.each([
    [2, 11, 3, 20, 1], // several vectors, unrolled
    [1, 7, 2, 132, 2], // wider than the unrolled limit: the kernel keeps its loop
    [3, 40, 4, 16, 2],
  ])('b=%i l=%i C=%i N=%i G=%i equals the JS backward (itself checked against central differences above)', (b, l, C, N, G) => {
    const rng = new Rng(l * 7 + N);
    const dims = { b, l, C, G, N };
    const a = {
      u: rng.normals(b * l * C),
      delta: rng.uniforms(b * l * C, 0.01, 1.2),
      A: rng.uniforms(C * N, -3, -0.1),
      B: rng.normals(b * l * G * N),
      C: rng.normals(b * l * G * N),
      h0: null,
    };
    const dy = rng.normals(b * l * C);
    const dState = rng.normals(b * C * N);
    const js = selectiveScanBackward(dims, a, dy, dState);
    const simd = selectiveScanBackwardSimd(dims, a, dy, dState);
    for (const k of ['du', 'ddelta', 'dA', 'dB', 'dC'] as const) expect(relError(simd[k], js[k]), k).toBeLessThan(1e-5);
  });
});

import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../rng';
import { relError, useTestBackend } from '../testBackend';
import { modalScanRef, selectiveScanRef } from './scanRef';
import { modalScanSimd, selectiveScanSimd, simdScanAvailable, ssdSimd } from './scanSimd';
import { releaseSimdScanMemory, simdScanMemory } from '../kernels/wasm/simdScanKernels';

// The shared scan tests (scan.test.ts) run `simd` at small odd widths (padding paths). These run it at the widths the
// kernels vectorise without padding, at lengths that span several memory layouts, and probe the in-kernel exp.
const TOL = 1e-4;

describe('simd scans (WebAssembly SIMD kernels)', () => {
  beforeAll(async () => {
    await useTestBackend('wasm');
  });

  it('is available in Node', () => {
    expect(simdScanAvailable()).toBe(true);
  });

  it.each([
    [1, 1, 16, 16, 1],
    [1, 257, 32, 16, 1],
    [2, 100, 24, 8, 2],
    [1, 1024, 8, 4, 1],
    [1, 70, 12, 24, 2], // wider than REGISTER_MAX_FLOATS: the state stays in memory, the loop is unrolled
    [1, 40, 8, 132, 1], // wider than UNROLL_MAX_FLOATS: the kernel keeps its loop
  ])('selective scan b=%i l=%i C=%i N=%i G=%i matches the reference', (b, l, C, N, G) => {
    const start = tf.memory().numTensors;
    const rng = new Rng(l * 31 + C);
    const u = rng.normals(b * l * C);
    const delta = rng.uniforms(b * l * C, 1e-3, 1.5);
    const A = new Float32Array(C * N).map(() => -Math.exp(rng.uniform(-1, Math.log(24))));
    const B = rng.normals(b * l * G * N);
    const Cm = rng.normals(b * l * G * N);
    const h0 = rng.normals(b * C * N);
    const ref = selectiveScanRef({ b, l, C, N, G }, u, delta, A, B, Cm, h0);
    const t = [tf.tensor3d(u, [b, l, C]), tf.tensor3d(delta, [b, l, C]), tf.tensor2d(A, [C, N]), tf.tensor4d(B, [b, l, G, N]), tf.tensor4d(Cm, [b, l, G, N]), tf.tensor3d(h0, [b, C, N])] as const;
    const out = selectiveScanSimd({ u: t[0], delta: t[1], A: t[2], B: t[3], C: t[4], h0: t[5] });
    expect(relError(out.y.dataSync(), ref.y)).toBeLessThan(TOL);
    expect(relError(out.state.dataSync(), ref.state)).toBeLessThan(TOL);
    tf.dispose([out.y, out.state, ...t]);
    expect(tf.memory().numTensors).toBe(start);
  });

  it('computes exp(Δ·A) to float precision across the range, and underflows to 0 far below it', () => {
    // One token, u = 0, h0 = 1: the new state is exactly exp(Δ·A) per (channel, state).
    const xs = [0, -1e-6, -0.01, -0.5, -0.69314718, -1, -3.3, -10, -25.5, -50, -80, -86, -100, -1000, -1e6];
    const N = 4;
    const C = Math.ceil(xs.length / N);
    const A = new Float32Array(C * N).fill(-1);
    xs.forEach((x, i) => (A[i] = x));
    const t = [tf.zeros([1, 1, C]) as tf.Tensor3D, tf.ones([1, 1, C]) as tf.Tensor3D, tf.tensor2d(A, [C, N]), tf.zeros([1, 1, 1, N]) as tf.Tensor4D, tf.zeros([1, 1, 1, N]) as tf.Tensor4D, tf.ones([1, C, N]) as tf.Tensor3D] as const;
    const out = selectiveScanSimd({ u: t[0], delta: t[1], A: t[2], B: t[3], C: t[4], h0: t[5] });
    const got = out.state.dataSync();
    xs.forEach((x, i) => {
      const want = Math.exp(Math.fround(x));
      // Float32 rounding of Δ·A·log2(e) alone costs up to about |Δ·A|·6e-8 relative error; the polynomial ~1e-7.
      if (want >= 2 ** -126) expect(Math.abs(got[i]! - want) / want, `exp(${x})`).toBeLessThan(1e-7 * (2 + Math.abs(x)));
      else expect(got[i]!, `exp(${x})`).toBeLessThan(1.2e-38); // clamped at 2^-126
    });
    tf.dispose([out.y, out.state, ...t]);
  });

  it.each([
    [1, 300, 4, 16, 16, 1],
    [2, 64, 2, 8, 12, 2],
    [1, 30, 2, 4, 160, 1], // looped, not unrolled
  ])('SSD b=%i l=%i nh=%i P=%i N=%i ng=%i matches the reference', (b, l, nh, P, N, ng) => {
    const rng = new Rng(l + nh * 7);
    const C = nh * P;
    const x = rng.normals(b * l * nh * P);
    const dt = rng.uniforms(b * l * nh, 1e-3, 1);
    const Ah = new Float32Array(nh).map(() => -rng.uniform(1, 16));
    const B = rng.normals(b * l * ng * N);
    const Cm = rng.normals(b * l * ng * N);
    const delta = new Float32Array(b * l * C);
    for (let i = 0; i < b * l; i++) for (let h = 0; h < nh; h++) for (let p = 0; p < P; p++) delta[i * C + h * P + p] = dt[i * nh + h]!;
    const A = new Float32Array(C * N);
    for (let h = 0; h < nh; h++) A.fill(Ah[h]!, h * P * N, (h + 1) * P * N);
    const ref = selectiveScanRef({ b, l, C, N, G: ng }, x, delta, A, B, Cm, null);
    const t = [tf.tensor4d(x, [b, l, nh, P]), tf.tensor3d(dt, [b, l, nh]), tf.tensor1d(Ah), tf.tensor4d(B, [b, l, ng, N]), tf.tensor4d(Cm, [b, l, ng, N])] as const;
    const out = ssdSimd({ x: t[0], dt: t[1], A: t[2], B: t[3], C: t[4], h0: null });
    expect(relError(out.y.dataSync(), ref.y)).toBeLessThan(TOL);
    expect(relError(out.state.dataSync(), ref.state)).toBeLessThan(TOL);
    tf.dispose([out.y, out.state, ...t]);
  });

  it.each([
    [1, 1024, 16, 2],
    [2, 50, 12, 4],
  ])('modal scan b=%i l=%i d=%i S=%i matches the reference', (b, l, d, S) => {
    const rng = new Rng(l + d);
    const x = rng.normals(b * l * d);
    const mod = rng.uniforms(d * S, 0.5, 0.99);
    const ang = rng.uniforms(d * S, -Math.PI, Math.PI);
    const pRe = mod.map((m, i) => m * Math.cos(ang[i]!));
    const pIm = mod.map((m, i) => m * Math.sin(ang[i]!));
    const rRe = rng.normals(d * S);
    const rIm = rng.normals(d * S);
    const ref = modalScanRef({ b, l, d, S }, x, pRe, pIm, rRe, rIm, null, null);
    const t = [tf.tensor3d(x, [b, l, d]), tf.tensor2d(pRe, [d, S]), tf.tensor2d(pIm, [d, S]), tf.tensor2d(rRe, [d, S]), tf.tensor2d(rIm, [d, S])] as const;
    const out = modalScanSimd({ x: t[0], polesRe: t[1], polesIm: t[2], residuesRe: t[3], residuesIm: t[4], stateRe: null, stateIm: null });
    expect(relError(out.y.dataSync(), ref.y)).toBeLessThan(TOL);
    expect(relError(out.stateRe.dataSync(), ref.stateRe)).toBeLessThan(TOL);
    expect(relError(out.stateIm.dataSync(), ref.stateIm)).toBeLessThan(TOL);
    tf.dispose([out.y, out.stateRe, out.stateIm, ...t]);
  });

  it('gives the same answer after the kernel memory has grown for a larger problem', () => {
    const run = (l: number) => {
      const rng = new Rng(99);
      const C = 8, N = 8;
      const t = [tf.tensor3d(rng.normals(l * C), [1, l, C]), tf.tensor3d(rng.uniforms(l * C, 0.01, 0.5), [1, l, C]), tf.tensor2d(new Float32Array(C * N).fill(-1), [C, N]), tf.tensor4d(rng.normals(l * N), [1, l, 1, N]), tf.tensor4d(rng.normals(l * N), [1, l, 1, N])] as const;
      const out = selectiveScanSimd({ u: t[0], delta: t[1], A: t[2], B: t[3], C: t[4], h0: null });
      const y = Array.from(out.y.dataSync().slice(0, 16 * C));
      tf.dispose([out.y, out.state, ...t]);
      return y;
    };
    const small = run(16);
    run(40000); // about 3 MB of inputs: the module's memory grows
    expect(simdScanMemory().buffer.byteLength).toBeGreaterThan(3e6);
    expect(run(16)).toEqual(small);
    expect(releaseSimdScanMemory()).toBeGreaterThan(3e6);
    expect(simdScanMemory().buffer.byteLength).toBeLessThan(1e6); // a fresh, small memory after the release
    expect(run(16)).toEqual(small);
  });
});

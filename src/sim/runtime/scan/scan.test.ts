import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../rng';
import { relError, useTestBackend } from '../testBackend';
import { runModalScan, runSelectiveScan, runSsd } from './runScan';
import { modalScanRef, selectiveScanRef } from './scanRef';
import { chooseScan } from './chooseScan';
import { selectiveScanChunked } from './selectiveScanChunked';
import type { ScanImpl } from '../../protocol';

const BACKENDS = ['cpu', 'wasm'] as const;
const LENGTHS = [1, 7, 64, 300];
const IMPLS: ScanImpl[] = ['naive', 'chunked', 'js', 'simd'];
const TOL = 1e-4;

/** Step sizes log-uniform in [1e-3, 2]: large ones drive Δ·A far below the chunked form's clamp. */
function deltas(rng: Rng, n: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = Math.exp(rng.uniform(Math.log(1e-3), Math.log(2)));
  return a;
}

describe.each(BACKENDS)('scans on %s', (backend) => {
  let baseline = 0;
  beforeAll(async () => {
    await useTestBackend(backend);
  });
  afterEach(() => {
    expect(tf.memory().numTensors).toBe(baseline);
  });

  describe.each(IMPLS)('%s', (impl) => {
    it.each(LENGTHS.flatMap((l) => [1, 2].map((G) => [l, G] as const)))('selective scan matches the sequential reference at l=%i, groups=%i', (l, G) => {
      baseline = tf.memory().numTensors;
      const rng = new Rng(1000 + l * 7 + G);
      const b = 2, C = 6, N = 5;
      const u = rng.normals(b * l * C);
      const delta = deltas(rng, b * l * C);
      const A = new Float32Array(C * N).map(() => -Math.exp(rng.uniform(0, Math.log(16))));
      const B = rng.normals(b * l * G * N);
      const Cm = rng.normals(b * l * G * N);
      const h0 = l % 2 ? rng.normals(b * C * N) : null;
      const ref = selectiveScanRef({ b, l, C, N, G }, u, delta, A, B, Cm, h0);
      const t = {
        u: tf.tensor3d(u, [b, l, C]),
        delta: tf.tensor3d(delta, [b, l, C]),
        A: tf.tensor2d(A, [C, N]),
        B: tf.tensor4d(B, [b, l, G, N]),
        C: tf.tensor4d(Cm, [b, l, G, N]),
        h0: h0 ? tf.tensor3d(h0, [b, C, N]) : null,
      };
      const out = runSelectiveScan(impl, t);
      expect(out.y.shape).toEqual([b, l, C]);
      expect(out.state.shape).toEqual([b, C, N]);
      expect(relError(out.y.dataSync(), ref.y)).toBeLessThan(TOL);
      expect(relError(out.state.dataSync(), ref.state)).toBeLessThan(TOL);
      tf.dispose([out.y, out.state, t.u, t.delta, t.A, t.B, t.C, ...(t.h0 ? [t.h0] : [])]);
    });

    it.each(LENGTHS)('Mamba-2 SSD matches the sequential reference at l=%i', (l) => {
      baseline = tf.memory().numTensors;
      const rng = new Rng(2000 + l);
      const b = 2, nh = 4, P = 3, ng = 2, N = 5;
      const C = nh * P;
      const x = rng.normals(b * l * nh * P);
      const dt = deltas(rng, b * l * nh);
      const Ah = new Float32Array(nh).map(() => -rng.uniform(1, 16));
      const B = rng.normals(b * l * ng * N);
      const Cm = rng.normals(b * l * ng * N);
      const h0 = l % 2 ? rng.normals(b * C * N) : null;
      // The same recurrence as a selective scan over nh·P channels: Δ and A per head, broadcast over P and N.
      const delta = new Float32Array(b * l * C);
      for (let i = 0; i < b * l; i++) for (let h = 0; h < nh; h++) for (let p = 0; p < P; p++) delta[i * C + h * P + p] = dt[i * nh + h]!;
      const A = new Float32Array(C * N);
      for (let h = 0; h < nh; h++) for (let p = 0; p < P; p++) for (let n = 0; n < N; n++) A[(h * P + p) * N + n] = Ah[h]!;
      const ref = selectiveScanRef({ b, l, C, N, G: ng }, x, delta, A, B, Cm, h0);
      const t = {
        x: tf.tensor4d(x, [b, l, nh, P]),
        dt: tf.tensor3d(dt, [b, l, nh]),
        A: tf.tensor1d(Ah),
        B: tf.tensor4d(B, [b, l, ng, N]),
        C: tf.tensor4d(Cm, [b, l, ng, N]),
        h0: h0 ? tf.tensor4d(h0, [b, nh, P, N]) : null,
      };
      const out = runSsd(impl, t, 16);
      expect(out.y.shape).toEqual([b, l, nh, P]);
      expect(relError(out.y.dataSync(), ref.y)).toBeLessThan(TOL);
      expect(relError(out.state.dataSync(), ref.state)).toBeLessThan(TOL);
      tf.dispose([out.y, out.state, t.x, t.dt, t.A, t.B, t.C, ...(t.h0 ? [t.h0] : [])]);
    });

    it.each(LENGTHS)('modal (Hyena) scan matches the sequential reference at l=%i', (l) => {
      baseline = tf.memory().numTensors;
      const rng = new Rng(3000 + l);
      const b = 2, d = 5, S = 3;
      const x = rng.normals(b * l * d);
      const pRe = new Float32Array(d * S);
      const pIm = new Float32Array(d * S);
      for (let i = 0; i < d * S; i++) {
        const m = rng.uniform(0.5, 0.98);
        const a = rng.uniform(-Math.PI, Math.PI);
        pRe[i] = m * Math.cos(a);
        pIm[i] = m * Math.sin(a);
      }
      const rRe = rng.normals(d * S);
      const rIm = rng.normals(d * S);
      const s0 = l % 2 ? [rng.normals(b * d * S), rng.normals(b * d * S)] : null;
      const ref = modalScanRef({ b, l, d, S }, x, pRe, pIm, rRe, rIm, s0?.[0] ?? null, s0?.[1] ?? null);
      const t = {
        x: tf.tensor3d(x, [b, l, d]),
        polesRe: tf.tensor2d(pRe, [d, S]),
        polesIm: tf.tensor2d(pIm, [d, S]),
        residuesRe: tf.tensor2d(rRe, [d, S]),
        residuesIm: tf.tensor2d(rIm, [d, S]),
        stateRe: s0 ? tf.tensor3d(s0[0]!, [b, d, S]) : null,
        stateIm: s0 ? tf.tensor3d(s0[1]!, [b, d, S]) : null,
      };
      const out = runModalScan(impl, t);
      expect(out.y.shape).toEqual([b, l, d]);
      expect(relError(out.y.dataSync(), ref.y)).toBeLessThan(TOL);
      expect(relError(out.stateRe.dataSync(), ref.stateRe)).toBeLessThan(TOL);
      expect(relError(out.stateIm.dataSync(), ref.stateIm)).toBeLessThan(TOL);
      tf.dispose([out.y, out.stateRe, out.stateIm, t.x, t.polesRe, t.polesIm, t.residuesRe, t.residuesIm, ...(t.stateRe ? [t.stateRe, t.stateIm!] : [])]);
    });
  });
});

describe.each(BACKENDS)('chunked selective scan in blocks on %s', (backend) => {
  beforeAll(async () => {
    await useTestBackend(backend);
  });
  it.each([64, 100])('carries the state across blocks of %i tokens (l=300) and frees every tensor', (block) => {
    const start = tf.memory().numTensors;
    const rng = new Rng(4000 + block);
    const b = 2, l = 300, C = 4, N = 3, G = 1;
    const u = rng.normals(b * l * C);
    const delta = deltas(rng, b * l * C);
    const A = new Float32Array(C * N).map(() => -Math.exp(rng.uniform(0, Math.log(16))));
    const B = rng.normals(b * l * G * N);
    const Cm = rng.normals(b * l * G * N);
    const h0 = rng.normals(b * C * N);
    const ref = selectiveScanRef({ b, l, C, N, G }, u, delta, A, B, Cm, h0);
    const t = [tf.tensor3d(u, [b, l, C]), tf.tensor3d(delta, [b, l, C]), tf.tensor2d(A, [C, N]), tf.tensor4d(B, [b, l, G, N]), tf.tensor4d(Cm, [b, l, G, N]), tf.tensor3d(h0, [b, C, N])] as const;
    const out = selectiveScanChunked({ u: t[0], delta: t[1], A: t[2], B: t[3], C: t[4], h0: t[5] }, block);
    expect(relError(out.y.dataSync(), ref.y)).toBeLessThan(TOL);
    expect(relError(out.state.dataSync(), ref.state)).toBeLessThan(TOL);
    tf.dispose([out.y, out.state, ...t]);
    expect(tf.memory().numTensors).toBe(start);
  });
});

describe('chooseScan', () => {
  it.each([
    ['webgpu', 'auto', 16, 'wgsl'],
    ['webgpu', 'auto', 512, 'chunked'],
    ['wasm', 'auto', 16, 'simd'],
    ['cpu', 'auto', 16, 'simd'],
    ['wasm', 'js', 16, 'js'],
    ['wasm', 'chunked', 16, 'chunked'],
    ['webgl', 'auto', 16, 'chunked'],
    ['wasm', 'naive', 16, 'naive'],
    ['webgpu', 'chunked', 16, 'chunked'],
    ['webgpu', 'wgsl', 16, 'wgsl'],
  ] as const)('%s + %s (state %i) -> %s', (backend, requested, state, expected) => {
    expect(chooseScan(backend, requested, state)).toBe(expected);
  });

  it('falls back to the js loop on cpu/wasm without WebAssembly SIMD, and refuses a forced simd there', () => {
    expect(chooseScan('wasm', 'auto', 16, false)).toBe('js');
    expect(chooseScan('cpu', 'auto', 16, false)).toBe('js');
    expect(chooseScan('webgpu', 'auto', 16, false)).toBe('wgsl');
    expect(() => chooseScan('wasm', 'simd', 16, false)).toThrow(/"simd" needs WebAssembly SIMD/);
  });

  it('refuses wgsl off webgpu, naming the backend', () => {
    expect(() => chooseScan('wasm', 'wgsl')).toThrow(/needs the webgpu backend.*wasm/);
  });

  it('refuses js on webgpu and wgsl beyond 256 state elements per channel', () => {
    expect(() => chooseScan('webgpu', 'js')).toThrow(/"js".*webgpu/);
    expect(() => chooseScan('webgpu', 'simd')).toThrow(/"simd".*webgpu/);
    expect(() => chooseScan('webgpu', 'wgsl', 512)).toThrow(/at most 256 state elements.*512/);
  });
});

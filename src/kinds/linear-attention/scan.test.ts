import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ScanImpl } from '../../sim/protocol';
import { Rng } from '../../sim/runtime/rng';
import { relError, useTestBackend } from '../../sim/runtime/testBackend';
import { releaseSimdScanMemory, setSimdScanMemoryShared } from '../../sim/runtime/kernels/wasm/simdScanKernels';
import { LINEAR_SCANS, linearScanFor, runLinearScan, type LinearDecayInput } from './scan';
import { LINEAR_REGISTER_MAX_FLOATS, LINEAR_UNROLL_MAX_FLOATS, linearScanModuleBytes } from './simdKernels';

type Decay = LinearDecayInput['kind'];
interface Case {
  b: number;
  l: number;
  nk: number;
  nv: number;
  dk: number;
  dv: number;
  decay: Decay;
  delta: boolean;
}

/** The recurrence in Float64, as HF `torch_recurrent_gated_delta_rule` / `torch_recurrent_kda` write it. */
function scanRef(c: Case, q: Float32Array, k: Float32Array, v: Float32Array, logA: Float32Array | null, beta: Float32Array | null, h0: Float32Array) {
  const { b, l, nk, nv, dk, dv } = c;
  const r = nv / nk;
  const S = Float64Array.from(h0);
  const y = new Float64Array(b * l * nv * dv);
  for (let bi = 0; bi < b; bi++)
    for (let t = 0; t < l; t++)
      for (let h = 0; h < nv; h++) {
        const kh = Math.floor(h / r);
        const kq = ((bi * l + t) * nk + kh) * dk;
        const vo = ((bi * l + t) * nv + h) * dv;
        const so = (bi * nv + h) * dk * dv;
        const alpha = (i: number) =>
          c.decay === 'none' ? 1 : c.decay === 'fixed' ? Math.exp(logA![h]!) : c.decay === 'head' ? Math.exp(logA![(bi * l + t) * nv + h]!) : Math.exp(logA![((bi * l + t) * nv + h) * dk + i]!);
        for (let i = 0; i < dk; i++) for (let j = 0; j < dv; j++) S[so + i * dv + j]! *= alpha(i);
        const w = new Float64Array(dv);
        if (beta) {
          for (let i = 0; i < dk; i++) for (let j = 0; j < dv; j++) w[j]! += S[so + i * dv + j]! * k[kq + i]!;
          const bt = beta[(bi * l + t) * nv + h]!;
          for (let j = 0; j < dv; j++) w[j] = bt * (v[vo + j]! - w[j]!);
        } else for (let j = 0; j < dv; j++) w[j] = v[vo + j]!;
        for (let i = 0; i < dk; i++) for (let j = 0; j < dv; j++) S[so + i * dv + j]! += k[kq + i]! * w[j]!;
        for (let j = 0; j < dv; j++) {
          let acc = 0;
          for (let i = 0; i < dk; i++) acc += S[so + i * dv + j]! * q[kq + i]!;
          y[vo + j] = acc;
        }
      }
  return { y, S };
}

/** Random inputs: unit-norm keys (as the delta rule's l2norm gives), decays in (0.4, 1), β in (0, 1). */
function inputs(c: Case, rng: Rng) {
  const { b, l, nk, nv, dk, dv } = c;
  const q = rng.normals(b * l * nk * dk, 1 / Math.sqrt(dk));
  const k = rng.normals(b * l * nk * dk);
  for (let row = 0; row < b * l * nk; row++) {
    let n = 0;
    for (let i = 0; i < dk; i++) n += k[row * dk + i]! ** 2;
    for (let i = 0; i < dk; i++) k[row * dk + i] = k[row * dk + i]! / Math.sqrt(n);
  }
  const v = rng.normals(b * l * nv * dv);
  const n = c.decay === 'fixed' ? nv : c.decay === 'head' ? b * l * nv : c.decay === 'channel' ? b * l * nv * dk : 0;
  const logA = n ? rng.uniforms(n, -0.9, -0.001) : null;
  const beta = c.delta ? rng.uniforms(b * l * nv, 0.05, 1) : null;
  const h0 = rng.normals(b * nv * dk * dv, 0.5);
  return { q, k, v, logA, beta, h0 };
}

function run(impl: ScanImpl, c: Case, x: ReturnType<typeof inputs>) {
  const { b, l, nk, nv, dk, dv } = c;
  const t = {
    q: tf.tensor4d(x.q, [b, l, nk, dk]),
    k: tf.tensor4d(x.k, [b, l, nk, dk]),
    v: tf.tensor4d(x.v, [b, l, nv, dv]),
    beta: x.beta ? tf.tensor3d(x.beta, [b, l, nv]) : null,
    h0: tf.tensor4d(x.h0, [b, nv, dk, dv]),
    logA: x.logA ? (c.decay === 'fixed' ? tf.tensor1d(x.logA) : c.decay === 'head' ? tf.tensor3d(x.logA, [b, l, nv]) : tf.tensor4d(x.logA, [b, l, nv, dk])) : null,
  };
  const decay = (c.decay === 'none' ? { kind: 'none' } : { kind: c.decay, logAlpha: t.logA }) as LinearDecayInput;
  const out = runLinearScan(impl, { q: t.q, k: t.k, v: t.v, decay, beta: t.beta, h0: t.h0 });
  const res = { y: out.y.dataSync().slice(), S: out.state.dataSync().slice(), shapes: [out.y.shape, out.state.shape] };
  tf.dispose([out.y, out.state, t.q, t.k, t.v, t.h0, ...(t.beta ? [t.beta] : []), ...(t.logA ? [t.logA] : [])]);
  return res;
}

// Value widths that take every kernel path: padded (3), registers (8, 32), memory accumulators unrolled (36), a loop (132).
const CASES: Case[] = [
  { b: 2, l: 17, nk: 2, nv: 4, dk: 5, dv: 3, decay: 'head', delta: true },
  { b: 1, l: 40, nk: 1, nv: 2, dk: 8, dv: 8, decay: 'channel', delta: true },
  { b: 1, l: 9, nk: 2, nv: 2, dk: 4, dv: LINEAR_REGISTER_MAX_FLOATS, decay: 'fixed', delta: false },
  { b: 2, l: 6, nk: 1, nv: 1, dk: 3, dv: 36, decay: 'none', delta: true },
  { b: 1, l: 5, nk: 1, nv: 2, dk: 2, dv: LINEAR_UNROLL_MAX_FLOATS + 4, decay: 'channel', delta: false },
  { b: 1, l: 12, nk: 3, nv: 6, dk: 4, dv: 4, decay: 'none', delta: false },
  { b: 1, l: 1, nk: 1, nv: 1, dk: 1, dv: 1, decay: 'head', delta: true },
];

describe.each(['wasm', 'cpu'] as const)('linear-attention scans on %s', (backend) => {
  beforeAll(async () => {
    await useTestBackend(backend);
  });

  it.each(CASES.flatMap((c) => LINEAR_SCANS.map((s) => [s, c.delta ? 'delta' : 'additive', c.decay, c.dv, c] as const)))(
    '%s, %s rule, decay %s, dv %i: matches the Float64 recurrence from a given state (y and final state)',
    (impl, _u, _d, _dv, c) => {
      const start = tf.memory().numTensors;
      const x = inputs(c, new Rng(c.l * 13 + c.dv));
      const ref = scanRef(c, x.q, x.k, x.v, x.logA, x.beta, x.h0);
      const got = run(impl, c, x);
      expect(got.shapes).toEqual([[c.b, c.l, c.nv, c.dv], [c.b, c.nv, c.dk, c.dv]]);
      expect(relError(got.y, ref.y)).toBeLessThan(1e-5);
      expect(relError(got.S, ref.S)).toBeLessThan(1e-5);
      expect(tf.memory().numTensors).toBe(start);
    },
  );
});

describe('linear-attention scan choice', () => {
  it('honours naive, js and simd; chunked and wgsl fall back to simd (js without WebAssembly SIMD)', () => {
    expect(LINEAR_SCANS).toEqual(['naive', 'js', 'simd']);
    for (const s of LINEAR_SCANS) expect(linearScanFor(s)).toBe(s);
    expect(linearScanFor('chunked')).toBe('simd');
    expect(linearScanFor('wgsl')).toBe('simd');
  });

  it('the simd kernels re-bind after the shared memory is released, and refuse a bad width', async () => {
    await useTestBackend('wasm');
    const c: Case = { b: 1, l: 8, nk: 1, nv: 1, dk: 4, dv: 4, decay: 'head', delta: true };
    const x = inputs(c, new Rng(5));
    const a = run('simd', c, x);
    releaseSimdScanMemory();
    const b = run('simd', c, x);
    expect(Array.from(b.y)).toEqual(Array.from(a.y));
    expect(() => linearScanModuleBytes(6)).toThrow(/multiple of 4, got 6/);
    expect(WebAssembly.validate(linearScanModuleBytes(LINEAR_UNROLL_MAX_FLOATS + 4))).toBe(true);
  });

  it('the simd kernels run on the shared scan memory of the threaded scans (the module then declares it shared)', async () => {
    await useTestBackend('wasm');
    const c: Case = { b: 2, l: 9, nk: 1, nv: 2, dk: 4, dv: 8, decay: 'head', delta: true };
    const x = inputs(c, new Rng(11));
    const plain = run('simd', c, x);
    setSimdScanMemoryShared(true);
    try {
      const shared = run('simd', c, x);
      expect(Array.from(shared.y)).toEqual(Array.from(plain.y));
      expect(Array.from(shared.S)).toEqual(Array.from(plain.S));
    } finally {
      setSimdScanMemoryShared(false);
    }
    expect(WebAssembly.validate(linearScanModuleBytes(8, true))).toBe(true);
  });
});

/**
 * Gradients of the linear-attention scans that train (the registered `js` and `simd` kernels with their
 * reverse-recurrence backward, scanKernel.ts; and the per-token `naive` tf ops, the fallback off cpu and wasm)
 * against central differences of a Float64 recurrence written out here, for every decay kind and update rule, on a few
 * entries of every input, for L = Σ r ⊙ y + Σ s ⊙ final state. No tensor survives.
 */
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { registerTrainingKernels } from '../../sim/runtime/kernels/trainingKernels';
import { Rng } from '../../sim/runtime/rng';
import { relError, useTestBackend } from '../../sim/runtime/testBackend';
import { linearScanNaive, runLinearScan, type LinearDecayInput } from './scan';
import { LINEAR_DECAYS, LINEAR_UPDATES } from './spec';

type Decay = (typeof LINEAR_DECAYS)[number];
type Update = (typeof LINEAR_UPDATES)[number];
const b = 2, l = 7, nk = 1, nv = 2, dk = 3, dv = 2;
const EPS = 1e-5;

interface Inputs {
  q: Float64Array;
  k: Float64Array;
  v: Float64Array;
  logAlpha: Float64Array | null;
  beta: Float64Array | null;
}

const alphaShape = (decay: Decay): number[] => (decay === 'fixed' ? [nv] : decay === 'head' ? [b, l, nv] : [b, l, nv, dk]);

/** The recurrence of spec.ts in Float64, zero initial state: y (b, l, nv, dv) and the final state (b, nv, dk, dv). */
function scanRef(decay: Decay, a: Inputs): { y: Float64Array; state: Float64Array } {
  const r = nv / nk;
  const y = new Float64Array(b * l * nv * dv);
  const state = new Float64Array(b * nv * dk * dv);
  for (let bi = 0; bi < b; bi++) {
    for (let h = 0; h < nv; h++) {
      const kh = Math.floor(h / r);
      const S = new Float64Array(dk * dv);
      for (let t = 0; t < l; t++) {
        const kq = ((bi * l + t) * nk + kh) * dk;
        const vo = ((bi * l + t) * nv + h) * dv;
        for (let i = 0; i < dk; i++) {
          const la = decay === 'none' ? 0 : decay === 'fixed' ? a.logAlpha![h]! : decay === 'head' ? a.logAlpha![(bi * l + t) * nv + h]! : a.logAlpha![((bi * l + t) * nv + h) * dk + i]!;
          for (let j = 0; j < dv; j++) S[i * dv + j] = S[i * dv + j]! * Math.exp(la);
        }
        const w = new Float64Array(dv);
        for (let j = 0; j < dv; j++) {
          if (a.beta) {
            let s = 0;
            for (let i = 0; i < dk; i++) s += S[i * dv + j]! * a.k[kq + i]!;
            w[j] = a.beta[(bi * l + t) * nv + h]! * (a.v[vo + j]! - s);
          } else w[j] = a.v[vo + j]!;
        }
        for (let i = 0; i < dk; i++) for (let j = 0; j < dv; j++) S[i * dv + j] = S[i * dv + j]! + a.k[kq + i]! * w[j]!;
        for (let j = 0; j < dv; j++) {
          let s = 0;
          for (let i = 0; i < dk; i++) s += S[i * dv + j]! * a.q[kq + i]!;
          y[vo + j] = s;
        }
      }
      state.set(S, (bi * nv + h) * dk * dv);
    }
  }
  return { y, state };
}

function randomInputs(decay: Decay, update: Update, rng: Rng): Inputs {
  const n = (shape: number[]) => shape.reduce((x, y) => x * y, 1);
  return {
    q: Float64Array.from(rng.normals(b * l * nk * dk, 0.5)),
    k: Float64Array.from(rng.normals(b * l * nk * dk, 0.5)),
    v: Float64Array.from(rng.normals(b * l * nv * dv)),
    logAlpha: decay === 'none' ? null : Float64Array.from(rng.uniforms(n(alphaShape(decay)), -0.6, -0.02)),
    beta: update === 'delta' ? Float64Array.from(rng.uniforms(b * l * nv, 0.1, 0.9)) : null,
  };
}

describe.each(['cpu', 'wasm'] as const)('linear-attention scan gradients on %s', (backend) => {
  let baseline = 0;
  beforeAll(async () => {
    await useTestBackend(backend);
    registerTrainingKernels();
  });
  afterEach(() => expect(tf.memory().numTensors).toBe(baseline));

  const cases = LINEAR_DECAYS.flatMap((decay) => LINEAR_UPDATES.flatMap((update) => (['js', 'simd', 'naive'] as const).map((impl) => [impl, decay, update] as const)));
  it.each(cases)('%s, decay %s, %s update: q, k, v, log α and β match central differences', async (impl, decay, update) => {
    baseline = tf.memory().numTensors;
    const rng = new Rng(LINEAR_DECAYS.indexOf(decay) * 10 + LINEAR_UPDATES.indexOf(update) + 1);
    const inp = randomInputs(decay, update, rng);
    const ry = rng.normals(b * l * nv * dv);
    const rs = rng.normals(b * nv * dk * dv);
    const loss = (a: Inputs) => {
      const o = scanRef(decay, a);
      let s = 0;
      o.y.forEach((v, i) => (s += v * ry[i]!));
      o.state.forEach((v, i) => (s += v * rs[i]!));
      return s;
    };
    const names = (['q', 'k', 'v', 'logAlpha', 'beta'] as const).filter((n) => inp[n] !== null);
    const shapes: Record<string, number[]> = { q: [b, l, nk, dk], k: [b, l, nk, dk], v: [b, l, nv, dv], logAlpha: alphaShape(decay), beta: [b, l, nv] };
    const xs = names.map((n) => tf.tensor(Float32Array.from(inp[n]!), shapes[n]!));
    const grads = tf.tidy(() =>
      tf.grads((...t: tf.Tensor[]) => {
        const at = (n: string) => t[names.indexOf(n as (typeof names)[number])]!;
        const dec: LinearDecayInput =
          decay === 'none' ? { kind: 'none' } : decay === 'fixed' ? { kind: 'fixed', logAlpha: at('logAlpha') as tf.Tensor1D } : decay === 'head' ? { kind: 'head', logAlpha: at('logAlpha') as tf.Tensor3D } : { kind: 'channel', logAlpha: at('logAlpha') as tf.Tensor4D };
        const args = { q: at('q') as tf.Tensor4D, k: at('k') as tf.Tensor4D, v: at('v') as tf.Tensor4D, decay: dec, beta: update === 'delta' ? (at('beta') as tf.Tensor3D) : null, h0: null };
        const o = impl === 'naive' ? linearScanNaive(args) : runLinearScan(impl, args);
        return tf.add(tf.sum(tf.mul(o.y, tf.tensor(ry, o.y.shape))), tf.sum(tf.mul(o.state, tf.tensor(rs, o.state.shape))));
      })(xs),
    );
    const data = await Promise.all(grads.map((g) => g.data()));
    tf.dispose([...xs, ...grads]);
    names.forEach((n, gi) => {
      const p = inp[n]!;
      const at = Array.from({ length: 6 }, () => Math.floor(rng.next() * p.length));
      const fd = at.map((i) => {
        const v = p[i]!;
        p[i] = v + EPS;
        const up = loss(inp);
        p[i] = v - EPS;
        const down = loss(inp);
        p[i] = v;
        return (up - down) / (2 * EPS);
      });
      expect(relError(at.map((i) => data[gi]![i]!), fd), `${n} (fd ${fd.map((x) => x.toFixed(5))})`).toBeLessThan(2e-3);
    });
  });
});

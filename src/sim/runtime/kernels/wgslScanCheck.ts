/**
 * A self-check of the WGSL scans, run in a real browser by `e2e/scan-webgpu.spec.ts` (Node has no WebGPU): switches
 * tfjs to `webgpu`, runs the selective, SSD and modal scans with `wgsl` on fresh random inputs at several lengths and
 * compares them with the Float64 sequential references; then runs the three state-space layers with the `wgsl` scan
 * against their reference twins (prefill output and state) and checks prefill-then-decode against the full forward.
 * Returns plain numbers (worst relative errors, tensor counts) for the spec to assert on.
 */
import * as tf from '@tensorflow/tfjs';
import { HyenaSchema } from '../../../kinds/hyena/spec';
import { Mamba2Schema } from '../../../kinds/mamba2/spec';
import { MambaSchema } from '../../../kinds/mamba/spec';
import { initBackend, probeWebGpu } from '../backend';
import { HyenaLayer, initHyenaWeights } from '../../../kinds/hyena/layer';
import { MambaLayer, initMambaWeights } from '../../../kinds/mamba/layer';
import { Mamba2Layer, initMamba2Weights } from '../../../kinds/mamba2/layer';
import { decodeErrors, prefillErrors } from '../layers/stateLayerChecks';
import { hyenaRef } from '../../../kinds/hyena/reference';
import { mambaRef } from '../../../kinds/mamba/reference';
import { mamba2Ref } from '../../../kinds/mamba2/reference';
import { Rng } from '../rng';
import { runModalScan, runSelectiveScan, runSsd } from '../scan/runScan';
import { modalScanRef, selectiveScanRef } from '../scan/scanRef';
import { relError } from '../testBackend';

export interface WgslCheckResult {
  backend: string;
  adapter: string;
  /** Worst relative error per check name. */
  errors: Record<string, number>;
  tensorsBefore: number;
  tensorsAfter: number;
}

/** Runs every check; throws if webgpu cannot be initialised. */
export async function wgslScanCheck(lengths: number[] = [1, 7, 64, 300]): Promise<WgslCheckResult> {
  const probe = await probeWebGpu();
  await initBackend('webgpu');
  const errors: Record<string, number> = {};
  const note = (name: string, e: number) => {
    errors[name] = Math.max(errors[name] ?? 0, e);
  };
  const before = tf.memory().numTensors;
  for (const l of lengths) {
    const rng = new Rng(7000 + l);
    {
      const b = 2, C = 6, N = 5, G = 2;
      const u = rng.normals(b * l * C);
      const delta = rng.uniforms(b * l * C, 1e-3, 1);
      const A = new Float32Array(C * N).map(() => -Math.exp(rng.uniform(0, Math.log(16))));
      const B = rng.normals(b * l * G * N);
      const Cm = rng.normals(b * l * G * N);
      const h0 = rng.normals(b * C * N);
      const ref = selectiveScanRef({ b, l, C, N, G }, u, delta, A, B, Cm, h0);
      const t = [tf.tensor3d(u, [b, l, C]), tf.tensor3d(delta, [b, l, C]), tf.tensor2d(A, [C, N]), tf.tensor4d(B, [b, l, G, N]), tf.tensor4d(Cm, [b, l, G, N]), tf.tensor3d(h0, [b, C, N])] as const;
      const out = runSelectiveScan('wgsl', { u: t[0], delta: t[1], A: t[2], B: t[3], C: t[4], h0: t[5] });
      note('selective.y', relError(await out.y.data(), ref.y));
      note('selective.state', relError(await out.state.data(), ref.state));
      tf.dispose([out.y, out.state, ...t]);
    }
    {
      const b = 1, nh = 4, P = 3, ng = 2, N = 5, C = nh * P;
      const x = rng.normals(b * l * C);
      const dt = rng.uniforms(b * l * nh, 1e-3, 1);
      const Ah = rng.uniforms(nh, -16, -1);
      const B = rng.normals(b * l * ng * N);
      const Cm = rng.normals(b * l * ng * N);
      const delta = new Float32Array(b * l * C);
      for (let i = 0; i < b * l; i++) for (let h = 0; h < nh; h++) for (let p = 0; p < P; p++) delta[i * C + h * P + p] = dt[i * nh + h]!;
      const A = new Float32Array(C * N);
      for (let h = 0; h < nh; h++) for (let k = 0; k < P * N; k++) A[h * P * N + k] = Ah[h]!;
      const ref = selectiveScanRef({ b, l, C, N, G: ng }, x, delta, A, B, Cm, null);
      const t = [tf.tensor4d(x, [b, l, nh, P]), tf.tensor3d(dt, [b, l, nh]), tf.tensor1d(Ah), tf.tensor4d(B, [b, l, ng, N]), tf.tensor4d(Cm, [b, l, ng, N])] as const;
      const out = runSsd('wgsl', { x: t[0], dt: t[1], A: t[2], B: t[3], C: t[4], h0: null }, 64);
      note('ssd.y', relError(await out.y.data(), ref.y));
      note('ssd.state', relError(await out.state.data(), ref.state));
      tf.dispose([out.y, out.state, ...t]);
    }
    {
      const b = 2, d = 5, S = 3;
      const x = rng.normals(b * l * d);
      const mod = rng.uniforms(d * S, 0.5, 0.98);
      const ang = rng.uniforms(d * S, -Math.PI, Math.PI);
      const pRe = mod.map((m, i) => m * Math.cos(ang[i]!));
      const pIm = mod.map((m, i) => m * Math.sin(ang[i]!));
      const rRe = rng.normals(d * S);
      const rIm = rng.normals(d * S);
      const s0r = rng.normals(b * d * S);
      const s0i = rng.normals(b * d * S);
      const ref = modalScanRef({ b, l, d, S }, x, pRe, pIm, rRe, rIm, s0r, s0i);
      const t = [tf.tensor3d(x, [b, l, d]), tf.tensor2d(pRe, [d, S]), tf.tensor2d(pIm, [d, S]), tf.tensor2d(rRe, [d, S]), tf.tensor2d(rIm, [d, S]), tf.tensor3d(s0r, [b, d, S]), tf.tensor3d(s0i, [b, d, S])] as const;
      const out = runModalScan('wgsl', { x: t[0], polesRe: t[1], polesIm: t[2], residuesRe: t[3], residuesIm: t[4], stateRe: t[5], stateIm: t[6] });
      note('modal.y', relError(await out.y.data(), ref.y));
      note('modal.stateRe', relError(await out.stateRe.data(), ref.stateRe));
      note('modal.stateIm', relError(await out.stateIm.data(), ref.stateIm));
      tf.dispose([out.y, out.stateRe, out.stateIm, ...t]);
    }
  }
  const d = 8;
  const mamba = MambaSchema.parse({ kind: 'mamba', dState: 5, dConv: 4, expand: 2, innerNorms: true });
  const mamba2 = Mamba2Schema.parse({ kind: 'mamba2', dState: 4, headDim: 4, nGroups: 2, dConv: 4, expand: 2, chunkSize: 8 });
  const hyena = HyenaSchema.parse({ kind: 'hyena', shortFilterLength: 3, stateSize: 2 });
  const mw = initMambaWeights(mamba, d, new Rng(1));
  const m2w = initMamba2Weights(mamba2, d, new Rng(2));
  const hw = initHyenaWeights(hyena, d, new Rng(3));
  const layers = [
    ['mamba', new MambaLayer(mamba, d, mw), (x: Float64Array, n: number) => { const r = mambaRef(mw, mamba, d, x, n); return { y: r.y, state: [r.state.conv, r.state.ssm] }; }],
    ['mamba2', new Mamba2Layer(mamba2, d, m2w), (x: Float64Array, n: number) => { const r = mamba2Ref(m2w, mamba2, d, x, n); return { y: r.y, state: [r.state.conv, r.state.ssm] }; }],
    ['hyena', new HyenaLayer(hyena, d, hw), (x: Float64Array, n: number) => { const r = hyenaRef(hw, hyena, d, x, n); return { y: r.y, state: [r.state.fir, r.state.iirRe, r.state.iirIm] }; }],
  ] as const;
  for (const [name, layer, ref] of layers) {
    const e = await prefillErrors(layer, ref, d, 20, 2, 'wgsl', new Rng(11));
    note(`${name}.prefill.y`, e.y);
    note(`${name}.prefill.state`, Math.max(...e.state));
    const dec = await decodeErrors(layer, d, 10, 4, 2, 'wgsl', new Rng(12));
    note(`${name}.decode.y`, dec.y);
    note(`${name}.decode.state`, dec.state);
    layer.dispose();
  }
  return { backend: tf.getBackend(), adapter: `${probe.vendor} ${probe.architecture}`.trim(), errors, tensorsBefore: before, tensorsAfter: tf.memory().numTensors };
}

/**
 * Times the Mamba-1 selective scan on webgpu (l tokens, C channels, N states; median of 3 after a warm-up, until
 * `await data()` resolves) with the `wgsl` program and with the `chunked` tf ops, for the benchmark notes.
 */
export async function wgslScanTiming(l = 1024, C = 128, N = 16): Promise<{ adapter: string; l: number; wgslMs: number; chunkedMs: number }> {
  const probe = await probeWebGpu();
  await initBackend('webgpu');
  const rng = new Rng(l);
  const t = [
    tf.tensor3d(rng.normals(l * C), [1, l, C]),
    tf.tensor3d(rng.uniforms(l * C, 1e-3, 0.1), [1, l, C]),
    tf.tensor2d(new Float32Array(C * N).map((_, i) => -((i % N) + 1)), [C, N]),
    tf.tensor4d(rng.normals(l * N), [1, l, 1, N]),
    tf.tensor4d(rng.normals(l * N), [1, l, 1, N]),
  ] as const;
  const median = async (impl: 'wgsl' | 'chunked') => {
    const times: number[] = [];
    for (let r = 0; r < 4; r++) {
      const t0 = performance.now();
      const o = runSelectiveScan(impl, { u: t[0], delta: t[1], A: t[2], B: t[3], C: t[4], h0: null });
      await o.y.data();
      if (r > 0) times.push(performance.now() - t0);
      tf.dispose([o.y, o.state]);
    }
    return times.sort((a, b) => a - b)[1]!;
  };
  const wgslMs = await median('wgsl');
  const chunkedMs = await median('chunked');
  tf.dispose([...t]);
  return { adapter: `${probe.vendor} ${probe.architecture}`.trim(), l, wgslMs, chunkedMs };
}

import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HyenaSchema, type HyenaMixer } from './spec';
import type { ScanImpl } from '../../sim/protocol';
import { hyenaLongFilterRef, hyenaRef } from './reference';
import { Rng } from '../../sim/runtime/rng';
import { modalScanRef } from '../../sim/runtime/scan/scanRef';
import { useTestBackend } from '../../sim/runtime/testBackend';
import { HyenaLayer, hyenaWeightEntries, initHyenaWeights } from './layer';
import { decodeErrors, prefillErrors } from '../../sim/runtime/layers/stateLayerChecks';

const D_MODEL = 6;
const CONFIGS: [string, HyenaMixer][] = [
  ['StripedHyena style (FIR 3, 2 poles, biases)', HyenaSchema.parse({ kind: 'hyena', shortFilterLength: 3, stateSize: 2 })],
  ['FIR 1 (no FIR state), 5 poles, no biases', HyenaSchema.parse({ kind: 'hyena', shortFilterLength: 1, stateSize: 5, projBias: false })],
];
const SCANS: ScanImpl[] = ['naive', 'chunked', 'js', 'simd'];

describe.each(['cpu', 'wasm'] as const)('HyenaLayer on %s', (backend) => {
  let baseline = 0;
  beforeAll(async () => {
    await useTestBackend(backend);
  });
  afterEach(() => {
    expect(tf.memory().numTensors).toBe(baseline);
  });

  describe.each(CONFIGS)('%s', (_name, cfg) => {
    it.each(SCANS.flatMap((s) => [1, 7, 40].map((l) => [s, l] as const)))('prefill (%s scan, l=%i) matches the reference twin, output and state', async (scan, l) => {
      baseline = tf.memory().numTensors;
      const w = initHyenaWeights(cfg, D_MODEL, new Rng(31));
      const layer = new HyenaLayer(cfg, D_MODEL, w);
      const e = await prefillErrors(layer, (x, n) => {
        const r = hyenaRef(w, cfg, D_MODEL, x, n);
        return { y: r.y, state: [...(cfg.shortFilterLength > 1 ? [r.state.fir] : []), r.state.iirRe, r.state.iirIm] };
      }, D_MODEL, l, 2, scan, new Rng(500 + l));
      const S = cfg.stateSize;
      expect(e.shapes).toEqual([...(cfg.shortFilterLength > 1 ? [[2, 3 * D_MODEL, cfg.shortFilterLength - 1]] : []), [2, D_MODEL, S], [2, D_MODEL, S]]);
      expect(e.y).toBeLessThan(1e-4);
      for (const s of e.state) expect(s).toBeLessThan(1e-4);
      layer.dispose();
    });

    it.each(SCANS.flatMap((s) => [1, 5, 11].map((k) => [s, k] as const)))('prefill then decode (%s scan, split at %i) equals the full forward', async (scan, split) => {
      baseline = tf.memory().numTensors;
      const layer = new HyenaLayer(cfg, D_MODEL, initHyenaWeights(cfg, D_MODEL, new Rng(32)));
      const e = await decodeErrors(layer, D_MODEL, 12, split, 2, scan, new Rng(600 + split));
      expect(e.y).toBeLessThan(1e-4);
      expect(e.state).toBeLessThan(1e-4);
      layer.dispose();
    });
  });
});

describe('Hyena weights', () => {
  const cfg = CONFIGS[0]![1];
  it('puts every pole inside the unit disk, so the long filter decays', () => {
    const w = initHyenaWeights(cfg, 32, new Rng(7));
    for (let i = 0; i < w.poles.data.length / 2; i++) expect(Math.hypot(w.poles.data[2 * i]!, w.poles.data[2 * i + 1]!)).toBeLessThan(1);
    const h = hyenaLongFilterRef(w, 400);
    let early = 0;
    let late = 0;
    for (let c = 0; c < 32; c++) {
      early = Math.max(early, Math.abs(h[c * 400]!));
      late = Math.max(late, Math.abs(h[c * 400 + 399]!));
    }
    expect(late).toBeLessThan(early * 1e-2);
  });

  it('the modal recurrence equals the causal convolution with h[t] = Re Σ R p^t', () => {
    const w = initHyenaWeights(cfg, D_MODEL, new Rng(8));
    const l = 30;
    const S = cfg.stateSize;
    const x = new Rng(9).normals(l * D_MODEL);
    const pick = (a: Float32Array, k: 0 | 1) => Float64Array.from({ length: D_MODEL * S }, (_, i) => a[2 * i + k]!);
    const rec = modalScanRef({ b: 1, l, d: D_MODEL, S }, x, pick(w.poles.data, 0), pick(w.poles.data, 1), pick(w.residues.data, 0), pick(w.residues.data, 1), null, null);
    const h = hyenaLongFilterRef(w, l);
    for (let t = 0; t < l; t++) {
      for (let c = 0; c < D_MODEL; c++) {
        let conv = 0;
        for (let k = 0; k <= t; k++) conv += h[c * l + k]! * x[(t - k) * D_MODEL + c]!;
        expect(rec.y[t * D_MODEL + c]).toBeCloseTo(conv, 9);
      }
    }
  });

  it('lists the StripedHyena tensors', () => {
    const e = hyenaWeightEntries(initHyenaWeights(cfg, D_MODEL, new Rng(5)));
    expect(e.map(([n, s]) => [n, s])).toEqual([
      ['projections.weight', [3 * D_MODEL, D_MODEL]],
      ['projections.bias', [3 * D_MODEL]],
      ['filter.short_filter_weight', [3 * D_MODEL, 1, 3]],
      ['filter.short_filter_bias', [3 * D_MODEL]],
      ['filter.poles', [D_MODEL, 2, 1, 2]],
      ['filter.residues', [D_MODEL, 2, 1, 2]],
      ['filter.D', [D_MODEL]],
      ['out_filter_dense.weight', [D_MODEL, D_MODEL]],
      ['out_filter_dense.bias', [D_MODEL]],
    ]);
  });
});

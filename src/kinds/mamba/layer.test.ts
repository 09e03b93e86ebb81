import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MambaSchema, type MambaMixer } from './spec';
import type { ScanImpl } from '../../sim/protocol';
import { mambaRef } from './reference';
import { Rng } from '../../sim/runtime/rng';
import { useTestBackend } from '../../sim/runtime/testBackend';
import { MambaLayer, initMambaWeights, mambaWeightEntries } from './layer';
import { decodeErrors, prefillErrors } from '../../sim/runtime/layers/stateLayerChecks';

const D_MODEL = 8;
const CONFIGS: [string, MambaMixer][] = [
  ['Jamba style (inner norms, conv bias)', MambaSchema.parse({ kind: 'mamba', dState: 5, dConv: 4, expand: 2, innerNorms: true })],
  ['projection biases, dtRank 3, no conv bias', MambaSchema.parse({ kind: 'mamba', dState: 4, dConv: 3, expand: 2, dtRank: 3, projBias: true, convBias: false })],
];
const SCANS: ScanImpl[] = ['naive', 'chunked', 'js', 'simd'];

describe.each(['cpu', 'wasm'] as const)('MambaLayer on %s', (backend) => {
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
      const w = initMambaWeights(cfg, D_MODEL, new Rng(11));
      const layer = new MambaLayer(cfg, D_MODEL, w);
      const e = await prefillErrors(layer, (x, n) => {
        const r = mambaRef(w, cfg, D_MODEL, x, n);
        return { y: r.y, state: [r.state.conv, r.state.ssm] };
      }, D_MODEL, l, 2, scan, new Rng(100 + l));
      expect(e.shapes).toEqual([
        [2, 2 * D_MODEL, cfg.dConv],
        [2, 2 * D_MODEL, cfg.dState],
      ]);
      expect(e.y).toBeLessThan(1e-4);
      for (const s of e.state) expect(s).toBeLessThan(1e-4);
      layer.dispose();
    });

    it.each(SCANS.flatMap((s) => [1, 5, 11].map((k) => [s, k] as const)))('prefill then decode (%s scan, split at %i) equals the full forward', async (scan, split) => {
      baseline = tf.memory().numTensors;
      const layer = new MambaLayer(cfg, D_MODEL, initMambaWeights(cfg, D_MODEL, new Rng(12)));
      const e = await decodeErrors(layer, D_MODEL, 12, split, 2, scan, new Rng(200 + split));
      expect(e.y).toBeLessThan(1e-4);
      expect(e.state).toBeLessThan(1e-4);
      layer.dispose();
    });
  });
});

describe('mambaWeightEntries', () => {
  it('lists the HF JambaMambaMixer tensors in torch layout', () => {
    const cfg = CONFIGS[0]![1];
    const w = initMambaWeights(cfg, D_MODEL, new Rng(3));
    const e = mambaWeightEntries(w);
    const di = 2 * D_MODEL;
    const r = Math.ceil(D_MODEL / 16);
    expect(e.map(([n, s]) => [n, s])).toEqual([
      ['in_proj.weight', [2 * di, D_MODEL]],
      ['conv1d.weight', [di, 1, 4]],
      ['conv1d.bias', [di]],
      ['x_proj.weight', [r + 10, di]],
      ['dt_proj.weight', [di, r]],
      ['dt_proj.bias', [di]],
      ['A_log', [di, 5]],
      ['D', [di]],
      ['out_proj.weight', [D_MODEL, di]],
      ['dt_layernorm.weight', [r]],
      ['b_layernorm.weight', [5]],
      ['c_layernorm.weight', [5]],
    ]);
    for (const [name, shape, data] of e) expect(data.length, name).toBe(shape.reduce((a, b) => a * b, 1));
    // torch (out, in): row o of in_proj.weight is column o of the (in, out) runtime weight.
    const inProj = e[0]![2];
    expect(inProj[3 * D_MODEL + 5]).toBe(w.inProj.data[5 * 2 * di + 3]);
  });

  it('starts from A_log = log(1..N) and softplus(dt bias) within [1e-3, 1e-1]', () => {
    const cfg = CONFIGS[0]![1];
    const w = initMambaWeights(cfg, D_MODEL, new Rng(4));
    expect(Array.from(w.aLog.data.slice(0, 5)).map((v) => Math.round(Math.exp(v) * 1e4) / 1e4)).toEqual([1, 2, 3, 4, 5]);
    for (const b of w.dtProjBias.data) {
      const dt = Math.log1p(Math.exp(b));
      expect(dt).toBeGreaterThanOrEqual(1e-3 * 0.999);
      expect(dt).toBeLessThanOrEqual(1e-1 * 1.001);
    }
  });
});

import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Mamba2Schema, mamba2Inner, type Mamba2Mixer } from './spec';
import type { ScanImpl } from '../../sim/protocol';
import { mamba2Ref } from './reference';
import { Rng } from '../../sim/runtime/rng';
import { useTestBackend } from '../../sim/runtime/testBackend';
import { Mamba2Layer, initMamba2Weights, mamba2WeightEntries } from './layer';
import { decodeErrors, prefillErrors } from '../../sim/runtime/layers/stateLayerChecks';

const D_MODEL = 8;
const CONFIGS: [string, Mamba2Mixer][] = [
  ['2 groups of 2 heads, chunk 8', Mamba2Schema.parse({ kind: 'mamba2', dState: 4, headDim: 4, nGroups: 2, dConv: 4, expand: 2, chunkSize: 8 })],
  ['1 group, projection biases, no conv bias, chunk 256', Mamba2Schema.parse({ kind: 'mamba2', dState: 6, headDim: 8, nGroups: 1, dConv: 3, expand: 2, projBias: true, convBias: false })],
  // Megatron/Nemotron-H sizing: dInner = nHeads · headDim = 20, not expand · d = 16; no gated norm (Falcon-H1).
  ['width by heads (5 × 4), no gated norm, chunk 8', Mamba2Schema.parse({ kind: 'mamba2', dState: 4, headDim: 4, nGroups: 1, dConv: 4, expand: 2, nHeads: 5, gatedNorm: false, chunkSize: 8 })],
];
const SCANS: ScanImpl[] = ['naive', 'chunked', 'js', 'simd'];

describe.each(['cpu', 'wasm'] as const)('Mamba2Layer on %s', (backend) => {
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
      const w = initMamba2Weights(cfg, D_MODEL, new Rng(21));
      const layer = new Mamba2Layer(cfg, D_MODEL, w);
      const e = await prefillErrors(layer, (x, n) => {
        const r = mamba2Ref(w, cfg, D_MODEL, x, n);
        return { y: r.y, state: [r.state.conv, r.state.ssm] };
      }, D_MODEL, l, 2, scan, new Rng(300 + l));
      const di = mamba2Inner(cfg, D_MODEL);
      expect(e.shapes).toEqual([
        [2, di + 2 * cfg.nGroups * cfg.dState, cfg.dConv],
        [2, di / cfg.headDim, cfg.headDim, cfg.dState],
      ]);
      expect(e.y).toBeLessThan(1e-4);
      for (const s of e.state) expect(s).toBeLessThan(1e-4);
      layer.dispose();
    });

    it.each(SCANS.flatMap((s) => [1, 5, 11].map((k) => [s, k] as const)))('prefill then decode (%s scan, split at %i) equals the full forward', async (scan, split) => {
      baseline = tf.memory().numTensors;
      const layer = new Mamba2Layer(cfg, D_MODEL, initMamba2Weights(cfg, D_MODEL, new Rng(22)));
      const e = await decodeErrors(layer, D_MODEL, 12, split, 2, scan, new Rng(400 + split));
      expect(e.y).toBeLessThan(1e-4);
      expect(e.state).toBeLessThan(1e-4);
      layer.dispose();
    });
  });
});

describe('mamba2WeightEntries', () => {
  it('lists the mamba2.py tensors in torch layout', () => {
    const cfg = CONFIGS[0]![1];
    const e = mamba2WeightEntries(initMamba2Weights(cfg, D_MODEL, new Rng(5)));
    const di = 16, nh = 4, convDim = di + 2 * 2 * 4;
    expect(e.map(([n, s]) => [n, s])).toEqual([
      ['in_proj.weight', [di + convDim + nh, D_MODEL]],
      ['conv1d.weight', [convDim, 1, 4]],
      ['conv1d.bias', [convDim]],
      ['dt_bias', [nh]],
      ['A_log', [nh]],
      ['D', [nh]],
      ['norm.weight', [di]],
      ['out_proj.weight', [D_MODEL, di]],
    ]);
  });

  it('sizes by heads when nHeads is set and drops norm.weight without the gated norm', () => {
    const cfg = CONFIGS[2]![1];
    const e = mamba2WeightEntries(initMamba2Weights(cfg, D_MODEL, new Rng(5)));
    const di = 20, nh = 5, convDim = di + 2 * 4;
    expect(e.map(([n, s]) => [n, s])).toEqual([
      ['in_proj.weight', [di + convDim + nh, D_MODEL]],
      ['conv1d.weight', [convDim, 1, 4]],
      ['conv1d.bias', [convDim]],
      ['dt_bias', [nh]],
      ['A_log', [nh]],
      ['D', [nh]],
      ['out_proj.weight', [D_MODEL, di]],
    ]);
  });

  it('refuses a headDim that does not divide dInner, naming the field', () => {
    const cfg = Mamba2Schema.parse({ kind: 'mamba2', dState: 4, headDim: 5, nGroups: 1, dConv: 4, expand: 2 });
    expect(() => initMamba2Weights(cfg, D_MODEL, new Rng(1))).toThrow(/headDim 5 must divide dInner 16/);
  });
});

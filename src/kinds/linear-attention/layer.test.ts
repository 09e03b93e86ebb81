import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ScanImpl } from '../../sim/protocol';
import { Rng } from '../../sim/runtime/rng';
import { useTestBackend } from '../../sim/runtime/testBackend';
import { decodeErrors, prefillErrors } from '../../sim/runtime/layers/stateLayerChecks';
import { LinearAttentionLayer } from './layer';
import { linearAttentionRef } from './reference';
import { LinearAttentionSchema, linearAttentionDims, type LinearAttentionMixer } from './spec';
import { initLinearAttentionWeights } from './weights';

const D_MODEL = 8;
const la = (o: Partial<LinearAttentionMixer> & Pick<LinearAttentionMixer, 'nKeyHeads' | 'nValueHeads' | 'keyHeadDim' | 'valueHeadDim'>): LinearAttentionMixer =>
  LinearAttentionSchema.parse({ kind: 'linear-attention', ...o });

/** Every variant combination that changes the computation: update × decay, conv or not, gate kinds, norm span, GQA. */
const CONFIGS: [string, LinearAttentionMixer][] = [
  ['Gated DeltaNet, qwen3-next (16:32-style GQA 2:4, conv 4, SiLU gate)', la({ nKeyHeads: 2, nValueHeads: 4, keyHeadDim: 4, valueHeadDim: 4, layout: 'qwen3-next' })],
  ['KDA, kimi (channel decay, low-rank 3 gate and decay, conv 3, dv 6 padded)', la({ nKeyHeads: 2, nValueHeads: 2, keyHeadDim: 6, valueHeadDim: 6, decay: 'channel', convSize: 3, outputGate: 'lowrank', lowRank: 3, layout: 'kimi' })],
  ['lightning, minimax (additive, fixed slopes, no conv, norm over all heads)', la({ nKeyHeads: 2, nValueHeads: 2, keyHeadDim: 4, valueHeadDim: 4, update: 'additive', decay: 'fixed', convSize: 0, layout: 'minimax' })],
  ['GLA-like generic (additive, channel decay, no gate, no norm, dk 5 / dv 3, 1 key head for 3 value heads)', la({ nKeyHeads: 1, nValueHeads: 3, keyHeadDim: 5, valueHeadDim: 3, update: 'additive', decay: 'channel', convSize: 2, outputGate: 'none', outputNorm: false })],
  ['DeltaNet generic (delta, no decay, no conv, no gate)', la({ nKeyHeads: 2, nValueHeads: 2, keyHeadDim: 4, valueHeadDim: 8, decay: 'none', convSize: 0, outputGate: 'none' })],
  ['gated linear attention generic (additive, head decay, low-rank gate, conv 1)', la({ nKeyHeads: 1, nValueHeads: 2, keyHeadDim: 4, valueHeadDim: 4, update: 'additive', convSize: 1, outputGate: 'lowrank', lowRank: 2 })],
];
/** Every scan the kind honours, and `chunked`, which falls back to simd. */
const SCANS: ScanImpl[] = ['naive', 'js', 'simd', 'chunked'];

describe.each(['cpu', 'wasm'] as const)('LinearAttentionLayer on %s', (backend) => {
  let baseline = 0;
  beforeAll(async () => {
    await useTestBackend(backend);
  });
  afterEach(() => {
    expect(tf.memory().numTensors).toBe(baseline);
  });

  describe.each(CONFIGS)('%s', (_name, cfg) => {
    const s = linearAttentionDims(cfg);
    it.each(SCANS.flatMap((sc) => [1, 9, 33].map((l) => [sc, l] as const)))('prefill (%s scan, l=%i) matches the Float64 reference, output and state', async (scan, l) => {
      baseline = tf.memory().numTensors;
      const w = initLinearAttentionWeights(cfg, D_MODEL, new Rng(41 + l));
      const layer = new LinearAttentionLayer(cfg, D_MODEL, w);
      const e = await prefillErrors(layer, (x, n) => {
        const r = linearAttentionRef(w, cfg, D_MODEL, x, n);
        return { y: r.y, state: [...(s.convSize > 0 ? [r.state.conv] : []), r.state.S] };
      }, D_MODEL, l, 2, scan, new Rng(700 + l));
      expect(e.shapes).toEqual([...(s.convSize > 0 ? [[2, s.convDim, s.convSize]] : []), [2, s.nv, s.dk, s.dv]]);
      expect(e.y).toBeLessThan(1e-4);
      for (const st of e.state) expect(st).toBeLessThan(1e-4);
      layer.dispose();
    });

    it.each(SCANS.slice(0, 3).flatMap((sc) => [1, 6].map((k) => [sc, k] as const)))('prefill then decode (%s scan, split at %i) equals the full forward', async (scan, split) => {
      baseline = tf.memory().numTensors;
      const layer = new LinearAttentionLayer(cfg, D_MODEL, initLinearAttentionWeights(cfg, D_MODEL, new Rng(77)));
      const e = await decodeErrors(layer, D_MODEL, 12, split, 2, scan, new Rng(900 + split));
      expect(e.y).toBeLessThan(1e-4);
      expect(e.state).toBeLessThan(1e-4);
      layer.dispose();
    });
  });
});

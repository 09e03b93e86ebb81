import { describe, expect, it } from 'vitest';
import { makeTemplate } from '../../models/presets';
import { addPins } from '../../app/slices/compareSlice';
import { designKey } from '../../app/slices/designKey';
import type { RunRecord } from '../../app/slices/runSlice';
import { analyzeDesign } from '../../sim/cost';
import { buildSeries } from './useChartSeries';
import { CURRENT_DESIGN_COLOR } from './seriesColors';

const a = makeTemplate('1:1', { dModel: 512, nLayers: 8, vocabSize: 1000 });
const b = makeTemplate('1:7', { dModel: 512, nLayers: 8, vocabSize: 1000 });

function run(key: string, id: string, nPoints: number): RunRecord {
  const profile = { name: 'tiny', dModel: 64, vocabSize: 256, maxLayers: 8, headDim: 8, ffnMult: 2, maxExperts: 4 };
  const s = { median: 1, min: 1, max: 1, q1: 1, q3: 1 };
  return {
    id,
    designKey: key,
    designName: 'x',
    status: 'done',
    backend: 'wasm',
    backendReason: '',
    threads: 2,
    threadsReason: '',
    scan: 'chunked',
    profile,
    seqLens: [16, 32],
    startedAt: '',
    error: null,
    points: Array.from({ length: nPoints }, (_, i) => ({ seqLen: 16 << i, prefillTokensPerSec: 1, prefillMs: s, decodeMsPerToken: 1, decodeMs: s, kvCacheBytes: 0, stateBytes: 0, predictedKvCacheBytes: 0, predictedStateBytes: 0, tfNumBytes: 0, tfNumTensors: 0, dispatchesPerDecodeStep: 0 })),
  };
}

describe('buildSeries', () => {
  it('draws the unpinned current design first in the neutral colour, then the pins in order', () => {
    const { pinned } = addPins([], [{ design: b, origin: 'ratio' }]);
    const s = buildSeries(a, pinned, {}, null);
    expect(s.map((x) => [x.unpinned, x.color])).toEqual([
      [true, CURRENT_DESIGN_COLOR],
      [false, pinned[0]!.color],
    ]);
    expect(s[0]!.cost.weightBytes).toBe(analyzeDesign(a).weightBytes);
  });
  it('does not draw the current design twice when it is pinned', () => {
    const { pinned } = addPins([], [{ design: a, origin: 'current' }]);
    expect(buildSeries(a, pinned, {}, null)).toHaveLength(1);
  });
  it('attaches the latest run with points and applies the cost dtype', () => {
    const key = designKey(a);
    const runs = { [key]: [run(key, 'old', 2), run(key, 'new', 1), { ...run(key, 'failed', 0), status: 'error' as const }] };
    const [s] = buildSeries(a, [], runs, 'fp32');
    expect(s!.run!.id).toBe('new');
    expect(s!.cost.weightBytes).toBe(analyzeDesign(a, { dtype: 'fp32' }).weightBytes);
  });
});

import { describe, expect, it } from 'vitest';
import type { QualityRecord } from '../../app/slices/qualitySlice';
import { getPreset } from '../../models/presets';
import { describeRecord, kvRows, memoryPoints, qualityLines, stepRows } from './qualityData';
import { CURRENT_DESIGN_COLOR } from './seriesColors';

const design = getPreset('jamba-v0.1')!.design;
let n = 0;
function rec(p: Partial<QualityRecord> & Pick<QualityRecord, 'designKey'>): QualityRecord {
  return {
    id: `r${++n}`,
    designName: p.designKey,
    design,
    control: null,
    task: 'mqar-stacked',
    taskParams: { kvPairs: 16, seqLen: 32, vocabSize: 512 },
    steps: 300,
    status: 'done',
    backend: 'wasm',
    backendReason: '',
    scan: 'simd',
    profile: null,
    gradientPaths: [],
    curve: [
      { step: 0, loss: 5.5, accuracy: 0.004 },
      { step: 25, loss: 3, accuracy: 0.5 },
    ],
    trainCurve: [],
    final: { accuracy: 0.5, loss: 3, steps: 25 },
    secondsPerStep: 0.1,
    stoppedEarly: false,
    startedAt: '',
    error: null,
    ...p,
  };
}

const designs = [
  { key: 'a', name: 'A', color: '#111111' },
  { key: 'b', name: 'B', color: '#222222' },
];

describe('qualityLines', () => {
  it('draws the latest record per design and control for the task and N_kv, designs first in their order, controls hollow in their design’s colour', () => {
    const results = [
      rec({ designKey: 'b', final: { accuracy: 0.1, loss: 5, steps: 300 } }),
      rec({ designKey: 'a' }),
      rec({ designKey: 'b', final: { accuracy: 0.9, loss: 1, steps: 300 } }),
      rec({ designKey: 'c', control: { kind: 'ssm', of: 'a', ofName: 'A' } }),
      rec({ designKey: 'a', taskParams: { kvPairs: 8, seqLen: 16, vocabSize: 512 } }),
      rec({ designKey: 'a', task: 'copy' }),
      rec({ designKey: 'b', status: 'queued' }),
      rec({ designKey: 'gone' }),
    ];
    const lines = qualityLines(results, designs, 'mqar-stacked', 16);
    expect(lines.map((l) => [l.name, l.color, l.hollow])).toEqual([
      ['A', '#111111', false],
      ['pure SSM control of A', '#111111', true],
      ['B', '#222222', false],
    ]);
    expect(lines[2]!.record.final!.accuracy).toBe(0.9);
  });

  it('rows over steps carry each line’s metric (accuracy in percent)', () => {
    const lines = qualityLines([rec({ designKey: 'a' })], designs, 'mqar-stacked', 16);
    expect(stepRows(lines, (r) => r.curve, 'accuracy')).toEqual([
      { step: 0, [lines[0]!.id]: 0.4 },
      { step: 25, [lines[0]!.id]: 50 },
    ]);
  });
});

describe('memoryPoints and kvRows', () => {
  it('plots finished records at their full-size KV + state bytes; running ones wait', () => {
    const lines = qualityLines([rec({ designKey: 'a' }), rec({ designKey: 'b', status: 'running', final: null })], designs, 'mqar-stacked', 16);
    const pts = memoryPoints(lines, () => 1234);
    expect(pts.map((p) => [p.name, p.bytes, p.accuracy])).toEqual([['A', 1234, 50]]);
  });

  it('accuracy against N_kv per design, from the latest finished record at each N_kv', () => {
    const r = kvRows(
      [
        rec({ designKey: 'a', taskParams: { kvPairs: 8, seqLen: 16, vocabSize: 512 }, final: { accuracy: 1, loss: 0, steps: 100 } }),
        rec({ designKey: 'a', final: { accuracy: 0.75, loss: 1, steps: 300 } }),
        rec({ designKey: 'x', control: { kind: 'attention', of: 'b', ofName: 'B' }, final: { accuracy: 1, loss: 0, steps: 40 } }),
      ],
      designs,
      'mqar-stacked',
    );
    expect(r.rows.map((row) => row.kvPairs)).toEqual([8, 16]);
    expect(r.lines.map((l) => [l.name, l.hollow, l.color])).toEqual([
      ['A', false, '#111111'],
      ['pure attention control of B', true, '#222222'],
    ]);
    expect(r.rows[0]![r.lines[0]!.id]).toBe(100);
    expect(r.rows[1]![r.lines[0]!.id]).toBe(75);
  });

  it('an orphaned control (its design unpinned) is not drawn; unknown colours fall back to grey', () => {
    expect(qualityLines([rec({ designKey: 'c', control: { kind: 'ssm', of: 'zz', ofName: 'Z' } })], designs, 'mqar-stacked', 16)).toEqual([]);
    expect(CURRENT_DESIGN_COLOR).toMatch(/^#/);
  });
});

describe('describeRecord', () => {
  it('says task, pairs, lab profile, steps and backend', () => {
    const r = rec({ designKey: 'a', stoppedEarly: true, profile: { name: 'lab', dModel: 32, vocabSize: 512, maxLayers: 8, headDim: 16, ffnMult: 2, maxExperts: 4, maxDState: 16, ffn: false, outProjStd: 0.002, attentionOutProjStd: 0.02, embedStd: 0.02, layers: 8 } });
    expect(describeRecord(r, 'Stacked MQAR')).toBe('Stacked MQAR · 16 pairs · lab d=32 × 8 layers · 25 steps (stopped at 99 %) · wasm');
  });
});

import { describe, expect, it } from 'vitest';
import { getPreset } from '../../models/presets';
import { DEFAULT_PLANNER_SETTINGS, plannerHardware, type PlannerSettings } from '../../app/slices/plannerSlice';
import type { PlannerModel } from '../../app/usePlanner';
import { buildSeries } from '../charts/useChartSeries';
import { summarizeCost } from '../charts/designSummary';
import { plannerCompareRows } from './plannerCompareRows';

function model(patch: Partial<PlannerSettings>): PlannerModel {
  const settings = { ...DEFAULT_PLANNER_SETTINGS, ...patch };
  return { settings, setSettings: () => undefined, hardware: plannerHardware(settings, null), probe: null, probing: false, probeError: null, measure: () => undefined, calibrateRun: () => [] };
}

const pins = ['llama-2-7b', 'mixtral-8x7b'].map((id, i) => ({ id: `k${i}`, design: getPreset(id)!.design, color: '#2f7fd0', origin: 'preset' as const }));
const series = buildSeries(null, pins, {}, null);
const cell = (rows: ReturnType<typeof plannerCompareRows>, key: string, i: number) => rows.find((r) => r.key === key)!.value(summarizeCost(series[i]!.cost, 2 ** 40), series[i]!);

describe('compare table planner rows', () => {
  it('Mixtral needs two H100s in bf16; Llama-2-7B fits one; the rows follow the settings', () => {
    const rows = plannerCompareRows(model({ hardware: ['h100-sxm'], batch: 1, seqLen: 4096 }));
    expect(rows.map((r) => r.key)).toEqual(['planned-on', 'ttft', 'decode-tps', 'max-concurrency', 'gpus-needed']);
    expect(cell(rows, 'gpus-needed', 0).text).toBe('1');
    expect(cell(rows, 'gpus-needed', 1).text).toBe('2 (TP 2)');
    // Mixtral on one GPU: no TTFT (the same muted dash as every empty cell), max concurrency 0
    expect(cell(rows, 'ttft', 1).text).toBe('—');
    expect(cell(rows, 'ttft', 1).exact).toMatch(/does not fit on 1 × NVIDIA H100 SXM/);
    expect(cell(rows, 'max-concurrency', 1).text).toBe('0');
    expect(cell(rows, 'ttft', 0).text).toMatch(/ms$/);
  });

  it('fp8 KV raises the max concurrency of an attention model; the RTX 4090 decodes more slowly than the H100', () => {
    const bf16 = plannerCompareRows(model({ hardware: ['h100-sxm'], seqLen: 32768 }));
    const fp8 = plannerCompareRows(model({ hardware: ['h100-sxm'], seqLen: 32768, precision: { ...DEFAULT_PLANNER_SETTINGS.precision, kv: 'fp8' } }));
    const conc = (rows: typeof bf16) => Number(cell(rows, 'max-concurrency', 0).text.replace(/,/g, ''));
    // Llama-2-7B: (72 GiB − 12.55 GiB) / 16 GiB = 3 at bf16, / 8 GiB = 7 at fp8
    expect(conc(bf16)).toBe(3);
    expect(conc(fp8)).toBe(7);
    const h100 = plannerCompareRows(model({ hardware: ['h100-sxm'], seqLen: 4096 }));
    const rtx = plannerCompareRows(model({ hardware: ['rtx-4090'], seqLen: 4096 }));
    const tps = (rows: typeof h100) => Number(/[\d.]+/.exec(cell(rows, 'decode-tps', 0).exact)![0]);
    expect(tps(h100) / tps(rtx)).toBeGreaterThan(3);
  });

  it('no hardware: every planner cell is the muted dash', () => {
    const rows = plannerCompareRows(model({ hardware: ['this-device'] }));
    for (const r of rows) expect(cell(rows, r.key, 0).text).toBe('—');
  });
});

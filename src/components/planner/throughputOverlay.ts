/**
 * What the planner adds to the throughput chart's measured views: the roofline prediction of each measured run's
 * scaled copy on this device (dotted, with the measured ÷ predicted ratio in the legend), and, when asked, the
 * full-size designs on the chosen hardware (dashed). Same units as the view: prefill tokens/s, decode ms/token.
 */
import type { PlannerModel } from '../../app/usePlanner';
import { medianRatio } from '../../app/calibrateRun';
import type { LegendEntry } from '../charts/ChartFrame';
import { shortDesignNames } from '../charts/chartData';
import type { DesignSeries } from '../charts/useChartSeries';
import { curveFor, describeDeployment, shortHardwareName } from './plannerModel';

export interface OverlayLine {
  key: string;
  name: string;
  color: string;
  dash: string;
  values: { seqLen: number; value: number }[];
}

export interface ThroughputOverlay {
  lines: OverlayLine[];
  legend: LegendEntry[];
  /** Appended to the chart's subtitle: what the dashed lines are (hardware, batch, dtypes). */
  note: string | null;
}

const CALIBRATION_DASH = '1 3';
const FULL_DESIGN_DASH = '7 4';

/** Ratios read as "14×" (or "0.8×" when the run beat the roofline). */
export function formatRatio(r: number): string {
  return !Number.isFinite(r) ? '—' : r >= 10 ? `${r.toFixed(0)}×` : `${r.toFixed(1)}×`;
}

/** The planner's lines for the prefill or decode view, over `grid` (full designs) and the measured lengths (runs). */
export function throughputOverlay(planner: PlannerModel | undefined, series: readonly DesignSeries[], view: 'prefill' | 'decode', grid: readonly number[]): ThroughputOverlay {
  const out: ThroughputOverlay = { lines: [], legend: [], note: null };
  if (!planner) return out;
  const short = shortDesignNames(series.map((s) => s.name));
  const decode = view === 'decode';
  if (planner.probe) {
    series.forEach((s, i) => {
      if (!s.run || s.run.points.length === 0) return;
      const cal = planner.calibrateRun(s.design, s.run);
      if (!cal.length) return;
      const ratio = medianRatio(cal.map((c) => (decode ? c.decodeRatio : c.prefillRatio)));
      const withDispatch = decode ? medianRatio(cal.map((c) => c.decodeRatioWithDispatch ?? Number.NaN)) : Number.NaN;
      const name = `${short[i]} · roofline on this device (${planner.probe!.backend} probe) · measured ÷ predicted ${formatRatio(ratio)}${Number.isFinite(withDispatch) ? ` (${formatRatio(withDispatch)} with dispatch cost)` : ''}`;
      out.lines.push({ key: `cal-${s.id}`, name, color: s.color, dash: CALIBRATION_DASH, values: cal.map((c) => ({ seqLen: c.seqLen, value: decode ? c.decodeMsPerToken : c.prefillTokensPerSec })) });
      out.legend.push({ label: name, color: s.color, dash: CALIBRATION_DASH, testId: 'calibration-legend' });
    });
  }
  const hw = planner.hardware[0];
  if (planner.settings.overlay && hw) {
    const st = planner.settings;
    let drawn = 0;
    series.forEach((s, i) => {
      const { points } = curveFor(s.design, s.cost, hw, st, grid);
      const values = points.filter((p) => p.point).map((p) => ({ seqLen: p.seqLen, value: decode ? p.point!.decodeSecondsPerToken * 1000 : p.point!.prefillTokensPerSec }));
      if (!values.length) return;
      const name = `${short[i]} · full design on ${shortHardwareName(hw)} ×${st.gpus}`;
      out.lines.push({ key: `full-${s.id}`, name, color: s.color, dash: FULL_DESIGN_DASH, values });
      out.legend.push({ label: name, color: s.color, dash: FULL_DESIGN_DASH, testId: 'full-design-legend' });
      drawn++;
    });
    out.note = drawn
      ? `Dashed: full-size designs on ${st.gpus} × ${hw.name} (roofline; ${describeDeployment(st)}).`
      : `No full-size design fits on ${st.gpus} × ${hw.name} at batch ${st.batch} (Hardware tab: GPUs, batch, dtypes).`;
    // Said in the legend too, where it cannot be cut off like the subtitle.
    if (!drawn) out.legend.push({ label: `full design: nothing fits on ${st.gpus} × ${shortHardwareName(hw)} at batch ${st.batch} (pick more GPUs in the Hardware tab)`, color: '#8a929c', dash: FULL_DESIGN_DASH, testId: 'full-design-legend' });
  }
  return out;
}

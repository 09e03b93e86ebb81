import { useMemo } from 'react';
import { CartesianGrid, ComposedChart, ErrorBar, Line, ResponsiveContainer, Tooltip, YAxis } from 'recharts';
import { formatCount, formatInt } from '../../sim/cost';
import type { ChartSettings } from '../../app/slices/compareSlice';
import { decodeMarkers, describeProfile, lengthGrid, prefillMarkers, threadsLabel, seriesKey, shortDesignNames } from './chartData';
import { curveOf } from './designSummary';
import type { DataTable } from './exportData';
import { ChartFrame, type LegendEntry } from './ChartFrame';
import { MarkerDot } from './MarkerDot';
import { MARKER_SHAPES } from './seriesColors';
import { lengthAxis, lengthLabel, tooltipStyle, yAxisStyle } from './axes';
import type { DesignSeries } from './useChartSeries';
import type { ChartTheme } from './useChartTheme';
import { MEMORY_MIN_SEQ_LEN } from './MemoryChart';
import type { PlannerModel } from '../../app/usePlanner';
import { throughputOverlay } from '../planner/throughputOverlay';
import { shortHardwareName } from '../planner/plannerModel';

interface Props {
  series: DesignSeries[];
  settings: ChartSettings;
  fileBase: string;
  setSettings: (p: Partial<ChartSettings>) => void;
  theme: ChartTheme;
  /** The planner: roofline lines beside the measured points (issue 12); none when absent. */
  planner?: PlannerModel;
}

const VIEWS = [
  ['prefill', 'Prefill tok/s', 'Measured prefill throughput of the run profile (tokens per second)'],
  ['decode', 'Decode ms/tok', 'Measured decode latency of the run profile (milliseconds per token)'],
  ['flops', 'FLOPs/token', 'Analytic forward FLOPs per decoded token of the full-size design'],
] as const;

function ViewSwitch({ settings, setSettings, planner }: Pick<Props, 'settings' | 'setSettings' | 'planner'>) {
  const hw = planner?.hardware[0];
  return (
    <>
      <div className="hx-seg" role="radiogroup" aria-label="Throughput view">
        {VIEWS.map(([v, label, title]) => (
          <button key={v} type="button" role="radio" title={title} aria-checked={settings.throughputView === v} className={settings.throughputView === v ? 'on' : ''} onClick={() => setSettings({ throughputView: v })}>
            {label}
          </button>
        ))}
      </div>
      {settings.throughputView !== 'flops' && (
        <label className="hx-inline">
          spread
          <select value={settings.spread} onChange={(e) => setSettings({ spread: e.target.value as ChartSettings['spread'] })} aria-label="Spread shown by the error bars">
            <option value="minmax">min–max</option>
            <option value="iqr">IQR</option>
          </select>
        </label>
      )}
      {planner && settings.throughputView !== 'flops' && (
        <>
          <label className="hx-inline" title="Draw the full-size designs on the Hardware tab's first hardware (roofline), in the same unit">
            <input type="checkbox" checked={planner.settings.overlay} onChange={(e) => planner.setSettings({ overlay: e.target.checked })} disabled={!hw} data-testid="throughput-overlay" />
            full design on {hw ? shortHardwareName(hw) : '…'}
          </label>
          {!planner.probe && (
            <button type="button" onClick={planner.measure} disabled={planner.probing} title="Measure this device (matmul FLOP/s and memory bandwidth on the run backend) to draw each run's roofline prediction beside its points, with measured ÷ predicted" data-testid="throughput-measure">
              {planner.probing ? 'Measuring…' : 'Measure device'}
            </button>
          )}
        </>
      )}
    </>
  );
}

/** Measured prefill throughput or decode latency of the run profile (markers with spread), or analytic FLOPs/token. */
export function ThroughputChart(props: Props) {
  return props.settings.throughputView === 'flops' ? <FlopsChart {...props} /> : <MeasuredChart {...props} />;
}

/** The legend label of a design's run: backend, threads and profile included, as the chart must say what produced it. */
export function runLabel(s: DesignSeries): string {
  const r = s.run!;
  return `${s.name} · measured on ${r.backend ?? 'starting…'}${r.backend ? `, ${threadsLabel(r.threads)}` : ''} · ${r.profile.name} profile (d=${r.profile.dModel})${r.status === 'cancelled' ? ' · cancelled' : r.status === 'running' ? ' · running' : ''}`;
}

function MeasuredChart({ series, settings, fileBase, setSettings, theme, planner }: Props) {
  const decode = settings.throughputView === 'decode';
  const withRuns = series.filter((s) => s.run && s.run.points.length > 0);
  const markers = useMemo(
    () => withRuns.map((s) => ({ s, m: (decode ? decodeMarkers : prefillMarkers)(s.run!.points, settings.spread) })),
    [withRuns, decode, settings.spread],
  );
  const measuredLens = useMemo(() => [...new Set(markers.flatMap(({ m }) => m.map((p) => p.seqLen)))].sort((a, b) => a - b), [markers]);
  // With no run, planner lines span the length axis of the other charts.
  const min = measuredLens.length ? Math.max(1, Math.floor(measuredLens[0]! / 1.25)) : MEMORY_MIN_SEQ_LEN;
  const max = measuredLens.length ? Math.max(min * 2, Math.ceil(measuredLens.at(-1)! * 1.25)) : Math.max(min * 2, settings.maxSeqLen);
  const overlay = useMemo(() => throughputOverlay(planner, series, decode ? 'decode' : 'prefill', lengthGrid(min, max, 4)), [planner, series, decode, min, max]);
  const rows = useMemo(() => {
    const byX = new Map<number, Record<string, unknown>>();
    for (const { s, m } of markers) {
      for (const p of m) {
        const row = byX.get(p.seqLen) ?? { seqLen: p.seqLen };
        row[seriesKey(s.id, 'v')] = p.value;
        row[seriesKey(s.id, 'err')] = p.error;
        byX.set(p.seqLen, row);
      }
    }
    for (const line of overlay.lines) {
      for (const p of line.values) {
        const row = byX.get(p.seqLen) ?? { seqLen: p.seqLen };
        row[line.key] = p.value;
        byX.set(p.seqLen, row);
      }
    }
    return [...byX.values()].sort((a, b) => (a.seqLen as number) - (b.seqLen as number));
  }, [markers, overlay]);
  const lens = measuredLens;
  const logY = overlay.lines.length > 0;
  // A log axis spans every value drawn, spreads included, with some room (recharts' own log domain can cut the lowest).
  const logDomain = useMemo((): [number, number] => {
    let lo = Infinity;
    let hi = 0;
    for (const { m } of markers) {
      for (const p of m) {
        lo = Math.min(lo, p.low > 0 ? p.low : p.value);
        hi = Math.max(hi, p.high);
      }
    }
    for (const l of overlay.lines) {
      for (const p of l.values) {
        lo = Math.min(lo, p.value);
        hi = Math.max(hi, p.value);
      }
    }
    return Number.isFinite(lo) && hi > 0 ? [lo / 1.4, hi * 1.4] : [1, 10];
  }, [markers, overlay]);
  // On a log axis the ticks sit at the lengths measured (at most about eight of them), where the markers are.
  const ticks = settings.xScale === 'log' && lens.length > 0 ? lens.filter((_, i) => i % Math.ceil(lens.length / 8) === 0) : undefined;
  const unit = decode ? 'ms/token' : 'tokens/s';
  const legend: LegendEntry[] = [...withRuns.map((s) => ({ label: runLabel(s), color: s.color, marker: true, testId: 'throughput-legend' })), ...overlay.legend];
  const table = (): DataTable => ({
    chart: 'throughput',
    title: 'Measured prefill throughput and decode latency of the run profile',
    columns: [
      { key: 'design', description: 'design name' },
      { key: 'backend', description: 'tfjs backend of the run' },
      { key: 'threads', description: 'CPU threads the run used (empty: not recorded)' },
      { key: 'scan', description: 'selective-scan implementation' },
      { key: 'profile', description: 'run profile (scaled copy that ran)' },
      { key: 'seq_len_tokens', description: 'sequence length (tokens)' },
      { key: 'prefill_tokens_per_s', description: 'prefill throughput, median (tokens/s)' },
      { key: 'prefill_ms_median', description: 'prefill time, median (ms)' },
      { key: 'prefill_ms_min', description: 'prefill time, fastest run (ms)' },
      { key: 'prefill_ms_max', description: 'prefill time, slowest run (ms)' },
      { key: 'prefill_ms_q1', description: 'prefill time, first quartile (ms)' },
      { key: 'prefill_ms_q3', description: 'prefill time, third quartile (ms)' },
      { key: 'decode_ms_per_token', description: 'decode latency, median (ms/token)' },
      { key: 'decode_ms_min', description: 'decode latency, min (ms/token)' },
      { key: 'decode_ms_max', description: 'decode latency, max (ms/token)' },
      { key: 'decode_ms_q1', description: 'decode latency, first quartile (ms/token)' },
      { key: 'decode_ms_q3', description: 'decode latency, third quartile (ms/token)' },
    ],
    rows: withRuns.flatMap((s) =>
      s.run!.points.map((p) => ({
        design: s.name,
        backend: s.run!.backend,
        threads: s.run!.threads,
        scan: s.run!.scan,
        profile: s.run!.profile.name,
        seq_len_tokens: p.seqLen,
        prefill_tokens_per_s: p.prefillTokensPerSec,
        prefill_ms_median: p.prefillMs.median,
        prefill_ms_min: p.prefillMs.min,
        prefill_ms_max: p.prefillMs.max,
        prefill_ms_q1: p.prefillMs.q1,
        prefill_ms_q3: p.prefillMs.q3,
        decode_ms_per_token: p.decodeMsPerToken,
        decode_ms_min: p.decodeMs.min,
        decode_ms_max: p.decodeMs.max,
        decode_ms_q1: p.decodeMs.q1,
        decode_ms_q3: p.decodeMs.q3,
      })),
    ),
    meta: {
      units: { prefill: 'tokens/s', decode: 'ms/token', times: 'ms', seq_len: 'tokens' },
      source: 'measured in the browser on the scaled copy (run profile)',
      runs: withRuns.map((s) => ({ design: s.name, backend: s.run!.backend, backendReason: s.run!.backendReason, threads: s.run!.threads, threadsReason: s.run!.threadsReason, scan: s.run!.scan, profile: s.run!.profile, status: s.run!.status, startedAt: s.run!.startedAt })),
    },
  });
  const fmt = (v: number) => (decode ? `${v < 0.1 ? v.toPrecision(1) : v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : v.toFixed(0)} ms` : formatCount(v));
  return (
    <ChartFrame
      testId="chart-throughput"
      chartId="throughput"
      title="Throughput"
      subtitle={`${withRuns[0] ? `Measured on the scaled copy (${describeProfile(withRuns[0].run!.profile)}); bars: ${settings.spread === 'iqr' ? 'interquartile range' : 'min–max'}.` : 'Measured on a scaled copy of the design in this browser.'}${overlay.note ? ` ${overlay.note}` : ''}`}
      legend={legend}
      table={table}
      fileBase={fileBase}
      theme={theme}
      controls={<ViewSwitch settings={settings} setSettings={setSettings} planner={planner} />}
      empty={withRuns.length === 0 && overlay.lines.length === 0 ? `Run a benchmark to see measured throughput (Run panel: pick lengths and a profile, then Start).${overlay.note ? ` ${overlay.note}` : ''}` : undefined}
    >
      <ResponsiveContainer width="100%" height="100%">
        <ComposedChart data={rows} margin={{ top: 14, right: 24, bottom: 8, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" stroke={theme.grid} />
          {lengthAxis(min, max, settings.xScale, theme, ticks)}
          <YAxis type="number" scale={logY ? 'log' : 'linear'} domain={logY ? logDomain : [0, 'auto']} allowDataOverflow={logY} tickFormatter={fmt} width={72} {...yAxisStyle(theme)} label={{ value: unit, angle: -90, position: 'insideLeft', fill: theme.muted, fontSize: 11 }} />
          <Tooltip
            labelFormatter={lengthLabel}
            formatter={(v: unknown) => (decode ? `${Number(v).toFixed(3)} ms/token` : `${formatInt(Number(v))} tokens/s`)}
            {...tooltipStyle}
          />
          {markers.map(({ s }, i) => (
            <Line
              key={s.id}
              dataKey={seriesKey(s.id, 'v')}
              name={runLabel(s)}
              stroke={s.color}
              strokeOpacity={0.35}
              strokeWidth={1}
              connectNulls
              dot={<MarkerDot shape={MARKER_SHAPES[i % MARKER_SHAPES.length]!} color={s.color} />}
              activeDot={{ r: 5, fill: s.color }}
              isAnimationActive={false}
            >
              <ErrorBar dataKey={seriesKey(s.id, 'err')} direction="y" stroke={s.color} width={5} strokeWidth={1.25} />
            </Line>
          ))}
          {overlay.lines.map((l) => (
            <Line key={l.key} dataKey={l.key} name={l.name} stroke={l.color} strokeWidth={1.75} strokeDasharray={l.dash} dot={false} connectNulls isAnimationActive={false} />
          ))}
        </ComposedChart>
      </ResponsiveContainer>
    </ChartFrame>
  );
}

function FlopsChart({ series, settings, fileBase, setSettings, theme }: Props) {
  const min = MEMORY_MIN_SEQ_LEN;
  const max = Math.max(min * 2, settings.maxSeqLen);
  const curves = useMemo(() => {
    const grid = lengthGrid(min, max, 4);
    return series.map((s) => ({ s, points: curveOf(s.cost, grid) }));
  }, [series, min, max]);
  const rows = useMemo(() => {
    const out = (curves[0]?.points ?? []).map((p) => ({ seqLen: p.seqLen }) as Record<string, number>);
    curves.forEach(({ s, points }) => points.forEach((p, i) => (out[i]![seriesKey(s.id, 'f')] = p.flopsPerToken)));
    return out;
  }, [curves]);
  const short = shortDesignNames(series.map((s) => s.name));
  const legend: LegendEntry[] = series.map((s, i) => ({ label: short[i]!, color: s.color }));
  const table = (): DataTable => ({
    chart: 'flops',
    title: 'Decode FLOPs per token of the full-size designs (analytic)',
    columns: [
      { key: 'design', description: 'design name' },
      { key: 'seq_len_tokens', description: 'context length (tokens)' },
      { key: 'flops_per_token', description: 'forward FLOPs for one decoded token at this context (FLOP)' },
      { key: 'prefill_flops_per_token', description: 'average forward FLOPs per token when prefilling this length (FLOP)' },
    ],
    rows: curves.flatMap(({ s, points }) => points.map((p) => ({ design: s.name, seq_len_tokens: p.seqLen, flops_per_token: p.flopsPerToken, prefill_flops_per_token: p.prefillFlopsPerToken }))),
    meta: { units: { flops: 'FLOP (2 per multiply-accumulate)', seq_len: 'tokens' }, source: 'analytic cost model, full-size design', designs: series.map((s) => s.name) },
  });
  return (
    <ChartFrame
      testId="chart-throughput"
      chartId="flops"
      title="Throughput"
      subtitle="Full-size design, analytic: forward FLOPs per decoded token at each context length."
      legend={legend}
      table={table}
      fileBase={fileBase}
      theme={theme}
      controls={<ViewSwitch settings={settings} setSettings={setSettings} />}
      empty={series.length === 0 ? 'Load a preset or build a design to see its FLOPs per token.' : undefined}
    >
      <ResponsiveContainer width="100%" height="100%">
        <ComposedChart data={rows} margin={{ top: 14, right: 24, bottom: 8, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" stroke={theme.grid} />
          {lengthAxis(min, max, settings.xScale, theme)}
          <YAxis type="number" domain={[0, 'auto']} tickFormatter={(v: number) => formatCount(v)} width={72} {...yAxisStyle(theme)} label={{ value: 'FLOP/token', angle: -90, position: 'insideLeft', fill: theme.muted, fontSize: 11 }} />
          <Tooltip labelFormatter={lengthLabel} formatter={(v: unknown) => `${formatCount(Number(v))}FLOP (${formatInt(Number(v))})`} {...tooltipStyle} />
          {series.map((s) => (
            <Line key={s.id} dataKey={seriesKey(s.id, 'f')} name={s.name} stroke={s.color} strokeWidth={2} dot={false} isAnimationActive={false} />
          ))}
        </ComposedChart>
      </ResponsiveContainer>
    </ChartFrame>
  );
}


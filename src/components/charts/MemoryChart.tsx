import { useMemo, useState } from 'react';
import { CartesianGrid, ComposedChart, Line, ReferenceDot, ReferenceLine, ResponsiveContainer, Tooltip, YAxis } from 'recharts';
import { formatBytes, formatInt, maxContextForCost } from '../../sim/cost';
import type { ChartSettings } from '../../app/slices/compareSlice';
import { binaryByteTicks, describeProfile, lengthGrid, mergeRows, seriesKey, shortDesignNames, threadsLabel } from './chartData';
import { formatTokens } from '../formatTokens';
import { curveOf } from './designSummary';
import type { DataTable } from './exportData';
import { ChartFrame, type LegendEntry } from './ChartFrame';
import { METRIC_DASH } from './seriesColors';
import { lengthAxis, lengthLabel, tooltipStyle, yAxisStyle } from './axes';
import type { DesignSeries } from './useChartSeries';
import type { ChartTheme } from './useChartTheme';

/** Shortest length on the analytic memory axis, in tokens. */
export const MEMORY_MIN_SEQ_LEN = 1024;

type Metric = 'total' | 'kv' | 'state';
const METRIC_LABEL: Record<Metric, string> = { total: 'total = weights + KV + state', kv: 'KV cache', state: 'state' };

interface Props {
  series: DesignSeries[];
  settings: ChartSettings;
  budgetBytes: number;
  fileBase: string;
  setSettings: (p: Partial<ChartSettings>) => void;
  theme: ChartTheme;
}

/** The legend's words for a design's longest context within the budget. */
function maxContextText(m: number): string {
  if (m === 0) return 'weights over budget';
  if (!Number.isFinite(m)) return 'fits at any length';
  return `max ${formatTokens(m)}`;
}

function byteTooltip(value: unknown): string {
  const n = Number(value);
  return `${formatBytes(n)} (${formatInt(n)} B)`;
}

/** Memory against sequence length: the full-size design (analytic) or the run profile (predicted vs measured). */
export function MemoryChart(props: Props) {
  return props.settings.memoryView === 'run' ? <RunMemoryChart {...props} /> : <FullMemoryChart {...props} />;
}

function ViewSwitch({ settings, setSettings }: Pick<Props, 'settings' | 'setSettings'>) {
  return (
    <div className="hx-seg" role="radiogroup" aria-label="Memory view">
      {(
        [
          ['full', 'Full design', 'Analytic memory of the full-size design'],
          ['run', 'Run profile', 'The scaled copy that ran: predicted cache bytes (lines) against the bytes measured (dots)'],
        ] as const
      ).map(([v, label, title]) => (
        <button key={v} type="button" role="radio" title={title} aria-checked={settings.memoryView === v} className={settings.memoryView === v ? 'on' : ''} onClick={() => setSettings({ memoryView: v })}>
          {label}
        </button>
      ))}
    </div>
  );
}

function FullMemoryChart({ series, settings, budgetBytes, fileBase, setSettings, theme }: Props) {
  const BUDGET_COLOR = theme.budget;
  const [shown, setShown] = useState<Record<Metric, boolean>>({ total: true, kv: true, state: true });
  const min = MEMORY_MIN_SEQ_LEN;
  const max = Math.max(min * 2, settings.maxSeqLen);
  const data = useMemo(() => {
    const grid = lengthGrid(min, max, 4);
    const curves = series.map((s) => ({ id: s.id, points: curveOf(s.cost, grid) }));
    const rows = mergeRows(curves, (p) => p.seqLen, { total: (p) => p.totalBytes, kv: (p) => p.kvCacheBytes, state: (p) => p.stateBytes, weights: (p) => p.weightBytes });
    const maxCtx = series.map((s) => maxContextForCost(s.cost, budgetBytes));
    return { grid, curves, rows, maxCtx };
  }, [series, min, max, budgetBytes]);

  const metrics = (Object.keys(shown) as Metric[]).filter((m) => shown[m]);
  let yMax = budgetBytes * 1.05;
  for (const r of data.rows) for (const s of series) for (const m of metrics) yMax = Math.max(yMax, r[seriesKey(s.id, m)] ?? 0);
  const ticks = binaryByteTicks(yMax);

  const short = shortDesignNames(series.map((s) => s.name));
  const legend: LegendEntry[] = [
    ...series.map((s, i) => ({ label: `${short[i]} · ${maxContextText(data.maxCtx[i] ?? 0)}`, color: s.color })),
    ...metrics.map((m) => ({ label: METRIC_LABEL[m], color: theme.muted, dash: METRIC_DASH[m] })),
    { label: `budget ${formatBytes(budgetBytes)}`, color: BUDGET_COLOR, dash: '4 4' },
  ];

  const table = (): DataTable => ({
    chart: 'memory',
    title: 'Inference memory of the full-size designs (analytic)',
    columns: [
      { key: 'design', description: 'design name' },
      { key: 'seq_len_tokens', description: 'sequence length (tokens)' },
      { key: 'weight_bytes', description: 'weight memory (bytes)' },
      { key: 'kv_cache_bytes', description: 'KV cache (bytes)' },
      { key: 'state_bytes', description: 'recurrent state (bytes)' },
      { key: 'total_bytes', description: 'weights + KV + state (bytes)' },
      { key: 'budget_bytes', description: 'memory budget (bytes)' },
      { key: 'max_context_tokens', description: 'largest context within the budget (tokens; empty = unbounded)' },
    ],
    rows: series.flatMap((s, i) =>
      (data.curves[i]?.points ?? []).map((p) => ({
        design: s.name,
        seq_len_tokens: p.seqLen,
        weight_bytes: p.weightBytes,
        kv_cache_bytes: p.kvCacheBytes,
        state_bytes: p.stateBytes,
        total_bytes: p.totalBytes,
        budget_bytes: budgetBytes,
        max_context_tokens: Number.isFinite(data.maxCtx[i]!) ? data.maxCtx[i]! : null,
      })),
    ),
    meta: { units: { bytes: 'B (binary units in the UI: 1 GiB = 2^30 B)', seq_len: 'tokens' }, source: 'analytic cost model, full-size design, batch 1', designs: series.map((s) => ({ name: s.name, dtype: s.cost.dtype, color: s.color })), budgetBytes },
  });

  const controls = (
    <>
      <ViewSwitch settings={settings} setSettings={setSettings} />
      <div className="hx-seg" role="group" aria-label="Curves shown">
        {(Object.keys(METRIC_LABEL) as Metric[]).map((m) => (
          <label key={m} className="hx-check">
            <input type="checkbox" checked={shown[m]} onChange={(e) => setShown({ ...shown, [m]: e.target.checked })} />
            {m === 'total' ? 'total' : m === 'kv' ? 'KV' : 'state'}
          </label>
        ))}
      </div>
    </>
  );

  return (
    <ChartFrame
      testId="chart-memory"
      chartId="memory"
      title="Memory"
      subtitle="Full-size design, analytic: lines. Dots mark the longest context that fits the budget."
      legend={legend}
      table={table}
      fileBase={fileBase}
      theme={theme}
      controls={controls}
      empty={series.length === 0 ? 'Load a preset or build a design to see its memory.' : undefined}
    >
      <ResponsiveContainer width="100%" height="100%">
        <ComposedChart data={data.rows} margin={{ top: 14, right: 24, bottom: 8, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" stroke={theme.grid} />
          {lengthAxis(min, max, settings.xScale, theme)}
          <YAxis type="number" domain={[0, ticks.at(-1) ?? 1]} ticks={ticks} tickFormatter={(v: number) => formatBytes(v)} width={72} {...yAxisStyle(theme)} />
          <Tooltip formatter={byteTooltip} labelFormatter={lengthLabel} {...tooltipStyle} />
          {series.flatMap((s) =>
            metrics.map((m) => (
              <Line
                key={seriesKey(s.id, m)}
                dataKey={seriesKey(s.id, m)}
                name={`${s.name} · ${METRIC_LABEL[m]}`}
                stroke={s.color}
                strokeWidth={m === 'total' ? 2.5 : 1.75}
                strokeDasharray={METRIC_DASH[m]}
                dot={false}
                isAnimationActive={false}
              />
            )),
          )}
          <ReferenceLine y={budgetBytes} stroke={BUDGET_COLOR} strokeDasharray="4 4" label={{ value: `budget ${formatBytes(budgetBytes)}`, position: 'insideTopLeft', fill: BUDGET_COLOR, fontSize: 11 }} />
          {series.map((s, i) => {
            const m = data.maxCtx[i] ?? 0;
            return m >= min && m <= max && shown.total ? (
              <ReferenceDot key={`max-${s.id}`} x={m} y={budgetBytes} r={5} fill={s.color} stroke={theme.bg} strokeWidth={1.5} label={{ value: formatTokens(m), position: 'top', fill: s.color, fontSize: 10 }} />
            ) : null;
          })}
        </ComposedChart>
      </ResponsiveContainer>
    </ChartFrame>
  );
}

function RunMemoryChart({ series, settings, fileBase, setSettings, theme }: Props) {
  const withRuns = series.filter((s) => s.run && s.run.points.length > 0);
  const rows = useMemo(
    () =>
      mergeRows(
        withRuns.map((s) => ({ id: s.id, points: s.run!.points })),
        (p) => p.seqLen,
        { predKv: (p) => p.predictedKvCacheBytes, measKv: (p) => p.kvCacheBytes, predState: (p) => p.predictedStateBytes, measState: (p) => p.stateBytes },
      ),
    [withRuns],
  );
  const lens = rows.map((r) => r.seqLen);
  // A quarter-octave margin so that the end markers are not cut in half by the plot edge.
  const min = Math.max(1, Math.floor((lens[0] ?? 128) / 1.25));
  const max = Math.max(min * 2, Math.ceil((lens.at(-1) ?? 1024) * 1.25));
  let yMax = 1;
  for (const r of rows) for (const s of withRuns) for (const m of ['predKv', 'measKv', 'predState', 'measState']) yMax = Math.max(yMax, r[seriesKey(s.id, m)] ?? 0);
  const ticks = binaryByteTicks(yMax);
  const label = (s: DesignSeries) => `${s.name} · ${s.run!.backend ?? '?'}, ${threadsLabel(s.run!.threads)} · ${s.run!.profile.name}`;
  const legend: LegendEntry[] = [
    ...withRuns.map((s) => ({ label: label(s), color: s.color })),
    { label: 'predicted (cost model, run profile, fp32)', color: theme.muted },
    { label: 'measured (tensors held)', color: theme.muted, marker: true },
    { label: 'KV dashed, state dotted', color: theme.muted, dash: METRIC_DASH.kv },
  ];
  const table = (): DataTable => ({
    chart: 'memory-run',
    title: 'Run profile: predicted vs measured cache bytes',
    columns: [
      { key: 'design', description: 'design name' },
      { key: 'backend', description: 'tfjs backend of the run' },
      { key: 'threads', description: 'CPU threads the run used (empty: not recorded)' },
      { key: 'profile', description: 'run profile' },
      { key: 'seq_len_tokens', description: 'sequence length (tokens)' },
      { key: 'kv_cache_bytes_measured', description: 'KV-cache tensors allocated (bytes)' },
      { key: 'kv_cache_bytes_predicted', description: 'KV cache predicted by the cost model (bytes)' },
      { key: 'state_bytes_measured', description: 'state tensors allocated (bytes)' },
      { key: 'state_bytes_predicted', description: 'state predicted by the cost model (bytes)' },
    ],
    rows: withRuns.flatMap((s) =>
      s.run!.points.map((p) => ({
        design: s.name,
        backend: s.run!.backend,
        threads: s.run!.threads,
        profile: s.run!.profile.name,
        seq_len_tokens: p.seqLen,
        kv_cache_bytes_measured: p.kvCacheBytes,
        kv_cache_bytes_predicted: p.predictedKvCacheBytes,
        state_bytes_measured: p.stateBytes,
        state_bytes_predicted: p.predictedStateBytes,
      })),
    ),
    meta: { units: { bytes: 'B', seq_len: 'tokens' }, runs: withRuns.map((s) => ({ design: s.name, backend: s.run!.backend, threads: s.run!.threads, threadsReason: s.run!.threadsReason, scan: s.run!.scan, profile: s.run!.profile, startedAt: s.run!.startedAt })) },
  });
  return (
    <ChartFrame
      testId="chart-memory"
      chartId="memory-run"
      title="Memory"
      subtitle={withRuns[0] ? `Scaled copy that ran (${describeProfile(withRuns[0].run!.profile)}): predicted lines, measured dots.` : 'Scaled copy that ran: predicted lines, measured dots.'}
      legend={legend}
      table={table}
      fileBase={fileBase}
      theme={theme}
      controls={<ViewSwitch settings={settings} setSettings={setSettings} />}
      empty={withRuns.length === 0 ? 'Run a benchmark to compare the predicted and measured cache bytes of the run profile.' : undefined}
    >
      <ResponsiveContainer width="100%" height="100%">
        <ComposedChart data={rows} margin={{ top: 14, right: 24, bottom: 8, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" stroke={theme.grid} />
          {lengthAxis(min, max, settings.xScale, theme)}
          <YAxis type="number" domain={[0, ticks.at(-1) ?? 1]} ticks={ticks} tickFormatter={(v: number) => formatBytes(v)} width={72} {...yAxisStyle(theme)} />
          <Tooltip formatter={byteTooltip} labelFormatter={lengthLabel} {...tooltipStyle} />
          {withRuns.flatMap((s) => [
            <Line key={`${s.id}pk`} dataKey={seriesKey(s.id, 'predKv')} name={`${s.name} · KV predicted`} stroke={s.color} strokeDasharray={METRIC_DASH.kv} dot={false} isAnimationActive={false} />,
            <Line key={`${s.id}mk`} dataKey={seriesKey(s.id, 'measKv')} name={`${s.name} · KV measured`} stroke="none" dot={{ r: 4, fill: s.color, stroke: s.color }} activeDot={{ r: 5 }} isAnimationActive={false} />,
            <Line key={`${s.id}ps`} dataKey={seriesKey(s.id, 'predState')} name={`${s.name} · state predicted`} stroke={s.color} strokeDasharray={METRIC_DASH.state} dot={false} isAnimationActive={false} />,
            <Line key={`${s.id}ms`} dataKey={seriesKey(s.id, 'measState')} name={`${s.name} · state measured`} stroke="none" dot={{ r: 3.5, fill: theme.bg, stroke: s.color, strokeWidth: 2 }} activeDot={{ r: 5 }} isAnimationActive={false} />,
          ])}
        </ComposedChart>
      </ResponsiveContainer>
    </ChartFrame>
  );
}

import { useMemo, useState } from 'react';
import { CartesianGrid, ComposedChart, Line, ReferenceDot, ResponsiveContainer, Tooltip, YAxis } from 'recharts';
import { formatBytes, formatInt } from '../../sim/cost';
import type { ChartSettings } from '../../app/slices/compareSlice';
import { binaryByteTicks, lengthGrid, powerOfTwoTicks, seriesKey, shortDesignNames, stateAxisMin } from './chartData';
import { formatTokens } from '../formatTokens';
import { curveOf } from './designSummary';
import type { DataTable } from './exportData';
import { ChartFrame, type LegendEntry } from './ChartFrame';
import { METRIC_DASH } from './seriesColors';
import { lengthAxis, lengthLabel, tooltipStyle, yAxisStyle } from './axes';
import type { DesignSeries } from './useChartSeries';
import type { ChartTheme } from './useChartTheme';
import { crossoverForCost } from '../../sim/cost';

interface Props {
  series: DesignSeries[];
  settings: ChartSettings;
  fileBase: string;
  theme: ChartTheme;
}

/** Per-sequence recurrent state (flat in L) against the KV cache (growing), with the length where KV overtakes state. */
export function StateKvChart({ series, settings, fileBase, theme }: Props) {
  const [yScale, setYScale] = useState<'log' | 'linear'>('log');
  const crossovers = useMemo(() => series.map((s) => crossoverForCost(s.cost)), [series]);
  const min = stateAxisMin(crossovers);
  const max = Math.max(min * 4, settings.maxSeqLen);
  const curves = useMemo(() => {
    const grid = lengthGrid(min, max, 4);
    return series.map((s) => ({ s, points: curveOf(s.cost, grid) }));
  }, [series, min, max]);
  const log = yScale === 'log';
  const rows = useMemo(() => {
    const out = (curves[0]?.points ?? []).map((p) => ({ seqLen: p.seqLen }) as Record<string, number | null>);
    // A log axis cannot show 0: a design without attention has no KV line there, one without state no state line.
    const v = (x: number) => (log && x <= 0 ? null : x);
    curves.forEach(({ s, points }) =>
      points.forEach((p, i) => {
        out[i]![seriesKey(s.id, 'kv')] = v(p.kvCacheBytes);
        out[i]![seriesKey(s.id, 'state')] = v(p.stateBytes);
      }),
    );
    return out;
  }, [curves, log]);

  let lo = Infinity;
  let hi = 1;
  for (const r of rows) {
    for (const [k, x] of Object.entries(r)) {
      if (k === 'seqLen' || x === null || x <= 0) continue;
      lo = Math.min(lo, x);
      hi = Math.max(hi, x);
    }
  }
  if (!Number.isFinite(lo)) lo = 1;
  const yLo = 2 ** Math.floor(Math.log2(lo));
  const yHi = 2 ** Math.ceil(Math.log2(hi));
  const ticks = log ? powerOfTwoTicks(yLo, yHi, Math.max(1, Math.ceil(Math.log2(yHi / yLo) / 7))) : binaryByteTicks(hi);

  const short = shortDesignNames(series.map((s) => s.name));
  const legend: LegendEntry[] = [
    ...series.map((s, i) => ({ label: `${short[i]} · KV > state ${crossovers[i] === null ? 'never' : `from ${formatTokens(crossovers[i]!)}`}`, color: s.color })),
    { label: 'KV cache (grows with L)', color: theme.muted, dash: METRIC_DASH.kv },
    { label: 'recurrent state (flat)', color: theme.muted, dash: METRIC_DASH.state },
  ];
  const table = (): DataTable => ({
    chart: 'state-vs-kv',
    title: 'Recurrent state against KV cache per sequence (analytic, full-size design)',
    columns: [
      { key: 'design', description: 'design name' },
      { key: 'seq_len_tokens', description: 'sequence length (tokens)' },
      { key: 'kv_cache_bytes', description: 'KV cache (bytes)' },
      { key: 'state_bytes', description: 'recurrent state (bytes)' },
      { key: 'crossover_tokens', description: 'smallest L where KV exceeds state (tokens; empty = never)' },
    ],
    rows: curves.flatMap(({ s, points }, i) => points.map((p) => ({ design: s.name, seq_len_tokens: p.seqLen, kv_cache_bytes: p.kvCacheBytes, state_bytes: p.stateBytes, crossover_tokens: crossovers[i] ?? null }))),
    meta: { units: { bytes: 'B', seq_len: 'tokens' }, source: 'analytic cost model, full-size design, batch 1', designs: series.map((s) => ({ name: s.name, dtype: s.cost.dtype })) },
  });
  const controls = (
    <div className="hx-seg" role="radiogroup" aria-label="Byte axis">
      {(['log', 'linear'] as const).map((v) => (
        <button key={v} type="button" role="radio" aria-checked={yScale === v} className={yScale === v ? 'on' : ''} onClick={() => setYScale(v)}>
          bytes {v}
        </button>
      ))}
    </div>
  );
  return (
    <ChartFrame
      testId="chart-state"
      chartId="state-vs-kv"
      title="State vs KV"
      subtitle="Per sequence, full-size design, analytic. Dots: where the growing KV cache overtakes the flat state."
      legend={legend}
      table={table}
      fileBase={fileBase}
      theme={theme}
      controls={controls}
      empty={series.length === 0 ? 'Load a preset or build a design to compare its state and KV cache.' : undefined}
    >
      <ResponsiveContainer width="100%" height="100%">
        <ComposedChart data={rows} margin={{ top: 14, right: 24, bottom: 8, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" stroke={theme.grid} />
          {lengthAxis(min, max, settings.xScale, theme)}
          <YAxis type="number" scale={yScale} domain={log ? [yLo, yHi] : [0, ticks.at(-1) ?? 1]} ticks={ticks} allowDataOverflow tickFormatter={(v: number) => formatBytes(v)} width={72} {...yAxisStyle(theme)} />
          <Tooltip labelFormatter={lengthLabel} formatter={(v: unknown) => `${formatBytes(Number(v))} (${formatInt(Number(v))} B)`} {...tooltipStyle} />
          {series.flatMap((s) => [
            <Line key={`${s.id}kv`} dataKey={seriesKey(s.id, 'kv')} name={`${s.name} · KV cache`} stroke={s.color} strokeWidth={2} strokeDasharray={METRIC_DASH.kv} dot={false} isAnimationActive={false} />,
            <Line key={`${s.id}st`} dataKey={seriesKey(s.id, 'state')} name={`${s.name} · state`} stroke={s.color} strokeWidth={2} strokeDasharray={METRIC_DASH.state} dot={false} isAnimationActive={false} />,
          ])}
          {series.map((s, i) => {
            const c = crossovers[i];
            return c !== null && c !== undefined && c >= min && c <= max && s.cost.stateBytes > 0 ? (
              <ReferenceDot key={`x-${s.id}`} x={c} y={s.cost.stateBytes} r={5} fill={s.color} stroke={theme.bg} strokeWidth={1.5} label={{ value: formatTokens(c), position: 'top', fill: s.color, fontSize: 10 }} />
            ) : null;
          })}
        </ComposedChart>
      </ResponsiveContainer>
    </ChartFrame>
  );
}

import { useMemo } from 'react';
import { CartesianGrid, ComposedChart, Line, ResponsiveContainer, Scatter, Tooltip, XAxis, YAxis } from 'recharts';
import type { QualityRecord, QualitySettings } from '../../app/slices/qualitySlice';
import { TASKS } from '../../sim/lab/tasks/tasks';
import { costPointAt, formatBytes, formatInt } from '../../sim/cost';
import { formatTokens } from '../formatTokens';
import { ChartFrame, type LegendEntry } from './ChartFrame';
import type { DataTable } from './exportData';
import { describeRecord, kvRows, memoryPoints, qualityLines, stepRows, type QualityDesign, type QualityLine } from './qualityData';
import { tooltipStyle, yAxisStyle } from './axes';
import { shortDesignNames } from './chartData';
import { cachedCost } from './useChartSeries';
import type { ChartTheme } from './useChartTheme';
import type { Design } from '../../models/schema';

interface Props {
  designs: readonly QualityDesign[];
  results: readonly QualityRecord[];
  settings: QualitySettings;
  setSettings: (p: Partial<QualitySettings>) => void;
  costDtype: Design['dtype'] | null;
  fileBase: string;
  theme: ChartTheme;
}

const VIEWS = [
  ['curves', 'Curves', 'Held-out accuracy and training loss against steps, live'],
  ['memory', 'Accuracy vs memory', 'Final held-out accuracy against the full-size design’s KV cache + state bytes at L'],
  ['kv', 'Accuracy vs N_kv', 'Final held-out accuracy against the number of key-value pairs trained at'],
] as const;

const MEMORY_AT = [4_096, 32_768, 262_144, 1_048_576];

/** A marker: filled for a design, hollow for a control. */
function QualityDot({ cx, cy, color, hollow, r = 4 }: { cx?: number; cy?: number; color: string; hollow: boolean; r?: number }) {
  if (cx === undefined || cy === undefined || !Number.isFinite(cx) || !Number.isFinite(cy)) return null;
  return hollow ? <circle cx={cx} cy={cy} r={r} fill="none" stroke={color} strokeWidth={1.75} /> : <circle cx={cx} cy={cy} r={r} fill={color} stroke={color} />;
}

function Controls({ settings, setSettings }: Pick<Props, 'settings' | 'setSettings'>) {
  return (
    <>
      <div className="hx-seg" role="radiogroup" aria-label="Quality view">
        {VIEWS.map(([v, label, title]) => (
          <button key={v} type="button" role="radio" title={title} aria-checked={settings.view === v} className={settings.view === v ? 'on' : ''} onClick={() => setSettings({ view: v })} data-testid={`quality-view-${v}`}>
            {label}
          </button>
        ))}
      </div>
      {settings.view === 'memory' && (
        <label className="hx-inline">
          at L
          <select value={settings.memoryAt} onChange={(e) => setSettings({ memoryAt: Number(e.target.value) })} aria-label="Length at which KV + state bytes are read" data-testid="quality-memory-at">
            {[...new Set([...MEMORY_AT, settings.memoryAt])].sort((a, b) => a - b).map((n) => (
              <option key={n} value={n}>
                {formatTokens(n)}
              </option>
            ))}
          </select>
        </label>
      )}
    </>
  );
}

/** The Quality tab: recall accuracy of tiny trained copies next to the full-size designs' memory. */
export function QualityChart({ designs, results, settings, setSettings, costDtype, fileBase, theme }: Props) {
  const task = TASKS[settings.task];
  const kv = settings.kvPairs[0] ?? task.params().kvPairs;
  const lines = useMemo(() => qualityLines(results, designs, settings.task, task.kvPairsMeaning === null ? 1 : kv), [results, designs, settings.task, task, kv]);
  const bytesOf = (r: QualityRecord) => {
    const cost = cachedCost(r.design, costDtype);
    return costPointAt(cost, settings.memoryAt).kvCacheBytes + cost.stateBytes;
  };
  const shown = lines.find((l) => l.record.status === 'done') ?? lines[0];
  const subtitle = shown
    ? `Small-scale results: ${describeRecord(shown.record, task.name)} (tiny copies trained in this browser, compared at one budget; not the full-size models)`
    : `Small-scale results: tiny copies trained in this browser on ${task.name}`;
  const legend: LegendEntry[] = lines.map((l) => ({ label: `${l.name}${l.record.status === 'running' ? ' · training' : l.record.status === 'cancelled' ? ' · cancelled' : l.record.status === 'error' ? ' · failed' : ''}`, color: l.color, marker: true, hollow: l.hollow, testId: 'quality-legend' }));
  const table = (): DataTable => ({
    chart: 'quality',
    title: 'Recall accuracy of tiny trained copies (small-scale results)',
    columns: [
      { key: 'design', description: 'design name (controls: pure attention / pure SSM copy of a design at its width and depth)' },
      { key: 'task', description: 'synthetic task' },
      { key: 'kv_pairs', description: 'key-value pairs (selective copying: tokens to copy)' },
      { key: 'status', description: 'done, cancelled or failed' },
      { key: 'steps', description: 'optimiser steps taken' },
      { key: 'held_out_accuracy', description: 'final held-out accuracy (fraction of scored positions)' },
      { key: 'held_out_loss', description: 'final held-out cross-entropy (nats)' },
      { key: 'kv_plus_state_bytes', description: `KV cache + recurrent state of the full-size design at ${settings.memoryAt} tokens (bytes)` },
      { key: 'backend', description: 'tfjs backend' },
      { key: 'lab_profile', description: 'lab copy that trained (width, layers, FFNs)' },
    ],
    rows: lines.map((l) => ({
      design: l.name,
      task: l.record.task,
      kv_pairs: l.record.taskParams.kvPairs,
      status: l.record.status,
      steps: l.record.final?.steps ?? null,
      held_out_accuracy: l.record.final?.accuracy ?? null,
      held_out_loss: l.record.final?.loss ?? null,
      kv_plus_state_bytes: bytesOf(l.record),
      backend: l.record.backend,
      lab_profile: l.record.profile ? `d=${l.record.profile.dModel}, ${l.record.profile.layers} layers, FFNs ${l.record.profile.ffn ? 'on' : 'off'}` : null,
    })),
    meta: {
      units: { accuracy: 'fraction', loss: 'nats', bytes: 'bytes' },
      source: 'trained in the browser on the lab copy of each design (small-scale results); memory: analytic cost model, full-size design',
      task: { id: settings.task, name: task.name, source: task.source },
      records: lines.map((l) => ({ design: l.name, curve: l.record.curve, gradientPaths: l.record.gradientPaths, scan: l.record.scan, profile: l.record.profile, startedAt: l.record.startedAt })),
    },
  });
  const empty = lines.length === 0 ? 'Train the current and pinned designs (Train, in the side panel) to see their recall accuracy here.' : undefined;
  return (
    <ChartFrame testId="chart-quality" title="Quality" chartId="quality" subtitle={subtitle} legend={legend} table={table} fileBase={fileBase} theme={theme} controls={<Controls settings={settings} setSettings={setSettings} />} empty={empty}>
      {settings.view === 'curves' && <Curves lines={lines} theme={theme} />}
      {settings.view === 'memory' && <MemoryView lines={lines} bytesOf={bytesOf} memoryAt={settings.memoryAt} theme={theme} />}
      {settings.view === 'kv' && <KvView results={results} designs={designs} task={settings.task} theme={theme} />}
    </ChartFrame>
  );
}

const pct = (v: number) => `${Math.round(v)} %`;

function Curves({ lines, theme }: { lines: QualityLine[]; theme: ChartTheme }) {
  const acc = useMemo(() => stepRows(lines, (r) => r.curve, 'accuracy'), [lines]);
  // training-batch loss as a line, held-out loss as dots (results loaded from a file carry only the held-out curve)
  const heldOut = useMemo(() => lines.map((l) => ({ ...l, id: `${l.id}__held` })), [lines]);
  const loss = useMemo(() => {
    const byStep = new Map<number, Record<string, number>>();
    for (const rows of [stepRows(lines, (r) => r.trainCurve, 'loss'), stepRows(heldOut, (r) => r.curve, 'loss')]) {
      for (const row of rows) byStep.set(row.step!, { ...byStep.get(row.step!), ...row });
    }
    return [...byStep.values()].sort((a, b) => a.step! - b.step!);
  }, [lines, heldOut]);
  const maxStep = Math.max(1, ...lines.map((l) => l.record.steps));
  const xAxis = (
    <XAxis dataKey="step" type="number" domain={[0, maxStep]} allowDataOverflow tick={{ fill: theme.muted, fontSize: 11 }} stroke={theme.muted} label={{ value: 'step', position: 'insideBottom', offset: -2, fill: theme.muted, fontSize: 11 }} height={34} />
  );
  return (
    <div className="hx-quality-curves" data-testid="quality-curves">
      <ResponsiveContainer width="50%" height="100%">
        <ComposedChart data={acc} margin={{ top: 12, right: 12, bottom: 6, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke={theme.grid} />
          {xAxis}
          <YAxis type="number" domain={[0, 100]} ticks={[0, 25, 50, 75, 100]} tickFormatter={pct} width={52} {...yAxisStyle(theme)} label={{ value: 'held-out accuracy', angle: -90, position: 'insideLeft', fill: theme.muted, fontSize: 11, dy: 50 }} />
          <Tooltip labelFormatter={(v) => `step ${formatInt(Number(v))}`} formatter={(v: unknown) => `${Number(v).toFixed(1)} %`} {...tooltipStyle} />
          {lines.map((l) => (
            <Line key={l.id} dataKey={l.id} name={l.name} stroke={l.color} strokeWidth={l.hollow ? 1.25 : 2} strokeDasharray={l.hollow ? '4 3' : undefined} connectNulls dot={<QualityDot color={l.color} hollow={l.hollow} r={3} />} isAnimationActive={false} />
          ))}
        </ComposedChart>
      </ResponsiveContainer>
      <ResponsiveContainer width="50%" height="100%">
        <ComposedChart data={loss} margin={{ top: 12, right: 16, bottom: 6, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke={theme.grid} />
          {xAxis}
          <YAxis type="number" domain={[0, 'auto']} tickFormatter={(v: number) => v.toFixed(1)} width={44} {...yAxisStyle(theme)} label={{ value: 'loss (line: batch, dots: held-out)', angle: -90, position: 'insideLeft', fill: theme.muted, fontSize: 11, dy: 80 }} />
          <Tooltip labelFormatter={(v) => `step ${formatInt(Number(v))}`} formatter={(v: unknown) => Number(v).toFixed(3)} {...tooltipStyle} />
          {lines.map((l) => (
            <Line key={l.id} dataKey={l.id} name={`${l.name}, training batch`} stroke={l.color} strokeWidth={l.hollow ? 1 : 1.5} strokeDasharray={l.hollow ? '4 3' : undefined} connectNulls dot={false} isAnimationActive={false} />
          ))}
          {heldOut.map((l) => (
            <Line key={l.id} dataKey={l.id} name={`${l.name}, held-out`} stroke="none" legendType="none" connectNulls={false} dot={<QualityDot color={l.color} hollow={l.hollow} r={2.5} />} isAnimationActive={false} />
          ))}
        </ComposedChart>
      </ResponsiveContainer>
    </div>
  );
}

function MemoryView({ lines, bytesOf, memoryAt, theme }: { lines: QualityLine[]; bytesOf: (r: QualityRecord) => number; memoryAt: number; theme: ChartTheme }) {
  const points = memoryPoints(lines, bytesOf);
  if (points.length === 0) return <div className="hx-chart-empty">No finished run for this task yet: the points appear as each design finishes.</div>;
  const lo = Math.min(...points.map((p) => p.bytes));
  const hi = Math.max(...points.map((p) => p.bytes));
  const domain: [number, number] = [Math.max(1, lo / 2), hi * 8]; // room on the right for the last label
  // ticks at powers of 4 bytes (1 KiB, 4 KiB, …, 1 GiB, 4 GiB) inside the domain, so the log axis reads evenly
  const ticks: number[] = [];
  for (let e = Math.ceil(Math.log(domain[0]) / Math.log(4)); 4 ** e <= domain[1]; e++) ticks.push(4 ** e);
  const short = shortDesignNames(points.map((p) => p.name));
  return (
    <ResponsiveContainer width="100%" height="100%">
      <ComposedChart margin={{ top: 14, right: 24, bottom: 8, left: 8 }} data-testid="quality-memory">
        <CartesianGrid strokeDasharray="3 3" stroke={theme.grid} />
        <XAxis
          dataKey="bytes"
          type="number"
          scale="log"
          domain={domain}
          allowDataOverflow
          ticks={ticks}
          tickFormatter={(v: number) => formatBytes(v)}
          tick={{ fill: theme.muted, fontSize: 11 }}
          stroke={theme.muted}
          label={{ value: `KV cache + state of the full-size design at ${formatTokens(memoryAt)} tokens (log)`, position: 'insideBottom', offset: -2, fill: theme.muted, fontSize: 11 }}
          height={36}
        />
        <YAxis dataKey="accuracy" type="number" domain={[0, 100]} ticks={[0, 25, 50, 75, 100]} tickFormatter={pct} width={52} {...yAxisStyle(theme)} label={{ value: 'held-out accuracy', angle: -90, position: 'insideLeft', fill: theme.muted, fontSize: 11, dy: 50 }} />
        <Tooltip
          cursor={false}
          content={({ payload }) => {
            const p = payload?.[0]?.payload as (typeof points)[number] | undefined;
            if (!p) return null;
            return (
              <div style={tooltipStyle.contentStyle}>
                <div style={tooltipStyle.labelStyle}>{p.name}</div>
                <div>
                  {p.accuracy.toFixed(1)} % held-out accuracy · {formatBytes(p.bytes)} ({formatInt(p.bytes)} B)
                </div>
              </div>
            );
          }}
        />
        {points.map((p, i) => (
          <Scatter
            key={p.id}
            name={p.name}
            data={[p]}
            fill={p.color}
            isAnimationActive={false}
            shape={(s: { cx?: number; cy?: number }) => (
              <g>
                <QualityDot cx={s.cx} cy={s.cy} color={p.color} hollow={p.hollow} r={6} />
                {s.cx !== undefined && s.cy !== undefined && (
                  <text x={s.cx + 9} y={p.accuracy > 85 ? s.cy + 16 + (i % 2) * 11 : s.cy - 8 - (i % 2) * 11} fontSize={11} fill={theme.fg}>
                    {short[i]}
                  </text>
                )}
              </g>
            )}
          />
        ))}
      </ComposedChart>
    </ResponsiveContainer>
  );
}

function KvView({ results, designs, task, theme }: { results: readonly QualityRecord[]; designs: readonly QualityDesign[]; task: QualitySettings['task']; theme: ChartTheme }) {
  const { lines, rows } = useMemo(() => kvRows(results, designs, task), [results, designs, task]);
  if (rows.length === 0) return <div className="hx-chart-empty">No finished run for this task yet.</div>;
  const kvs = rows.map((r) => r.kvPairs!);
  return (
    <ResponsiveContainer width="100%" height="100%">
      <ComposedChart data={rows} margin={{ top: 14, right: 24, bottom: 8, left: 8 }} data-testid="quality-kv">
        <CartesianGrid strokeDasharray="3 3" stroke={theme.grid} />
        <XAxis dataKey="kvPairs" type="number" scale="log" domain={[Math.min(...kvs) / 1.3, Math.max(...kvs) * 1.3]} ticks={kvs} allowDataOverflow tick={{ fill: theme.muted, fontSize: 11 }} stroke={theme.muted} label={{ value: 'key-value pairs (N_kv, log)', position: 'insideBottom', offset: -2, fill: theme.muted, fontSize: 11 }} height={36} />
        <YAxis type="number" domain={[0, 100]} ticks={[0, 25, 50, 75, 100]} tickFormatter={pct} width={52} {...yAxisStyle(theme)} label={{ value: 'held-out accuracy', angle: -90, position: 'insideLeft', fill: theme.muted, fontSize: 11, dy: 50 }} />
        <Tooltip labelFormatter={(v) => `N_kv = ${v}`} formatter={(v: unknown) => `${Number(v).toFixed(1)} %`} {...tooltipStyle} />
        {lines.map((l) => (
          <Line key={l.id} dataKey={l.id} name={l.name} stroke={l.color} strokeWidth={l.hollow ? 1.25 : 2} strokeDasharray={l.hollow ? '4 3' : undefined} connectNulls dot={<QualityDot color={l.color} hollow={l.hollow} />} isAnimationActive={false} />
        ))}
      </ComposedChart>
    </ResponsiveContainer>
  );
}

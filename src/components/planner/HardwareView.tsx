import { useMemo } from 'react';
import { CartesianGrid, ComposedChart, Line, ResponsiveContainer, Tooltip, YAxis } from 'recharts';
import type { ChartSettings } from '../../app/slices/compareSlice';
import type { PlannerSettings } from '../../app/slices/plannerSlice';
import type { PlannerModel } from '../../app/usePlanner';
import { formatBytes, formatInt } from '../../sim/cost/format';
import type { HardwareSpec } from '../../sim/planner/hardware';
import type { DeploymentPoint } from '../../sim/planner/planDeployment';
import { GPU_COUNTS } from '../../sim/planner/fitOnGpus';
import { lengthAxis, lengthLabel, tooltipStyle, yAxisStyle } from '../charts/axes';
import { ChartFrame, type LegendEntry } from '../charts/ChartFrame';
import { lengthGrid, seriesKey, shortDesignNames } from '../charts/chartData';
import type { DataTable } from '../charts/exportData';
import { MEMORY_MIN_SEQ_LEN } from '../charts/MemoryChart';
import type { DesignSeries } from '../charts/useChartSeries';
import type { ChartTheme } from '../charts/useChartTheme';
import { formatTokens } from '../formatTokens';
import { curveFor, describeDeployment, describeSplit, fitFor, formatRate, formatSeconds, shortHardwareName } from './plannerModel';
import { PlannerToolbar } from './PlannerToolbar';
import './planner.css';

/** Dash per hardware entry, so lines differ by more than colour (designs: colour; hardware: dash). */
export const HARDWARE_DASH = [undefined, '7 4', '2 3'] as const;

const METRICS: { id: PlannerSettings['metric']; label: string; unit: string; title: string; of: (p: DeploymentPoint) => number; fmt: (v: number) => string }[] = [
  { id: 'decode', label: 'Decode tok/s', unit: 'tokens/s (whole batch)', title: 'Decode tokens per second of the whole batch at context L', of: (p) => p.aggregateDecodeTokensPerSec, fmt: formatRate },
  { id: 'ttft', label: 'TTFT', unit: 'time to first token (s)', title: 'Time to first token: prefill of L tokens for each sequence of the batch', of: (p) => p.prefillSeconds, fmt: formatSeconds },
  { id: 'prefill', label: 'Prefill tok/s', unit: 'prompt tokens/s', title: 'Prompt tokens processed per second in prefill', of: (p) => p.prefillTokensPerSec, fmt: formatRate },
];

interface Props {
  model: PlannerModel;
  series: DesignSeries[];
  settings: ChartSettings;
  fileBase: string;
  theme: ChartTheme;
}

function HardwareChart({ model, series, settings, fileBase, theme }: Props) {
  const s = model.settings;
  const hw = model.hardware;
  const metric = METRICS.find((m) => m.id === s.metric) ?? METRICS[0]!;
  const min = MEMORY_MIN_SEQ_LEN;
  const max = Math.max(min * 2, settings.maxSeqLen);
  const grid = useMemo(() => lengthGrid(min, max, 4), [min, max]);
  const curves = useMemo(
    () => series.flatMap((d) => hw.map((h, hi) => ({ d, h, hi, key: seriesKey(`${d.id}-${h.id}`, 'v'), ...curveFor(d.design, d.cost, h, s, grid) }))),
    [series, hw, s, grid],
  );
  const rows = useMemo(() => grid.map((L, i) => Object.fromEntries([['seqLen', L], ...curves.map((c) => [c.key, c.points[i]!.point ? metric.of(c.points[i]!.point!) : null])])), [grid, curves, metric]);
  const domain = useMemo((): [number, number] => {
    let lo = Infinity;
    let hi = 0;
    for (const r of rows) {
      for (const [k, v] of Object.entries(r)) {
        if (k === 'seqLen' || typeof v !== 'number' || !(v > 0)) continue;
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
    return Number.isFinite(lo) ? [lo / 1.25, hi * 1.25] : [1, 10];
  }, [rows]);
  const short = shortDesignNames(series.map((d) => d.name));
  const legend: LegendEntry[] = [
    ...series.map((d, i) => ({ label: short[i]!, color: d.color })),
    ...hw.map((h, hi) => ({ label: `${shortHardwareName(h)} ×${s.gpus}`, color: theme.muted, dash: HARDWARE_DASH[hi] })),
  ];
  const problems = curves.filter((c) => !c.fit.deployment).map((c) => `${c.d.name} on ${shortHardwareName(c.h)}: ${c.fit.problem ?? 'no valid split'}`);
  const anyPoint = curves.some((c) => c.points.some((p) => p.point));
  const nothingFits = `Nothing fits on ${s.gpus} × ${hw.map(shortHardwareName).join(' or ')} at batch ${s.batch}: pick more GPUs, a smaller batch or narrower dtypes (the fit table below shows what fits where).`;
  const table = (): DataTable => ({
    chart: 'hardware',
    title: `Full-size designs on hardware (roofline): ${describeDeployment(s)}`,
    columns: [
      { key: 'design', description: 'design name' },
      { key: 'hardware', description: 'hardware id' },
      { key: 'split', description: 'tensor × pipeline split of the GPUs' },
      { key: 'seq_len_tokens', description: 'context length L (tokens)' },
      { key: 'ttft_s', description: 'time to first token: prefill of L tokens for the batch (s)' },
      { key: 'decode_s_per_token', description: 'one decode step at context L for the batch (s)' },
      { key: 'decode_tokens_per_s_per_seq', description: 'decode tokens/s of one sequence' },
      { key: 'decode_tokens_per_s_total', description: 'decode tokens/s of the whole batch' },
      { key: 'prefill_tokens_per_s', description: 'prompt tokens/s' },
      { key: 'decode_bound', description: 'what limits decode: compute, memory or interconnect' },
      { key: 'memory_per_gpu_bytes', description: 'memory on the fullest GPU (bytes)' },
      { key: 'max_concurrency', description: 'most sequences of length L that fit (empty: unbounded)' },
    ],
    rows: curves.flatMap((c) =>
      c.points
        .filter((p) => p.point)
        .map(({ point: p }) => ({
          design: c.d.name,
          hardware: c.h.id,
          split: describeSplit(c.fit),
          seq_len_tokens: p!.seqLen,
          ttft_s: p!.prefillSeconds,
          decode_s_per_token: p!.decodeSecondsPerToken,
          decode_tokens_per_s_per_seq: p!.decodeTokensPerSec,
          decode_tokens_per_s_total: p!.aggregateDecodeTokensPerSec,
          prefill_tokens_per_s: p!.prefillTokensPerSec,
          decode_bound: p!.bound,
          memory_per_gpu_bytes: p!.memoryPerGpuBytes,
          max_concurrency: Number.isFinite(p!.maxConcurrency) ? p!.maxConcurrency : null,
        })),
    ),
    meta: { source: 'deployment planner (src/sim/planner), analytic roofline of the full-size designs', settings: s, hardware: hw.map((h) => ({ id: h.id, name: h.name, source: h.source })) },
  });
  const controls = (
    <div className="hx-seg" role="radiogroup" aria-label="Hardware metric">
      {METRICS.map((m) => (
        <button key={m.id} type="button" role="radio" title={m.title} aria-checked={s.metric === m.id} className={s.metric === m.id ? 'on' : ''} onClick={() => model.setSettings({ metric: m.id })} data-testid={`planner-metric-${m.id}`}>
          {m.label}
        </button>
      ))}
    </div>
  );
  return (
    <>
    <ChartFrame
      testId="chart-hardware"
      chartId="hardware"
      title="Hardware"
      subtitle={`Full-size designs, roofline prediction: ${describeDeployment(s)}. Lines end where the batch no longer fits.`}
      legend={legend}
      table={table}
      fileBase={fileBase}
      theme={theme}
      controls={controls}
      empty={hw.length === 0 ? 'Pick hardware above (this device needs measuring first: Measure this device).' : series.length === 0 ? 'Load a preset or build a design to plan it.' : !anyPoint ? nothingFits : undefined}
    >
      <ResponsiveContainer width="100%" height="100%">
        <ComposedChart data={rows} margin={{ top: 14, right: 24, bottom: 8, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" stroke={theme.grid} />
          {lengthAxis(min, max, settings.xScale, theme)}
          <YAxis type="number" scale="log" domain={domain} allowDataOverflow tickFormatter={(v: number) => metric.fmt(v)} width={64} {...yAxisStyle(theme)} label={{ value: metric.unit, angle: -90, position: 'insideLeft', fill: theme.muted, fontSize: 11, dy: 60 }} />
          <Tooltip labelFormatter={lengthLabel} formatter={(v: unknown) => metric.fmt(Number(v))} {...tooltipStyle} />
          {curves.map((c) => (
            <Line key={c.key} dataKey={c.key} name={`${c.d.name} · ${shortHardwareName(c.h)} (${describeSplit(c.fit)})`} stroke={c.d.color} strokeWidth={2} strokeDasharray={HARDWARE_DASH[c.hi]} dot={false} isAnimationActive={false} connectNulls={false} />
          ))}
        </ComposedChart>
      </ResponsiveContainer>
    </ChartFrame>
    {problems.length > 0 && (
      <p className="hx-planner-problems" data-testid="planner-problems">
        {problems.join(' · ')}
      </p>
    )}
    </>
  );
}

/** One cell of the fit table: a design on n GPUs of one hardware at L. */
function FitCell({ design, h, s, gpus }: { design: DesignSeries; h: HardwareSpec; s: PlannerSettings; gpus: number }) {
  const f = fitFor(design.design, design.cost, h, s, gpus, s.seqLen);
  const p = f.point;
  if (!f.deployment || !p) {
    return (
      <td className="hx-none hx-fit" title={f.problem ?? 'no valid split'} data-gpus={gpus} data-fits="invalid">
        —
      </td>
    );
  }
  const ctx = Number.isFinite(f.longestContext) ? formatTokens(f.longestContext) : '∞';
  const conc = Number.isFinite(p.maxConcurrency) ? formatInt(p.maxConcurrency) : '∞';
  const title =
    `${design.name} on ${gpus} × ${h.name} (${describeSplit(f)}), batch ${s.batch} at L = ${formatInt(s.seqLen)}: ` +
    (p.fits ? 'fits' : `does not fit (${formatBytes(p.memoryPerGpuBytes)} per GPU > ${formatBytes(p.usableBytesPerGpu)} usable)`) +
    `; longest context at this batch ${Number.isFinite(f.longestContext) ? `${formatInt(f.longestContext)} tokens` : 'unbounded'}; max concurrency at L ${conc}; ` +
    `decode ${formatRate(p.aggregateDecodeTokensPerSec)} tokens/s for the batch (${p.bound}-bound), TTFT ${formatSeconds(p.prefillSeconds)}`;
  const weightsTooBig = p.memoryPerGpu.weights > p.usableBytesPerGpu;
  const [head, line2, line3] = p.fits
    ? [describeSplit(f), `ctx ${ctx} · ×${conc}`, `${formatRate(p.aggregateDecodeTokensPerSec)} tok/s`]
    : weightsTooBig
      ? ['weights', `${formatBytes(p.memoryPerGpu.weights)}/GPU`, `> ${formatBytes(p.usableBytesPerGpu)}`]
      : [`batch ${s.batch}`, `ctx ${ctx} · ×${conc}`, `${formatBytes(p.memoryPerGpuBytes)}/GPU`];
  return (
    <td className={`hx-fit ${p.fits ? 'hx-fit-yes' : 'hx-fit-no'}`} title={title} data-gpus={gpus} data-fits={p.fits ? 'yes' : 'no'} data-split={describeSplit(f)}>
      <span className="hx-fit-mark">{p.fits ? '✓' : '✗'}</span> {head}
      <br />
      <span className="hx-fit-sub">{line2}</span>
      <br />
      <span className="hx-fit-sub">{line3}</span>
    </td>
  );
}

/** Pinned designs × hardware × 1, 2, 4, 8 GPUs: fits, longest context, max concurrency, decode tokens/s. */
function FitTable({ model, series }: Pick<Props, 'model' | 'series'>) {
  const s = model.settings;
  const short = shortDesignNames(series.map((d) => d.name));
  return (
    <div className="hx-fit-wrap">
      <div className="hx-compare-head">
        <span className="hx-section-title">
          Fit at {formatTokens(s.seqLen)} tokens, batch {s.batch}
        </span>
        <span className="hx-run-note">✓ fits · longest context at this batch · × max concurrency at L · decode tok/s (batch)</span>
      </div>
      <div className="hx-table-scroll">
        <table className="hx-table hx-fit-table" data-testid="fit-table">
          <thead>
            <tr>
              <th scope="col">Design · hardware</th>
              {GPU_COUNTS.map((g) => (
                <th key={g} scope="col">
                  {g} GPU{g > 1 ? 's' : ''}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {series.flatMap((d, i) =>
              model.hardware.map((h) => (
                <tr key={`${d.id}-${h.id}`} data-design-key={d.key} data-hardware={h.id}>
                  <th scope="row" title={`${d.name} on ${h.name}`}>
                    <span className="hx-swatch" style={{ background: d.color }} aria-hidden="true" />
                    {short[i]} · {shortHardwareName(h)}
                  </th>
                  {GPU_COUNTS.map((g) => (
                    <FitCell key={g} design={d} h={h} s={s} gpus={g} />
                  ))}
                </tr>
              )),
            )}
          </tbody>
        </table>
      </div>
    </div>
  );
}

/** The Hardware tab: the deployment toolbar, the TTFT / decode / prefill lines and the fit table. */
export function HardwareView(props: Props) {
  return (
    <div className="hx-planner" data-testid="planner-view">
      <PlannerToolbar model={props.model} />
      <div className="hx-planner-body">
        <HardwareChart {...props} />
        <FitTable model={props.model} series={props.series} />
      </div>
    </div>
  );
}

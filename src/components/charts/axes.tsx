import { XAxis } from 'recharts';
import type { CSSProperties } from 'react';
import { formatInt } from '../../sim/cost';
import { lengthTicks } from './chartData';
import { formatTokens } from '../formatTokens';
import type { ChartTheme } from './useChartTheme';

/**
 * The shared x axis: sequence length in tokens, log or linear, with decimal K/M labels at round decimal ticks (or at
 * the `ticks` given, e.g. the lengths a run measured).
 */
export function lengthAxis(min: number, max: number, scale: 'log' | 'linear', theme: ChartTheme, ticks?: number[]) {
  return (
    <XAxis
      dataKey="seqLen"
      type="number"
      scale={scale}
      domain={[min, max]}
      allowDataOverflow
      ticks={ticks ?? lengthTicks(min, max, scale)}
      tickFormatter={(v: number) => formatTokens(v)}
      tick={{ fill: theme.muted, fontSize: 11 }}
      stroke={theme.muted}
      label={{ value: 'sequence length (tokens)', position: 'insideBottom', offset: -2, fill: theme.muted, fontSize: 11 }}
      height={36}
    />
  );
}

/** Tooltip box styles that follow the theme (CSS variables resolve in inline styles). */
export const tooltipStyle: { contentStyle: CSSProperties; labelStyle: CSSProperties; itemStyle: CSSProperties } = {
  contentStyle: { background: 'var(--hx-panel, #fff)', border: '1px solid var(--hx-border, #ccd)', borderRadius: 6, fontSize: 12, fontVariantNumeric: 'tabular-nums' },
  labelStyle: { color: 'var(--hx-fg, #111)', fontWeight: 600 },
  itemStyle: { padding: 0 },
};

/** The tooltip heading for a sequence length: exact tokens with separators, and the short form where it differs. */
export function lengthLabel(v: unknown): string {
  const n = Number(v);
  const short = formatTokens(n);
  return short === formatInt(n) ? `L = ${short} tokens` : `L = ${formatInt(n)} tokens (${short})`;
}

/** Props every y axis shares: themed ticks and line. */
export function yAxisStyle(theme: ChartTheme) {
  return { tick: { fill: theme.muted, fontSize: 11 }, stroke: theme.muted } as const;
}

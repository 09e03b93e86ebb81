import { XAxis } from 'recharts';
import type { CSSProperties } from 'react';
import { formatInt } from '../../sim/cost';
import { formatTokens, lengthTicks } from './chartData';
import type { ChartTheme } from './useChartTheme';

/** The shared x axis: sequence length in tokens, log or linear, with binary K/M labels. */
export function lengthAxis(min: number, max: number, scale: 'log' | 'linear', theme: ChartTheme) {
  return (
    <XAxis
      dataKey="seqLen"
      type="number"
      scale={scale}
      domain={[min, max]}
      allowDataOverflow
      ticks={lengthTicks(min, max, scale)}
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

/** The tooltip heading for a sequence length: exact tokens with separators. */
export function lengthLabel(v: unknown): string {
  const n = Number(v);
  return `L = ${formatInt(n)} tokens (${formatTokens(n)})`;
}

/** Props every y axis shares: themed ticks and line. */
export function yAxisStyle(theme: ChartTheme) {
  return { tick: { fill: theme.muted, fontSize: 11 }, stroke: theme.muted } as const;
}

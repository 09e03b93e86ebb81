import type { MarkerShape } from './seriesColors';

interface MarkerDotProps {
  shape: MarkerShape;
  color: string;
  /** Injected by recharts: the point's pixel position and value. */
  cx?: number;
  cy?: number;
  value?: unknown;
}

/** A measured-point marker in one of several shapes, so that designs differ by more than colour. */
export function MarkerDot({ shape, color, cx, cy, value }: MarkerDotProps) {
  if (cx === undefined || cy === undefined || value === null || value === undefined || !Number.isFinite(cx) || !Number.isFinite(cy)) return null;
  const r = 4.5;
  const common = { fill: color, stroke: color, strokeWidth: 1 };
  switch (shape) {
    case 'diamond':
      return <path d={`M${cx},${cy - r * 1.3}L${cx + r * 1.3},${cy}L${cx},${cy + r * 1.3}L${cx - r * 1.3},${cy}Z`} {...common} />;
    case 'square':
      return <rect x={cx - r} y={cy - r} width={2 * r} height={2 * r} {...common} />;
    case 'triangle':
      return <path d={`M${cx},${cy - r * 1.3}L${cx + r * 1.2},${cy + r}L${cx - r * 1.2},${cy + r}Z`} {...common} />;
    case 'cross':
      return <path d={`M${cx - r},${cy - r}L${cx + r},${cy + r}M${cx - r},${cy + r}L${cx + r},${cy - r}`} stroke={color} strokeWidth={2.5} fill="none" />;
    case 'circle':
      return <circle cx={cx} cy={cy} r={r} {...common} />;
  }
}

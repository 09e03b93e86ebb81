/**
 * Colours for compared designs: one per pinned design, used in the charts, the legend and the table alike.
 * Chosen to stay apart from each other and readable on light and dark backgrounds (Okabe–Ito and Tableau hues,
 * darkened or lightened to about the same contrast on both themes). The current, unpinned design is drawn in
 * `CURRENT_DESIGN_COLOR`, a neutral that no pinned design gets.
 */
export const SERIES_COLORS = [
  '#2f7fd0', // blue
  '#e0782a', // orange
  '#1f9e74', // green
  '#c8458f', // magenta
  '#8c6bd1', // violet
  '#b8962e', // ochre
  '#2aa3b8', // teal
  '#d04848', // red
  '#6f8f2f', // olive
  '#a0673d', // brown
] as const;

/** The colour of the current design when it is not pinned. */
export const CURRENT_DESIGN_COLOR = '#7a8494';

/**
 * The first palette colour not yet in `used`; once all are taken, the palette repeats in order of least use, so
 * colours stay as far apart as the palette allows.
 */
export function nextSeriesColor(used: readonly string[]): string {
  const counts = new Map<string, number>(SERIES_COLORS.map((c) => [c, 0]));
  for (const u of used) {
    const k = u.toLowerCase();
    if (counts.has(k)) counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  let best: string = SERIES_COLORS[0];
  let bestCount = Infinity;
  for (const c of SERIES_COLORS) {
    const n = counts.get(c) ?? 0;
    if (n < bestCount) {
      best = c;
      bestCount = n;
    }
  }
  return best;
}

/** Stroke dash patterns per metric, so that no line is told apart by colour alone. */
export const METRIC_DASH = {
  total: undefined,
  kv: '6 3',
  state: '2 3',
} as const satisfies Record<string, string | undefined>;

/** Marker shapes for measured points, one per compared design in turn. */
export const MARKER_SHAPES = ['circle', 'diamond', 'square', 'triangle', 'cross'] as const;
export type MarkerShape = (typeof MARKER_SHAPES)[number];

/**
 * How the screen is split between the editor (top) and the charts region (bottom), in CSS pixels.
 *
 * Glossary: *automatic* = the user has not dragged the divider (the store holds chartsHeight 0), so the split follows
 * the window and the comparison; *manual* = a height the user chose, kept (within limits) when the window changes.
 *
 * Automatic: with nothing pinned the charts take about a third of the window (36 %, 240-380 px: 276 px at 768, was
 * 246, enough for a whole chart); with designs
 * pinned the comparison is the point, so the charts take 58 % of the space under the header, as long as the editor
 * keeps EDITOR_MIN_PX (the pattern strip and a canvas that still shows a few nodes). At 1024×768 that is 421 px of
 * charts and a 305 px editor (was 246 and 480): the chart plot about 240 px tall and the comparison's Run row in
 * view; at 1440×900, 498 px and 360 px.
 */

/** Height of the header bar (src/styles/app.css, `.app` grid rows). */
export const HEADER_PX = 42;
/** The editor never gets less than this by default, nor by dragging the divider. */
export const EDITOR_MIN_PX = 220;
/** The charts region never gets less than this (open), nor more than the window leaves. */
export const CHARTS_MIN_PX = 120;
/** Share of the space under the header the charts take by default when designs are pinned. */
export const PINNED_CHARTS_SHARE = 0.58;

/** The automatic height of the charts region for a window `viewportHeight` tall. */
export function autoChartsHeight(viewportHeight: number, pinned: boolean): number {
  const room = Math.max(0, viewportHeight - HEADER_PX);
  const want = pinned ? room * PINNED_CHARTS_SHARE : Math.max(240, Math.min(380, viewportHeight * 0.36));
  return Math.round(clampCharts(want, viewportHeight));
}

/** A height kept inside [CHARTS_MIN_PX, what leaves the editor EDITOR_MIN_PX]. */
export function clampCharts(height: number, viewportHeight: number): number {
  const max = Math.max(CHARTS_MIN_PX, viewportHeight - HEADER_PX - EDITOR_MIN_PX);
  return Math.round(Math.min(max, Math.max(CHARTS_MIN_PX, height)));
}

/** The height the charts region is drawn at: the user's (0 = automatic), kept within the window. */
export function chartsRegionHeight(stored: number, viewportHeight: number, pinned: boolean): number {
  return stored > 0 ? clampCharts(stored, viewportHeight) : autoChartsHeight(viewportHeight, pinned);
}

import { describe, expect, it } from 'vitest';
import { autoChartsHeight, chartsRegionHeight, CHARTS_MIN_PX, EDITOR_MIN_PX, HEADER_PX } from './chartsSplit';

describe('the editor / charts split', () => {
  it('gives the charts most of a laptop screen when designs are pinned, and leaves the editor its minimum', () => {
    expect(autoChartsHeight(768, false)).toBe(276); // about a third
    expect(autoChartsHeight(768, true)).toBe(421);
    expect(autoChartsHeight(900, true)).toBe(498);
    for (const h of [500, 600, 768, 900, 1080, 1440]) {
      const c = autoChartsHeight(h, true);
      if (h >= 600) expect(c).toBeGreaterThan(autoChartsHeight(h, false));
      expect(h - HEADER_PX - c).toBeGreaterThanOrEqual(Math.min(EDITOR_MIN_PX, h - HEADER_PX - CHARTS_MIN_PX));
    }
  });

  it('keeps a height the user chose, within the window', () => {
    expect(chartsRegionHeight(300, 900, true)).toBe(300);
    expect(chartsRegionHeight(300, 900, false)).toBe(300);
    expect(chartsRegionHeight(5000, 768, true)).toBe(768 - HEADER_PX - EDITOR_MIN_PX); // never hides the editor
    expect(chartsRegionHeight(10, 768, true)).toBe(CHARTS_MIN_PX);
    expect(chartsRegionHeight(0, 768, true)).toBe(autoChartsHeight(768, true)); // 0 = automatic
  });

  it('never goes below the charts minimum, even in a tiny window', () => {
    expect(autoChartsHeight(300, true)).toBe(CHARTS_MIN_PX);
    expect(chartsRegionHeight(400, 300, false)).toBe(CHARTS_MIN_PX);
  });
});

import { describe, expect, it } from 'vitest';
import { CURRENT_DESIGN_COLOR, SERIES_COLORS, nextSeriesColor } from './seriesColors';

describe('nextSeriesColor', () => {
  it('hands out every palette colour once before repeating', () => {
    const used: string[] = [];
    for (let i = 0; i < SERIES_COLORS.length; i++) used.push(nextSeriesColor(used));
    expect(new Set(used).size).toBe(SERIES_COLORS.length);
    expect(used).not.toContain(CURRENT_DESIGN_COLOR);
  });
  it('reuses a colour freed by unpinning', () => {
    const used = SERIES_COLORS.slice(0, 5).map(String);
    const freed = used.splice(2, 1)[0]!;
    expect(nextSeriesColor(used)).toBe(freed);
  });
  it('repeats the least used colour when the palette is exhausted', () => {
    const used = [...SERIES_COLORS, SERIES_COLORS[0], SERIES_COLORS[1]].map(String);
    expect(nextSeriesColor(used)).toBe(SERIES_COLORS[2]);
  });
  it('ignores case and foreign colours', () => {
    expect(nextSeriesColor([SERIES_COLORS[0].toUpperCase(), '#000000'])).toBe(SERIES_COLORS[1]);
  });
});

import { describe, expect, it } from 'vitest';
import { compare, initialFiles, stableName, type SizeReport } from './bundleSize';

const report = (jsGzip: number, jsRaw = jsGzip * 3, cssGzip = 7000): SizeReport => ({ initialJs: { raw: jsRaw, gzip: jsGzip }, initialCss: { raw: cssGzip * 5, gzip: cssGzip }, chunks: [] });

describe('the bundle-size check', () => {
  it('names chunks without their content hash', () => {
    expect(stableName('assets/index-CShMmDX7.js')).toBe('index.js');
    expect(stableName('assets/scanHelper.worker-Dq6GKux0.js')).toBe('scanHelper.worker.js');
    expect(stableName('assets/index--b4nmzx5.js')).toBe('index.js');
  });

  it('counts the entry and its static imports as the first load, never dynamic imports', () => {
    const files = initialFiles({
      'index.html': { file: 'assets/index-a.js', isEntry: true, imports: ['_shared'], dynamicImports: ['charts'], css: ['assets/index-a.css'] },
      _shared: { file: 'assets/shared-b.js', imports: ['index.html'] },
      charts: { file: 'assets/ChartViews-c.js', imports: ['_shared'] },
    });
    expect([...files].sort()).toEqual(['assets/index-a.css', 'assets/index-a.js', 'assets/shared-b.js']);
  });

  it('passes within 10 % of the baseline and fails beyond it, or beyond the 250 kB goal', () => {
    const base = report(200_000);
    expect(compare(report(219_000), base)).toEqual([]);
    expect(compare(report(221_000), base)[0]).toMatch(/first-load JS \(gzip\) grew from 200.0 kB to 221.0 kB \(\+10.5 %/);
    expect(compare(report(200_000, 700_000), report(200_000, 600_000))[0]).toMatch(/first-load JS \(raw\)/);
    expect(compare(report(200_000, 600_000, 9000), base)[0]).toMatch(/CSS/);
    expect(compare(report(251_000), report(240_000))).toEqual(['first-load JS is 251.0 kB gzip, above the goal of 250.0 kB']);
  });
});

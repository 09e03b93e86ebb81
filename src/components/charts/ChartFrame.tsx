import { useRef, useState, type ReactNode } from 'react';
import { exportFileName, toCsv, toJson, type DataTable } from './exportData';
import { downloadBlob, serializeChartSvg, svgToPng, type ImageLegendItem } from './svgExport';
import type { ChartTheme } from './useChartTheme';

/** A legend entry of a chart (drawn in the page and into exported images). */
export interface LegendEntry extends ImageLegendItem {
  /** Test id of the legend entry, if any. */
  testId?: string;
}

interface ChartFrameProps {
  testId: string;
  title: string;
  /** Short id used in exported file names: `memory`, `throughput`, `state-vs-kv`. */
  chartId: string;
  /** One line under the title: what is analytic and what is measured. */
  subtitle: string;
  legend: readonly LegendEntry[];
  /** The data behind the chart, built on demand for CSV/JSON export. */
  table: () => DataTable;
  /** Base of exported file names (usually the current design's name). */
  fileBase: string;
  /** Shown instead of the chart when set (what to do to get one). */
  empty?: ReactNode;
  /** Controls that belong to this chart (view switches), shown in its header. */
  controls?: ReactNode;
  theme: ChartTheme;
  children: ReactNode;
}

function LegendSample({ item }: { item: ImageLegendItem }) {
  return (
    <svg width="22" height="10" aria-hidden="true" className="hx-legend-sample">
      {item.marker ? (
        item.hollow ? <circle cx="11" cy="5" r="3.5" fill="none" stroke={item.color} strokeWidth={1.5} /> : <circle cx="11" cy="5" r="4" fill={item.color} />
      ) : (
        <line x1="1" y1="5" x2="21" y2="5" stroke={item.color} strokeWidth="2.5" strokeDasharray={item.dash} />
      )}
    </svg>
  );
}

/** A chart with its title, legend (also drawn into exported images), export buttons and empty state. */
export function ChartFrame({ testId, title, chartId, subtitle, legend, table, fileBase, empty, controls, theme, children }: ChartFrameProps) {
  const plotRef = useRef<HTMLDivElement>(null);
  const [error, setError] = useState<string | null>(null);

  const svgOf = () => {
    const el = plotRef.current;
    const svg = el?.querySelector<SVGSVGElement>('svg.recharts-surface');
    if (!el || !svg) throw new Error('there is no chart to export yet');
    return serializeChartSvg(svg, { title, subtitle, legend, background: theme.bg, foreground: theme.fg });
  };
  const guard = (f: () => void | Promise<void>) => async () => {
    setError(null);
    try {
      await f();
    } catch (e) {
      setError(`Export failed: ${(e as Error).message}`);
    }
  };
  const saveText = (text: string, type: string, ext: string) => downloadBlob(new Blob([text], { type }), exportFileName(fileBase, chartId, ext));

  return (
    <figure className="hx-chart" data-testid={testId} aria-label={title}>
      <figcaption className="hx-chart-head">
        <span className="hx-chart-title">{title}</span>
        <span className="hx-chart-subtitle" title={subtitle}>
          {subtitle}
        </span>
        {controls}
        <div className="hx-chart-export" role="group" aria-label={`Export ${title}`}>
          <button type="button" disabled={!!empty} onClick={guard(async () => {
            const s = svgOf();
            downloadBlob(await svgToPng(s.text, s.width, s.height), exportFileName(fileBase, chartId, 'png'));
          })} data-testid="chart-export-png" title="Download the chart as a PNG image">PNG</button>
          <button type="button" disabled={!!empty} onClick={guard(() => {
            const s = svgOf();
            downloadBlob(new Blob([s.text], { type: 'image/svg+xml' }), exportFileName(fileBase, chartId, 'svg'));
          })} data-testid="chart-export-svg" title="Download the chart as an SVG image">SVG</button>
          <button type="button" onClick={guard(() => saveText(toCsv(table()), 'text/csv', 'csv'))} data-testid="export-csv" title="Download the data behind the chart as CSV">CSV</button>
          <button type="button" onClick={guard(() => saveText(toJson(table()), 'application/json', 'json'))} data-testid="chart-export-json" title="Download the data behind the chart as JSON, with units, designs, backend and run profile">JSON</button>
        </div>
      </figcaption>
      {legend.length > 0 && !empty && (
        <ul className="hx-legend" aria-label="Legend">
          {legend.map((item, i) => (
            <li key={`${item.label}-${i}`} data-testid={item.testId}>
              <LegendSample item={item} />
              <span>{item.label}</span>
            </li>
          ))}
        </ul>
      )}
      {error && <p className="hx-chart-error" role="alert">{error}</p>}
      <div className="hx-chart-plot" ref={plotRef}>
        {empty ? <div className="hx-chart-empty">{empty}</div> : children}
      </div>
    </figure>
  );
}

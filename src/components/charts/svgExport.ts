/**
 * Chart images: the recharts SVG serialised on its own (colours resolved from CSS, a title and a legend drawn in),
 * and a PNG made by drawing that SVG onto a canvas.
 */

/** One legend entry drawn into an exported image. */
export interface ImageLegendItem {
  label: string;
  color: string;
  /** SVG stroke-dasharray of the line sample; undefined for a solid line. */
  dash?: string | undefined;
  /** Draw a marker (measured points) instead of a line sample. */
  marker?: boolean;
  /** The marker is hollow (a control in the Quality tab). */
  hollow?: boolean;
}

/** What an exported chart image carries besides the plot: title, legend and theme colours. */
export interface SvgExportOptions {
  title: string;
  subtitle?: string;
  legend: readonly ImageLegendItem[];
  background: string;
  foreground: string;
}

const SVG_NS = 'http://www.w3.org/2000/svg';
/** Computed properties copied inline so the file looks the same without the page's CSS. */
const STYLE_PROPS = ['fill', 'stroke', 'stroke-width', 'stroke-dasharray', 'stroke-opacity', 'fill-opacity', 'opacity', 'font-size', 'font-family', 'font-weight', 'text-anchor', 'dominant-baseline', 'visibility'] as const;

function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] ?? c);
}

/** Copies the computed presentation styles of `src` and its descendants onto the matching nodes of `dst`. */
function inlineStyles(src: Element, dst: Element): void {
  const cs = getComputedStyle(src);
  const style = STYLE_PROPS.map((p) => `${p}:${cs.getPropertyValue(p)}`)
    .filter((d) => !d.endsWith(':'))
    .join(';');
  dst.setAttribute('style', style);
  const a = src.children;
  const b = dst.children;
  for (let i = 0; i < a.length && i < b.length; i++) inlineStyles(a[i]!, b[i]!);
}

/**
 * A standalone SVG document of a rendered chart: its own background, the title and legend above the plot, every
 * colour and font written inline. Returns the text and its pixel size.
 */
export function serializeChartSvg(svg: SVGSVGElement, o: SvgExportOptions): { text: string; width: number; height: number } {
  const rect = svg.getBoundingClientRect();
  const width = Math.max(1, Math.round(rect.width));
  const plotHeight = Math.max(1, Math.round(rect.height));
  const clone = svg.cloneNode(true) as SVGSVGElement;
  inlineStyles(svg, clone);
  clone.setAttribute('width', String(width));
  clone.setAttribute('height', String(plotHeight));
  clone.removeAttribute('class');

  const itemWidth = 220;
  const perRow = Math.max(1, Math.floor((width - 16) / itemWidth));
  const legendRows = Math.ceil(o.legend.length / perRow);
  const top = 28 + (o.subtitle ? 16 : 0);
  const header = top + legendRows * 18 + 8;
  const parts: string[] = [];
  parts.push(`<rect x="0" y="0" width="${width}" height="${header + plotHeight}" fill="${escapeXml(o.background)}"/>`);
  parts.push(`<text x="12" y="20" font-family="system-ui, sans-serif" font-size="14" font-weight="600" fill="${escapeXml(o.foreground)}">${escapeXml(o.title)}</text>`);
  if (o.subtitle) parts.push(`<text x="12" y="38" font-family="system-ui, sans-serif" font-size="11" fill="${escapeXml(o.foreground)}" opacity="0.75">${escapeXml(o.subtitle)}</text>`);
  o.legend.forEach((item, i) => {
    const x = 12 + (i % perRow) * itemWidth;
    const y = top + Math.floor(i / perRow) * 18 + 6;
    const c = escapeXml(item.color);
    parts.push(
      item.marker
        ? `<circle cx="${x + 10}" cy="${y}" r="4" ${item.hollow ? `fill="none" stroke="${c}" stroke-width="1.5"` : `fill="${c}"`}/>`
        : `<line x1="${x}" y1="${y}" x2="${x + 20}" y2="${y}" stroke="${c}" stroke-width="2"${item.dash ? ` stroke-dasharray="${escapeXml(item.dash)}"` : ''}/>`,
    );
    const label = item.label.length > 34 ? `${item.label.slice(0, 33)}…` : item.label;
    parts.push(`<text x="${x + 26}" y="${y + 4}" font-family="system-ui, sans-serif" font-size="11" fill="${escapeXml(o.foreground)}">${escapeXml(label)}</text>`);
  });
  clone.setAttribute('x', '0');
  clone.setAttribute('y', String(header));
  const inner = new XMLSerializer().serializeToString(clone);
  const height = header + plotHeight;
  const text = `<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="${SVG_NS}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${parts.join('')}${inner}</svg>\n`;
  return { text, width, height };
}

/** Draws SVG text onto a canvas at `scale` times its size and returns the PNG. */
export async function svgToPng(svgText: string, width: number, height: number, scale = 2): Promise<Blob> {
  const url = URL.createObjectURL(new Blob([svgText], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    img.decoding = 'sync';
    await new Promise<void>((resolve, reject) => {
      img.onload = () => resolve();
      img.onerror = () => reject(new Error('the chart image could not be drawn (SVG failed to load)'));
      img.src = url;
    });
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(width * scale);
    canvas.height = Math.round(height * scale);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('this browser gave no 2D canvas to draw the PNG on');
    ctx.scale(scale, scale);
    ctx.drawImage(img, 0, 0, width, height);
    return await new Promise<Blob>((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('PNG encoding failed'))), 'image/png'));
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** Saves a blob as a download named `fileName`. */
export function downloadBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  // Revoked later, not at once: some browsers start reading the URL only after click() returns.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

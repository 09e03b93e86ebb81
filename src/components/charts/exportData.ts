/**
 * The data behind a chart as a flat table, written as CSV (RFC 4180) or JSON. Column keys carry their unit
 * (`kv_cache_bytes`, `prefill_tokens_per_s`), so a CSV read without the JSON still says what its numbers mean.
 */

/** A column of an exported table. */
export interface DataColumn {
  key: string;
  /** What the column holds, with its unit in words. */
  description: string;
}

/** One value of an exported table: text, a number, or null for none. */
export type DataCell = string | number | null;

/** A chart's data: its columns, its rows and what produced it (design names, backend, run profile, settings). */
export interface DataTable {
  /** Short id of the chart, used in file names: `memory`, `throughput`, `state-vs-kv`. */
  chart: string;
  title: string;
  columns: DataColumn[];
  rows: Record<string, DataCell>[];
  meta: Record<string, unknown>;
}

/** One CSV field: numbers in full precision, null as empty, text quoted when it holds a comma, quote or newline. */
export function csvField(v: DataCell | undefined): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  return /[",\r\n]/.test(v) || /^\s|\s$/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** The table as CSV text: a header of column keys, then one line per row, CRLF line ends (RFC 4180). */
export function toCsv(t: DataTable): string {
  const lines = [t.columns.map((c) => csvField(c.key)).join(',')];
  for (const r of t.rows) lines.push(t.columns.map((c) => csvField(r[c.key])).join(','));
  return lines.join('\r\n') + '\r\n';
}

/** Parses CSV text written by `toCsv` (or any RFC 4180 text) into rows of strings. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** The table as pretty JSON: title, meta (units, designs, backend, profile), column descriptions and rows. */
export function toJson(t: DataTable): string {
  return JSON.stringify(
    { chart: t.chart, title: t.title, meta: t.meta, columns: t.columns, rows: t.rows },
    (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v),
    2,
  );
}

/** A file name for an export: `<design-or-title>-<chart>.<ext>`, lower case, safe on every file system. */
export function exportFileName(base: string, chart: string, ext: string): string {
  const slug = (s: string) =>
    s
      .toLowerCase()
      .replace(/[^a-z0-9.]+/g, '-')
      .replace(/^[-.]+|[-.]+$/g, '')
      .slice(0, 60) || 'design';
  return `${slug(base)}-${slug(chart)}.${ext}`;
}

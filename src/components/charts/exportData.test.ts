import { describe, expect, it } from 'vitest';
import { csvField, exportFileName, parseCsv, toCsv, toJson, type DataTable } from './exportData';

function randomText(): string {
  const alphabet = 'ab,"\n\r x1é';
  let s = '';
  const n = Math.floor(Math.random() * 12);
  for (let i = 0; i < n; i++) s += alphabet[Math.floor(Math.random() * alphabet.length)];
  return s;
}

describe('CSV export', () => {
  it('round-trips random text and numbers through parseCsv', () => {
    for (let trial = 0; trial < 50; trial++) {
      const rows = Array.from({ length: 5 }, () => ({ name: randomText(), value: Math.random() * 1e12 }));
      const t: DataTable = {
        chart: 'memory',
        title: 't',
        columns: [
          { key: 'name', description: 'design name' },
          { key: 'value', description: 'bytes' },
        ],
        rows,
        meta: {},
      };
      const parsed = parseCsv(toCsv(t));
      expect(parsed[0]).toEqual(['name', 'value']);
      expect(parsed.length).toBe(rows.length + 1);
      parsed.slice(1).forEach((r, i) => {
        // A bare CR inside a quoted field is kept; the writer quotes every field holding one.
        expect(r[0]).toBe(rows[i]!.name);
        expect(Number(r[1])).toBe(rows[i]!.value);
      });
    }
  });
  it('writes null and non-finite numbers as empty fields', () => {
    expect(csvField(null)).toBe('');
    expect(csvField(Number.NaN)).toBe('');
    expect(csvField(Infinity)).toBe('');
    expect(csvField(0)).toBe('0');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
  });
  it('keeps full precision', () => {
    const v = 4294967296.123456;
    expect(csvField(v)).toBe(String(v));
  });
});

describe('JSON export', () => {
  it('carries meta and columns and nulls non-finite numbers', () => {
    const t: DataTable = { chart: 'x', title: 'T', columns: [{ key: 'a', description: 'A (bytes)' }], rows: [{ a: Infinity }], meta: { backend: 'wasm' } };
    const j = JSON.parse(toJson(t)) as { meta: { backend: string }; rows: { a: number | null }[]; columns: unknown[] };
    expect(j.meta.backend).toBe('wasm');
    expect(j.rows[0]!.a).toBeNull();
    expect(j.columns).toHaveLength(1);
  });
});

describe('exportFileName', () => {
  it.each([
    ['Jamba v0.1 · 1:7', 'memory', 'csv', 'jamba-v0.1-1-7-memory.csv'],
    ['', 'state-vs-kv', 'png', 'design-state-vs-kv.png'],
    ['../../etc/passwd', 'x', 'svg', 'etc-passwd-x.svg'],
  ])('%s / %s', (base, chart, ext, want) => {
    expect(exportFileName(base, chart, ext)).toBe(want);
  });
});

/**
 * Number formatting shared by the UI and the CLI: bytes in binary units (1 KiB = 1024 B, 1 GiB = 2^30 B) and counts
 * with decimal suffixes (K = 10^3, M = 10^6, B = 10^9, T = 10^12), both to three significant digits.
 */

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;
const COUNT_UNITS = [
  [1e12, 'T'],
  [1e9, 'B'],
  [1e6, 'M'],
  [1e3, 'K'],
] as const;

/** Three significant digits, keeping trailing zeros (4.00, 96.1, 141). */
function threeDigits(x: number): string {
  if (x >= 100) return x.toFixed(0);
  if (x >= 10) return x.toFixed(1);
  return x.toFixed(2);
}

/** Rounds up a scaled value that would print as 1000 (or 1024) to the next unit. */
function scaled(n: number, base: number, units: number): { value: number; unit: number } {
  let unit = 0;
  let value = n;
  while (unit < units - 1 && value >= base) {
    value /= base;
    unit++;
  }
  if (unit < units - 1 && Number(threeDigits(value)) >= base) {
    value /= base;
    unit++;
  }
  return { value, unit };
}

/** Bytes in binary units: `512 B`, `8.80 MiB`, `4.00 GiB`, `96.1 GiB`. Infinity prints as `∞`. */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return n > 0 ? '∞' : String(n);
  const sign = n < 0 ? '-' : '';
  const abs = Math.abs(n);
  if (abs < 1024) return `${sign}${Number.isInteger(abs) ? abs : abs.toFixed(1)} B`;
  const { value, unit } = scaled(abs, 1024, BYTE_UNITS.length);
  return `${sign}${threeDigits(value)} ${BYTE_UNITS[unit]}`;
}

/** A count with a decimal suffix: `950`, `12.1 K`, `6.74 B`, `51.6 B`, `1.20 T`. Infinity prints as `∞`. */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return n > 0 ? '∞' : String(n);
  const sign = n < 0 ? '-' : '';
  const abs = Math.abs(n);
  let i = COUNT_UNITS.findIndex(([size]) => abs >= size);
  if (i === -1) {
    if (Math.round(abs) < 1000) return `${sign}${Number.isInteger(abs) ? abs : abs.toFixed(1)}`;
    i = COUNT_UNITS.length - 1;
  }
  let text = threeDigits(abs / COUNT_UNITS[i]![0]);
  // 999,999 would print as "1000 K": move up a unit.
  if (Number(text) >= 1000 && i > 0) text = threeDigits(abs / COUNT_UNITS[--i]![0]);
  return `${sign}${text} ${COUNT_UNITS[i]![1]}`;
}

/** An integer with thousands separators: `262,144`. */
export function formatInt(n: number): string {
  if (!Number.isFinite(n)) return n > 0 ? '∞' : String(n);
  const s = Math.round(Math.abs(n)).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return n < 0 ? `-${s}` : s;
}

/**
 * Token counts (sequence lengths, context lengths) in one convention everywhere in the UI: decimal, as the pure
 * formatter's counts (`formatCount`: K = 10^3, M = 10^6, B = 10^9). Tokens are counts, not bytes; only bytes use
 * binary units (KiB, MiB, GiB).
 */
import { formatCount, formatInt } from '../sim/cost/format';

/**
 * A token count, short and decimal. Below 10,000 it is exact (`512`, `1,024`, `4,096`; a whole number of hundreds
 * as `2K`, `1.5K`); from 10,000 on, three significant digits without trailing zeros (`32.8K` for 32,768, `262K` for
 * 262,144, `1.05M` for 1,048,576, `2.94M`). Infinity prints as `∞`. Pair it with the exact `formatInt` in tooltips.
 */
export function formatTokens(n: number): string {
  if (!Number.isFinite(n)) return n > 0 ? '∞' : String(n);
  const r = Math.round(n);
  const abs = Math.abs(r);
  if (abs < 1000) return String(r);
  if (abs < 10_000 && abs % 100 !== 0) return formatInt(r);
  const [num = '', unit = ''] = formatCount(r).split(' ');
  return `${num.includes('.') ? num.replace(/\.?0+$/, '') : num}${unit}`;
}

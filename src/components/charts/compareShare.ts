/**
 * The comparison's part of a share link: pinned designs (with their colours and origins) and chart settings,
 * deflated and base64url-encoded into the hash parameter `c` beside the editor's `v` and `d`:
 * `#v=1&d=<design>&c=<comparison>`. Opening a link validates every pinned design exactly as an import does; a bad
 * part is reported and nothing of it is applied.
 */
import { z } from 'zod';
import { formatPath } from '../../models/safeJson';
import { safeLine } from '../../models/safeText';
import { validateDesign, type ParseResult } from '../../models/validate';
import { decodeJsonPayload, encodeJsonPayload, shareParams } from '../../app/sharePayload';
import { designKey } from '../../app/slices/designKey';
import { DEFAULT_CHART_SETTINGS, type ChartSettings, type PinnedDesign } from '../../app/slices/compareSlice';
import { nextSeriesColor } from './seriesColors';

/** Version of the comparison payload. */
export const COMPARE_SHARE_VERSION = 1;
/** The hash parameter that carries the comparison. */
export const COMPARE_PARAM = 'c';
const MAX_PAYLOAD_CHARS = 400_000;
const MAX_JSON_BYTES = 8_000_000;
/** Most pinned designs a link (and the autosave) carries. */
export const MAX_PINS = 64;

const SettingsSchema = z.strictObject({
  view: z.enum(['memory', 'throughput', 'state', 'hardware']),
  xScale: z.enum(['log', 'linear']),
  maxSeqLen: z.number().int().min(2048).max(1 << 30),
  memoryView: z.enum(['full', 'run']),
  throughputView: z.enum(['prefill', 'decode', 'flops']),
  spread: z.enum(['minmax', 'iqr']),
  tableSeqLen: z.number().int().min(1).max(1 << 30),
});

const PayloadSchema = z.strictObject({
  v: z.literal(COMPARE_SHARE_VERSION),
  settings: SettingsSchema.partial(),
  budgetBytes: z.number().positive().max(2 ** 60).optional(),
  pins: z
    .array(z.strictObject({ design: z.unknown(), origin: z.enum(['current', 'preset', 'file', 'ratio']), color: z.string().regex(/^#[0-9a-fA-F]{6}$/) }))
    .max(MAX_PINS),
});

/** What a share link restores. */
export interface SharedComparison {
  pinned: PinnedDesign[];
  settings: ChartSettings;
  budgetBytes: number | undefined;
}

/** The value of the `c` parameter for a comparison. */
export function encodeComparison(pinned: readonly PinnedDesign[], settings: ChartSettings, budgetBytes?: number): string {
  const payload = { v: COMPARE_SHARE_VERSION, settings, ...(budgetBytes !== undefined ? { budgetBytes } : {}), pins: pinned.map((p) => ({ design: p.design, origin: p.origin, color: p.color })) };
  return encodeJsonPayload(payload);
}

/** `&c=...` to append to the editor's share hash, or '' when nothing is pinned and the settings are the defaults. */
export function comparisonHashSuffix(pinned: readonly PinnedDesign[], settings: ChartSettings, budgetBytes?: number): string {
  if (pinned.length === 0 && JSON.stringify(settings) === JSON.stringify(DEFAULT_CHART_SETTINGS)) return '';
  return `&${COMPARE_PARAM}=${encodeComparison(pinned, settings, budgetBytes)}`;
}

/** Decodes the `c` parameter; every failure is an issue naming what is wrong (a pinned design's path included). */
export function decodeComparison(param: string): ParseResult<SharedComparison> {
  const fail = (message: string, path = 'share link (comparison)'): ParseResult<SharedComparison> => ({ ok: false, issues: [{ path, message }] });
  const decoded = decodeJsonPayload(param, { maxChars: MAX_PAYLOAD_CHARS, maxBytes: MAX_JSON_BYTES, what: 'the comparison data', path: 'share link (comparison)' });
  if (!decoded.ok) return decoded;
  const value = decoded.value;
  const r = PayloadSchema.safeParse(value);
  if (!r.success) {
    const iss = r.error.issues[0]!;
    return fail(safeLine(iss.message, 200), `share link (comparison).${formatPath(iss.path)}`);
  }
  const pinned: PinnedDesign[] = [];
  for (const [i, p] of r.data.pins.entries()) {
    const d = validateDesign(p.design);
    if (!d.ok) return fail(`pinned design ${i + 1} is not valid: ${d.issues.slice(0, 3).map((x) => `${x.path}: ${x.message}`).join('; ')}`, `share link (comparison).pins[${i}].design`);
    const id = designKey(d.value);
    if (pinned.some((q) => q.id === id)) continue;
    const color = pinned.some((q) => q.color.toLowerCase() === p.color.toLowerCase()) ? nextSeriesColor(pinned.map((q) => q.color)) : p.color.toLowerCase();
    pinned.push({ id, design: d.value, origin: p.origin, color });
  }
  return { ok: true, value: { pinned, settings: { ...DEFAULT_CHART_SETTINGS, ...r.data.settings }, budgetBytes: r.data.budgetBytes } };
}

/** The comparison carried by a location hash, null when it carries none (a `c=` given twice is an issue). */
export function comparisonFromHash(hash: string): ParseResult<SharedComparison> | null {
  const p = shareParams(hash);
  if (!p.ok) return { ok: false, issues: [{ path: 'share link (comparison)', message: p.message }] };
  const c = p.get(COMPARE_PARAM);
  return c === null ? null : decodeComparison(c);
}

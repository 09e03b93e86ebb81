/**
 * The comparison's part of a share link: pinned designs (with their colours and origins) and chart settings,
 * deflated and base64url-encoded into the hash parameter `c` beside the editor's `v` and `d`:
 * `#v=1&d=<design>&c=<comparison>`. Opening a link validates every pinned design exactly as an import does; a bad
 * part is reported and nothing of it is applied.
 */
import { deflateSync, inflateSync, strFromU8, strToU8 } from 'fflate';
import { z } from 'zod';
import { validateDesign, formatIssues, type ParseResult } from '../../models/validate';
import { designKey } from '../../app/slices/designKey';
import { DEFAULT_CHART_SETTINGS, type ChartSettings, type PinnedDesign } from '../../app/slices/compareSlice';
import { nextSeriesColor } from './seriesColors';

/** Version of the comparison payload. */
export const COMPARE_SHARE_VERSION = 1;
/** The hash parameter that carries the comparison. */
export const COMPARE_PARAM = 'c';
const MAX_PAYLOAD_CHARS = 400_000;
const MAX_JSON_BYTES = 8_000_000;
const MAX_PINS = 64;

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

function toBase64Url(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new Error('characters outside base64url');
  const bin = atob(text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** The value of the `c` parameter for a comparison. */
export function encodeComparison(pinned: readonly PinnedDesign[], settings: ChartSettings, budgetBytes?: number): string {
  const payload = { v: COMPARE_SHARE_VERSION, settings, ...(budgetBytes !== undefined ? { budgetBytes } : {}), pins: pinned.map((p) => ({ design: p.design, origin: p.origin, color: p.color })) };
  return toBase64Url(deflateSync(strToU8(JSON.stringify(payload)), { level: 9 }));
}

/** `&c=...` to append to the editor's share hash, or '' when nothing is pinned and the settings are the defaults. */
export function comparisonHashSuffix(pinned: readonly PinnedDesign[], settings: ChartSettings, budgetBytes?: number): string {
  if (pinned.length === 0 && JSON.stringify(settings) === JSON.stringify(DEFAULT_CHART_SETTINGS)) return '';
  return `&${COMPARE_PARAM}=${encodeComparison(pinned, settings, budgetBytes)}`;
}

/** Decodes the `c` parameter; every failure is an issue naming what is wrong (a pinned design's path included). */
export function decodeComparison(param: string): ParseResult<SharedComparison> {
  const fail = (message: string, path = 'share link (comparison)'): ParseResult<SharedComparison> => ({ ok: false, issues: [{ path, message }] });
  if (param.length > MAX_PAYLOAD_CHARS) return fail(`the comparison data is too long (${param.length} characters, at most ${MAX_PAYLOAD_CHARS})`);
  let value: unknown;
  try {
    const raw = inflateSync(fromBase64Url(param));
    if (raw.length > MAX_JSON_BYTES) return fail('the comparison data inflates to more than 8 MB');
    value = JSON.parse(strFromU8(raw));
  } catch (e) {
    return fail(`the comparison data is damaged (${(e as Error).message || 'cannot inflate'})`);
  }
  const r = PayloadSchema.safeParse(value);
  if (!r.success) {
    const iss = r.error.issues[0]!;
    return fail(iss.message, `share link (comparison).${iss.path.join('.')}`);
  }
  const pinned: PinnedDesign[] = [];
  for (const [i, p] of r.data.pins.entries()) {
    const d = validateDesign(p.design);
    if (!d.ok) return fail(`pinned design ${i + 1} is not valid: ${formatIssues(d.issues.slice(0, 3))}`, `share link (comparison).pins[${i}].design`);
    const id = designKey(d.value);
    if (pinned.some((q) => q.id === id)) continue;
    const color = pinned.some((q) => q.color.toLowerCase() === p.color.toLowerCase()) ? nextSeriesColor(pinned.map((q) => q.color)) : p.color.toLowerCase();
    pinned.push({ id, design: d.value, origin: p.origin, color });
  }
  return { ok: true, value: { pinned, settings: { ...DEFAULT_CHART_SETTINGS, ...r.data.settings }, budgetBytes: r.data.budgetBytes } };
}

/** The comparison carried by a location hash, null when it carries none. */
export function comparisonFromHash(hash: string): ParseResult<SharedComparison> | null {
  const c = new URLSearchParams(hash.replace(/^#/, '')).get(COMPARE_PARAM);
  return c === null ? null : decodeComparison(c);
}

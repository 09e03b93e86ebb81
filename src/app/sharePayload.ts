/**
 * The bytes of a share link: JSON, deflated (fflate), base64url-encoded into a hash parameter. Decoding is bounded at
 * every step, so a hostile link costs little: the text length is capped before decoding, the deflate stream is
 * inflated in small chunks and refused as soon as its output passes the cap (a 150 KB "decompression bomb" would
 * otherwise inflate to 140 MB before any check), the bytes must be UTF-8, and the JSON's nesting is checked before it
 * is parsed (src/models/safeJson.ts). Shared by the design part (`d`, shareLink.ts) and the comparison (`c`,
 * compareShare.ts).
 */
import { Inflate, deflateSync, strToU8 } from 'fflate';
import { parseJsonSafe } from '../models/safeJson';
import type { ParseResult } from '../models/validate';

/**
 * Compressed bytes handed to the inflater per step: deflate expands at most ~1032x, so one step emits at most ~4 MB
 * and a refused stream never costs more than the cap plus that (smaller steps cost time: fflate's per-push overhead).
 */
const INFLATE_CHUNK = 4096;

export function toBase64Url(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** base64url text to bytes; null when it holds other characters or is not valid base64. */
export function fromBase64Url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return null;
  const bin = atob(text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** JSON text of `value`, deflated at level 9 and base64url-encoded. */
export function encodeJsonPayload(value: unknown): string {
  return toBase64Url(deflateSync(strToU8(JSON.stringify(value)), { level: 9 }));
}

/**
 * Inflates a raw deflate stream in chunks of {@link INFLATE_CHUNK} compressed bytes, stopping as soon as more than
 * `maxBytes` have come out. Returns the bytes, or a message saying why not (too large, damaged, cut short).
 */
export function inflateBounded(data: Uint8Array, maxBytes: number): { ok: true; bytes: Uint8Array } | { ok: false; message: string } {
  const parts: Uint8Array[] = [];
  let total = 0;
  let ended = false;
  const inflater = new Inflate((chunk, final) => {
    total += chunk.length;
    if (total <= maxBytes) parts.push(chunk);
    if (final) ended = true;
  });
  try {
    for (let i = 0; i < data.length; i += INFLATE_CHUNK) {
      const last = i + INFLATE_CHUNK >= data.length;
      inflater.push(data.subarray(i, i + INFLATE_CHUNK), last);
      if (total > maxBytes) return { ok: false, message: `inflates to more than ${Math.round(maxBytes / 1e6)} MB (refused while inflating)` };
    }
    if (data.length === 0) inflater.push(new Uint8Array(0), true);
  } catch (e) {
    return { ok: false, message: `damaged (${e instanceof Error && e.message ? e.message : 'cannot inflate'})` };
  }
  if (!ended) return { ok: false, message: 'damaged (the data is cut short)' };
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return { ok: true, bytes: out };
}

/**
 * Decodes one payload parameter (`what` names it in messages, e.g. "the design data"): length cap, base64url,
 * bounded inflate, strict UTF-8, depth-checked JSON. Never throws; a failure is one issue at `path`.
 */
export function decodeJsonPayload(text: string, opts: { maxChars: number; maxBytes: number; what: string; path: string }): ParseResult<unknown> {
  const fail = (message: string): ParseResult<unknown> => ({ ok: false, issues: [{ path: opts.path, message }] });
  if (text.length > opts.maxChars) return fail(`${opts.what} is too long (${text.length} characters, at most ${opts.maxChars})`);
  const bytes = fromBase64Url(text);
  if (!bytes) return fail(`${opts.what} is damaged (it is not base64url text)`);
  const raw = inflateBounded(bytes, opts.maxBytes);
  if (!raw.ok) return fail(`${opts.what} ${raw.message}`);
  let json: string;
  try {
    json = new TextDecoder('utf-8', { fatal: true }).decode(raw.bytes);
  } catch {
    return fail(`${opts.what} is damaged (not UTF-8 text)`);
  }
  const r = parseJsonSafe(json);
  if (r.ok) return r;
  const m = r.issues[0]!.message;
  return fail(m.startsWith('malformed JSON: ') ? `${opts.what} is not JSON (${m.slice('malformed JSON: '.length)})` : `${opts.what} is ${m}`);
}

/** The share-link parameters, once each; a parameter given twice (`#v=1&v=2&d=...`) is an error, not a guess. */
export function shareParams(hash: string): { ok: true; get: (name: string) => string | null } | { ok: false; message: string } {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  for (const name of ['v', 'd', 'c']) {
    const all = params.getAll(name);
    if (all.length > 1) return { ok: false, message: `the link gives "${name}=" ${all.length} times; a share link names each part once` };
  }
  return { ok: true, get: (name) => params.get(name) };
}

/**
 * Share links: the design as compact JSON, deflated (fflate) and base64url-encoded into the URL hash, next to the
 * share-format version: `#v=1&d=<base64url>`. Opening such a link validates the design exactly as an import does.
 */
import { deflateSync, inflateSync, strFromU8, strToU8 } from 'fflate';
import type { Design } from '../models/schema';
import { validateDesign, type ParseResult } from '../models/validate';

/** Version of the hash encoding (not of the design format, which travels inside the design as `format`). */
export const SHARE_VERSION = 1;
/** Longest hash payload accepted (characters), so that a hostile link cannot make us inflate megabytes. */
const MAX_PAYLOAD_CHARS = 200_000;
const MAX_JSON_BYTES = 4_000_000;

function toBase64Url(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new Error('the design data contains characters outside base64url');
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4);
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** The hash (with its leading `#`) that carries `design`. */
export function encodeShareHash(design: Design): string {
  const packed = deflateSync(strToU8(JSON.stringify(design)), { level: 9 });
  return `#v=${SHARE_VERSION}&d=${toBase64Url(packed)}`;
}

/** A full share URL for `design` based on `base` (usually `location.href`). */
export function shareUrl(design: Design, base: string): string {
  const u = new URL(base);
  u.hash = encodeShareHash(design).slice(1);
  return u.toString();
}

/** True when a hash looks like a share link (so that other hashes are left alone). */
export function isShareHash(hash: string): boolean {
  return /^#?(v=[^&]*&)?d=/.test(hash);
}

/** Decodes and validates a share hash; every failure is an issue naming what is wrong, never a throw. */
export function decodeShareHash(hash: string): ParseResult<Design> {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const v = params.get('v');
  const d = params.get('d');
  const fail = (message: string): ParseResult<Design> => ({ ok: false, issues: [{ path: 'share link', message }] });
  if (v !== String(SHARE_VERSION)) return fail(`unsupported share-link version "${v ?? '(none)'}"; this app reads v=${SHARE_VERSION}`);
  if (!d) return fail('the link carries no design (d=)');
  if (d.length > MAX_PAYLOAD_CHARS) return fail(`the design data is too long (${d.length} characters, at most ${MAX_PAYLOAD_CHARS})`);
  let text: string;
  try {
    const raw = inflateSync(fromBase64Url(d));
    if (raw.length > MAX_JSON_BYTES) return fail('the design data inflates to more than 4 MB');
    text = strFromU8(raw);
  } catch (e) {
    return fail(`the design data is damaged (${(e as Error).message || 'cannot inflate'})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return fail(`the design data is not JSON (${(e as Error).message})`);
  }
  return validateDesign(value);
}

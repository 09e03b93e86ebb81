/**
 * Share links: the design as compact JSON, deflated (fflate) and base64url-encoded into the URL hash, next to the
 * share-format version: `#v=1&d=<base64url>`. Opening such a link validates the design exactly as an import does;
 * decoding is bounded (sharePayload.ts) and a parameter given twice is an error.
 */
import type { Design } from '../models/schema';
import { validateDesign, type ParseResult } from '../models/validate';
import { decodeJsonPayload, encodeJsonPayload, shareParams } from './sharePayload';

/** Version of the hash encoding (not of the design format, which travels inside the design as `format`). */
export const SHARE_VERSION = 1;
/** Longest hash payload accepted (characters), so that a hostile link cannot make us inflate megabytes. */
const MAX_PAYLOAD_CHARS = 200_000;
const MAX_JSON_BYTES = 4_000_000;

/** The hash (with its leading `#`) that carries `design`. */
export function encodeShareHash(design: Design): string {
  return `#v=${SHARE_VERSION}&d=${encodeJsonPayload(design)}`;
}

/** A full share URL for `design` based on `base` (usually `location.href`). */
export function shareUrl(design: Design, base: string): string {
  const u = new URL(base);
  u.hash = encodeShareHash(design).slice(1);
  return u.toString();
}

/**
 * True when a hash is meant as a share link: it names `v=`, `d=` or `c=` (so that other hashes are left alone, and
 * a malformed link such as `#v=1&v=2&d=...` is reported rather than ignored).
 */
export function isShareHash(hash: string): boolean {
  return /(?:^|&)(?:v|d|c)=/.test(hash.replace(/^#/, ''));
}

/** Checks the version (and that no part is given twice); null when the link is usable. */
export function shareLinkProblem(hash: string): string | null {
  const p = shareParams(hash);
  if (!p.ok) return p.message;
  const v = p.get('v');
  if (v !== String(SHARE_VERSION)) return `unsupported share-link version ${v === null ? '(none)' : JSON.stringify(v.slice(0, 20))}; this app reads v=${SHARE_VERSION}`;
  return null;
}

/** Decodes and validates a share hash's design; every failure is an issue naming what is wrong, never a throw. */
export function decodeShareHash(hash: string): ParseResult<Design> {
  const fail = (message: string): ParseResult<Design> => ({ ok: false, issues: [{ path: 'share link', message }] });
  const problem = shareLinkProblem(hash);
  if (problem) return fail(problem);
  const p = shareParams(hash);
  const d = p.ok ? p.get('d') : null;
  if (!d) return fail('the link carries no design (d=)');
  const value = decodeJsonPayload(d, { maxChars: MAX_PAYLOAD_CHARS, maxBytes: MAX_JSON_BYTES, what: 'the design data', path: 'share link' });
  return value.ok ? validateDesign(value.value) : value;
}

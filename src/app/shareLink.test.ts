import { describe, expect, it } from 'vitest';
import { deflateSync, strToU8 } from 'fflate';
import { decodeShareHash, encodeShareHash, isShareHash } from './shareLink';
import { getPreset, PRESETS } from '../models/presets';

const b64u = (u: Uint8Array) => Buffer.from(u).toString('base64url');

describe('share links', () => {
  it.each(PRESETS.map((p) => [p.id, p.design] as const))('round-trips %s', (_id, design) => {
    const hash = encodeShareHash(design);
    expect(isShareHash(hash)).toBe(true);
    const r = decodeShareHash(hash);
    expect(r.ok && r.value).toEqual(design);
  });

  it('is compact: the 89-layer Zamba fits in a short link', () => {
    const z = getPreset('zamba-7b')!.design;
    expect(encodeShareHash(z).length).toBeLessThan(JSON.stringify(z).length / 3);
  });

  it.each([
    ['#v=2&d=abc', 'version'],
    ['#v=1', 'no design'],
    ['#v=1&d=!!!', 'base64url'],
    ['#v=1&d=AAAA', 'damaged'],
    [`#v=1&d=${b64u(deflateSync(strToU8('{not json')))}`, 'not JSON'],
  ])('rejects %s with a message about %s', (hash, word) => {
    const r = decodeShareHash(hash);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues[0]!.message).toContain(word);
  });

  it('validates the decoded design like an import', () => {
    const bad = { ...getPreset('llama-2-7b')!.design, dModel: -4 };
    const r = decodeShareHash(`#v=1&d=${b64u(deflateSync(strToU8(JSON.stringify(bad))))}`);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues.map((i) => i.path)).toContain('dModel');
  });
});

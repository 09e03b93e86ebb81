import { describe, expect, it } from 'vitest';
import { deflateSync, strToU8 } from 'fflate';
import { makeTemplate } from '../../models/presets';
import { ratioVariants } from '../../models/patterns';
import { addPins, DEFAULT_CHART_SETTINGS } from '../../app/slices/compareSlice';
import { comparisonFromHash, comparisonHashSuffix, decodeComparison, encodeComparison } from './compareShare';

const base = makeTemplate('1:7', { dModel: 1024, nLayers: 16, vocabSize: 32000 });
const pinned = addPins([], ratioVariants(base).map((v) => ({ design: v.design, origin: 'ratio' as const }))).pinned;

function b64url(s: string): string {
  return Buffer.from(deflateSync(strToU8(s))).toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

describe('comparison share link', () => {
  it('round-trips pinned designs, colours and settings', () => {
    const settings = { ...DEFAULT_CHART_SETTINGS, view: 'state' as const, xScale: 'linear' as const, maxSeqLen: 1 << 22 };
    const r = decodeComparison(encodeComparison(pinned, settings, 141 * 1024 ** 3));
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    expect(r.value.pinned).toEqual(pinned);
    expect(r.value.settings).toEqual(settings);
    expect(r.value.budgetBytes).toBe(141 * 1024 ** 3);
  });
  it('travels in the hash beside the editor parameters', () => {
    const hash = `#v=1&d=abc${comparisonHashSuffix(pinned, DEFAULT_CHART_SETTINGS)}`;
    const r = comparisonFromHash(hash);
    expect(r?.ok).toBe(true);
    expect(comparisonFromHash('#v=1&d=abc')).toBeNull();
    expect(comparisonHashSuffix([], DEFAULT_CHART_SETTINGS)).toBe('');
  });
  it.each([
    ['not base64', '%%%', /base64url/],
    ['not deflate', 'AAAA', /damaged/],
    ['wrong version', b64url(JSON.stringify({ v: 9, settings: {}, pins: [] })), /share link \(comparison\)\.v/],
    ['bad setting', b64url(JSON.stringify({ v: 1, settings: { xScale: 'cubic' }, pins: [] })), /xScale/],
    ['bad colour', b64url(JSON.stringify({ v: 1, settings: {}, pins: [{ design: base, origin: 'ratio', color: 'red' }] })), /color/],
  ])('rejects %s with a message naming the problem', (_n, param, re) => {
    const r = decodeComparison(param);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(`${r.issues[0]!.path}: ${r.issues[0]!.message}`).toMatch(re);
  });
  it('rejects an invalid pinned design naming its index and field', () => {
    const bad = { ...base, dModel: -4 };
    const r = decodeComparison(b64url(JSON.stringify({ v: 1, settings: {}, pins: [{ design: base, origin: 'ratio', color: '#2f7fd0' }, { design: bad, origin: 'file', color: '#e0782a' }] })));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.issues[0]!.path).toContain('pins[1]');
      expect(r.issues[0]!.message).toMatch(/dModel/);
    }
  });
});

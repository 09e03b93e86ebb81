import { describe, expect, it } from 'vitest';
import { getPreset } from './presets';
import { LIMITS } from './schema';
import { MIXER_BLOCK_KINDS } from '../kinds/specs';
import { describeValue, formatIssues, parseDesignText, validateDesign } from './validate';

/** A small valid design; each corpus case breaks one thing in a fresh copy. */
function good(): Record<string, unknown> & { layers: Record<string, Record<string, unknown>>[] } {
  return JSON.parse(
    JSON.stringify({
      format: 'hybrid-arch/1',
      name: 'corpus',
      vocabSize: 1000,
      dModel: 64,
      maxContext: 4096,
      sharedBlocks: [{ id: 'sb', attention: { kind: 'attention', nHeads: 4, nKvHeads: 4, headDim: 32 }, ffn: { kind: 'mlp', width: 256 } }],
      layers: [
        { mixer: { kind: 'attention', nHeads: 4, nKvHeads: 2, headDim: 16 }, ffn: { kind: 'mlp', width: 128 } },
        { mixer: { kind: 'mamba', dState: 16, dConv: 4, expand: 2 }, ffn: { kind: 'moe', nExperts: 4, topK: 2, expertWidth: 64 } },
        { mixer: { kind: 'mamba2', dState: 16, headDim: 16, nGroups: 1, dConv: 4, expand: 2 }, ffn: { kind: 'none' } },
        { mixer: { kind: 'shared', blockId: 'sb' }, ffn: { kind: 'none' } },
      ],
    }),
  ) as ReturnType<typeof good>;
}

type Doc = ReturnType<typeof good>;
/** [name, a mutation of the good design or raw text, expected path, expected message fragment] */
const CORPUS: [string, ((d: Doc) => unknown) | string, string, string][] = [
  ['malformed JSON', '{"format": "hybrid-arch/1", "name": ', '(document)', 'malformed JSON'],
  ['trailing comma', '{"format": "hybrid-arch/1",}', '(document)', 'malformed JSON'],
  ['not an object', '[1, 2, 3]', '(document)', 'must be a JSON object, got an array'],
  ['a bare number', '42', '(document)', 'must be a JSON object, got 42'],
  ['missing format', (d) => { delete d.format; return d; }, 'format', 'missing; a design says "format": "hybrid-arch/1"'],
  ['unknown format version', (d) => ({ ...d, format: 'hybrid-arch/2' }), 'format', 'unsupported format version "hybrid-arch/2"'],
  ['foreign format', (d) => ({ ...d, format: 'onnx' }), 'format', 'expected "hybrid-arch/1", got "onnx"'],
  ['unknown mixer kind', (d) => { d.layers[2]!.mixer = { kind: 'lstm' }; return d; }, 'layers[2].mixer.kind', `unknown kind "lstm"; expected one of ${[...MIXER_BLOCK_KINDS, 'none'].join(', ')}`],
  ['unknown ffn kind', (d) => { d.layers[0]!.ffn = { kind: 'kan' }; return d; }, 'layers[0].ffn.kind', 'unknown kind "kan"; expected one of mlp, moe, none'],
  ['an FFN kind as a mixer', (d) => { d.layers[2]!.mixer = { kind: 'moe' }; return d; }, 'layers[2].mixer.kind', 'kind "moe" is not allowed here; expected one of attention, mla, mamba'],
  ['a misspelt field of a kind', (d) => { d.layers[1]!.mixer!.dstate = 16; return d; }, 'layers[1].mixer.dstate', 'unknown field "dstate" (did you mean "dState"?)'],
  ['missing mixer kind', (d) => { d.layers[1]!.mixer = { dState: 16 }; return d; }, 'layers[1].mixer.kind', 'missing; expected one of attention'],
  ['missing ffn', (d) => { delete d.layers[1]!.ffn; return d; }, 'layers[1].ffn', 'missing; every layer has an FFN'],
  ['string where integer', (d) => ({ ...d, dModel: '64' }), 'dModel', 'expected an integer, got "64"'],
  ['null where integer', (d) => ({ ...d, vocabSize: null }), 'vocabSize', 'expected an integer, got null'],
  ['non-integer size', (d) => ({ ...d, dModel: 64.5 }), 'dModel', 'must be an integer, got 64.5'],
  ['non-integer heads', (d) => { d.layers[0]!.mixer!.nHeads = 3.5; return d; }, 'layers[0].mixer.nHeads', 'must be an integer, got 3.5'],
  ['zero size', (d) => ({ ...d, vocabSize: 0 }), 'vocabSize', 'must be at least 1, got 0'],
  ['negative size', (d) => { d.layers[0]!.ffn!.width = -128; return d; }, 'layers[0].ffn.width', 'must be at least 1, got -128'],
  ['absurd width', (d) => ({ ...d, dModel: 10_000_000 }), 'dModel', `must be at most ${LIMITS.dModel}, got 10000000`],
  ['absurd context', (d) => ({ ...d, maxContext: 2 ** 40 }), 'maxContext', `must be at most ${LIMITS.maxContext}`],
  ['absurd experts', (d) => { d.layers[1]!.ffn!.nExperts = 5000; return d; }, 'layers[1].ffn.nExperts', `must be at most ${LIMITS.experts}`],
  ['wrong boolean', (d) => ({ ...d, tiedEmbeddings: 'yes' }), 'tiedEmbeddings', 'expected true or false, got "yes"'],
  ['wrong enum', (d) => ({ ...d, norm: 'batchnorm' }), 'norm', 'expected "rmsnorm" or "layernorm", got "batchnorm"'],
  ['wrong dtype', (d) => ({ ...d, dtype: 'fp64' }), 'dtype', 'expected one of "fp32", "bf16", "fp16", "fp8", "int8", "int4", got "fp64"'],
  ['wrong dtRank', (d) => { d.layers[1]!.mixer!.dtRank = 'big'; return d; }, 'layers[1].mixer.dtRank', 'expected a positive integer or "auto", got "big"'],
  ['layers not an array', (d) => ({ ...d, layers: { a: 1 } }), 'layers', 'expected an array, got an object'],
  ['no layers', (d) => ({ ...d, layers: [] }), 'layers', 'must have at least 1 item'],
  ['a layer that is a number', (d) => { (d.layers as unknown[])[1] = 7; return d; }, 'layers[1]', 'expected a layer {mixer, ffn}, a repeat block {repeat, layers} or a pattern {pattern}, got 7'],
  ['empty name', (d) => ({ ...d, name: '' }), 'name', 'must not be empty'],
  ['missing name', (d) => { delete d.name; return d; }, 'name', 'missing; expected a string'],
  ['unknown top-level field', (d) => ({ ...d, colour: 'red' }), 'colour', 'unknown field "colour"'],
  ['misspelt field', (d) => { d.layers[0]!.mixer!.nkvheads = 2; return d; }, 'layers[0].mixer.nkvheads', 'unknown field "nkvheads" (did you mean "nKvHeads"?)'],
  ['KV heads not dividing heads', (d) => { d.layers[0]!.mixer!.nKvHeads = 3; return d; }, 'layers[0].mixer.nKvHeads', 'nKvHeads 3 does not divide nHeads 4'],
  ['topK above experts', (d) => { d.layers[1]!.ffn!.topK = 5; return d; }, 'layers[1].ffn.topK', 'topK 5 exceeds nExperts 4'],
  ['dangling shared-block reference', (d) => { d.layers[3]!.mixer = { kind: 'shared', blockId: 'nowhere' }; return d; }, 'layers[3].mixer.blockId', 'blockId "nowhere" names no entry of sharedBlocks'],
  ['duplicate shared-block id', (d) => ({ ...d, sharedBlocks: [...(d.sharedBlocks as unknown[]), ...(d.sharedBlocks as unknown[])] }), 'sharedBlocks[1].id', 'duplicate shared block id "sb"'],
  ['mamba2 head dim not dividing dInner', (d) => { d.layers[2]!.mixer!.headDim = 48; return d; }, 'layers[2].mixer.headDim', 'headDim 48 does not divide dInner 128'],
  ['mamba2 groups not dividing heads', (d) => { d.layers[2]!.mixer!.nGroups = 3; return d; }, 'layers[2].mixer.nGroups', 'nGroups 3 does not divide the 8 heads'],
  ['__proto__ key', '{"format":"hybrid-arch/1","__proto__":{"polluted":true}}', '__proto__', 'the key "__proto__" is not allowed'],
  ['nested constructor key', (d) => { Object.assign(d.layers[0]!.mixer!, JSON.parse('{"constructor":{"prototype":{}}}')); return d; }, 'layers[0].mixer.constructor', 'the key "constructor" is not allowed'],
  ['too many layers', (d) => ({ ...d, layers: [{ repeat: 600, layers: [d.layers[1], d.layers[1]] }] }), 'layers', `expands to 1200 layers; at most ${LIMITS.layers} are allowed`],
  ['repeat of zero', (d) => ({ ...d, layers: [{ repeat: 0, layers: [d.layers[1]] }] }), 'layers[0].repeat', 'must be at least 1, got 0'],
  ['bad layer inside a repeat', (d) => ({ ...d, layers: [{ repeat: 2, layers: [{ mixer: { kind: 'rwkv' }, ffn: { kind: 'none' } }] }] }), 'layers[0].layers[0].mixer.kind', 'unknown kind "rwkv"'],
  ['pattern offset not below period', (d) => ({ ...d, layers: [{ pattern: { count: 8, base: d.layers[1], rules: [{ period: 4, offset: 4 }] } }] }), 'layers[0].pattern.rules[0].offset', 'offset 4 must be less than period 4'],
  ['dangling reference in a pattern rule', (d) => ({ ...d, layers: [{ pattern: { count: 8, base: d.layers[1], rules: [{ period: 4, offset: 1, mixer: { kind: 'shared', blockId: 'x' } }] } }] }), 'layers[0].pattern.rules[0].mixer.blockId', 'names no entry of sharedBlocks'],
  ['over-long name', (d) => ({ ...d, name: 'n'.repeat(300) }), 'name', `must be at most ${LIMITS.nameLength} characters long, got 300`],
];

describe('bad-input corpus', () => {
  it('has at least 30 documents', () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(30);
  });
  it('the base document is valid', () => {
    const r = validateDesign(good());
    expect(r.ok ? 'ok' : formatIssues(r.issues)).toBe('ok');
  });
  it.each(CORPUS)('%s', (_name, make, path, fragment) => {
    const text = typeof make === 'string' ? make : JSON.stringify(make(good()));
    const before = text;
    const r = parseDesignText(text);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const hit = r.issues.find((i) => i.path === path);
    expect(hit, formatIssues(r.issues)).toBeDefined();
    expect(hit!.message).toContain(fragment);
    expect(text).toBe(before);
  });
});

describe('validateDesign', () => {
  it('does not modify its input and returns defaults applied', () => {
    const d = good();
    const copy = JSON.stringify(d);
    const r = validateDesign(d);
    expect(JSON.stringify(d)).toBe(copy);
    expect(r.ok && r.value.norm).toBe('rmsnorm');
  });
  it('accepts every preset exported as JSON', () => {
    const r = validateDesign(JSON.parse(JSON.stringify(getPreset('zamba-7b')!.design)));
    expect(r.ok).toBe(true);
  });
  it('does not pollute Object.prototype on __proto__ input', () => {
    parseDesignText('{"__proto__": {"polluted": 1}}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('describeValue', () => {
  it.each([
    [undefined, 'nothing'],
    [null, 'null'],
    ['x', '"x"'],
    [[1], 'an array'],
    [{}, 'an object'],
    [3, '3'],
    [true, 'true'],
  ])('%j -> %s', (v, s) => expect(describeValue(v)).toBe(s));
});

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { attentionPositions } from '../../models/patterns';
import { expandLayers } from '../../models/schema';
import { validateDesign } from '../../models/validate';
import { analyzeDesign } from '../../sim/cost';
import { MIXER_SPECS, isAttentionSide } from '../../kinds/specs';
import { CliError } from '../common';
import { designCommand, designFromArgs, parseOpts } from './design';

const dir = mkdtempSync(join(tmpdir(), 'design-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

/** Runs the command in-process, returning what it wrote to stdout. */
async function run(args: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  const code = await designCommand.run(args);
  return { code, out };
}

const letters = (args: string[]) =>
  expandLayers(designFromArgs(args).layers)
    .map((l) => (isAttentionSide(l.mixer.kind) ? 'A' : 'R'))
    .join('');

describe('cli design', () => {
  it('prints one valid design JSON whose layout follows the ratio tool placement (Jamba 1:7 period, offset 4)', async () => {
    const r = await run(['--layers', '16', '--ratio', '1:7', '--d-model', '1024', '--vocab', '32000']);
    expect(r.code).toBe(0);
    const d = JSON.parse(r.out) as unknown;
    const v = validateDesign(d);
    expect(v.ok).toBe(true);
    if (!v.ok) return;
    const layers = expandLayers(v.value.layers);
    expect(layers.map((l) => (l.mixer.kind === 'attention' ? 'A' : 'M')).join('')).toBe('MMMMAMMMMMMMAMMM');
    expect(v.value.dModel).toBe(1024);
    expect(v.value.vocabSize).toBe(32000);
  });

  it.each([
    ['period', ['--offset', '1']],
    ['even', []],
    ['every-k', []],
  ] as const)('placement %s puts attention where attentionPositions says', (placement, extra) => {
    for (const [a, m, n] of [
      [1, 3, 12],
      [1, 7, 30],
      [2, 5, 21],
    ] as const) {
      const got = letters(['--layers', String(n), '--ratio', `${a}:${m}`, '--placement', placement, ...extra, '--d-model', '256']);
      const want = attentionPositions({ attn: a, other: m, nLayers: n, placement, ...(extra.length ? { offset: 1 } : {}) })
        .map((x) => (x ? 'A' : 'R'))
        .join('');
      expect(got).toBe(want);
    }
  });

  it('places MoE every e layers at an offset and keeps the dense MLP elsewhere', () => {
    const d = designFromArgs(['--layers', '8', '--ratio', '1:3', '--moe-every', '2', '--moe-offset', '1', '--experts', '16', '--top-k', '4', '--d-model', '512']);
    const ffns = expandLayers(d.layers).map((l) => l.ffn);
    expect(ffns.map((f) => (f.kind === 'moe' ? 'E' : 'D')).join('')).toBe('DEDEDEDE');
    const moe = ffns[1]!;
    expect(moe).toMatchObject({ kind: 'moe', nExperts: 16, topK: 4 });
    // The experts are as wide as the dense MLP (the MLP kind's default for d 512: 2/3 · 4 · 512 rounded up to 256).
    expect(ffns[0]).toMatchObject({ kind: 'mlp', width: 1536 });
    expect(moe.kind === 'moe' && moe.expertWidth).toBe(1536);
  });

  it('takes every recurrent kind of the registry with its defaults for the width, and overrides fields', () => {
    for (const kind of ['mamba', 'mamba2', 'hyena'] as const) {
      const d = designFromArgs(['--layers', '4', '--ratio', '1:1', '--mixer', kind, '--d-model', '512']);
      const other = expandLayers(d.layers).find((l) => l.mixer.kind === kind)?.mixer;
      expect(other).toEqual(MIXER_SPECS[kind].defaults(512));
    }
    const d = designFromArgs(['--layers', '4', '--ratio', '1:1', '--mixer', 'mamba2', '--mixer-opts', 'dState=64,headDim=32,nGroups=2', '--d-model', '512']);
    expect(expandLayers(d.layers).find((l) => l.mixer.kind === 'mamba2')?.mixer).toMatchObject({ dState: 64, headDim: 32, nGroups: 2 });
  });

  it('feeds the cost model (design > d.json && cost d.json): pure attention vs pure recurrent KV', () => {
    const attn = analyzeDesign(designFromArgs(['--layers', '8', '--ratio', '1:0', '--d-model', '512']));
    const ssm = analyzeDesign(designFromArgs(['--layers', '8', '--ratio', '0:1', '--d-model', '512']));
    expect(attn.kvGroups.reduce((a, g) => a + g.layers, 0)).toBe(8);
    expect(ssm.kvGroups).toEqual([]);
    expect(ssm.stateBytes).toBeGreaterThan(0);
  });

  it('writes to --out', async () => {
    const path = join(dir, 'd.json');
    const r = await run(['--layers', '4', '--d-model', '256', '--out', path]);
    expect(r.code).toBe(0);
    expect(r.out).toBe('');
    expect(validateDesign(JSON.parse(readFileSync(path, 'utf8'))).ok).toBe(true);
  });

  it('--help prints the usage and exits 0', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^usage: design /);
    expect(r.out).toContain('--mixer-opts');
  });

  it.each([
    [['--layers', '0'], /--layers must be between 1 and 1024/],
    [['--layers', '1.5'], /--layers must be an integer/],
    [['--ratio', '1-7'], /--ratio must be a:m/],
    [['--ratio', '0:0'], /--ratio a:m needs a \+ m >= 1/],
    [['--mixer', 'lstm'], /--mixer must be one of mamba, mamba2, hyena/],
    [['--attention', 'mamba'], /--attention must be one of attention/],
    [['--placement', 'random'], /--placement must be one of period, even, every-k/],
    [['--ratio', '1:7', '--offset', '9'], /offset 9 must be less than the period 8/],
    [['--moe-offset', '1'], /--moe-offset needs --moe-every/],
    [['--moe-every', '2', '--moe-offset', '2'], /--moe-offset must be between 0 and 1/],
    [['--moe-every', '2', '--experts', '2', '--top-k', '3'], /moe.topK 3 exceeds moe.nExperts 2/],
    [['--ffn', 'conv'], /--ffn must be one of mlp, moe, none/],
    [['--dtype', 'fp64'], /--dtype must be one of/],
    [['--mixer-opts', 'dState'], /--mixer-opts must be key=value pairs/],
    [['--mixer-opts', 'kind=mamba2'], /cannot set "kind"/],
    [['--mixer', 'mamba2', '--mixer-opts', 'headDim=7', '--d-model', '512'], /the design is invalid: layers\[\d+\].*mixer\.headDim: headDim 7 does not divide dInner 1024/],
    [['--attention-opts', 'nKvHeads=3'], /nKvHeads 3 does not divide nHeads 32/],
    [['--mixer-opts', 'dStat=16'], /unknown field "dStat"/],
    [['--frobnicate', '1'], /unknown option --frobnicate/],
    [['extra'], /unexpected argument "extra"/],
  ])('%j is refused in one line naming the flag or field', (args, msg) => {
    let err: unknown;
    try {
      designFromArgs(args);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CliError);
    expect((err as Error).message).toMatch(msg);
    expect((err as Error).message).not.toContain('\n');
  });

  it('parseOpts reads numbers, booleans, null and bare strings', () => {
    expect(parseOpts('x', 'a=1,b=2.5e3,c=true,d=null,e=rope')).toEqual({ a: 1, b: 2500, c: true, d: null, e: 'rope' });
    expect(parseOpts('x', undefined)).toEqual({});
  });
});

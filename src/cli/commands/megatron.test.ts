import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expandLayers, type Design } from '../../models/schema';
import { getPreset } from '../../models/presets';
import { cli } from '../cliTestHarness';

const dir = mkdtempSync(join(tmpdir(), 'megatron-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('cli export-megatron (in process)', () => {
  it('prints the Mamba-2-Hybrid-8B pattern and arguments', async () => {
    const r = await cli('export-megatron', ...['mamba2-hybrid-8b']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('--hybrid-layer-pattern "M-M-M--M-M*-M-M-M-M--M*-M-M-M-M-M*--M-M-M-M-M*-M--M-M-M-" \\');
    expect(r.stdout.trimEnd().split('\n').at(-1)).not.toMatch(/\\$/); // the last argument line ends the command
  });

  it('--pp 4 --json gives four stages', async () => {
    const r = await cli('export-megatron', ...['mamba2-hybrid-8b', '--pp', '4', '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { pattern: string; stages: unknown[] };
    expect(j.stages).toHaveLength(4);
    expect(j.pattern.split('|')).toHaveLength(4);
  });

  it('--help exits 0 and documents the flags', async () => {
    const r = await cli('export-megatron', ...['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--pp N');
  });

  it.each([
    [['jamba-v0.1'], 'cannot export "Jamba-v0.1" to Megatron-LM: layers[0].mixer.kind'],
    [['mamba2-hybrid-8b', '--pp', '0'], '--pp must be between 1 and 1024'],
    [['mamba2-hybrid-8b', '--pp', 'two'], '--pp must be an integer'],
    [['mamba2-hybrid-8b', '--pp', '100'], 'pp: 100 pipeline stages need at least 100 layers'],
    [['mamba2-hybrid-8b', '--stages', '2'], 'unknown option --stages'],
    [['no-such-preset'], 'no file or preset "no-such-preset"'],
    [[], 'missing argument'],
  ])('%j -> exit 2: %s', async (args, fragment) => {
    const r = await cli('export-megatron', ...args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(fragment);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('cli import-megatron (in process)', () => {
  it('reads back what export-megatron wrote (paired layers with --pair-layers)', async () => {
    const text = (await cli('export-megatron', ...['mixtral-8x7b', '--pp', '2'])).stdout;
    const file = join(dir, 'args.txt');
    writeFileSync(file, `pretrain_hybrid.py \\\n${text}`);
    const out = join(dir, 'design.json');
    const r = await cli('import-megatron', ...[file, '--pair-layers', '--name', 'Mixtral again', '-o', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('32 layers');
    const d = JSON.parse(readFileSync(out, 'utf8')) as Design;
    expect(d.name).toBe('Mixtral again');
    expect(expandLayers(d.layers)).toEqual(expandLayers(getPreset('mixtral-8x7b')!.design.layers));
  });

  it('--help exits 0', async () => {
    expect((await cli('import-megatron', ...['--help'])).code).toBe(0);
  });

  it.each([
    ['--hybrid-layer-pattern MQ --hidden-size 64 --vocab-size 8', '"Q" at position 1 is not a layer symbol'],
    ['--hidden-size 64', '--hybrid-layer-pattern: missing'],
  ])('%s -> exit 2: %s', async (text, fragment) => {
    const file = join(dir, 'bad.txt');
    writeFileSync(file, text);
    const r = await cli('import-megatron', ...[file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(fragment);
  });

  it('a missing file and a bad flag exit 2', async () => {
    expect((await cli('import-megatron', ...[join(dir, 'nope.txt')])).stderr).toContain('cannot read');
    expect((await cli('import-megatron', ...['x', '--pairs'])).stderr).toContain('unknown option --pairs');
  });
});

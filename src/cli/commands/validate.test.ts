import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../cliTestHarness';
import { getPreset, PRESET_IDS } from '../../models/presets';
import { MIXER_BLOCK_KINDS } from '../../kinds/specs';

const dir = mkdtempSync(join(tmpdir(), 'validate-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('cli validate / presets', () => {
  it('validate prints "ok: <name>, N layers" for a valid design', async () => {
    const p = join(dir, 'zamba.json');
    writeFileSync(p, JSON.stringify(getPreset('zamba-7b')!.design));
    const r = await cli('validate', p);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('ok: Zamba-7B-v1, 89 layers\n');
  });
  it('validate prints every issue with its path and exits 2', async () => {
    const d = JSON.parse(JSON.stringify(getPreset('llama-2-7b')!.design)) as { layers: { layers: { mixer: Record<string, unknown> }[] }[]; dModel: unknown };
    d.layers[0]!.layers[0]!.mixer.kind = 'lstm';
    d.dModel = 'wide';
    const p = join(dir, 'bad.json');
    writeFileSync(p, JSON.stringify(d));
    const r = await cli('validate', p);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('dModel: expected an integer, got "wide"');
    expect(r.stdout).toContain(`layers[0].layers[0].mixer.kind: unknown kind "lstm"; expected one of ${[...MIXER_BLOCK_KINDS, 'none'].join(', ')}`);
    expect(r.stderr).toMatch(/^error: .*bad\.json is invalid \(2 issues\)\n$/);
  });
  it('presets --json lists the presets with ids, names, families, years and sources', async () => {
    const r = await cli('presets', '--json');
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout) as { id: string; name: string; source: string; layers: number; family: string; year: number }[];
    expect(rows.map((x) => x.id)).toEqual(PRESET_IDS);
    expect(rows.slice(0, 10).map((x) => x.id)).toEqual(['jamba-v0.1', 'jamba-1.5-mini', 'jamba-1.5-large', 'zamba-7b', 'stripedhyena-7b', 'mamba-2.8b', 'mamba2-hybrid-8b', 'llama-2-7b', 'mistral-7b', 'mixtral-8x7b']);
    expect(rows.find((x) => x.id === 'qwen3-next-80b-a3b')).toMatchObject({ family: 'Qwen3-Next (Alibaba)', year: 2025, layers: 48 });
    expect(rows.every((x) => x.source.includes('http'))).toBe(true);
    expect(rows.find((x) => x.id === 'jamba-1.5-large')!.layers).toBe(72);
  });
  it('a misspelt option exits 2 with one line', async () => {
    const r = await cli('presets', '--jsn');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('error: unknown option --jsn; accepted: --json\n');
  });
});

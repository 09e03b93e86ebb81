import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../cliTestHarness';
import { getPreset } from '../../models/presets';
import { expandLayers, type Design } from '../../models/schema';

const dir = mkdtempSync(join(tmpdir(), 'models-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const write = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

describe('cli import-hf / export-hf', () => {
  it('import-hf writes a design with the Jamba layout; export-hf writes it back; import again is lossless', async () => {
    const design = join(dir, 'jamba.design.json');
    const a = await cli('import-hf', 'public/examples/jamba-v0.1.config.json', '-o', design);
    expect(a.code).toBe(0);
    expect(a.stdout).toMatch(/wrote .*jamba\.design\.json: .*, 32 layers/);
    const d = JSON.parse(readFileSync(design, 'utf8')) as Design;
    expect(expandLayers(d.layers)).toEqual(expandLayers(getPreset('jamba-v0.1')!.design.layers));
    const config = join(dir, 'config.json');
    const b = await cli('export-hf', design, '-o', config);
    expect(b.code).toBe(0);
    const c = JSON.parse(readFileSync(config, 'utf8')) as Record<string, unknown>;
    expect(c).toMatchObject({ model_type: 'jamba', attn_layer_period: 8, attn_layer_offset: 4, expert_layer_period: 2, expert_layer_offset: 1, num_experts: 16 });
    const again = await cli('import-hf', config);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual({ ...d, name: c._name_or_path });
  });
  it('export-hf of a design Jamba cannot express exits 2 with one line naming the layer', async () => {
    const r = await cli('export-hf', 'stripedhyena-7b');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('layers[0].mixer.kind: "hyena" is not one of Jamba\'s mixers');
  });
  it('import-hf of an unsupported model_type names the supported ones', async () => {
    const r = await cli('import-hf', write('gpt2.json', '{"model_type": "gpt2"}'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: .*gpt2\.json: model_type: unsupported model_type "gpt2"; supported: jamba, zamba, mamba, mamba2, llama, mistral, mixtral, nemotron_h, .*\n$/);
  });
  it('import-hf of malformed JSON or a missing file exits 2 with one line', async () => {
    const bad = await cli('import-hf', write('bad.json', '{"model_type": '));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^error: .*malformed JSON.*\n$/);
    const missing = await cli('import-hf', join(dir, 'nope.json'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^error: cannot read .*nope\.json: ENOENT\n$/);
  });
});

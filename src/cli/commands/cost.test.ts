import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli as runCliInProcess } from '../cliTestHarness';
import { FORMAT } from '../../models/schema';



const cli = (...args: string[]) => runCliInProcess('cost', ...args);

const dir = mkdtempSync(join(tmpdir(), 'cost-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('cli cost', () => {
  it('--json prints exactly one JSON object with the documented shape (Llama-2-7B preset)', async () => {
    const r = await cli('llama-2-7b', '--json', '--seq', '4096,8K', '--dtype', 'bf16', '--budget', '80GiB');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    const j = JSON.parse(r.stdout) as Record<string, any>;
    expect(j.name).toBeTypeOf('string');
    expect(j.params.total).toBe(6_738_415_616);
    expect(j.params.active).toBe(6_738_415_616);
    expect(j.layers).toHaveLength(32);
    expect(Object.keys(j.layers[0])).toEqual(expect.arrayContaining(['index', 'mixer', 'ffn', 'params', 'activeParams']));
    expect(j.layers[31]).toMatchObject({ index: 31, mixer: 'attention', ffn: 'mlp' });
    expect(j.points.map((p: any) => p.seqLen)).toEqual([4096, 8192]);
    for (const p of j.points) {
      expect(Object.keys(p)).toEqual(expect.arrayContaining(['seqLen', 'kvCacheBytes', 'stateBytes', 'weightBytes', 'totalBytes', 'flopsPerToken']));
      expect(p.totalBytes).toBe(p.weightBytes + p.kvCacheBytes + p.stateBytes);
    }
    expect(j.points[0].kvCacheBytes).toBe(2_147_483_648);
    expect(j.points[1].kvCacheBytes).toBe(2 * 2_147_483_648);
    // (80 GiB − 6,738,415,616 × 2 B) / (2 × 32 × 32 × 128 × 2 B per token) = 138,134.
    expect(j.budget).toEqual({ bytes: 80 * 2 ** 30, maxContext: 138_134, unbounded: false });
  });

  it('reads a design.json and prints a table in binary units', async () => {
    const path = join(dir, 'design.json');
    const design = {
      format: FORMAT,
      name: 'Tiny hybrid',
      vocabSize: 1000,
      dModel: 256,
      maxContext: 8192,
      layers: [
        { mixer: { kind: 'attention', nHeads: 8, nKvHeads: 2, headDim: 32 }, ffn: { kind: 'mlp', width: 512 } },
        { mixer: { kind: 'mamba', dState: 16, dConv: 4, expand: 2 }, ffn: { kind: 'none' } },
      ],
    };
    writeFileSync(path, JSON.stringify(design));
    const r = await cli(path, '--seq', '1024');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Tiny hybrid');
    expect(r.stdout).toContain('binary units');
    // KV at 1024: 2 × 2 × 32 × 1024 × 2 B = 256 KiB.
    expect(r.stdout).toMatch(/^1,024\s+256 KiB/m);
  });

  it('reads a Hugging Face config.json by its model_type', async () => {
    const path = join(dir, 'config.json');
    writeFileSync(path, JSON.stringify({ model_type: 'mixtral', vocab_size: 32000, hidden_size: 4096, intermediate_size: 14336, num_hidden_layers: 32, num_attention_heads: 32, num_key_value_heads: 8, num_local_experts: 8, num_experts_per_tok: 2, max_position_embeddings: 32768, tie_word_embeddings: false }));
    const r = await cli(path, '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as Record<string, any>;
    expect(j.params.total).toBe(46_702_792_704);
    expect(j.params.active).toBe(12_879_925_248);
  });

  it.each([
    { args: ['no-such-model'], message: /^error: unknown preset "no-such-model"; known: .*jamba-v0\.1.*mixtral-8x7b/ },
    { args: ['llama-2-7b', '--dtype', 'fp64'], message: /^error: --dtype "fp64" is not a dtype; allowed: fp32, bf16, fp16, fp8, int8, int4$/ },
    { args: ['llama-2-7b', '--budget', 'lots'], message: /^error: --budget must be a size/ },
    { args: ['llama-2-7b', '--seq', '0'], message: /^error: --seq values must be between 1/ },
    { args: [], message: /^error: expected one design/ },
  ])('exits 2 with one line on stderr: $args', async ({ args, message }) => {
    const r = await cli(...args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr.trimEnd()).toMatch(message);
  });

  it('names the field and rule of a bad design file', async () => {
    const path = join(dir, 'bad.json');
    writeFileSync(path, JSON.stringify({ format: FORMAT, name: 'bad', vocabSize: 10, dModel: 64, maxContext: 10, layers: [{ mixer: { kind: 'attention', nHeads: 8, nKvHeads: 3, headDim: 8 }, ffn: { kind: 'none' } }] }));
    const r = await cli(path);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.json: layers\[0\]\.mixer\.nKvHeads: nKvHeads 3 does not divide nHeads 8/);
  });
});

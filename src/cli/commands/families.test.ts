import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RECENT_PRESETS } from '../../models/presetsRecent';
import { cli } from '../cliTestHarness';
import { decodeSafetensors } from '../../sim/runtime/safetensors';

const dir = mkdtempSync(join(tmpdir(), 'families-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The makers' rounded sizes (billions) and which count they round (research notes §3-§9; presetsRecent.test.ts). */
const ROUNDED: Record<string, [published: number, digits: number, basis: 'total' | 'non-embedding']> = {
  'nemotron-h-8b': [8, 0, 'total'],
  'nemotron-h-56b': [56, 0, 'total'],
  'nemotron-nano-9b-v2': [9, 0, 'total'],
  'nemotron-3-nano-30b-a3b': [31.6, 1, 'total'],
  'zamba2-2.7b': [2.7, 1, 'total'],
  'zamba2-7b': [7.4, 1, 'total'],
  'falcon-h1-7b': [7, 0, 'non-embedding'],
  'granite-4.0-h-small': [32, 0, 'total'],
  'bamba-9b': [9.8, 1, 'total'],
  'qwen3-next-80b-a3b': [80, 0, 'total'],
  'kimi-linear-48b-a3b': [48, 0, 'non-embedding'],
  'minimax-text-01': [456, 0, 'total'],
};

describe('cli cost <new preset> --json (in process)', () => {
  it.each(RECENT_PRESETS.map((p) => p.id))('%s: the total agrees with the maker\'s rounded size', async (id) => {
    const r = await cli('cost', ...[id, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { params: { total: number; embedding: number; lmHead: number } };
    const [published, digits, basis] = ROUNDED[id]!;
    const count = basis === 'total' ? j.params.total : j.params.total - j.params.embedding - j.params.lmHead;
    expect(Number((count / 1e9).toFixed(digits))).toBe(published);
  });
});

describe('cli export-hf / import-hf of the new families (in process)', () => {
  it.each([
    ['nemotron-h-8b', 'nemotron_h'],
    ['nemotron-3-nano-30b-a3b', 'nemotron_h'],
    ['zamba2-2.7b', 'zamba2'],
    ['falcon-h1-7b', 'falcon_h1'],
    ['granite-4.0-h-small', 'granitemoehybrid'],
    ['bamba-9b', 'bamba'],
    ['qwen3-next-80b-a3b', 'qwen3_next'],
  ])('%s exports as %s and imports back to the same cost', async (id, family) => {
    const file = join(dir, `${id}.config.json`);
    const e = await cli('export-hf', ...[id, '-o', file]);
    expect(e.code, e.stderr).toBe(0);
    expect(JSON.parse(readFileSync(file, 'utf8')).model_type).toBe(family);
    const i = await cli('import-hf', ...[file]);
    expect(i.code, i.stderr).toBe(0);
    const back = join(dir, `${id}.design.json`);
    await cli('import-hf', ...[file, '-o', back]);
    const a = JSON.parse((await cli('cost', ...[id, '--json'])).stdout) as { params: unknown };
    const b = JSON.parse((await cli('cost', ...[back, '--json'])).stdout) as { params: unknown };
    expect(b.params).toEqual(a.params);
  });
  it('kimi-linear and minimax have no exporter: the refusal names the closest family and the reason', async () => {
    const r = await cli('export-hf', ...['kimi-linear-48b-a3b']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/mla/);
  });
  it('--family names a family that cannot express the design: exit 2 with the reason', async () => {
    const r = await cli('export-hf', ...['qwen3-next-80b-a3b', '--family', 'nemotron_h']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('linear-attention');
    expect((await cli('export-hf', ...['qwen3-next-80b-a3b', '--family', 'gpt2'])).stderr).toContain('--family must be one of');
    expect((await cli('export-hf', ...['--help'])).code).toBe(0);
  });
});

/**
 * `cli bench <preset> --profile tiny --backend wasm`: measured KV and state bytes equal the prediction at two
 * lengths, and the state does not grow with L. Tiny profile, short lengths, one repeat: every new preset, kept cheap.
 */
describe('cli bench <new preset> --profile tiny --backend wasm (in process)', () => {
  it.each(RECENT_PRESETS.map((p) => p.id))('%s: measured KV and state bytes equal the prediction; state flat in L', async (id) => {
    const r = await cli('bench', ...[id, '--profile', 'tiny', '--backend', 'wasm', '--seq', '8,24', '--steps', '1', '--repeats', '1', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { points: { seqLen: number; kvCacheBytes: number; predictedKvCacheBytes: number; stateBytes: number; predictedStateBytes: number }[] };
    expect(j.points.map((p) => p.seqLen)).toEqual([8, 24]);
    for (const p of j.points) {
      expect(p.kvCacheBytes, `${id} KV at ${p.seqLen}`).toBe(p.predictedKvCacheBytes);
      expect(p.stateBytes, `${id} state at ${p.seqLen}`).toBe(p.predictedStateBytes);
    }
    expect(j.points[1]!.stateBytes).toBe(j.points[0]!.stateBytes);
    expect(j.points[0]!.stateBytes).toBeGreaterThan(0);
  }, 60_000);
});

describe('cli run --export as the new families (in process)', () => {
  it.each([
    ['nemotron-3-nano-30b-a3b', 'nemotron_h', 'backbone.layers.1.mixer.gate.e_score_correction_bias'],
    ['qwen3-next-80b-a3b', 'qwen3_next', 'model.layers.0.linear_attn.in_proj_qkvz.weight'],
  ])('%s writes model.safetensors + config.json as %s', async (id, family, tensor) => {
    const out = join(dir, `${id}-export`);
    const r = await cli('run', ...[id, '--backend', 'wasm', '--export', out, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { exportedAs: string }).exportedAs).toBe(family);
    const cfg = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')) as { model_type: string };
    expect(cfg.model_type).toBe(family);
    const st = decodeSafetensors(new Uint8Array(readFileSync(join(out, 'model.safetensors'))));
    expect(st.tensors.has(tensor)).toBe(true);
  }, 60_000);
  it('--family without --export, or an unknown family, exits 2', async () => {
    expect((await cli('run', ...['nemotron-h-8b', '--family', 'nemotron_h'])).stderr).toContain('--family goes with --export');
    expect((await cli('run', ...['nemotron-h-8b', '--export', join(dir, 'x'), '--family', 'bamba'])).stderr).toContain('--family must be one of jamba, nemotron_h, qwen3_next');
  });
});

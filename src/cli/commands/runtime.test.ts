import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../cliTestHarness';
import { decodeSafetensors } from '../../sim/runtime/safetensors';



const dir = mkdtempSync(join(tmpdir(), 'runtime-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('cli bench', () => {
  it('--kv-capacity pow2 sizes the KV caches to the power-of-two bucket; exact to L + steps', async () => {
    const run = async (policy: string) => {
      const r = await cli('bench', 'llama-2-7b', '--seq', '20', '--steps', '2', '--repeats', '1', '--backend', 'cpu', '--kv-capacity', policy, '--json');
      expect(r.code, r.stderr).toBe(0);
      return (JSON.parse(r.stdout) as { points: { kvCacheBytes: number; predictedKvCacheBytes: number; kvCacheCapacity: number }[] }).points[0]!;
    };
    const exact = await run('exact');
    const pow2 = await run('pow2');
    expect(exact.kvCacheCapacity).toBe(22);
    expect(exact.kvCacheBytes).toBe(exact.predictedKvCacheBytes);
    expect(pow2.kvCacheCapacity).toBe(32);
    expect(pow2.kvCacheBytes * 22).toBe(exact.kvCacheBytes * 32); // same bytes per slot, 32 slots instead of 22
  });

  it('--scan js and --scan simd are honoured and reported', async () => {
    for (const scan of ['js', 'simd']) {
      const r = await cli('bench', 'mamba-2.8b', '--seq', '16', '--steps', '2', '--repeats', '1', '--backend', 'cpu', '--scan', scan, '--json');
      expect(r.code, r.stderr).toBe(0);
      const j = JSON.parse(r.stdout) as { scan: string; backend: string; points: unknown[] };
      expect([j.backend, j.scan, j.points.length]).toEqual(['cpu', scan, 1]);
    }
  });


  it('--json prints one JSON object with backend, scan, profile and points (measured = predicted bytes)', async () => {
    const r = await cli('bench', 'stripedhyena-7b', '--seq', '16,32', '--steps', '2', '--repeats', '1', '--backend', 'wasm', '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    const j = JSON.parse(r.stdout) as Record<string, any>;
    expect(j.backend).toBe('wasm');
    expect(j.threads).toBe(1); // Node: tfjs-backend-wasm has no threads
    expect(j.threadsReason).toMatch(/Node/);
    expect(j.scan).toBe('simd'); // auto on wasm
    expect(j.profile.name).toBe('tiny');
    expect(j.points.map((p: any) => p.seqLen)).toEqual([16, 32]);
    for (const p of j.points) {
      expect(Object.keys(p)).toEqual(expect.arrayContaining(['seqLen', 'prefillTokensPerSec', 'decodeMsPerToken', 'kvCacheBytes', 'stateBytes', 'predictedKvCacheBytes', 'predictedStateBytes']));
      expect(p.kvCacheBytes).toBe(p.predictedKvCacheBytes);
      expect(p.stateBytes).toBe(p.predictedStateBytes);
    }
  });

  it.each([
    [['bench', 'jamba-v0.1', '--backend', 'webgpu'], /--backend must be one of wasm, cpu, auto/],
    [['bench', 'jamba-v0.1', '--scan', 'fast'], /--scan must be one of naive, chunked, js, simd, auto/],
    [['bench', 'jamba-v0.1', '--profile', 'huge'], /--profile must be one of tiny, small, medium/],
    [['bench', 'jamba-v0.1', '--kv-capacity', 'double'], /--kv-capacity must be one of exact, pow2, got "double"/],
    [['bench', 'jamba-v0.1', '--steps', '0'], /--steps must be between 1 and 4096/],
    [['bench', 'jamba-v0.1', '--seq', '12,x'], /--seq must be a comma-separated list/],
    [['bench', 'jamba-v0.1', '--seq', '1M', '--budget', '16MiB'], /run refused: seqLen 1048576 .* memory budget of 16.0 MiB/],
    [['bench', 'no-such-preset'], /no file or preset "no-such-preset"/],
    [['bench', 'jamba-v0.1', '--fast'], /unknown option --fast/],
    [['run', 'jamba-v0.1', '--tokens', '1,-2'], /--tokens must be a comma-separated list of token ids/],
    [['run', 'jamba-v0.1', '--tokens', '1,999'], /below the profile's vocab size 256, got 999/],
    [['run', 'jamba-v0.1', '--seed', '1.5'], /--seed must be an integer/],
    [['run', 'zamba-7b', '--export', join(dir, 'z')], /cannot export the weights as jamba, nemotron_h, qwen3_next: jamba: layers\[0\]\.ffn\.kind/],
  ])('%j exits 2 with one line naming the flag and rule', async (args, msg) => {
    const r = await cli(...args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(msg);
  });
});

describe('cli run', () => {
  it('--json prints the last-position logits; the same seed gives the same logits, another seed does not', async () => {
    const a = JSON.parse((await cli('run', 'jamba-v0.1', '--seed', '1', '--tokens', '1,2,3', '--backend', 'cpu', '--json')).stdout);
    const b = JSON.parse((await cli('run', 'jamba-v0.1', '--seed', '1', '--tokens', '1,2,3', '--backend', 'wasm', '--json')).stdout);
    const c = JSON.parse((await cli('run', 'jamba-v0.1', '--seed', '2', '--tokens', '1,2,3', '--json')).stdout);
    expect(a.logits).toHaveLength(256);
    expect(a.tokens).toEqual([1, 2, 3]);
    const maxDiff = (x: number[], y: number[]) => Math.max(...x.map((v, i) => Math.abs(v - y[i]!)));
    expect(maxDiff(a.logits, b.logits)).toBeLessThan(1e-3);
    expect(maxDiff(a.logits, c.logits)).toBeGreaterThan(1e-2);
  });

  it('--export writes model.safetensors and config.json with HF Jamba names', async () => {
    const out = join(dir, 'jamba');
    const r = await cli('run', 'jamba-v0.1', '--export', out, '--json');
    expect(r.code).toBe(0);
    const cfg = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
    expect(cfg.model_type).toBe('jamba');
    const st = decodeSafetensors(new Uint8Array(readFileSync(join(out, 'model.safetensors'))));
    expect(st.tensors.get('model.embed_tokens.weight')!.shape).toEqual([256, 64]);
    expect(st.tensors.has('model.layers.4.self_attn.q_proj.weight')).toBe(true);
    expect(st.tensors.has('model.layers.7.feed_forward.experts.0.gate_proj.weight')).toBe(true);
  });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { CliError } from '../common';
import { hardwareCommand, rooflineCommand } from './roofline';

/** Runs a command in process and returns its exit code and what it wrote to stdout. */
async function run(cmd: typeof rooflineCommand, ...args: string[]) {
  let stdout = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  try {
    const code = await cmd.run(args);
    return { code, stdout };
  } finally {
    spy.mockRestore();
  }
}

const dir = mkdtempSync(join(tmpdir(), 'roofline-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('cli roofline', () => {
  it('--json prints one object with the documented contract: hardware entries and one point per hardware × batch × length', async () => {
    const r = await run(rooflineCommand, 'llama-2-7b', '--hardware', 'h100-sxm,rtx-4090', '--seq', '1024,131072', '--batch', '1,16', '--weights-dtype', 'bf16', '--kv-dtype', 'bf16', '--state-dtype', 'fp32', '--tp', '1', '--efficiency', '1', '--json');
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    const j = JSON.parse(r.stdout) as { hardware: Record<string, unknown>[]; points: Record<string, unknown>[] };
    expect(j.hardware.map((h) => h.id)).toEqual(['h100-sxm', 'rtx-4090']);
    for (const h of j.hardware) expect(Object.keys(h)).toEqual(expect.arrayContaining(['id', 'name', 'peakFlops', 'memBandwidth', 'memBytes', 'source']));
    expect((j.hardware[0]!.peakFlops as Record<string, number>).bf16).toBe(989.5e12);
    expect(j.points).toHaveLength(2 * 2 * 2);
    for (const p of j.points) {
      expect(Object.keys(p)).toEqual(expect.arrayContaining(['hardware', 'batch', 'seqLen', 'prefillSeconds', 'decodeSecondsPerToken', 'decodeTokensPerSec', 'bound', 'fits', 'maxConcurrency', 'memoryPerGpuBytes']));
      expect(p.decodeTokensPerSec).toBeCloseTo(1 / (p.decodeSecondsPerToken as number), 9);
      expect(['compute', 'memory', 'interconnect']).toContain(p.bound);
    }
    const at = (hw: string, batch: number, seqLen: number) => j.points.find((p) => p.hardware === hw && p.batch === batch && p.seqLen === seqLen)!;
    // Pure roofline, one sequence at 1,024 on an H100: memory-bound; bytes ≈ weights + KV, so ≈ 13.5 GB / 3.35 TB/s.
    expect(at('h100-sxm', 1, 1024).bound).toBe('memory');
    expect(at('h100-sxm', 1, 1024).decodeSecondsPerToken).toBeGreaterThan(3.9e-3);
    expect(at('h100-sxm', 1, 1024).decodeSecondsPerToken).toBeLessThan(4.2e-3);
    // 131,072 tokens of MHA KV (64 GiB) plus 12.55 GiB of weights fit 80 GiB (capacity 1) once, not 16 times.
    expect(at('h100-sxm', 1, 131072)).toMatchObject({ fits: true, maxConcurrency: 1 });
    expect(at('h100-sxm', 16, 131072)).toMatchObject({ fits: false, maxConcurrency: 1 });
    // 24 GiB: (24 GiB − 12.55 GiB) / 0.5 GiB per sequence of 1,024 = 22 sequences at capacity 1
    expect(at('rtx-4090', 1, 1024).maxConcurrency).toBe(22);
    // The 4090 has 30 % of the H100's bandwidth: its memory-bound decode is about 3.3× slower.
    expect((at('rtx-4090', 1, 1024).decodeSecondsPerToken as number) / (at('h100-sxm', 1, 1024).decodeSecondsPerToken as number)).toBeCloseTo(3.35 / 1.008, 1);
  });

  it('prints a table per hardware; a Mamba model reports unbounded concurrency only when it has no KV (never here: state costs)', async () => {
    const r = await run(rooflineCommand, 'mamba-2.8b', '--hardware', 'l40s', '--seq', '4K', '--batch', '8', '--kv-dtype', 'fp8');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('NVIDIA L40S 48GB (l40s)');
    expect(r.stdout).toMatch(/^4,096\s+8\s+/m);
    expect(r.stdout).toContain('KV fp8');
  });

  it('reads custom hardware from a JSON file and --layers adds the per-layer roofline', async () => {
    const path = join(dir, 'box.json');
    writeFileSync(path, JSON.stringify({ id: 'box', name: 'My box', peakFlops: { bf16: 100e12 }, memBandwidth: 1e12, memBytes: 32 * 2 ** 30 }));
    const r = await run(rooflineCommand, 'jamba-v0.1', '--hardware', path, '--seq', '4096', '--layers', '--json');
    const j = JSON.parse(r.stdout) as { hardware: { id: string }[]; points: { decode: { layers: { bound: string; bytes: { kv: number; state: number } }[] } }[] };
    expect(j.hardware[0]!.id).toBe('box');
    const layers = j.points[0]!.decode.layers;
    expect(layers).toHaveLength(32);
    // Jamba: 4 attention layers read KV, 28 Mamba layers read and write state.
    expect(layers.filter((l) => l.bytes.kv > 0)).toHaveLength(4);
    expect(layers.filter((l) => l.bytes.state > 0)).toHaveLength(28);
  });

  it.each([
    [['llama-2-7b', '--hardware', 'h999'], /^--hardware: unknown hardware "h999"; known: h100-sxm, h100-pcie, .*rtx-4090/],
    [['llama-2-7b', '--batch', '0'], /^--batch values must be between 1 and 1000000, got 0$/],
    [['llama-2-7b', '--efficiency', '-0.5'], /^--efficiency: the factor must be a number in \(0, 1\], got "-0\.5"$/],
    [['llama-2-7b', '--efficiency', 'compute=2'], /^--efficiency: efficiency\.compute must be a number in \(0, 1\], got "2"$/],
    [['llama-2-7b', '--efficiency', 'speed=1'], /^--efficiency: "speed=1" is not name=value/],
    [['llama-2-7b', '--tp', '3'], /^tp 3 does not divide nHeads 32 of layer 0 \(attention \/ mlp\)$/],
    [['llama-2-7b', '--tp', '2', '--hardware', 'h100-sxm'], null],
    [['llama-2-7b', '--kv-dtype', 'fp4'], /^--kv-dtype "fp4" is not a dtype/],
    [['llama-2-7b', '--seq', '0'], /^--seq values must be between 1/],
    [['llama-2-7b', '--speed', '1'], /^unknown option --speed/],
    [[], /^expected one design/],
  ])('%j', async (args, message) => {
    if (message === null) {
      expect((await run(rooflineCommand, ...args, '--json')).code).toBe(0);
      return;
    }
    await expect(run(rooflineCommand, ...args)).rejects.toThrow(message);
    await expect(run(rooflineCommand, ...args)).rejects.toBeInstanceOf(CliError);
  });

  it('names the field of custom hardware with zero bandwidth', async () => {
    const path = join(dir, 'zero.json');
    writeFileSync(path, JSON.stringify({ id: 'zero', name: 'Zero', peakFlops: { bf16: 1e12 }, memBandwidth: 0, memBytes: 2 ** 30 }));
    await expect(run(rooflineCommand, 'llama-2-7b', '--hardware', path)).rejects.toThrow(/zero\.json: hardware zero: memBandwidth must be a positive number of bytes\/s, got 0$/);
  });

  it('--help explains the flags and the efficiency defaults, exit 0', async () => {
    const r = await run(rooflineCommand, '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--hardware');
    expect(r.stdout).toContain("vLLM's default gpu_memory_utilization = 0.9");
  });
});

describe('cli hardware', () => {
  it('lists the catalogue with sources; --json is one array', async () => {
    const t = await run(hardwareCommand);
    expect(t.code).toBe(0);
    for (const id of ['h100-sxm', 'h100-pcie', 'h200', 'a100-80gb', 'l40s', 'rtx-4090', 'rtx-5090', 'mi300x', 'm3-max', 'm4-max']) expect(t.stdout).toMatch(new RegExp(`^${id}\\s`, 'm'));
    const j = JSON.parse((await run(hardwareCommand, '--json')).stdout) as { id: string; source: string }[];
    expect(j).toHaveLength(10);
    for (const h of j) expect(h.source.length).toBeGreaterThan(20);
    expect((await run(hardwareCommand, '--help')).code).toBe(0);
    await expect(run(hardwareCommand, 'extra')).rejects.toThrow(/unexpected argument "extra"/);
  });
});

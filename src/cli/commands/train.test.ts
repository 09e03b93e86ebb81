/**
 * The `train` command, called in process (no spawned npm): its JSON contract, --help, flag validation and --export.
 * One spawned run checks that a user error exits 2 with one line on stderr, as main.ts maps CliError.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FORMAT } from '../../models/schema';
import { decodeSafetensors } from '../../sim/runtime/safetensors';
import { CliError } from '../common';
import { trainCommand } from './train';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'train-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const attn1 = join(dir, 'attn1.json');
writeFileSync(
  attn1,
  JSON.stringify({ format: FORMAT, name: 'one attention layer', vocabSize: 1000, dModel: 128, maxContext: 4096, tiedEmbeddings: true, layers: [{ mixer: { kind: 'attention', nHeads: 2, nKvHeads: 2, headDim: 64 }, ffn: { kind: 'none' } }] }),
);

let out = '';
beforeEach(() => {
  out = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
});
afterEach(() => vi.restoreAllMocks());

describe('cli train', () => {
  it('--help prints the usage and every flag, exit 0', async () => {
    expect(await trainCommand.run(['--help'])).toBe(0);
    expect(out).toMatch(/^usage: train <preset-id \| design.json \| hf-config.json>/);
    for (const f of ['--task', '--kv-pairs', '--steps', '--batch', '--lr', '--seed', '--backend', '--export', '--json']) expect(out).toContain(f);
  });

  it('--json prints exactly the contract: task, taskParams, profile, backend, seed, curve, final, secondsPerStep', async () => {
    const before = tf.memory().numTensors;
    expect(await trainCommand.run([attn1, '--steps', '2', '--batch', '4', '--kv-pairs', '4', '--seed', '3', '--backend', 'wasm', '--json'])).toBe(0);
    const lines = out.trim().split('\n');
    expect(lines).toHaveLength(1);
    const j = JSON.parse(lines[0]!) as Record<string, any>;
    expect(Object.keys(j)).toEqual(['task', 'taskParams', 'profile', 'backend', 'seed', 'curve', 'final', 'secondsPerStep']);
    expect(j.task).toBe('mqar-stacked');
    expect(j.taskParams).toEqual({ kvPairs: 4, seqLen: 8, vocabSize: 512 });
    expect(j.profile).toMatchObject({ name: 'lab', dModel: 64, layers: 1, ffn: false, scan: 'simd' });
    expect(j.backend).toBe('wasm');
    expect(j.seed).toBe(3);
    expect(j.curve.map((p: any) => Object.keys(p))).toEqual([['step', 'loss', 'accuracy'], ['step', 'loss', 'accuracy']]);
    expect(j.curve.map((p: any) => p.step)).toEqual([0, 2]);
    expect(j.final).toEqual({ accuracy: j.curve[1].accuracy, loss: j.curve[1].loss, steps: 2 });
    expect(j.secondsPerStep).toBeGreaterThan(0);
    expect(tf.memory().numTensors).toBe(before);
  });

  it.each([
    [['--steps', '0'], '--steps must be between 1 and 100000, got 0'],
    [['--kv-pairs', '300'], '--kv-pairs 300 is too large for the vocabulary: 512 ids hold 255 distinct keys'],
    [['--lr', '0'], '--lr must be a number in (0, 1], got "0"'],
    [['--lr', '-0.001'], '--lr must be a number in (0, 1], got "-0.001"'],
    [['--task', 'recall'], '--task must be one of mqar-stacked, mqar, copy, induction, got "recall"'],
    [['--task', 'induction', '--kv-pairs', '4'], '--kv-pairs does not apply to --task induction'],
    [['--task', 'mqar', '--kv-pairs', '128'], '--kv-pairs 128 is too large for the vocabulary: 256 ids hold 127 distinct keys'],
    [['--schedule', 'linear'], '--schedule must be cosine or constant, got "linear"'],
    [['--batch', 'x'], '--batch must be an integer, got "x"'],
    [['--fast'], 'unknown option --fast'],
  ])('%j is a user error naming the flag: %s', async (args, msg) => {
    const r = trainCommand.run([attn1, ...args]);
    await expect(r).rejects.toBeInstanceOf(CliError);
    await expect(r).rejects.toThrow(msg);
    expect(out).toBe('');
  });

  it('--export without the FFNs refuses before training, saying why', async () => {
    await expect(trainCommand.run(['jamba-v0.1', '--export', join(dir, 'x')])).rejects.toThrow(/cannot export as JambaForCausalLM: .*ffn.*\(the lab copy has no FFNs unless --ffn\)/);
  });

  it('--export --ffn writes the trained tiny model with HF Jamba names', async () => {
    const to = join(dir, 'jamba');
    expect(await trainCommand.run(['jamba-v0.1', '--ffn', '--steps', '1', '--batch', '2', '--kv-pairs', '2', '--backend', 'wasm', '--export', to, '--json'])).toBe(0);
    const cfg = JSON.parse(readFileSync(join(to, 'config.json'), 'utf8'));
    expect(cfg).toMatchObject({ model_type: 'jamba', hidden_size: 32, vocab_size: 512, num_hidden_layers: 8 });
    const st = decodeSafetensors(new Uint8Array(readFileSync(join(to, 'model.safetensors'))));
    expect(st.tensors.get('model.embed_tokens.weight')!.shape).toEqual([512, 32]);
    expect(st.tensors.has('model.layers.4.self_attn.q_proj.weight')).toBe(true);
    expect(st.tensors.has('model.layers.1.feed_forward.experts.0.down_proj.weight')).toBe(true);
  });

  it('a user error exits 2 with one line on stderr (spawned once, through main.ts)', () => {
    const r = spawnSync(join(ROOT, 'node_modules', '.bin', 'tsx'), ['src/cli/main.ts', 'train', 'llama-2-7b', '--steps', '0'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toEqual(['error: --steps must be between 1 and 100000, got 0']);
  });
});

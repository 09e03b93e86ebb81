/**
 * Issue 13 audit, the command line (in-process, through runCli): every hostile input gets one clear line on stderr and
 * exit 2, never a stack trace; nothing user-controlled is echoed with raw control characters.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { getPreset } from '../models/presets';
import { hasControls } from '../models/safeText';
import { cli, type CliRun } from './cliTestHarness';

const dir = mkdtempSync(join(tmpdir(), 'hostile-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const write = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

/** One line on stderr, starting `error: `, exit 2, nothing on stdout. */
function userError(r: CliRun, fragment?: string | RegExp): void {
  expect(r.code, r.stderr).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr.endsWith('\n')).toBe(true);
  expect(r.stderr.trimEnd().split('\n'), r.stderr).toHaveLength(1);
  expect(r.stderr).toMatch(/^error: /);
  expect(hasControls(r.stderr.trimEnd())).toBe(false);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  if (fragment) expect(r.stderr).toMatch(fragment);
}

const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);

describe('cli: deep nesting', () => {
  const files = {
    design: () => write('deep-design.json', `{"format":"hybrid-arch/1","name":"x","layers":${deep(3000)}}`),
    hf: () => write('deep-hf.json', `{"model_type":"jamba","rope_scaling":${'{"a":'.repeat(2500)}1${'}'.repeat(2500)}}`),
    ss: () => write('deep-ss.json', `{"d_model":64,"n_layer":2,"ssm_cfg":${deep(5000)}}`),
  };
  it.each([
    ['validate', 'design'],
    ['validate', 'hf'],
    ['cost', 'design'],
    ['cost', 'ss'],
    ['import-hf', 'hf'],
    ['import-hf', 'ss'],
    ['bench', 'design'],
    ['export-hf', 'design'],
  ] as const)('%s of a %s file nested thousands of levels: one line, exit 2', async (cmd, kind) => {
    const r = await cli(cmd, files[kind]());
    if (cmd === 'validate') {
      expect(r.code).toBe(2);
      expect(r.stdout.trimEnd().split('\n')).toHaveLength(1);
      expect(r.stdout).toMatch(/nested more than 64 levels deep/);
      expect(r.stderr).toMatch(/^error: .* is invalid \(1 issue\)\n$/);
    } else userError(r, /nested more than 64 levels deep/);
  });
});

describe('cli: layer counts are checked before anything is built', () => {
  it.each([
    ['zamba', '{"model_type":"zamba","num_hidden_layers":1e9}', 'num_hidden_layers: must be at most 1024, got 1000000000'],
    ['zamba 2^32', '{"model_type":"zamba","num_hidden_layers":4294967296}', 'num_hidden_layers: must be at most 1024'],
    ['zamba 1e6', '{"model_type":"zamba","num_hidden_layers":1000000}', 'num_hidden_layers: must be at most 1024'],
    ['state-spaces', '{"d_model":768,"n_layer":1e9}', 'n_layer: must be at most 1024, got 1000000000'],
    ['jamba', '{"model_type":"jamba","num_hidden_layers":1000000}', 'num_hidden_layers: must be at most 1024'],
  ])('%s: validate, cost and import-hf name the config key', async (_n, text, fragment) => {
    const f = write('count.json', text);
    for (const cmd of ['cost', 'import-hf']) userError(await cli(cmd, f), fragment);
    const v = await cli('validate', f);
    expect(v.code).toBe(2);
    expect(v.stdout).toContain(fragment);
  });
});

describe('cli: import-hf, validate and cost accept the same configs', () => {
  it('a state-spaces config.json (d_model, n_layer, no model_type) imports', async () => {
    const f = write('ss.json', JSON.stringify({ d_model: 256, n_layer: 4, vocab_size: 1000, ssm_cfg: { layer: 'Mamba2', ngroups: 1 } }));
    for (const cmd of ['validate', 'cost']) expect((await cli(cmd, f)).code).toBe(0);
    const r = await cli('import-hf', f);
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { dModel: number }).dModel).toBe(256);
  });
  it('our own design given to import-hf says what it is', async () => {
    userError(await cli('import-hf', write('ours.json', JSON.stringify(getPreset('llama-2-7b')!.design))), /already a design/);
  });
});

describe('cli: what is echoed is one line without raw controls', () => {
  it('validate of a design named with ANSI escapes cannot forge an "ok:" line', async () => {
    const d = { ...getPreset('llama-2-7b')!.design, name: 'x\u001b[2K\rok: forged\nok: second' };
    const r = await cli('validate', write('ansi.json', JSON.stringify(d)));
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('ok: x\\u001b[2K\\rok: forged\\nok: second, 32 layers\n');
  });
  it('cost and roofline print a design name with ANSI escapes escaped', async () => {
    const f = write('ansi-cost.json', JSON.stringify({ ...getPreset('llama-2-7b')!.design, name: 'x\u001b[2K\rok: forged' }));
    for (const args of [['cost', f], ['roofline', f]]) {
      const r = await cli(...args);
      expect(r.code, r.stderr).toBe(0);
      expect(hasControls(r.stdout.replace(/\n/g, '')), args[0]).toBe(false);
      expect(r.stdout).toContain('x\\u001b[2K\\rok: forged');
    }
  });
  it('a JSON syntax error does not repeat the raw input with its newlines', async () => {
    for (const cmd of ['validate', 'cost', 'import-hf']) {
      const r = await cli(cmd, write('syntax.json', '{"model_type": "llama",\n "x": \u001b[31m oops\n}'));
      const lines = (cmd === 'validate' ? r.stdout : r.stderr).trimEnd().split('\n');
      expect(lines, cmd).toHaveLength(1);
      expect(lines[0]).toMatch(/malformed JSON/);
      expect(lines[0]).not.toContain('oops');
      expect(hasControls(lines[0]!)).toBe(false);
    }
  });
  it('file names and unknown keys with control characters are escaped', async () => {
    userError(await cli('cost', join(dir, 'no\nfile\u001b[0m.json')), /cannot read .*no\\nfile\\u001b\[0m\.json: ENOENT/);
    const r = await cli('validate', write('key.json', JSON.stringify({ ...getPreset('llama-2-7b')!.design, 'k\u001b[1m\n': 1 })));
    expect(r.stdout).toBe('k\\u001b[1m\\n: unknown field "k\\u001b[1m\\n"\n');
  });
  it('an unknown command or option with controls is one line', async () => {
    userError(await cli('co\nst'), /unknown command "co\\nst"/);
    userError(await cli('cost', 'llama-2-7b', '--s\u001beq=1'), /unknown option --s\\u001beq/);
  });
});

describe('cli: every --seq, --dtype, --batch and --budget is refused in one clear line', () => {
  const bad: [string, string, RegExp][] = [
    ['seq', '0', /--seq values must be between 1 and/],
    ['seq', '-5', /--seq/],
    ['seq', '1e3', /--seq must be a comma-separated list of positive integers, got "1e3"/],
    ['seq', '4096,', /--seq must be a comma-separated list/],
    ['seq', '99999999999999999999', /--seq values must be between 1 and/],
    ['seq', '2.5', /--seq must be a comma-separated list/],
    ['seq', '4K,abc', /got "abc"/],
    ['seq', 'NaN', /--seq/],
    ['seq', ' ', /--seq/],
    ['seq', '8\n9', /--seq must be a comma-separated list of positive integers, got "8\\n9"/],
    ['dtype', 'float64', /--dtype "float64" is not a dtype; allowed: fp32, bf16, fp16, fp8, int8, int4/],
    ['dtype', '', /--dtype needs a value/],
    ['batch', '0', /--batch must be between 1 and/],
    ['batch', '1.5', /--batch must be an integer, got "1.5"/],
    ['batch', '-1', /--batch/],
    ['batch', '1e9', /--batch must be an integer/],
    ['batch', '99999999999', /--batch must be between 1 and/],
    ['budget', '1e400', /--budget must be a size such as 80GiB/],
    ['budget', '-4GiB', /--budget/],
    ['budget', '4 parsecs', /--budget must be a size/],
    ['budget', '999999999999999999999TiB', /--budget is too large/],
    ['budget', 'GiB', /--budget must be a size/],
  ];
  it.each(bad)('cost --%s %j', async (flag, value, re) => {
    userError(await cli('cost', 'llama-2-7b', `--${flag}=${value}`), re);
  });
  it.each(bad.filter(([f]) => f !== 'dtype'))('bench --%s %j', async (flag, value, re) => {
    userError(await cli('bench', 'llama-2-7b', `--${flag}=${value}`), re);
  });
  it('cost --seq with a million points is refused before any is computed; bench takes at most 64', async () => {
    userError(await cli('cost', 'llama-2-7b', '--seq', Array.from({ length: 1_000_000 }, (_, i) => i + 1).join(',')), /--seq takes at most 1000 values/);
    userError(await cli('bench', 'llama-2-7b', '--seq', Array.from({ length: 65 }, (_, i) => i + 1).join(',')), /--seq takes at most 64 values/);
    const ok = await cli('cost', 'llama-2-7b', '--seq', Array.from({ length: 1000 }, (_, i) => i + 1).join(','), '--json');
    expect(ok.code).toBe(0);
    expect((JSON.parse(ok.stdout) as { points: unknown[] }).points).toHaveLength(1000);
  });
});

describe('cli: runs the backend cannot hold are refused up front (exit 2), one line', () => {
  it('bench jamba-1.5-large --profile medium --seq 8192: refused by the budget, and with --budget 20GiB by the wasm heap', async () => {
    userError(await cli('bench', 'jamba-1.5-large', '--profile', 'medium', '--seq', '8192'), /run refused: seqLen 8192 needs an estimated .* above the memory budget of 4096.0 MiB/);
    userError(await cli('bench', 'jamba-1.5-large', '--profile', 'medium', '--seq', '8192', '--budget', '20GiB', '--backend', 'wasm'), /wasm heap .* more than the 4.00 GiB the wasm backend can address/);
  });
  it('--budget 1TiB does not let 1M tokens start', async () => {
    userError(await cli('bench', 'llama-2-7b', '--seq', '1M', '--budget', '1TiB'), /run refused: seqLen 1048576/);
  });
});

describe('cli: --help', () => {
  it.each(['schema', 'cost', 'import-hf', 'export-hf', 'presets', 'validate', 'bench', 'run'])('%s --help prints its usage and exits 0', async (cmd) => {
    const r = await cli(cmd, '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`usage: ${cmd}`));
  });
});

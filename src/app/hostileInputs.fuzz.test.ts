/**
 * Seeded fuzz test of every reader of outside input (issue 13): the design validator, the HF / state-spaces importer,
 * the share-link decoders (design `d=` and comparison `c=`), the autosave loader (the store's real rehydration from a
 * localStorage string) and the CLI's flag parsers. Inputs are structured (presets and HF configs with one field
 * replaced by a hostile value, wrapped in deep nesting, multiplied, their keys renamed to `__proto__`) and random
 * (random JSON values, random text, random base64url, truncated and bomb-like deflate streams).
 *
 * For every input: no throw (a throw is a crash), every message is one printable line (no control characters,
 * bounded length), and at the end nothing was added to Object.prototype or Array.prototype. A hang would trip the
 * test's timeout. The tally (inputs, clear errors, accepted, crashes) is printed for the audit note.
 */
import { deflateSync, strToU8 } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { importHfConfig, importMambaSsmConfig, HF_MODEL_TYPES } from '../models/hf';
import { loadDesignSource } from '../models/load';
import { PRESETS } from '../models/presets';
import { hasControls } from '../models/safeText';
import { parseDesignText, validateDesign, type ParseResult, type ValidationIssue } from '../models/validate';
import { CliError, flagInt, flagIntList, parseArgs } from '../cli/common';
import { parseByteSize } from '../cli/commands/cost';
import { cliLine } from '../cli/sanitize';
import { decodeComparison, comparisonFromHash } from '../components/charts/compareShare';
import { decodeShareHash, isShareHash } from './shareLink';
import { encodeJsonPayload, toBase64Url } from './sharePayload';
import { STORAGE_KEY, takeHydrationNotices } from './persistence';

/** mulberry32: a small seeded generator, so that a failure reproduces from its seed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const SEED = 0x13a0d17;
const rand = rng(SEED);
const int = (n: number) => Math.floor(rand() * n);
const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;

const HOSTILE_STRINGS = ['', 'x', '\u001b[2K\rok: forged', 'a\nb', '\u0000', '\u009b31m', '\u202eevil', '__proto__', 'constructor', 'prototype', 'auto', 'float64', 'bfloat16', 'x'.repeat(5000), '💥'.repeat(50), '\ud800'];
const HOSTILE_NUMBERS = [0, -1, 1, 2.5, 1e308, -1e308, 1e9, 2 ** 32, 2 ** 53, 1_000_000, 4096, 1024, 1025, Number.MIN_VALUE, -0];
function hostileValue(depth = 0): unknown {
  switch (int(depth > 2 ? 3 : 7)) {
    case 0:
      return pick(HOSTILE_STRINGS);
    case 1:
      return pick(HOSTILE_NUMBERS);
    case 2:
      return pick([null, true, false]);
    case 3:
      return Array.from({ length: int(4) }, () => hostileValue(depth + 1));
    case 4:
      return Object.fromEntries(Array.from({ length: int(4) }, () => [pick(['kind', 'mixer', 'ffn', 'repeat', 'layers', 'pattern', 'count', 'x', ...HOSTILE_STRINGS.slice(0, 10)]), hostileValue(depth + 1)]));
    case 5:
      // Deeper values are made as text below: JSON.stringify itself recurses.
      return nest(pick([70, 500, 3000]), pick(['array', 'object']));
    default:
      return { repeat: pick(HOSTILE_NUMBERS), layers: Array.from({ length: int(3) }, () => ({ mixer: { kind: 'none' }, ffn: { kind: 'none' } })) };
  }
}
/** A value nested n levels deep, built iteratively. */
function nest(n: number, kind: 'array' | 'object'): unknown {
  let v: unknown = 1;
  for (let i = 0; i < n; i++) v = kind === 'array' ? [v] : { a: v };
  return v;
}

/** Replaces the value at a random path of a JSON value (a copy) with `f(old)`. */
function mutateAt(value: unknown, f: (old: unknown) => unknown): unknown {
  const copy = JSON.parse(JSON.stringify(value)) as unknown;
  const path: (string | number)[] = [];
  let cur: unknown = copy;
  for (let d = 0; d < 8 && cur !== null && typeof cur === 'object' && rand() < 0.8; d++) {
    const keys: (string | number)[] = Array.isArray(cur) ? cur.map((_, i) => i) : Object.keys(cur);
    if (!keys.length) break;
    const k = pick(keys);
    path.push(k);
    cur = (cur as Record<string | number, unknown>)[k];
  }
  if (!path.length) return f(copy);
  let parent: unknown = copy;
  for (const k of path.slice(0, -1)) parent = (parent as Record<string | number, unknown>)[k];
  const last = path[path.length - 1]!;
  const r = rand();
  if (r < 0.1 && !Array.isArray(parent)) delete (parent as Record<string, unknown>)[last as string];
  else if (r < 0.2 && !Array.isArray(parent)) (parent as Record<string, unknown>)[pick(HOSTILE_STRINGS)] = hostileValue();
  else (parent as Record<string | number, unknown>)[last] = f((parent as Record<string | number, unknown>)[last]);
  return copy;
}

function hfConfig(): Record<string, unknown> {
  const type = pick(HF_MODEL_TYPES);
  const keys = ['hidden_size', 'num_hidden_layers', 'n_layer', 'd_model', 'num_attention_heads', 'num_key_value_heads', 'intermediate_size', 'num_experts', 'num_experts_per_tok', 'attn_layer_period', 'attn_layer_offset', 'vocab_size', 'pad_vocab_size_multiple', 'torch_dtype', '_name_or_path', 'max_position_embeddings', 'sliding_window', 'rope_theta', 'state_size', 'head_dim', 'num_heads', 'n_groups', 'mamba_d_state', 'ssm_cfg', 'attn_cfg', 'attn_layer_idx'];
  const cfg: Record<string, unknown> = rand() < 0.2 ? { d_model: 64, n_layer: 4 } : { model_type: type };
  for (let i = int(4); i >= 0; i--) cfg[pick(keys)] = hostileValue();
  return cfg;
}

/** Random text: JSON-ish fragments, controls, brackets. */
function randomText(): string {
  const parts = ['{', '}', '[', ']', '"', ':', ',', '"format"', '"hybrid-arch/1"', '"model_type"', '"jamba"', '"__proto__"', '1e308', '-', 'null', '\n', '\u001b[31m', '\\', '\\u0000', 'true', ' '];
  return Array.from({ length: int(60) }, () => pick(parts)).join('');
}
function randomBase64(n: number): string {
  const a = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  return Array.from({ length: n }, () => a[int(64)]).join('');
}

interface Tally {
  inputs: number;
  clearErrors: number;
  accepted: number;
  crashes: string[];
}
const tallies = new Map<string, Tally>();
function record(target: string, run: () => ParseResult<unknown> | null | void): void {
  const t = tallies.get(target) ?? { inputs: 0, clearErrors: 0, accepted: 0, crashes: [] };
  tallies.set(target, t);
  t.inputs++;
  let r: ParseResult<unknown> | null | void;
  try {
    r = run();
  } catch (e) {
    t.crashes.push(`${target}: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`.slice(0, 300));
    return;
  }
  if (!r || r.ok) {
    t.accepted++;
    return;
  }
  t.clearErrors++;
  expect(r.issues.length, target).toBeGreaterThan(0);
  for (const i of r.issues) checkLine(target, i);
}
function checkLine(target: string, i: ValidationIssue | string): void {
  const text = typeof i === 'string' ? i : `${i.path}: ${i.message}`;
  expect(hasControls(text), `${target}: ${JSON.stringify(text)}`).toBe(false);
  expect(text.length, target).toBeLessThan(1200);
}

const protoKeys = () => [Object.getOwnPropertyNames(Object.prototype).sort().join(','), Object.getOwnPropertyNames(Array.prototype).sort().join(',')];
const protoBefore = protoKeys();
const designs = PRESETS.map((p) => p.design);

afterAll(() => {
  const rows = [...tallies].map(([k, t]) => `${k}: ${t.inputs} inputs, ${t.clearErrors} clear errors, ${t.accepted} accepted, ${t.crashes.length} crashes`);
  const total = [...tallies.values()].reduce((a, t) => ({ inputs: a.inputs + t.inputs, errors: a.errors + t.clearErrors, crashes: a.crashes + t.crashes.length }), { inputs: 0, errors: 0, crashes: 0 });
  console.log(`fuzz (seed 0x${SEED.toString(16)}):\n  ${rows.join('\n  ')}\n  total: ${total.inputs} inputs, ${total.errors} clear errors, ${total.crashes} crashes, 0 hangs (test timeout 60 s)`);
});

describe('fuzz: hostile inputs through every reader', { timeout: 60_000 }, () => {
  it('the design validator (values and text)', () => {
    for (let i = 0; i < 2500; i++) {
      const base = pick(designs);
      const v = rand() < 0.85 ? mutateAt(base, () => hostileValue()) : hostileValue();
      record('validator', () => validateDesign(v));
    }
    for (let i = 0; i < 1000; i++) {
      const r = rand();
      const text =
        r < 0.4
          ? randomText()
          : r < 0.5
            ? `{"format":"hybrid-arch/1","layers":${pick(['[', '{"a":'] as const).repeat(pick([2000, 20_000, 100_000]))}`
            : JSON.stringify(mutateAt(pick(designs), () => hostileValue())).replace('"name"', pick(['"__proto__"', '"name"', '"constructor"']));
      record('validator', () => parseDesignText(text));
    }
    expect(tallies.get('validator')!.crashes).toEqual([]);
  });

  it('the HF and state-spaces importers (values and text)', () => {
    for (let i = 0; i < 2500; i++) {
      const cfg = hfConfig();
      record('hf importer', () => (cfg.model_type === undefined ? importMambaSsmConfig(cfg) : importHfConfig(cfg)));
    }
    for (let i = 0; i < 500; i++) {
      const text = rand() < 0.5 ? JSON.stringify(hfConfig()) : `{"model_type":"${pick(HF_MODEL_TYPES)}","num_hidden_layers":${pick(HOSTILE_NUMBERS)},"x":${'['.repeat(int(4000))}`;
      record('hf importer', () => loadDesignSource(text));
    }
    expect(tallies.get('hf importer')!.crashes).toEqual([]);
  });

  it('the share-link decoders (design and comparison)', () => {
    const bomb = toBase64Url(deflateSync(new Uint8Array(30_000_000), { level: 9 }));
    for (let i = 0; i < 2000; i++) {
      const r = rand();
      let payload: string;
      if (r < 0.4) payload = encodeJsonPayload(mutateAt(pick(designs), () => hostileValue()));
      else if (r < 0.55) payload = randomBase64(int(400));
      else if (r < 0.65) payload = encodeJsonPayload(hostileValue()).slice(0, int(200));
      else if (r < 0.75) payload = toBase64Url(deflateSync(strToU8(randomText())));
      else if (r < 0.77) payload = bomb;
      else payload = encodeJsonPayload({ v: 1, settings: mutateAt({ view: 'memory', tableSeqLen: 512 }, () => hostileValue()), pins: Array.from({ length: int(3) }, () => ({ design: mutateAt(pick(designs), () => hostileValue()), origin: pick(['file', 'x']), color: pick(['#123456', '#zzz', '\u001b']) })) });
      const version = pick(['1', '1', '1', '2', '', '1&v=2', '\u001b']);
      const hash = pick([`#v=${version}&d=${payload}`, `#v=${version}&d=${payload}&c=${payload}`, `#d=${payload}&d=${payload}`, `#c=${payload}`, `v=1&d=${payload}`]);
      const which = int(3);
      record('share link', () => (which === 0 ? (isShareHash(hash) ? decodeShareHash(hash) : null) : which === 1 ? comparisonFromHash(hash) : decodeComparison(payload)));
    }
    expect(tallies.get('share link')!.crashes).toEqual([]);
  });

  it('the autosave loader (the store rehydrating from a localStorage string)', async () => {
    const store = new Map<string, string>();
    (globalThis as { localStorage?: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> }).localStorage = {
      getItem: (k) => store.get(k) ?? null,
      setItem: (k, v) => void store.set(k, v),
      removeItem: (k) => void store.delete(k),
    };
    const { useAppStore } = await import('./store');
    takeHydrationNotices();
    const fields = ['design', 'theme', 'seqLen', 'budgetBytes', 'costDtype', 'chartsHeight', 'chartsCollapsed', 'runs', 'runSettings', 'pinned', 'chartSettings', 'plannerSettings', 'deviceProbe'];
    for (let i = 0; i < 400; i++) {
      const r = rand();
      let text: string;
      if (r < 0.15) text = randomText();
      else {
        const state: Record<string, unknown> = { design: pick(designs), theme: 'dark', seqLen: 4096 };
        for (let k = int(3); k >= 0; k--) state[pick(fields)] = rand() < 0.3 ? mutateAt(pick(designs), () => hostileValue()) : hostileValue();
        if (rand() < 0.05) state.pinned = Array.from({ length: 300 }, () => ({ design: pick(designs), origin: 'file', color: '#123456' }));
        text = JSON.stringify({ state, version: rand() < 0.9 ? 1 : pick([0, 2, 'x']) });
      }
      store.set(STORAGE_KEY, text);
      record('autosave', () => {
        void useAppStore.persist.rehydrate();
        const s = useAppStore.getState();
        // What was restored obeys the UI's rules: a valid design, a usable length, at most 64 pins.
        expect(validateDesign(s.design).ok).toBe(true);
        expect(Number.isInteger(s.seqLen) && s.seqLen >= 1 && s.seqLen <= 2 ** 30).toBe(true);
        expect(s.pinned.length).toBeLessThanOrEqual(64);
        // A notice names what was dropped: a clear error (each line printable).
        const notices = takeHydrationNotices();
        return notices.length ? { ok: false, issues: notices.flatMap((n) => n.split('\n')).map((message) => ({ path: 'autosave', message })) } : null;
      });
    }
    expect(tallies.get('autosave')!.crashes).toEqual([]);
  });

  it('the CLI flag parsers', () => {
    const flags = ['seq', 'budget', 'batch'];
    for (let i = 0; i < 2000; i++) {
      const value = rand() < 0.5 ? pick([...HOSTILE_STRINGS.slice(0, 9), '4K', '1M', '0', '-1', '1e3', '4096,', '80GiB', '1TiB', '2.5GiB']) : randomText().slice(0, 30);
      const flag = pick(flags);
      record('cli flags', () => {
        try {
          const p = parseArgs([`--${flag}=${value}`], flags);
          if (flag === 'seq') flagIntList(p, 'seq', [1], 1 << 20, 64);
          else if (flag === 'batch') flagInt(p, 'batch', 1, 1, 64);
          else parseByteSize(String(p.flags.get('budget') ?? '1'), 'budget');
          return null;
        } catch (e) {
          if (!(e instanceof CliError)) throw e;
          // runCli prints a CliError through cliLine: check the line it prints.
          return { ok: false, issues: [{ path: `--${flag}`, message: cliLine(e.message) }] };
        }
      });
    }
    expect(tallies.get('cli flags')!.crashes).toEqual([]);
  });

  it('leaves Object.prototype and Array.prototype untouched', () => {
    expect(protoKeys()).toEqual(protoBefore);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);
  });
});

/**
 * Issue 13 audit, HF import: layer counts are checked against the limits before anything is allocated, every wrong
 * key (torch_dtype, _name_or_path included) is an issue named by its config key, and 1e308 reports the field's own
 * limit. Each case here failed (crashed, hung, allocated gigabytes or passed silently) before the fix.
 */
import { describe, expect, it } from 'vitest';
import { importHfConfig, importMambaSsmConfig } from './hf';
import { loadDesignSource } from './load';
import { LIMITS, countLayers, expandLayers } from './schema';
import { validateDesign } from './validate';
import { hasControls } from './safeText';
import { getPreset } from './presets';

function issues(r: ReturnType<typeof importHfConfig>) {
  expect(r.ok).toBe(false);
  return r.ok ? [] : r.issues;
}

describe('HF import: layer counts before allocation', () => {
  it.each([
    ['zamba', 1e9],
    ['zamba', 2 ** 32],
    ['zamba', 1_000_000],
    ['jamba', 1e9],
    ['mamba', 2 ** 32],
    ['mamba2', 1e6],
    ['llama', 1e9],
  ])('%s num_hidden_layers %d: one issue on num_hidden_layers, nothing built', (model_type, n) => {
    const list = issues(importHfConfig({ model_type, num_hidden_layers: n }));
    expect(list[0]).toEqual({ path: 'num_hidden_layers', message: `must be at most ${LIMITS.layers}, got ${n}` });
  });
  it.each([1e9, 2 ** 32, 1_000_000])('state-spaces n_layer %d: refused by n_layer', (n) => {
    expect(issues(importMambaSsmConfig({ d_model: 64, n_layer: n }))[0]).toEqual({ path: 'n_layer', message: `must be at most ${LIMITS.layers}, got ${n}` });
    expect(issues(importHfConfig({ model_type: 'mamba', d_model: 64, n_layer: n }))[0]!.path).toBe('n_layer');
  });
  it('zamba: hidden layers plus shared-block calls above the limit name num_hidden_layers', () => {
    const list = issues(importHfConfig({ model_type: 'zamba', num_hidden_layers: 1000 }));
    expect(list[0]!.path).toBe('num_hidden_layers');
    expect(list[0]!.message).toMatch(/^1000 layers with \d+ shared-block calls make \d+ layers; at most 1024 are allowed$/);
  });
  it('attn_layer_idx longer than the layer limit is refused without building', () => {
    expect(issues(importMambaSsmConfig({ n_layer: 4, attn_layer_idx: Array.from({ length: 5000 }, (_, i) => i) }))[0]!.path).toBe('attn_layer_idx');
  });
});

describe('HF import: errors name the config key, with the field limit', () => {
  it.each([
    [{ model_type: 'llama', hidden_size: 1e308 }, 'hidden_size', `must be at most ${LIMITS.dModel}, got 1e+308`],
    [{ model_type: 'jamba', mamba_d_state: 1e308 }, 'mamba_d_state', `must be at most ${LIMITS.dState}, got 1e+308`],
    [{ model_type: 'mixtral', num_local_experts: 4096 }, 'num_local_experts', `must be at most ${LIMITS.experts}`],
    [{ model_type: 'llama', rope_theta: 1e13 }, 'rope_theta', 'at most 1000000000000'],
    [{ model_type: 'jamba', num_attention_heads: 32, num_key_value_heads: 5 }, 'num_key_value_heads', 'does not divide'],
    [{ model_type: 'mixtral', num_local_experts: 2, num_experts_per_tok: 4 }, 'num_experts_per_tok', 'exceeds nExperts'],
    [{ model_type: 'mamba', vocab_size: 1_999_999, pad_vocab_size_multiple: 1024 }, 'vocab_size', `at most ${LIMITS.vocabSize}`],
  ])('%j -> %s', (json, path, fragment) => {
    const list = issues(importHfConfig(json));
    expect(list[0]!.path).toBe(path);
    expect(list[0]!.message).toContain(fragment);
    expect(list.every((i) => !/layers\[|pattern|mixer\./.test(i.path))).toBe(true);
  });
  it('state-spaces: cross-field rules name ssm_cfg / attn_cfg keys', () => {
    const list = issues(importMambaSsmConfig({ d_model: 64, n_layer: 2, attn_layer_idx: [1], attn_cfg: { num_heads: 8, num_heads_kv: 3 } }));
    expect(list[0]!.path).toBe('attn_cfg.num_heads_kv');
  });
});

describe('HF import: torch_dtype and _name_or_path are checked', () => {
  it.each([
    [{ model_type: 'llama', torch_dtype: 'float64' }, 'torch_dtype', 'unsupported dtype "float64"'],
    [{ model_type: 'llama', torch_dtype: 16 }, 'torch_dtype', 'expected a string, got 16'],
    [{ model_type: 'mistral', dtype: 'complex64' }, 'dtype', 'unsupported dtype "complex64"'],
    [{ model_type: 'llama', _name_or_path: 5 }, '_name_or_path', 'expected a string, got 5'],
    [{ model_type: 'llama', _name_or_path: ['a'] }, '_name_or_path', 'expected a string, got an array'],
    [{ model_type: 'jamba', tie_word_embeddings: 'no' }, 'tie_word_embeddings', 'expected true or false'],
  ])('%j -> %s', (json, path, fragment) => {
    const list = issues(importHfConfig(json));
    expect(list.find((i) => i.path === path)?.message).toContain(fragment);
  });
  it('state-spaces: wrong rms_norm / tie_embeddings / _name_or_path are issues', () => {
    const list = issues(importMambaSsmConfig({ rms_norm: 'yes', tie_embeddings: 1, _name_or_path: {} }));
    expect(list.map((i) => i.path).sort()).toEqual(['_name_or_path', 'rms_norm', 'tie_embeddings']);
  });
  it('the torch dtypes it knows map to design dtypes; null or absent means bf16', () => {
    const dt = (torch_dtype: unknown) => {
      const r = importHfConfig({ model_type: 'llama', torch_dtype });
      return r.ok ? r.value.dtype : r.issues[0]!.message;
    };
    expect(['float32', 'bfloat16', 'float16', 'float8_e4m3fn', 'int8', null, undefined].map(dt)).toEqual(['fp32', 'bf16', 'fp16', 'fp8', 'int8', 'bf16', 'bf16']);
  });
});

describe('validation messages: the field limit, one line, no raw controls', () => {
  it('1e308 in a design reports the field limit, not the safe-integer bound', () => {
    const d = JSON.parse(JSON.stringify(getPreset('llama-2-7b')!.design)) as Record<string, unknown>;
    d.dModel = 1e308;
    const r = validateDesign(d);
    expect(r.ok ? [] : r.issues).toEqual([{ path: 'dModel', message: `must be at most ${LIMITS.dModel}, got 1e+308` }]);
  });
  it('a name or key with ANSI escapes and newlines is echoed escaped', () => {
    const d = JSON.parse(JSON.stringify(getPreset('llama-2-7b')!.design)) as Record<string, unknown>;
    d['\u001b[2K\rok: fine\n'] = 1;
    const r = validateDesign(d);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const text = `${r.issues[0]!.path}: ${r.issues[0]!.message}`;
    expect(text).toBe('\\u001b[2K\\rok: fine\\n: unknown field "\\u001b[2K\\rok: fine\\n"');
    const hf = importHfConfig({ model_type: 'llama\n\u001b[31m', hidden_size: 'x\u009b' });
    expect(hf.ok ? '' : hf.issues[0]!.message).toBe('unsupported model_type "llama\\n\\u001b[31m"; supported: jamba, zamba, mamba, mamba2, llama, mistral, mixtral, nemotron_h, zamba2, falcon_h1, granitemoehybrid, bamba, qwen3_next, kimi_linear, minimax, minimax_text_01, minimax_m1');
  });
  it('a JSON syntax error is one line and does not repeat the raw input', () => {
    const r = loadDesignSource('{"format": "hybrid-arch/1",\n "name": x\u001b[31m}');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues).toHaveLength(1);
    expect(r.issues[0]!.message).toMatch(/^malformed JSON: /);
    expect(hasControls(r.issues[0]!.message)).toBe(false);
    expect(r.issues[0]!.message).not.toContain('hybrid-arch');
  });
});

describe('expansion checks the count first', () => {
  it('expandLayers refuses a list that would expand past the limit without allocating it', () => {
    const layer = getPreset('llama-2-7b')!.design.layers[0]!;
    const huge = [{ repeat: 2 ** 30, layers: [layer] }, { pattern: { count: 2 ** 32, base: { mixer: { kind: 'none' }, ffn: { kind: 'none' } }, rules: [] } }] as unknown as Parameters<typeof expandLayers>[0];
    expect(() => expandLayers(huge)).toThrow(new RangeError(`the layers expand to ${2 ** 30 + 2 ** 32} layers; at most ${LIMITS.layers} are allowed`));
    expect(countLayers(huge)).toBe(2 ** 30 + 2 ** 32);
  });
});

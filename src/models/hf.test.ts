import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ALL_HF_MODEL_TYPES, exportHfConfig, exportJambaConfig, findPeriodOffset, importHfConfig, importMambaSsmConfig, padVocab } from './hf';
import { loadDesignSource } from './load';
import { applyRatio } from './patterns';
import { getPreset, makeTemplate } from './presets';
import { expandLayers, type Design, type Layer } from './schema';

const layersOf = (d: Design): Layer[] => expandLayers(d.layers);
const where = (ls: Layer[], f: (l: Layer) => boolean) => ls.flatMap((l, i) => (f(l) ? [i] : []));
const isAttn = (l: Layer) => l.mixer.kind === 'attention';
function ok(json: unknown): Design {
  const r = importHfConfig(json);
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.value;
}
const jambaJson = JSON.parse(readFileSync(new URL('../../public/examples/jamba-v0.1.config.json', import.meta.url), 'utf8')) as Record<string, unknown>;

describe('importHfConfig: jamba', () => {
  it('builds the published Jamba-v0.1 layout from its config.json', () => {
    const d = ok(jambaJson);
    const preset = getPreset('jamba-v0.1')!.design;
    expect(layersOf(d)).toEqual(layersOf(preset));
    expect(d).toMatchObject({ vocabSize: 65536, dModel: 4096, tiedEmbeddings: false, maxContext: 262144, dtype: 'bf16' });
  });
  it('an empty jamba config takes transformers defaults (32 layers, 4 attention, 16 MoE)', () => {
    const ls = layersOf(ok({ model_type: 'jamba' }));
    expect(ls).toHaveLength(32);
    expect(where(ls, isAttn)).toEqual([4, 12, 20, 28]);
    expect(where(ls, (l) => l.ffn.kind === 'moe')).toHaveLength(16);
    expect(ls[0]!.mixer).toMatchObject({ kind: 'mamba', dtRank: 'auto', innerNorms: true });
  });
  it('follows period/offset keys exactly: attention i % 4 == 1, MoE i % 3 == 0', () => {
    const ls = layersOf(ok({ model_type: 'jamba', num_hidden_layers: 12, attn_layer_period: 4, attn_layer_offset: 1, expert_layer_period: 3, expert_layer_offset: 0, hidden_size: 256, num_attention_heads: 8, num_key_value_heads: 2, intermediate_size: 512, num_experts: 4 }));
    expect(where(ls, isAttn)).toEqual([1, 5, 9]);
    expect(where(ls, (l) => l.ffn.kind === 'moe')).toEqual([0, 3, 6, 9]);
    expect(ls[1]!.mixer).toMatchObject({ nHeads: 8, nKvHeads: 2, headDim: 32, positional: 'none' });
  });
  it('num_experts 1 gives dense MLPs everywhere; sliding_window reaches attention', () => {
    const ls = layersOf(ok({ model_type: 'jamba', num_experts: 1, sliding_window: 2048 }));
    expect(ls.every((l) => l.ffn.kind === 'mlp')).toBe(true);
    expect(ls[4]!.mixer).toMatchObject({ slidingWindow: 2048 });
  });
  it('rejects an offset not smaller than its period, naming the key', () => {
    const r = importHfConfig({ model_type: 'jamba', attn_layer_period: 4, attn_layer_offset: 4 });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues[0]).toMatchObject({ path: 'attn_layer_offset', message: expect.stringContaining('smaller than') as unknown });
  });
});

describe('importHfConfig: zamba', () => {
  it('defaults give Zamba-7B: 76 Mamba, 13 shared calls before Mamba layers 2, 7, ..., 73', () => {
    const d = ok({ model_type: 'zamba' });
    expect(layersOf(d)).toEqual(layersOf(getPreset('zamba-7b')!.design));
    expect(d.sharedBlocks[0]).toMatchObject({ attention: { nHeads: 16, nKvHeads: 16, headDim: 464 }, ffn: { width: 14848 } });
    expect(d.tiedEmbeddings).toBe(true);
  });
  it('num_key_value_heads is honoured', () => {
    const d = ok({ model_type: 'zamba', num_key_value_heads: 4 });
    expect(d.sharedBlocks[0]!.attention.nKvHeads).toBe(4);
  });
});

describe('importHfConfig: mamba', () => {
  it('HF keys: 64 x 2560 Mamba-1, no MLP, dt rank auto = ceil(d / 16) kept as "auto"', () => {
    const d = ok({ model_type: 'mamba', hidden_size: 2560, num_hidden_layers: 64, vocab_size: 50280 });
    expect(layersOf(d)).toEqual(layersOf(getPreset('mamba-2.8b')!.design));
    expect(d.tiedEmbeddings).toBe(true);
  });
  it('state-spaces keys: vocab 50277 padded to a multiple of 8', () => {
    const d = ok({ model_type: 'mamba', d_model: 768, n_layer: 24, vocab_size: 50277, pad_vocab_size_multiple: 8 });
    expect(d.vocabSize).toBe(50280);
    expect(layersOf(d)).toHaveLength(24);
    expect(d.dModel).toBe(768);
  });
  it('explicit time_step_rank, state size, conv kernel', () => {
    const m = layersOf(ok({ model_type: 'mamba', time_step_rank: 12, state_size: 8, conv_kernel: 3 }))[0]!.mixer;
    expect(m).toMatchObject({ kind: 'mamba', dtRank: 12, dState: 8, dConv: 3 });
  });
});

describe('importMambaSsmConfig (state-spaces config.json, no model_type)', () => {
  it('defaults are Mamba-2.8B: 64 Mamba-1 layers, vocab 50277 padded to 50280, tied', () => {
    const r = importMambaSsmConfig({});
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(layersOf(r.value)).toEqual(layersOf(getPreset('mamba-2.8b')!.design));
    expect(r.value).toMatchObject({ vocabSize: 50280, dModel: 2560, tiedEmbeddings: true });
  });
  it('a Mamba-2 hybrid: attention at attn_layer_idx with attn_cfg, GatedMLP of d_intermediate everywhere', () => {
    const cfg = { d_model: 1024, n_layer: 8, d_intermediate: 2048, vocab_size: 1000, ssm_cfg: { layer: 'Mamba2', ngroups: 2 }, attn_layer_idx: [3, 7], attn_cfg: { num_heads: 16, num_heads_kv: 4, head_dim: 64, rotary_emb_dim: 32 } };
    const r = loadDesignSource(JSON.stringify(cfg));
    expect(r.ok && r.kind).toBe('hf-config');
    if (!r.ok) return;
    const ls = layersOf(r.value);
    expect(where(ls, isAttn)).toEqual([3, 7]);
    expect(ls[3]!.mixer).toMatchObject({ nHeads: 16, nKvHeads: 4, headDim: 64, positional: 'rope', bias: true });
    expect(ls[0]!.mixer).toMatchObject({ kind: 'mamba2', dState: 128, headDim: 64, nGroups: 2, chunkSize: 256 });
    expect(ls.every((l) => l.ffn.kind === 'mlp' && l.ffn.width === 2048 && l.ffn.activation === 'swiglu')).toBe(true);
    expect(r.value.vocabSize).toBe(1000);
  });
  it.each([
    [{ ssm_cfg: { layer: 'Mamba3' } }, 'ssm_cfg.layer', 'expected "Mamba1" or "Mamba2"'],
    [{ n_layer: 4, attn_layer_idx: [4] }, 'attn_layer_idx', 'from 0 to 3'],
    [{ ssm_cfg: { d_state: 'big' } }, 'ssm_cfg.d_state', 'expected an integer'],
    [{ attn_layer_idx: [1], attn_cfg: { num_heads: 8, qkv_proj_bias: false } }, 'attn_cfg.out_proj_bias', 'one bias flag'],
    [{ ssm_cfg: [] }, 'ssm_cfg', 'expected an object'],
  ])('%j -> %s', (cfg, path, fragment) => {
    const r = importMambaSsmConfig(cfg);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues.find((i) => i.path === path)?.message).toContain(fragment);
  });
  it('padVocab rounds up to the multiple', () => {
    expect([padVocab(50277, 8), padVocab(50280, 8), padVocab(7, 1)]).toEqual([50280, 50280, 7]);
  });
});

describe('importHfConfig: mamba2', () => {
  it('defaults: 64 layers, 128 heads of 64, 8 groups, state 128, untied', () => {
    const d = ok({ model_type: 'mamba2' });
    const ls = layersOf(d);
    expect(ls).toHaveLength(64);
    expect(ls[0]!.mixer).toMatchObject({ kind: 'mamba2', headDim: 64, nGroups: 8, dState: 128, chunkSize: 256 });
    expect(d).toMatchObject({ dModel: 4096, vocabSize: 32768, tiedEmbeddings: false });
  });
  it('rejects heads x head_dim that does not match expand x hidden_size', () => {
    const r = importHfConfig({ model_type: 'mamba2', hidden_size: 512, num_heads: 8, head_dim: 64 });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues[0]!.path).toBe('num_heads');
  });
});

describe('importHfConfig: llama, mistral, mixtral', () => {
  it('llama: num_key_value_heads defaults to num_attention_heads', () => {
    const ls = layersOf(ok({ model_type: 'llama', num_attention_heads: 16, hidden_size: 2048, num_hidden_layers: 4 }));
    expect(ls).toHaveLength(4);
    expect(ls[0]!.mixer).toMatchObject({ nHeads: 16, nKvHeads: 16, headDim: 128, slidingWindow: null });
    expect(ls[0]!.ffn).toMatchObject({ kind: 'mlp', width: 11008 });
  });
  it('llama-2-7b config gives the preset layers', () => {
    const d = ok({ model_type: 'llama', max_position_embeddings: 4096, rope_theta: 10000 });
    expect(layersOf(d)).toEqual(layersOf(getPreset('llama-2-7b')!.design));
  });
  it('mistral: sliding window 4096 by default, null turns it off', () => {
    expect(layersOf(ok({ model_type: 'mistral' }))).toEqual(layersOf(getPreset('mistral-7b')!.design));
    expect(layersOf(ok({ model_type: 'mistral', sliding_window: null }))[0]!.mixer).toMatchObject({ slidingWindow: null });
  });
  it('mixtral: MoE with num_local_experts and num_experts_per_tok in every layer', () => {
    expect(layersOf(ok({ model_type: 'mixtral' }))).toEqual(layersOf(getPreset('mixtral-8x7b')!.design));
    const ls = layersOf(ok({ model_type: 'mixtral', num_local_experts: 4, num_experts_per_tok: 1 }));
    expect(ls[0]!.ffn).toMatchObject({ kind: 'moe', nExperts: 4, topK: 1 });
  });
  it('every supported model_type imports with defaults only', () => {
    for (const t of ALL_HF_MODEL_TYPES) expect(importHfConfig({ model_type: t }).ok, t).toBe(true);
  });
});

describe('importHfConfig: errors', () => {
  it.each([
    [{ model_type: 'gpt2' }, 'model_type', 'unsupported model_type "gpt2"; supported: jamba, zamba, mamba, mamba2, llama, mistral, mixtral, nemotron_h'],
    [{ hidden_size: 4 }, 'model_type', 'missing'],
    [{ model_type: 7 }, 'model_type', 'expected a string'],
    [{ model_type: 'llama', hidden_size: '4096' }, 'hidden_size', 'expected an integer >= 1, got "4096"'],
    [{ model_type: 'llama', num_hidden_layers: 2.5 }, 'num_hidden_layers', 'expected an integer'],
    [{ model_type: 'llama', tie_word_embeddings: 'yes' }, 'tie_word_embeddings', 'expected true or false'],
    [{ model_type: 'llama', num_key_value_heads: 5 }, 'num_key_value_heads', 'does not divide'],
    [JSON.parse('{"model_type":"llama","__proto__":{"x":1}}'), '__proto__', 'not allowed'],
    [[1, 2], '(document)', 'JSON object'],
  ])('%j -> %s: %s', (json, path, fragment) => {
    const r = importHfConfig(json);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues[0]!.path).toBe(path);
    expect(r.issues[0]!.message).toContain(fragment);
  });
});

describe('exportHfConfig', () => {
  it('Jamba-v0.1 exports to the published config values and imports back losslessly', () => {
    const preset = getPreset('jamba-v0.1')!.design;
    const r = exportHfConfig(preset);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    for (const k of ['attn_layer_period', 'attn_layer_offset', 'expert_layer_period', 'expert_layer_offset', 'num_experts', 'num_experts_per_tok', 'hidden_size', 'intermediate_size', 'num_hidden_layers', 'num_attention_heads', 'num_key_value_heads', 'mamba_dt_rank', 'mamba_d_state', 'vocab_size', 'tie_word_embeddings']) {
      expect(r.value[k], k).toEqual(jambaJson[k]);
    }
    const back = ok(JSON.parse(JSON.stringify(r.value)));
    expect(layersOf(back)).toEqual(layersOf(preset));
    const flat = (d: Design) => ({ ...d, name: '', source: '', layers: layersOf(d) });
    expect(flat(back)).toEqual(flat(preset));
    expect(back.name).toBe(preset.name);
  });
  it('random Jamba layouts survive import -> export -> import (property, 200 seeds)', () => {
    let a = 12345;
    const rand = (k: number) => {
      a = (Math.imul(a, 1103515245) + 12345) >>> 0;
      return (a >>> 8) % k;
    };
    for (let seed = 0; seed < 200; seed++) {
      const ap = 1 + rand(10);
      const ep = 1 + rand(6);
      const cfg = { model_type: 'jamba', hidden_size: 128, num_attention_heads: 4, num_key_value_heads: 2, intermediate_size: 256, num_experts: 1 + rand(4), num_hidden_layers: 1 + rand(40), attn_layer_period: ap, attn_layer_offset: rand(ap), expert_layer_period: ep, expert_layer_offset: rand(ep), vocab_size: 500 };
      const first = ok(cfg);
      const exported = exportHfConfig(first);
      expect(exported.ok, JSON.stringify(cfg)).toBe(true);
      if (!exported.ok) return;
      expect(layersOf(ok(exported.value)), JSON.stringify(cfg)).toEqual(layersOf(first));
    }
  });
  it('Jamba-1.5-Large round trips through config.json', () => {
    const preset = getPreset('jamba-1.5-large')!.design;
    const r = exportHfConfig(preset);
    expect(r.ok && layersOf(ok(r.value))).toEqual(layersOf(preset));
  });
  it('a design without attention or MoE still exports (period beyond the depth)', () => {
    const d = { ...makeTemplate('mamba', { dModel: 256, nLayers: 8, vocabSize: 1000 }) };
    const jamba = applyRatio(getPreset('jamba-v0.1')!.design, { attn: 0, other: 1, nLayers: 8, placement: 'period', otherMixer: 'mamba', moe: null });
    const r = exportHfConfig(jamba);
    expect(r.ok).toBe(true);
    if (r.ok) expect(layersOf(ok(r.value))).toEqual(layersOf(jamba));
    expect(exportHfConfig(d).ok).toBe(false);
  });
  it.each([
    ['stripedhyena-7b', 'layers[0].mixer.kind', '"hyena" is not one of Jamba\'s mixers'],
    ['zamba-7b', 'layers[0].ffn.kind', '"none" is not one of Jamba\'s FFNs'],
    ['llama-2-7b', 'layers[0].mixer.positional', 'no positional embedding'],
    ['mamba2-hybrid-8b', 'layers[0].mixer.kind', '"mamba2"'],
  ])('%s cannot be exported as Jamba: %s %s', (id, path, fragment) => {
    const r = exportJambaConfig(getPreset(id)!.design);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.issues[0]!.path).toBe(path);
      expect(r.issues[0]!.message).toContain(fragment);
    }
  });
  it('names the first layer that breaks period/offset placement', () => {
    const base = getPreset('jamba-v0.1')!.design;
    const ls = layersOf(base);
    const attn = ls[4]!;
    const moved = ls.map((l, i) => (i === 13 ? { ...l, mixer: attn.mixer } : l));
    const r = exportJambaConfig({ ...base, layers: moved });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.issues[0]!.path).toBe('layers[13].mixer');
      expect(r.issues[0]!.message).toContain('attn_layer_period');
    }
  });
  it('names a layer whose shape differs from the first of its kind', () => {
    const base = getPreset('jamba-v0.1')!.design;
    const ls = layersOf(base).map((l, i) => (i === 6 ? { ...l, ffn: { kind: 'mlp' as const, width: 1000, activation: 'swiglu' as const, bias: false } } : l));
    const r = exportJambaConfig({ ...base, layers: ls });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues[0]).toMatchObject({ path: 'layers[6].ffn', message: expect.stringContaining('layers[0]') as unknown });
  });
});

describe('findPeriodOffset', () => {
  it('finds the smallest period and its offset', () => {
    expect(findPeriodOffset([false, true, false, true])).toEqual({ period: 2, offset: 1 });
    expect(findPeriodOffset([false, false, true, false, false, true])).toEqual({ period: 3, offset: 2 });
    expect(findPeriodOffset([true, true, false])).toBeNull();
  });
});

describe('loadDesignSource', () => {
  it('reads our JSON, an HF config, and reports malformed text without throwing', () => {
    const ours = loadDesignSource(JSON.stringify(getPreset('llama-2-7b')!.design));
    expect(ours.ok && ours.kind).toBe('design');
    const hf = loadDesignSource(JSON.stringify(jambaJson));
    expect(hf.ok && hf.kind).toBe('hf-config');
    const bad = loadDesignSource('{"format": ');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.issues[0]!.message).toMatch(/malformed JSON/);
    const neither = loadDesignSource('{"name": "x"}');
    expect(!neither.ok && neither.issues[0]!.message).toMatch(/neither a design/);
    const arr = loadDesignSource('[]');
    expect(arr.ok).toBe(false);
  });
});

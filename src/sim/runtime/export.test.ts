import { describe, expect, it } from 'vitest';
import { getPreset } from '../../models/presets';
import { analyzeDesign } from '../cost';
import { initModelWeights } from './builder';
import { exportJamba } from './export';
import { getRunProfile, scaleDesign } from './profile';
import { decodeSafetensors, encodeSafetensors } from './safetensors';

describe('safetensors', () => {
  it('round-trips F32 tensors with an 8-byte aligned header and little-endian data', () => {
    const a = { name: 'a', shape: [2, 3], data: Float32Array.from([1, -2, 3.5, 4, 5, 6e-8]) };
    const b = { name: 'b.weight', shape: [1], data: Float32Array.from([Math.PI]) };
    const bytes = encodeSafetensors([a, b]);
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(n % 8).toBe(0);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
    expect(header.a).toEqual({ dtype: 'F32', shape: [2, 3], data_offsets: [0, 24] });
    expect(header['b.weight'].data_offsets).toEqual([24, 28]);
    expect(bytes.length).toBe(8 + n + 28);
    expect(new DataView(bytes.buffer).getFloat32(8 + n + 4, true)).toBe(-2);
    const back = decodeSafetensors(bytes);
    expect(back.metadata).toEqual({ format: 'pt' });
    expect(back.tensors.get('a')!.data).toEqual(a.data);
    expect(back.tensors.get('b.weight')!.data).toEqual(b.data);
  });

  it('refuses a shape that does not match the data and duplicate names', () => {
    expect(() => encodeSafetensors([{ name: 'x', shape: [3], data: new Float32Array(2) }])).toThrow(/shape \[3\] but 2 values/);
    const t = { name: 'x', shape: [1], data: new Float32Array(1) };
    expect(() => encodeSafetensors([t, t])).toThrow(/duplicate/);
  });
});

describe('Hugging Face Jamba export', () => {
  const scaled = scaleDesign(getPreset('jamba-v0.1')!.design, getRunProfile('tiny')!).design;
  const w = initModelWeights(scaled, 3);
  const ex = exportJamba(w);
  const byName = new Map(ex.tensors.map((t) => [t.name, t]));

  it('uses JambaForCausalLM names, and writes every parameter the cost model counts', () => {
    expect(ex.config.architectures).toEqual(['JambaForCausalLM']);
    expect(ex.config.hidden_size).toBe(64);
    for (const n of [
      'model.embed_tokens.weight',
      'model.layers.0.input_layernorm.weight',
      'model.layers.0.mamba.in_proj.weight',
      'model.layers.0.mamba.dt_layernorm.weight',
      'model.layers.0.feed_forward.gate_proj.weight',
      'model.layers.1.feed_forward.router.weight',
      'model.layers.1.feed_forward.experts.3.down_proj.weight',
      'model.layers.4.self_attn.k_proj.weight',
      'model.layers.4.pre_ff_layernorm.weight',
      'model.final_layernorm.weight',
      'lm_head.weight',
    ]) {
      expect(byName.has(n), n).toBe(true);
    }
    const total = ex.tensors.reduce((a, t) => a + t.data.length, 0);
    expect(total).toBe(analyzeDesign(scaled, { dtype: 'fp32' }).params.total);
  });

  it('writes linear weights in torch (out, in) layout', () => {
    const attn = w.layers[4]!.mixer;
    if (attn.kind !== 'attention') throw new Error('layer 4 of Jamba is attention');
    const k = byName.get('model.layers.4.self_attn.k_proj.weight')!;
    const [din, dout] = attn.weights.wk.shape as [number, number];
    expect(k.shape).toEqual([dout, din]);
    expect(k.data[1 * din + 5]).toBe(attn.weights.wk.data[5 * dout + 1]);
    expect(byName.get('lm_head.weight')!.shape).toEqual([256, 64]);
  });

  it('refuses designs that are not made of Jamba block kinds, naming the layer', () => {
    const z = scaleDesign(getPreset('zamba-7b')!.design, getRunProfile('tiny')!).design;
    expect(() => exportJamba(initModelWeights(z, 1))).toThrow(/cannot export as JambaForCausalLM: layers\[0\]\.ffn\.kind/);
    const h = scaleDesign(getPreset('stripedhyena-7b')!.design, getRunProfile('tiny')!).design;
    expect(() => exportJamba(initModelWeights(h, 1))).toThrow(/cannot export as JambaForCausalLM/);
  });
});

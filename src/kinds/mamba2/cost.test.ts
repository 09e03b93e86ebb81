import { describe, expect, it } from 'vitest';
import { mamba2Cost } from './cost';
import { Mamba2Schema } from './spec';

const ctx = (dModel: number) => ({ dModel, norm: 'rmsnorm' as const, shared: new Map() });

describe('Mamba-2 cost, tensor by tensor', () => {
  // Megatron-LM mamba_mixer.py L281-306 / research notes hybrids-2026.md section 2, Nemotron-H-8B (section 3):
  // d 4096, 128 heads x 64, 8 groups, N 128, K 4: in_proj [2di + 2gN + H, d], conv over di + 2gN channels.
  it('Nemotron-H-8B Mamba layer (nHeads 128 x headDim 64)', () => {
    const m = Mamba2Schema.parse({ kind: 'mamba2', dState: 128, headDim: 64, nGroups: 8, dConv: 4, expand: 2, nHeads: 128 });
    const c = mamba2Cost(m, ctx(4096));
    expect(c.tensors.map((t) => [t.name, t.shape])).toEqual([
      ['in_proj.weight', [2 * 8192 + 2 * 8 * 128 + 128, 4096]],
      ['conv1d.weight', [10240, 1, 4]],
      ['conv1d.bias', [10240]],
      ['dt_bias', [128]],
      ['A_log', [128]],
      ['D', [128]],
      ['norm.weight', [8192]],
      ['out_proj.weight', [4096, 8192]],
    ]);
    expect(c.params).toBe(18560 * 4096 + 10240 * 4 + 10240 + 3 * 128 + 8192 + 4096 * 8192);
    expect(c.state.map((s) => [s.name, s.shape])).toEqual([
      ['conv_state', [10240, 4]],
      ['ssm_state', [128, 64, 128]],
    ]);
  });

  // hybrids-2026.md section 0.1: Nemotron-Nano-9B-v2 sizes by heads, 128 x 80 = 10240, not expand x d = 8960.
  it('Nemotron-Nano-9B-v2 sizes dInner by heads, not expand', () => {
    const m = Mamba2Schema.parse({ kind: 'mamba2', dState: 128, headDim: 80, nGroups: 8, dConv: 4, expand: 2, nHeads: 128 });
    const c = mamba2Cost(m, ctx(4480));
    expect(c.tensors.find((t) => t.name === 'out_proj.weight')!.shape).toEqual([4480, 10240]);
    expect(c.tensors.find((t) => t.name === 'norm.weight')!.shape).toEqual([10240]);
  });

  it('gatedNorm false drops norm.weight (Falcon-H1 mamba_rms_norm: false)', () => {
    const on = mamba2Cost(Mamba2Schema.parse({ kind: 'mamba2', dState: 16, headDim: 16, nGroups: 1, dConv: 4, expand: 2 }), ctx(64));
    const off = mamba2Cost(Mamba2Schema.parse({ kind: 'mamba2', dState: 16, headDim: 16, nGroups: 1, dConv: 4, expand: 2, gatedNorm: false }), ctx(64));
    expect(on.params - off.params).toBe(128);
    expect(off.tensors.some((t) => t.name === 'norm.weight')).toBe(false);
  });
});

/**
 * The parallel kind's cost, tensor by tensor, against Falcon-H1-7B as /work/shared/research/hybrids-2026.md §5 gives it
 * (mlx `falcon_h1.py`, HF transformers `model_doc/falcon_h1`): 44 layers, d 3072, attention 12 / 2 heads of 128,
 * Mamba-2 24 heads × 128 = mamba_d_ssm 3072, d_state 256, one group, conv 4, SwiGLU MLP 12288, vocab 130048, untied.
 */
import { describe, expect, it } from 'vitest';
import { DesignSchema, FORMAT, type Design } from '../../models/schema';
import { analyzeDesign, costAt } from '../../sim/cost';

const d = 3072;
const falconH1_7b = (gatedNorm: boolean, combine: 'sum' | 'mean-norm' = 'sum'): Design =>
  DesignSchema.parse({
    format: FORMAT,
    name: 'Falcon-H1-7B',
    vocabSize: 130048,
    dModel: d,
    maxContext: 262144,
    dtype: 'bf16',
    layers: [
      {
        repeat: 44,
        layers: [
          {
            mixer: {
              kind: 'parallel',
              combine,
              branches: [
                { kind: 'attention', nHeads: 12, nKvHeads: 2, headDim: 128 }, // rope_theta 1e11 is above AttentionSchema's ropeTheta limit (1e9); the cost does not read it
                { kind: 'mamba2', dState: 256, headDim: 128, nHeads: 24, nGroups: 1, dConv: 4, expand: 1, gatedNorm },
              ],
            },
            ffn: { kind: 'mlp', width: 12288 },
          },
        ],
      },
    ],
  });

describe('parallel cost: a Falcon-H1-7B layer (hybrids-2026.md §5)', () => {
  it('lists the layer tensors of falcon_h1.py: 2 norms, self_attn q/k/v/o, mamba (8 with its norm), feed_forward gate/up/down', () => {
    const layer = analyzeDesign(falconH1_7b(true)).layers[0]!;
    const convDim = 3072 + 2 * 1 * 256; // di + 2 g N
    expect(layer.tensors.map((t) => [t.name, t.shape])).toEqual([
      ['input_layernorm.weight', [d]],
      ['pre_ff_layernorm.weight', [d]],
      ['mixer.branches.0.q_proj.weight', [12 * 128, d]],
      ['mixer.branches.0.k_proj.weight', [2 * 128, d]],
      ['mixer.branches.0.v_proj.weight', [2 * 128, d]],
      ['mixer.branches.0.o_proj.weight', [d, 12 * 128]],
      ['mixer.branches.1.in_proj.weight', [2 * 3072 + 2 * 256 + 24, d]], // z, x, B, C, dt = 6680
      ['mixer.branches.1.conv1d.weight', [convDim, 1, 4]],
      ['mixer.branches.1.conv1d.bias', [convDim]],
      ['mixer.branches.1.dt_bias', [24]],
      ['mixer.branches.1.A_log', [24]],
      ['mixer.branches.1.D', [24]],
      ['mixer.branches.1.norm.weight', [3072]],
      ['mixer.branches.1.out_proj.weight', [d, 3072]],
      ['ffn.gate_proj.weight', [12288, d]],
      ['ffn.up_proj.weight', [12288, d]],
      ['ffn.down_proj.weight', [d, 12288]],
    ]);
    // "Count the Mamba norm only where mamba_rms_norm: true": 16 tensors without it.
    expect(analyzeDesign(falconH1_7b(false)).layers[0]!.tensors).toHaveLength(16);
  });

  it('KV 45,056 B/token (44 × 2 × 2 × 128 × 2 B) and the SSM state of every layer, as the notes state', () => {
    const c = analyzeDesign(falconH1_7b(true));
    expect(c.layers.reduce((a, l) => a + l.kvBytesPerToken, 0)).toBe(45_056);
    expect(costAt(falconH1_7b(true), 262_144).kvCacheBytes / 2 ** 30).toBeCloseTo(11.0, 1); // "11.0 GiB at 256K"
    const fp32 = analyzeDesign(falconH1_7b(true), { cacheDtype: 'fp32' });
    const l0 = fp32.layers[0]!;
    expect(l0.cacheTensors.map((t) => [t.name, t.shape])).toEqual([
      ['branches.0.k_cache', [2, 128]],
      ['branches.0.v_cache', [2, 128]],
      ['branches.1.conv_state', [3584, 4]],
      ['branches.1.ssm_state', [24, 128, 256]],
    ]);
    // The notes' "SSM+conv 133.8 MiB fp32" keeps K − 1 conv columns (mlx); this project caches K, as HF does.
    const ssm = 24 * 128 * 256;
    expect((44 * (ssm + 3584 * 3) * 4) / 2 ** 20).toBeCloseTo(133.8, 1);
    expect(fp32.stateBytes).toBe(44 * (ssm + 3584 * 4) * 4);
  });

  it('every branch is active; scan FLOPs are the Mamba-2 branch’s; mean-norm adds pre_avg_layernorm1/2', () => {
    const sum = analyzeDesign(falconH1_7b(true)).layers[0]!;
    expect(sum.activeParams).toBe(sum.params);
    expect(sum.scanFlopsPerToken).toBe(4 * 24 * 128 * 256);
    expect(sum.attnFlopsPerContextToken).toBe(4 * 12 * 128);
    // The planner's fields: every branch's tensor-parallel constraints and the Mamba-2 scan's traffic.
    expect(sum.tpDims.map((t) => [t.name, t.size])).toEqual([
      ['branches[0].nHeads', 12],
      ['branches[1].Mamba-2 heads', 24],
      ['branches[1].nGroups', 1],
      ['width', 12288],
    ]);
    expect(sum.scanIoElementsPerToken).toBe(2 * 3072 + 24 + 2 * 256);
    expect(sum.routed).toEqual([]);
    const mean = analyzeDesign(falconH1_7b(true, 'mean-norm')).layers[0]!;
    expect(mean.params - sum.params).toBe(2 * d);
    expect(mean.tensors.filter((t) => t.name.includes('pre_avg_layernorm')).map((t) => t.name)).toEqual(['mixer.pre_avg_layernorm1.weight', 'mixer.pre_avg_layernorm2.weight']);
  });
});

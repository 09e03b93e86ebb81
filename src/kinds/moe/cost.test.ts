/**
 * FFN options, tensor by tensor, against /work/shared/research/hybrids-2026.md: §7 Qwen3-Next-80B-A3B (transformers
 * `configuration_qwen3_next.py`, mlx `qwen3_next.py`: `mlp.gate [512, d]`, `mlp.experts.{j}.{gate,up,down}_proj`,
 * `mlp.shared_expert.*`, `mlp.shared_expert_gate [1, d]`), §3 Nemotron-3-Nano-30B-A3B (Megatron conf: 128 experts,
 * top-6, ffn 1856, shared 3712, sigmoid router; mlx `nemotron_h.py`: `mixer.gate.weight [E, d]`,
 * `gate.e_score_correction_bias [E]`, `experts.{j}.{up,down}_proj`, `shared_experts.{up,down}_proj`, relu²).
 */
import { describe, expect, it } from 'vitest';
import { FORMAT } from '../../models/schema';
import { validateDesign } from '../../models/validate';
import { mlpCost } from '../mlp/cost';
import { MlpSchema } from '../mlp/spec';
import { moeCost } from './cost';
import { MoeSchema, moeSpec } from './spec';

const shapes = (ts: { name: string; shape: number[] }[]) => ts.map((t) => [t.name, t.shape]);

describe('MoE cost: Qwen3-Next MoE layer (hybrids-2026.md §7)', () => {
  const d = 2048;
  const f = MoeSchema.parse({ kind: 'moe', nExperts: 512, topK: 10, expertWidth: 512, sharedExperts: 1, sharedExpertWidth: 512, sharedExpertGate: true, router: 'softmax', normTopK: true });
  const c = moeCost(f, d);
  it('router [512, d], 512 SwiGLU experts of 512, one shared expert of 512 and its sigmoid gate [1, d]', () => {
    expect(shapes(c.tensors)).toEqual([
      ['router.weight', [512, d]],
      ['experts.gate_proj.weight', [512, 512, d]],
      ['experts.up_proj.weight', [512, 512, d]],
      ['experts.down_proj.weight', [512, d, 512]],
      ['shared_experts.gate_proj.weight', [512, d]],
      ['shared_experts.up_proj.weight', [512, d]],
      ['shared_experts.down_proj.weight', [d, 512]],
      ['shared_expert_gate.weight', [1, d]],
    ]);
  });
  it('counts: 1,614,809,088 stored; active = router + 10 experts + the shared expert + its gate', () => {
    const expert = 3 * 512 * d;
    expect(c.params).toBe(512 * d + 512 * expert + expert + d);
    expect(c.params).toBe(1_614_809_088);
    expect(c.activeParams).toBe(512 * d + 10 * expert + expert + d);
    expect(c.activeParams).toBe(35_653_632);
    expect(c.macsPerToken).toBe(c.activeParams); // every active tensor here is a matmul, the gate [1, d] included
  });
});

describe('MoE cost: Nemotron-3-Nano MoE layer (hybrids-2026.md §3)', () => {
  const d = 2688;
  const f = MoeSchema.parse({ kind: 'moe', nExperts: 128, topK: 6, expertWidth: 1856, activation: 'relu2', sharedExperts: 1, sharedExpertWidth: 3712, router: 'sigmoid', routerBias: true });
  const c = moeCost(f, d);
  it('router [128, d] + e_score_correction_bias [128], relu² experts (up, down) of 1856, shared 3712', () => {
    expect(shapes(c.tensors)).toEqual([
      ['router.weight', [128, d]],
      ['router.e_score_correction_bias', [128]],
      ['experts.up_proj.weight', [128, 1856, d]],
      ['experts.down_proj.weight', [128, d, 1856]],
      ['shared_experts.up_proj.weight', [3712, d]],
      ['shared_experts.down_proj.weight', [d, 3712]],
    ]);
  });
  it('counts: the bias is stored and active but not a matmul; shared experts always active', () => {
    const expert = 2 * 1856 * d;
    const shared = 2 * 3712 * d;
    expect(c.params).toBe(128 * d + 128 + 128 * expert + shared);
    expect(c.params).toBe(1_297_465_472);
    expect(c.activeParams).toBe(128 * d + 128 + 6 * expert + shared);
    expect(c.activeParams).toBe(80_167_040);
    expect(c.macsPerToken).toBe(c.activeParams - 128);
    // The planner's fields: routed experts (top-6 of 128) and the widths a tensor-parallel degree must divide.
    expect(c.routed).toEqual([{ count: 128, topK: 6, paramsPerExpert: 2 * 1856 * d }]);
    expect(c.tpDims).toEqual([{ name: 'expertWidth', size: 1856 }, { name: 'shared expert width', size: 3712 }]);
  });
  it('two shared experts without a width are one MLP of 2f (DeepSeek / Kimi fuse them)', () => {
    const two = moeCost(MoeSchema.parse({ kind: 'moe', nExperts: 8, topK: 2, expertWidth: 64, sharedExperts: 2 }), 32);
    expect(shapes(two.tensors.filter((t) => t.name.startsWith('shared'))).map(([, s]) => s)).toEqual([[128, 32], [128, 32], [32, 128]]);
  });
});

describe('MLP activations: tensors', () => {
  it.each([
    ['swiglu', ['gate_proj.weight', 'up_proj.weight', 'down_proj.weight']],
    ['geglu', ['gate_proj.weight', 'up_proj.weight', 'down_proj.weight']],
    ['gelu', ['up_proj.weight', 'down_proj.weight']],
    ['relu2', ['up_proj.weight', 'down_proj.weight']],
  ] as const)('%s: %j', (activation, names) => {
    const c = mlpCost(MlpSchema.parse({ kind: 'mlp', width: 21504, activation }), 4096);
    expect(c.tensors.map((t) => t.name)).toEqual(names);
    expect(c.params).toBe(names.length * 21504 * 4096); // Nemotron-H-8B's relu² MLP: 2 × 21504 × 4096
  });
});

describe('FFN option rules name the field', () => {
  const doc = (ffn: unknown) => ({ format: FORMAT, name: 't', vocabSize: 100, dModel: 64, maxContext: 4096, layers: [{ mixer: { kind: 'none' }, ffn }] });
  const first = (ffn: unknown) => {
    const r = validateDesign(doc(ffn));
    return r.ok ? 'ok' : `${r.issues[0]!.path}: ${r.issues[0]!.message}`;
  };
  const base = { kind: 'moe', nExperts: 8, topK: 2, expertWidth: 64 };
  it.each<[string, unknown, string]>([
    ['a shared-expert gate without shared experts', { ...base, sharedExpertGate: true }, 'layers[0].ffn.sharedExpertGate: sharedExpertGate gates the shared expert, but sharedExperts is 0'],
    ['a shared width without shared experts', { ...base, sharedExpertWidth: 128 }, 'layers[0].ffn.sharedExpertWidth: sharedExpertWidth 128 is set, but sharedExperts is 0'],
    ['a zero routed scale', { ...base, routedScale: 0 }, 'layers[0].ffn.routedScale: must be greater than 0, got 0'],
    ['a routed scale as text', { ...base, routedScale: '2.5' }, 'layers[0].ffn.routedScale: expected a number, got "2.5"'],
    ['an unknown router', { ...base, router: 'topk' }, 'layers[0].ffn.router: expected "softmax" or "sigmoid", got "topk"'],
    ['negative shared experts', { ...base, sharedExperts: -1 }, 'layers[0].ffn.sharedExperts: must be at least 0, got -1'],
    ['an unknown activation', { kind: 'mlp', width: 64, activation: 'swish' }, 'layers[0].ffn.activation: expected one of "swiglu", "geglu", "gelu", "relu2", got "swish"'],
    ['topK above nExperts', { ...base, topK: 9 }, 'layers[0].ffn.topK: topK 9 exceeds nExperts 8'],
  ])('%s', (_n, ffn, message) => {
    expect(first(ffn)).toBe(message);
  });
  it('a full option set is valid and summarised', () => {
    const f = { ...base, sharedExperts: 1, sharedExpertGate: true, router: 'sigmoid', normTopK: false, routedScale: 2.446, routerBias: true, activation: 'relu2' };
    expect(first(f)).toBe('ok');
    expect(moeSpec.summary(MoeSchema.parse(f))).toBe('MoE 8×top-2 +1 shared ReLU²');
  });
  it('the run profile keeps the shared experts and the shared width’s ratio to the expert width', () => {
    const f = MoeSchema.parse({ kind: 'moe', nExperts: 128, topK: 6, expertWidth: 1856, sharedExperts: 1, sharedExpertWidth: 3712, router: 'sigmoid' });
    const s = moeSpec.scale(f, { dFull: 2688, profile: { dModel: 64, headDim: 8, ffnMult: 2, maxExperts: 4 } });
    expect(s).toMatchObject({ nExperts: 4, topK: 4, expertWidth: 128, sharedExperts: 1, sharedExpertWidth: 256, router: 'sigmoid' });
  });
});

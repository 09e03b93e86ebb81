import { describe, expect, it } from 'vitest';
import { analyzeDesign } from '../sim/cost/analyzeDesign';
import { costPointAt } from '../sim/cost/costAt';
import { RECENT_PRESETS, NEMOTRON_H_8B_PATTERN, NEMOTRON_H_56B_PATTERN, NEMOTRON_NANO_9B_V2_PATTERN, NEMOTRON_3_NANO_PATTERN } from './presetsRecent';
import { PRESETS, getPreset, presetGroups } from './presets';
import { expandLayers } from './schema';
import { validateDesign } from './validate';

const cost = (id: string) => analyzeDesign(getPreset(id)!.design);
const layers = (id: string) => expandLayers(getPreset(id)!.design.layers);
const indices = (id: string, f: (l: ReturnType<typeof layers>[number]) => boolean) => layers(id).flatMap((l, i) => (f(l) ? [i] : []));

/**
 * Totals worked out by hand from the makers' tensors (research notes hybrids-2026.md §2-§9), one line per block kind
 * (params of one block incl. its RMSNorm × count), plus embedding and LM head (untied unless said) and the final norm.
 * The published rounded size is compared with the count the maker quotes (`basis`): all parameters, or without the
 * embedding and LM head.
 */
const TOTALS: { id: string; total: number; work: string; published: number; digits: number; basis: 'total' | 'non-embedding'; source: string }[] = [
  {
    id: 'nemotron-h-8b',
    total: 8_100_852_736,
    work: 'M 109,640,064 (in_proj 18560×4096, conv 10240×4 + 10240, A_log/D/dt_bias 3×128, norm 8192, out 4096×8192, block norm 4096) × 24 + * 41,947,136 × 4 + - 176,164,864 (2×21504×4096 + 4096) × 24 + emb/head 2 × 536,870,912 + 4096',
    published: 8,
    digits: 0,
    basis: 'total',
    source: 'Nemotron-H-8B (name)',
  },
  { id: 'nemotron-h-56b', total: 56_324_350_464, work: 'M 438,432,512 × 54 + * 151,003,136 × 10 + - 536,879,104 × 54 + 2 × 1,073,741,824 + 8192', published: 56, digits: 0, basis: 'total', source: 'Nemotron-H-56B (name)' },
  { id: 'nemotron-nano-9b-v2', total: 8_888_227_328, work: 'M 147,450,624 (width 128 × 80 = 10240) × 27 + * 55,054,720 × 4 + - 140,497,280 × 25 + 2 × 587,202,560 + 4480', published: 9, digits: 0, basis: 'total', source: 'NVIDIA-Nemotron-Nano-9B-v2 (name)' },
  {
    id: 'nemotron-3-nano-30b-a3b',
    total: 31_577_940_288,
    work: 'M 38,744,896 × 23 + * 23,399,040 × 6 + E 1,297,468,160 (router 128×2688 + bias 128 + 128 × 2×1856×2688 + shared 2×3712×2688 + 2688) × 23 + 2 × 352,321,536 + 2688',
    published: 31.6,
    digits: 1,
    basis: 'total',
    source: 'model card figure 31.6B (research notes §3, marked unconfirmed there)',
  },
  {
    id: 'zamba2-2.7b',
    total: 2_662_214_560,
    work: 'Mamba-2 39,888,240 × 54 + shared blocks 170,401,280 × 2 (norm 5120, q/k/v 3×5120×5120, o 2560×5120, norm 2560, gate_up 20480×2560, down 2560×10240) + per call 9,502,720 × 9 (linear 2560², adapter 2560×128 + 128×20480) + tied 81,920,000 + 2560',
    published: 2.7,
    digits: 1,
    basis: 'total',
    source: 'arXiv 2411.15242 ("1.2B, 2.7B and 7.4B")',
  },
  { id: 'zamba2-7b', total: 7_356_749_648, work: 'Mamba-2 78,437,456 × 81 + shared blocks 333,982,208 × 2 + per call 16,973,824 × 13 + tied 114,688,000 + 3584', published: 7.4, digits: 1, basis: 'total', source: 'arXiv 2411.15242 ("7.4B")' },
  {
    id: 'falcon-h1-7b',
    total: 7_585_513_568,
    work: '44 × (attention 11,010,048 + Mamba-2 29,976,136 (in_proj 6680×3072, conv 3584×4 + 3584, 3×24, out 3072², no gated norm) + SwiGLU 3×12288×3072 + 2 norms 6144) + 2 × 399,507,456 + 3072',
    published: 7,
    digits: 0,
    basis: 'non-embedding',
    source: 'Falcon-H1-7B (name; 6.79B without the 130048-row embedding and LM head)',
  },
  {
    id: 'granite-4.0-h-small',
    total: 32_207_337_984,
    work: '36 × (Mamba-2 102,286,976 + MoE 698,646,528 + 8192) + 4 × (attention 41,943,040 + MoE + 8192) + tied 411,041,792 + 4096; MoE = router 72×4096 + 72 × 3×768×4096 + shared 3×1536×4096',
    published: 32,
    digits: 0,
    basis: 'total',
    source: 'Granite-4.0-H-Small "32B-A9B" (name)',
  },
  { id: 'bamba-9b', total: 9_780_235_392, work: '29 × (Mamba-2 102,286,976 + SwiGLU 176,160,768 + 8192) + 3 × (attention 41,943,040 + 176,160,768 + 8192) + 2 × 525,336,576 + 4096', published: 9.8, digits: 1, basis: 'total', source: 'ibm-fms/Bamba-9.8b-2.2T-hf (transformers configuration_bamba.py docstring)' },
  {
    id: 'qwen3-next-80b-a3b',
    total: 79_674_391_296,
    work: '36 × (GDN 33,718,464: in_proj_qkvz 12288×2048, in_proj_ba 64×2048, conv 8192×4, dt_bias/A_log 2×32, norm 128, out 2048×4096) + 12 × (gated attention 27,263,488: q 8192×2048, k/v 2×512×2048, o 2048×4096, q/k norm 2×256) + 48 × (MoE 1,614,809,088: router 512×2048, 512 × 3×512×2048, shared 3×512×2048, gate 2048 + 2 norms 4096) + 2 × 311,164,928 + 2048',
    published: 80,
    digits: 0,
    basis: 'total',
    source: 'Qwen3-Next-80B-A3B (name)',
  },
  {
    id: 'kimi-linear-48b-a3b',
    total: 49_122_681_728,
    work: '20 × KDA 39,514,272 (q/k/v 3×4096×2304, convs 3×4096×4, f_a 128×2304, f_b 4096×128, b 32×2304, g_a 128×2304, g_b 4096×128, A_log 32, dt_bias 4096, o_norm 128, o 2304×4096) + 7 × MLA 29,114,880 (q 6144×2304, kv_a 576×2304, kv_a_norm 512, kv_b 8192×512, o 2304×4096) + dense MLP 63,700,992 + 26 × MoE 1,819,607,296 (gate 256×2304 + bias 256 + 256 × 3×1024×2304 + shared 3×1024×2304) + 27 × 4608 + 2 × 377,487,360 + 2304',
    published: 48,
    digits: 0,
    basis: 'non-embedding',
    source: 'MoonshotAI/Kimi-Linear README "48B total" (48.4B without the 163840-row embedding and LM head)',
  },
  {
    id: 'minimax-text-01',
    total: 456_089_655_296,
    work: '70 × (lightning 251,666,432: qkv 24576×6144, output_gate 8192×6144, out 6144×8192, norm 8192) + 10 × (softmax 113,246,208) + 80 × (MoE 5,436,014,592: router 32×6144 + 32 × 3×9216×6144 + 2 norms 12,288) + 2 × 1,229,193,216 + 6144',
    published: 456,
    digits: 0,
    basis: 'total',
    source: 'MiniMax-Text-01 model card "456B total"',
  },
];

describe('2024-2026 presets', () => {
  it('are registered in the presets list with family and year', () => {
    for (const p of RECENT_PRESETS) {
      expect(getPreset(p.id), p.id).toBe(p);
      expect(p.source).toMatch(/https?:\/\//);
      expect(p.year).toBeGreaterThanOrEqual(2024);
    }
    expect(PRESETS.length).toBe(10 + RECENT_PRESETS.length);
  });

  it.each(RECENT_PRESETS.map((p) => [p.id, p] as const))('%s is valid and survives a JSON round trip', (_id, p) => {
    const r = validateDesign(JSON.parse(JSON.stringify(p.design)));
    expect(r.ok ? 'ok' : r.issues).toBe('ok');
    if (r.ok) expect(r.value).toEqual(p.design);
  });

  it.each(TOTALS.map((t) => [t.id, t] as const))('%s: total parameters worked out tensor by tensor; the published size rounds from it', (id, t) => {
    const c = cost(id);
    expect(c.params.total, t.work).toBe(t.total);
    const count = t.basis === 'total' ? c.params.total : c.params.total - c.params.embedding - c.params.lmHead;
    expect(Number((count / 1e9).toFixed(t.digits)), t.source).toBe(t.published);
  });

  it('active parameters round to the makers\' "A" figures', () => {
    const nonEmb = (id: string) => {
      const c = cost(id);
      return c.params.active - c.params.embedding - c.params.lmHead;
    };
    // Nemotron-3-Nano: "3.2B active (3.6B with embeddings)" (research notes §3): 3.2 counts the LM head, not the input embedding.
    expect(Number(((cost('nemotron-3-nano-30b-a3b').params.active - cost('nemotron-3-nano-30b-a3b').params.embedding) / 1e9).toFixed(1))).toBe(3.2);
    expect(Number((cost('nemotron-3-nano-30b-a3b').params.active / 1e9).toFixed(1))).toBe(3.6);
    expect(Math.round(nonEmb('qwen3-next-80b-a3b') / 1e9)).toBe(3);
    expect(Math.round(nonEmb('kimi-linear-48b-a3b') / 1e9)).toBe(3);
    expect(Math.round(cost('granite-4.0-h-small').params.active / 1e9)).toBe(9);
    // MiniMax: "45.9B activated" excludes both embedding matrices.
    expect(Number((nonEmb('minimax-text-01') / 1e9).toFixed(1))).toBe(45.9);
  });

  it('layer layouts follow the published patterns', () => {
    const sym = (id: string) =>
      layers(id)
        .map((l) => (l.mixer.kind === 'mamba2' ? 'M' : l.mixer.kind === 'attention' ? '*' : '') + (l.ffn.kind === 'mlp' ? '-' : l.ffn.kind === 'moe' ? 'E' : ''))
        .join('');
    expect(sym('nemotron-h-8b')).toBe(NEMOTRON_H_8B_PATTERN);
    expect(sym('nemotron-h-56b')).toBe(NEMOTRON_H_56B_PATTERN);
    expect(sym('nemotron-nano-9b-v2')).toBe(NEMOTRON_NANO_9B_V2_PATTERN);
    expect(sym('nemotron-3-nano-30b-a3b')).toBe(NEMOTRON_3_NANO_PATTERN);
    expect(indices('nemotron-h-8b', (l) => l.mixer.kind === 'attention')).toEqual([7, 18, 29, 40]);
    expect(indices('qwen3-next-80b-a3b', (l) => l.mixer.kind === 'attention')).toEqual([3, 7, 11, 15, 19, 23, 27, 31, 35, 39, 43, 47]);
    expect(indices('kimi-linear-48b-a3b', (l) => (l.mixer.kind as string) === 'mla')).toEqual([3, 7, 11, 15, 19, 23, 26]);
    expect(indices('minimax-text-01', (l) => l.mixer.kind === 'attention')).toHaveLength(10);
    expect(indices('bamba-9b', (l) => l.mixer.kind === 'attention')).toEqual([9, 18, 27]);
    // Zamba2-2.7B: 9 shared calls, alternating the two blocks, each just before a Mamba-2 layer.
    const z = layers('zamba2-2.7b');
    const calls = z.flatMap((l) => (l.mixer.kind === 'shared' ? [l.mixer.blockId] : []));
    expect(calls).toEqual(['zamba2-shared-0', 'zamba2-shared-1', 'zamba2-shared-0', 'zamba2-shared-1', 'zamba2-shared-0', 'zamba2-shared-1', 'zamba2-shared-0', 'zamba2-shared-1', 'zamba2-shared-0']);
    expect(z.filter((l) => l.mixer.kind === 'mamba2')).toHaveLength(54);
  });

  it('KV and state figures of the research notes', () => {
    const at = (id: string, L: number) => costPointAt(cost(id), L);
    // Zamba2-2.7B: 9 calls × 2 × 32 × 160 × 2 B = 184,320 B/token; Zamba2-7B 372,736 (notes §4).
    expect(at('zamba2-2.7b', 1).kvCacheBytes).toBe(184_320);
    expect(at('zamba2-7b', 1).kvCacheBytes).toBe(372_736);
    // Falcon-H1-7B: 44 × 2 × 2 × 128 × 2 B = 45,056 B/token (§5).
    expect(at('falcon-h1-7b', 1).kvCacheBytes).toBe(45_056);
    // Qwen3-Next: 12 × 2 × 2 × 256 × 2 B = 24,576 B/token (§7).
    expect(at('qwen3-next-80b-a3b', 1).kvCacheBytes).toBe(24_576);
    // Kimi Linear: 7 MLA layers × (512 + 64) × 2 B = 8,064 B/token (§8).
    expect(at('kimi-linear-48b-a3b', 1).kvCacheBytes).toBe(8_064);
    // MiniMax: 10 × 2 × 8 × 128 × 2 B = 40,960 B/token; lightning state 70 × 64 × 128 × 128 elements (§9).
    expect(at('minimax-text-01', 1).kvCacheBytes).toBe(40_960);
    expect(cost('minimax-text-01').stateBytes).toBe(70 * 64 * 128 * 128 * 2);
    // State is flat in L; KV grows.
    for (const p of RECENT_PRESETS) expect(at(p.id, 1024).stateBytes, p.id).toBe(at(p.id, 262144).stateBytes);
  });

  it('the menu groups presets by family, newest family first, each with its years', () => {
    const groups = presetGroups(PRESETS);
    const nemotron = groups.find((g) => g.label.startsWith('Nemotron-H'))!;
    expect(nemotron.label).toBe('Nemotron-H (NVIDIA) · 2025');
    expect(nemotron.presets.map((p) => p.id)).toEqual(['nemotron-h-8b', 'nemotron-h-56b', 'nemotron-nano-9b-v2', 'nemotron-3-nano-30b-a3b']);
    expect(groups.find((g) => g.label.startsWith('Zamba'))!.presets.map((p) => p.id)).toEqual(['zamba-7b', 'zamba2-2.7b', 'zamba2-7b']);
    const newest = groups.map((g) => Math.max(...g.presets.map((p) => p.year)));
    expect([...newest].sort((a, b) => b - a)).toEqual(newest);
    expect(groups.flatMap((g) => g.presets)).toHaveLength(PRESETS.length);
  });
});

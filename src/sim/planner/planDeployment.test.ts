import { describe, expect, it } from 'vitest';
import { getPreset } from '../../models/presets';
import { FORMAT, type Design, type DesignInput } from '../../models/schema';
import { formatIssues, validateDesign } from '../../models/validate';
import { analyzeDesign } from '../cost/analyzeDesign';
import { maxContextForCost } from '../cost/maxContextInBudget';
import { resolveDeployment, type DeploymentInput } from './deployment';
import { checkHardware, getHardware, peakFlopsFor, type HardwareSpec } from './hardware';
import { expectedDistinctExperts, FLASH_QUERY_TILE, longestContext, planDeployment } from './planDeployment';

const GiB = 2 ** 30;
const preset = (id: string): Design => getPreset(id)!.design;
const H100 = getHardware('h100-sxm')!;
/** `--efficiency 1`: the pure roofline. */
const PURE = { compute: 1, memory: 1, interconnect: 1, capacity: 1 };

function plan(design: Design, hw: HardwareSpec, L: number, input: DeploymentInput = {}) {
  const cost = analyzeDesign(design);
  return planDeployment(cost, hw, resolveDeployment(design, cost, hw, { efficiency: PURE, ...input }), L);
}

function design(layers: DesignInput['layers'], extra: Partial<DesignInput> = {}): Design {
  const r = validateDesign({ format: FORMAT, name: 't', vocabSize: 1000, dModel: 512, maxContext: 1 << 20, layers, ...extra });
  if (!r.ok) throw new Error(formatIssues(r.issues));
  return r.value;
}

// Llama-2-7B by hand: d = 4096, 32 layers, MHA 32 × 128, SwiGLU 11008, vocab 32,000, untied, bf16.
// Per layer: attention 4·4096² = 67,108,864; MLP 3·4096·11008 = 135,266,304; two RMSNorms 8,192 → 202,383,360 params.
// KV per position and layer: k and v, 32 heads × 128 = 8,192 elements.
const LAYER_PARAMS = 4 * 4096 ** 2 + 3 * 4096 * 11008 + 2 * 4096;
const LAYER_MACS = 4 * 4096 ** 2 + 3 * 4096 * 11008;
const KV_ELEMENTS = 2 * 32 * 128;
const VD = 32000 * 4096;

describe('dense 7B on an H100 SXM (pure roofline, bf16)', () => {
  it('decodes at batch 1 memory-bound, at the weight bytes it reads / bandwidth', () => {
    const p = plan(preset('llama-2-7b'), H100, 1);
    // Context 1: each layer reads its 202,383,360 weights (2 B each), reads 1 KV position and writes 1 (2 B each).
    const layerBytes = LAYER_PARAMS * 2 + KV_ELEMENTS * 2 * 2;
    // Head: LM head [32,000 × 4,096] + final norm 4,096 + one embedding row 4,096, 2 B each (not the whole table).
    const headBytes = (VD + 4096 + 4096) * 2;
    const bytes = 32 * layerBytes + headBytes; // 13,215,744,000 B
    expect(bytes).toBe(13_215_744_000);
    expect(p.decode.bytes).toBe(bytes);
    expect(p.decodeSecondsPerToken).toBeCloseTo(bytes / 3.35e12, 12); // 3.945 ms
    expect(p.bound).toBe('memory');
    for (const l of p.decode.layers) expect(l.bound).toBe('memory');
    // That is the weights / bandwidth, less the embedding table a decode step does not read (1.9 %).
    const weightBytes = analyzeDesign(preset('llama-2-7b')).weightBytes;
    expect(p.decodeSecondsPerToken / (weightBytes / 3.35e12)).toBeCloseTo(1 - (VD * 2) / weightBytes, 2);
  });

  it('prefills 4,096 tokens compute-bound, at FLOPs / peak', () => {
    const L = 4096;
    const p = plan(preset('llama-2-7b'), H100, L);
    // Per layer: 2 FLOPs per MAC per token + scores and values 4 · 32 heads · 128 over the causal triangle L(L+1)/2.
    const layerFlops = L * 2 * LAYER_MACS + 4 * 32 * 128 * ((L * (L + 1)) / 2);
    for (const l of p.prefill.layers) {
      expect(l.matmulFlops).toBe(layerFlops);
      expect(l.bound).toBe('compute');
      expect(l.seconds).toBeCloseTo(layerFlops / 989.5e12, 15); // 1.815 ms
      // The bytes (weights once, K and V written for L positions and read once per 128-row query tile) take less.
      expect(l.totalBytes).toBe(LAYER_PARAMS * 2 + KV_ELEMENTS * 2 * (L + (L * (L + 1)) / 2 / FLASH_QUERY_TILE));
      expect(l.memorySeconds).toBeLessThan(l.computeSeconds / 3);
    }
    // The head runs the LM head for the last position only: memory-bound, the table [V, d] plus L embedding rows.
    expect(p.prefill.head.bound).toBe('memory');
    expect(p.prefill.head.seconds).toBeCloseTo(((VD + 4096 + L * 4096) * 2) / 3.35e12, 12);
    expect(p.prefillSeconds).toBeCloseTo((32 * layerFlops) / 989.5e12 + p.prefill.head.seconds, 12);
    expect(p.prefillBound).toBe('compute');
    expect(p.prefillTokensPerSec).toBeCloseTo(L / p.prefillSeconds, 6);
  });

  it('decode time grows with L on attention: reading the KV cache', () => {
    const a = plan(preset('llama-2-7b'), H100, 1024);
    const b = plan(preset('llama-2-7b'), H100, 32768);
    // 31,744 more positions per layer, 8,192 elements × 2 B each, 32 layers
    expect(b.decode.bytes - a.decode.bytes).toBe(32 * KV_ELEMENTS * 2 * (32768 - 1024));
  });
});

describe('the planner on hybrids and options', () => {
  it('Mamba decode time is flat in L (no KV cache; the state is read and written whatever the length)', () => {
    const m = preset('mamba-2.8b');
    const at = [1, 1024, 131072, 1 << 20].map((L) => plan(m, H100, L));
    for (const p of at) expect(p.decodeSecondsPerToken).toBe(at[0]!.decodeSecondsPerToken);
    // ...and the state traffic is there: 64 layers × (conv [5120, 4] + ssm [5120, 16]) fp32, read and written.
    const stateBytes = at[0]!.decode.layers.reduce((a, l) => a + l.bytes.state, 0);
    expect(stateBytes).toBe(64 * 2 * (5120 * 4 + 5120 * 16) * 4);
  });

  it('fp8 KV halves the KV bytes moved and held (bf16 → fp8)', () => {
    const d = preset('mistral-7b');
    const bf16 = plan(d, H100, 2048, { precision: { kv: 'bf16' } });
    const fp8 = plan(d, H100, 2048, { precision: { kv: 'fp8' } });
    const kv = (p: typeof bf16) => p.decode.layers.reduce((a, l) => a + l.bytes.kv, 0);
    expect(kv(bf16)).toBeGreaterThan(0);
    expect(kv(bf16)).toBe(2 * kv(fp8));
    expect(bf16.memoryPerGpu.kv).toBe(2 * fp8.memoryPerGpu.kv);
    // Mistral at 2,048: 32 layers × 2 × 8 KV heads × 128 × 2,048 positions × 2 B = 256 MiB held.
    expect(bf16.memoryPerGpu.kv).toBe(32 * 2 * 8 * 128 * 2048 * 2);
    expect(bf16.memoryPerGpu.weights).toBe(fp8.memoryPerGpu.weights);
  });

  it('TP 2 halves the weights per GPU; the KV cache is replicated when KV heads < 2 and split when ≥ 2', () => {
    const layer = (nKvHeads: number) => ({ mixer: { kind: 'attention', nHeads: 8, nKvHeads, headDim: 64 }, ffn: { kind: 'mlp', width: 1024 } });
    const mqa = design([{ repeat: 4, layers: [layer(1)] }] as DesignInput['layers']);
    const gqa = design([{ repeat: 4, layers: [layer(4)] }] as DesignInput['layers']);
    const one = plan(mqa, H100, 4096);
    const two = plan(mqa, H100, 4096, { tp: 2 });
    expect(two.memoryPerGpu.weights).toBe(one.memoryPerGpu.weights / 2);
    // MQA: each GPU keeps the one KV head: 4 layers × 2 × 1 × 64 × 4,096 × 2 B = 4 MiB on each
    expect(one.memoryPerGpu.kv).toBe(4 * 2 * 64 * 4096 * 2);
    expect(two.memoryPerGpu.kv).toBe(one.memoryPerGpu.kv);
    expect(two.decode.layers[0]!.bytes.kv).toBe(one.decode.layers[0]!.bytes.kv);
    const g1 = plan(gqa, H100, 4096);
    const g2 = plan(gqa, H100, 4096, { tp: 2 });
    expect(g2.memoryPerGpu.kv).toBe(g1.memoryPerGpu.kv / 2);
    expect(g2.memoryPerGpu.weights).toBe(g1.memoryPerGpu.weights / 2);
    expect(two.gpus).toBe(2);
  });

  it('TP adds one ring all-reduce per residual branch: 2(tp − 1)/tp × B·d·2 B / link + latency', () => {
    const d = preset('llama-2-7b');
    const p = plan(d, H100, 1024, { tp: 4, batch: 8 });
    // Two branches (attention, MLP) per layer; message 8 × 4096 × 2 B = 65,536 B; NVLink 4: 450 GB/s each way, 10 µs.
    const one = (2 * 3) / 4 * (65536 / 450e9) + 10e-6;
    for (const l of p.decode.layers) expect(l.allReduceSeconds).toBeCloseTo(2 * one, 15);
    expect(p.decode.commSeconds).toBeCloseTo(32 * 2 * one, 12);
  });

  it('max concurrency matches memory worked by hand (Llama-2-7B, H100 80 GiB, 90 % usable, L = 4,096)', () => {
    const d = preset('llama-2-7b');
    const p = plan(d, H100, 4096, { efficiency: { ...PURE, capacity: 0.9 } });
    // usable 0.9 × 80 GiB = 77,309,411,328 B; weights 6,738,415,616 × 2 B = 13,476,831,232 B;
    // one sequence: 32 layers × 8,192 × 4,096 positions × 2 B = 2 GiB; (77,309,411,328 − 13,476,831,232) / 2 GiB = 29.7
    expect(p.usableBytesPerGpu).toBe(77_309_411_328);
    expect(p.memoryPerGpu.weights).toBe(13_476_831_232);
    expect(p.maxConcurrency).toBe(29);
    expect(plan(d, H100, 4096, { batch: 29, efficiency: { ...PURE, capacity: 0.9 } }).fits).toBe(true);
    expect(plan(d, H100, 4096, { batch: 30, efficiency: { ...PURE, capacity: 0.9 } }).fits).toBe(false);
  });

  it('aggregate decode speed grows with batch while memory-bound, then levels off when compute-bound', () => {
    const d = preset('llama-2-7b');
    // At L = 16 (at long contexts the MHA KV reads grow with the batch and keep decode memory-bound)
    const speeds = [1, 8, 64, 512, 4096].map((batch) => plan(d, H100, 16, { batch }));
    for (let i = 1; i < speeds.length; i++) expect(speeds[i]!.aggregateDecodeTokensPerSec).toBeGreaterThanOrEqual(speeds[i - 1]!.aggregateDecodeTokensPerSec);
    expect(speeds[1]!.aggregateDecodeTokensPerSec).toBeGreaterThan(7 * speeds[0]!.aggregateDecodeTokensPerSec);
    expect(speeds[0]!.bound).toBe('memory');
    expect(speeds.at(-1)!.bound).toBe('compute');
    // Compute-bound ceiling: peak / FLOPs per token (each layer 2·MACs + attention over 16 positions, LM head 2·V·d).
    const flopsPerToken = 32 * (2 * LAYER_MACS + 4 * 32 * 128 * 16) + 2 * VD;
    // Every layer and the head compute-bound at 4,096: exactly peak / FLOPs per token (74,834 tokens/s).
    expect(speeds.at(-1)!.aggregateDecodeTokensPerSec / (989.5e12 / flopsPerToken)).toBeCloseTo(1, 12);
  });

  it('an MoE layer reads its top-k experts at batch 1 and more as the batch grows (expected distinct experts)', () => {
    const d = preset('mixtral-8x7b');
    const cost = analyzeDesign(d);
    const l = cost.layers[0]!;
    const r = l.routed[0]!;
    const weights = (batch: number) => plan(d, H100, 1, { batch }).decode.layers[0]!.bytes.weights;
    expect(weights(1)).toBe(l.activeParams * 2);
    // batch 4: E(1 − (1 − k/E)^4) = 8 · (1 − 0.75^4) = 5.46875 experts
    expect(weights(4)).toBeCloseTo((l.activeParams + (5.46875 - 2) * r.paramsPerExpert) * 2, 0);
    expect(weights(4096)).toBeCloseTo(l.params * 2, 0);
  });

  it('expectedDistinctExperts matches a simulation of uniform top-k routing', () => {
    let seed = 12345;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (const [E, k, n] of [[8, 2, 3], [64, 6, 10], [16, 1, 40], [128, 8, 1]] as const) {
      let total = 0;
      const trials = 1500;
      for (let t = 0; t < trials; t++) {
        const hit = new Set<number>();
        for (let i = 0; i < n; i++) {
          const pool = Array.from({ length: E }, (_, j) => j);
          for (let c = 0; c < k; c++) hit.add(pool.splice(Math.floor(rand() * pool.length), 1)[0]!);
        }
        total += hit.size;
      }
      expect(expectedDistinctExperts(E, k, n)).toBeCloseTo(total / trials, 0);
      expect(Math.abs(expectedDistinctExperts(E, k, n) - total / trials) / E).toBeLessThan(0.02);
    }
    expect(expectedDistinctExperts(8, 2, 1)).toBe(2);
  });

  it('the longest context at batch 1 equals the cost model’s max context for the same memory (tp 1)', () => {
    for (const id of ['jamba-v0.1', 'llama-2-7b', 'mistral-7b', 'zamba-7b', 'mamba-2.8b']) {
      const d = preset(id);
      const hw: HardwareSpec = { ...H100, id: 'custom', memBytes: 96 * GiB };
      const cost = analyzeDesign(d);
      const dep = resolveDeployment(d, cost, hw, { efficiency: PURE, precision: { weights: 'bf16', kv: 'bf16', state: 'bf16' } });
      const expected = maxContextForCost(analyzeDesign(d, { dtype: 'bf16', cacheDtype: 'bf16' }), 96 * GiB);
      expect(longestContext(cost, hw, dep), id).toBe(expected);
    }
  });

  it('pipeline stages split the layers: the fullest stage holds about half the weights; time is not divided', () => {
    const d = preset('llama-2-7b');
    const one = plan(d, H100, 1024);
    const two = plan(d, H100, 1024, { pp: 2 });
    // Stage 0: layers 0-15 + the embedding; stage 1: layers 16-31 + LM head + final norm (4,096 more: the fullest).
    expect(two.memoryPerGpu.weights).toBe((16 * LAYER_PARAMS + VD + 4096) * 2);
    expect(two.memoryPerGpu.kv).toBe(one.memoryPerGpu.kv / 2);
    expect(two.decodeSecondsPerToken).toBeGreaterThan(one.decodeSecondsPerToken);
  });

  it('state and activation dtypes: scans run at the state dtype rate, matmuls at the activation dtype rate', () => {
    const m = preset('mamba-2.8b');
    const fp32 = plan(m, H100, 4096, { precision: { state: 'fp32' } });
    const bf16 = plan(m, H100, 4096, { precision: { state: 'bf16' } });
    const l32 = fp32.prefill.layers[0]!;
    const l16 = bf16.prefill.layers[0]!;
    expect(l32.scanFlops).toBe(l16.scanFlops);
    expect(l32.computeSeconds - l32.matmulFlops / 989.5e12).toBeCloseTo(l32.scanFlops / 67e12, 15);
    expect(l16.computeSeconds - l16.matmulFlops / 989.5e12).toBeCloseTo(l16.scanFlops / 989.5e12, 15);
    expect(peakFlopsFor(getHardware('a100-80gb')!, 'fp8')).toEqual({ dtype: 'bf16', flops: 312e12 });
  });
});

describe('bad input names the field and the rule', () => {
  const d = preset('llama-2-7b');
  const cost = analyzeDesign(d);
  it.each([
    [{ batch: 0 }, /^batch must be an integer from 1 to 1000000, got 0$/],
    [{ batch: 2.5 }, /^batch must be an integer/],
    [{ efficiency: { compute: -0.5 } }, /^efficiency\.compute must be a number in \(0, 1\], got -0\.5$/],
    [{ efficiency: { memory: 0 } }, /^efficiency\.memory must be/],
    [{ tp: 3 }, /^tp 3 does not divide nHeads 32 of layer 0 \(attention \/ mlp\)$/],
    [{ precision: { kv: 'fp4' as never } }, /^precision\.kv must be one of fp32, bf16, fp16, fp8, int8, int4, got "fp4"$/],
    [{ pp: 33 }, /^pp must be at most the number of layers \(32\), got 33$/],
  ])('%j', (input, message) => {
    expect(() => resolveDeployment(d, cost, H100, input)).toThrow(message);
  });
  it('a KV head count that tp neither divides nor multiplies', () => {
    const gqa = design([{ mixer: { kind: 'attention', nHeads: 12, nKvHeads: 4, headDim: 64 }, ffn: { kind: 'mlp', width: 1536 } }] as DesignInput['layers']);
    expect(() => resolveDeployment(gqa, analyzeDesign(gqa), H100, { tp: 6 })).toThrow(/^tp 6 neither divides nor is a multiple of nKvHeads 4 of layer 0/);
  });
  it('hardware without an interconnect takes one GPU only', () => {
    const solo: HardwareSpec = { ...H100, id: 'solo', interconnect: null };
    expect(() => resolveDeployment(d, cost, solo, { tp: 2 })).toThrow(/needs an interconnect, and hardware solo has none/);
  });
  it.each([
    [{ memBandwidth: 0 }, /^hardware custom: memBandwidth must be a positive number of bytes\/s, got 0$/],
    [{ memBytes: -1 }, /memBytes must be a positive number of bytes, got -1/],
    [{ peakFlops: {} }, /peakFlops must be at least one positive rate/],
    [{ peakFlops: { bf16: Number.NaN } }, /peakFlops\.bf16 must be a positive number of FLOP\/s/],
    [{ interconnect: { name: 'x', bandwidth: 0, latencySeconds: 0 } }, /interconnect\.bandwidth must be a positive number/],
  ])('custom hardware %j', (patch, message) => {
    expect(() => checkHardware({ ...H100, id: 'custom', ...patch } as HardwareSpec)).toThrow(message);
  });
  it('every catalogue entry passes the checks', () => {
    for (const id of ['h100-sxm', 'h100-pcie', 'h200', 'a100-80gb', 'l40s', 'rtx-4090', 'rtx-5090', 'mi300x', 'm3-max', 'm4-max']) expect(() => checkHardware(getHardware(id)!)).not.toThrow();
  });
  it('seqLen must be a positive integer', () => {
    expect(() => planDeployment(cost, H100, resolveDeployment(d, cost, H100), 0)).toThrow(/seqLen must be a positive integer, got 0/);
  });
});

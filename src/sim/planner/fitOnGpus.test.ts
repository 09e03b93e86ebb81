import { describe, expect, it } from 'vitest';
import { getPreset } from '../../models/presets';
import { analyzeDesign } from '../cost/analyzeDesign';
import { calibrate, hardwareFromProbe, predictScaledRun, runDeployment, sanitizeProbe, type DeviceProbe } from './calibration';
import { fitOnGpus, gpusNeeded } from './fitOnGpus';
import { getHardware } from './hardware';
import { planDeployment } from './planDeployment';

const GiB = 2 ** 30;
const H100 = getHardware('h100-sxm')!;

describe('fit on GPUs', () => {
  it('Mixtral-8x7B in bf16 needs two H100s (93.4 GB of weights > 72 GiB usable of one)', () => {
    const d = getPreset('mixtral-8x7b')!.design;
    const cost = analyzeDesign(d);
    // 46,702,792,704 params × 2 B = 86.98 GiB; one H100 offers 0.9 × 80 GiB = 72 GiB, two offer 72 GiB each
    expect(cost.params.total * 2).toBeGreaterThan(0.9 * 80 * GiB);
    const one = fitOnGpus(d, cost, H100, { batch: 1 }, 1, 4096);
    expect(one.point!.fits).toBe(false);
    expect(one.longestContext).toBe(0);
    const need = gpusNeeded(d, cost, H100, { batch: 1 }, 4096)!;
    expect(need.gpus).toBe(2);
    expect([need.deployment!.tp, need.deployment!.pp]).toEqual([2, 1]);
    expect(need.point!.memoryPerGpu.weights).toBe((cost.params.total * 2) / 2);
    expect(need.longestContext).toBeGreaterThan(4096);
  });

  it('Jamba-1.5-Large (398B) does not fit eight H100s in bf16: none of 1, 2, 4, 8', () => {
    const d = getPreset('jamba-1.5-large')!.design;
    expect(gpusNeeded(d, analyzeDesign(d), H100, {}, 4096)).toBeNull();
  });

  it('a split that no tp divides falls back to pipeline stages', () => {
    // Zamba-7B: shared attention with 16 heads; 89 layers; tp 8 works when 16 and every other size divide by 8
    const d = getPreset('zamba-7b')!.design;
    const cost = analyzeDesign(d);
    const f = fitOnGpus(d, cost, H100, {}, 8, 4096);
    expect(f.deployment).not.toBeNull();
    expect(f.deployment!.tp * f.deployment!.pp).toBe(8);
  });
});

describe('calibration: the scaled copy on this device', () => {
  const probe: DeviceProbe = { backend: 'wasm', matmulFlopsPerSec: 20e9, matmulSize: 512, memBandwidth: 10e9, dispatchSeconds: 10e-6, memBytes: 4 * GiB, measuredAt: '2026-12-04T10:00:00Z', method: 'test' };
  const design = getPreset('llama-2-7b')!.design;
  const small = { ...design, dModel: 64, vocabSize: 256, layers: [{ mixer: { kind: 'attention' as const, nHeads: 8, nKvHeads: 8, headDim: 8, positional: 'rope' as const, slidingWindow: null, bias: false }, ffn: { kind: 'mlp' as const, width: 128, activation: 'swiglu' as const, bias: false } }] };
  const cost = analyzeDesign(small);

  it('predicts with float32 everything, the probe rates and no efficiency discount', () => {
    const [p] = predictScaledRun(cost, probe, [256]);
    const hw = hardwareFromProbe(probe);
    const at256 = planDeployment(cost, hw, runDeployment(), 256);
    const at272 = planDeployment(cost, hw, runDeployment(), 256 + 16);
    expect(p!.prefillSeconds).toBe(at256.prefillSeconds);
    expect(p!.decodeMsPerToken).toBe(at272.decodeSecondsPerToken * 1000);
    // one layer's prefill at d = 64: MACs 4·64² + 3·64·128 = 40,960 per token; all of it at 20 GFLOP/s or 10 GB/s
    const layer = at256.prefill.layers[0]!;
    expect(layer.matmulFlops).toBe(256 * 2 * 40960 + 4 * 8 * 8 * ((256 * 257) / 2));
    expect(layer.computeSeconds).toBeCloseTo(layer.matmulFlops / 20e9, 15);
    expect(layer.memorySeconds).toBeCloseTo(layer.totalBytes / 10e9, 15);
  });

  it('reports measured / predicted time for prefill and decode, and decode with the dispatch overhead', () => {
    const [pred] = predictScaledRun(cost, probe, [128]);
    const measured = { seqLen: 128, prefillTokensPerSec: pred!.prefillTokensPerSec / 5, decodeMsPerToken: pred!.decodeMsPerToken * 40, dispatchesPerDecodeStep: 30 };
    const [c] = calibrate(cost, probe, [measured]);
    expect(c!.prefillRatio).toBeCloseTo(5, 12);
    expect(c!.decodeRatio).toBeCloseTo(40, 12);
    expect(c!.decodeMsWithDispatch).toBeCloseTo(pred!.decodeMsPerToken + 30 * 10e-6 * 1000, 12);
    expect(c!.decodeRatioWithDispatch).toBeCloseTo(measured.decodeMsPerToken / c!.decodeMsWithDispatch!, 12);
  });

  it('sanitizeProbe keeps a valid probe and refuses a damaged one', () => {
    expect(sanitizeProbe(JSON.parse(JSON.stringify(probe)))).toEqual(probe);
    expect(sanitizeProbe({ ...probe, memBandwidth: 0 })).toBeNull();
    expect(sanitizeProbe({ ...probe, backend: '<script>' })).toBeNull();
    expect(sanitizeProbe('x')).toBeNull();
  });
});

/**
 * `npm run bench -- runtime [--backend=wasm|cpu] [--quick]`: the runtime's performance figures of issue 3, section 6,
 * measured on real scaled models through the same sweep as the app (src/sim/runtime/bench.ts):
 *  1. Mamba-only (mamba-2.8b preset, tiny profile) prefill time from L = 1024 to 8192 and its growth exponent
 *     log(t8192 / t1024) / log 8 (target: <= 1.15);
 *  2. decode ms/token at L = 8192 vs 256 for Mamba-only and attention-only (llama-2-7b preset, tiny profile)
 *     (target: Mamba-only <= 1.3x; attention-only grows, factor reported);
 *  3. attention+MLP prefill GFLOP/s (llama-2-7b, medium widths with 4 layers, L = 1024; useful FLOPs from the cost model: causal
 *     lower triangle, the LM head only for the last position) vs the backend's own 512^3 matmul GFLOP/s measured in the
 *     same run (target: >= 50 %).
 * Figures only: nothing is asserted. `--quick` shrinks the lengths for a smoke run.
 */
import * as tf from '@tensorflow/tfjs';
import { cpus } from 'node:os';
import { getPreset } from '../src/models/presets';
import type { BackendName, BenchResult, RunProfileSpec } from '../src/sim/protocol';
import { costAt } from '../src/sim/cost';
import { initBackend } from '../src/sim/runtime/backend';
import { runBench } from '../src/sim/runtime/bench';
import { getRunProfile, scaleDesign } from '../src/sim/runtime/profile';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function matmulGflops(): Promise<number> {
  const n = 512;
  const a = tf.randomNormal([n, n]);
  const b = tf.randomNormal([n, n]);
  const times: number[] = [];
  for (let i = 0; i < 12; i++) {
    const t0 = performance.now();
    const c = tf.matMul(a, b);
    await c.data();
    const t = performance.now() - t0;
    c.dispose();
    if (i >= 2) times.push(t);
  }
  a.dispose();
  b.dispose();
  return (2 * n ** 3) / (median(times) / 1000) / 1e9;
}

async function sweep(presetId: string, profile: RunProfileSpec, backend: BackendName, seqLens: number[], steps: number, repeats: number): Promise<BenchResult> {
  return runBench({
    design: getPreset(presetId)!.design,
    seqLens,
    backend,
    scan: 'auto',
    profile,
    seed: 1,
    batch: 1,
    decodeSteps: steps,
    repeats,
    memoryBudgetBytes: 8 * 2 ** 30,
  });
}

export async function run(args: string[]): Promise<void> {
  const backendArg = args.find((a) => a.startsWith('--backend='))?.split('=')[1] ?? 'wasm';
  if (backendArg !== 'wasm' && backendArg !== 'cpu') throw new Error(`--backend must be wasm or cpu, got "${backendArg}"`);
  const backend: BackendName = backendArg;
  const quick = args.includes('--quick');
  const info = await initBackend(backend);
  const tiny = getRunProfile('tiny')!;
  const medium = getRunProfile('medium')!;
  const long = quick ? [256, 512, 1024, 2048] : [1024, 2048, 4096, 8192];
  const lo = quick ? 128 : 256;
  const hi = quick ? 2048 : 8192;
  process.stdout.write(`machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), Node ${process.versions.node}, backend ${info.backend} (${info.reason})\n`);

  const mm = await matmulGflops();
  process.stdout.write(`512^3 float32 matMul: ${mm.toFixed(2)} GFLOP/s\n`);

  // A short unmeasured sweep of each model first: without it the first length measured (lo) also pays for V8 and
  // tfjs warming up, which inflated decode at L = 256 by up to 2x in earlier runs and flattered the decode ratio.
  await sweep('mamba-2.8b', tiny, backend, [lo], 8, 1);
  await sweep('llama-2-7b', tiny, backend, [lo], 8, 1);
  const mamba = await sweep('mamba-2.8b', tiny, backend, [...new Set([lo, ...long, hi])].sort((a, b) => a - b), 32, 5);
  const at = (r: BenchResult, L: number) => r.points.find((p) => p.seqLen === L)!;
  process.stdout.write(`\n1. Mamba-only (mamba-2.8b, ${tiny.name} profile, scan ${mamba.scan}) prefill:\n`);
  for (const L of long) {
    const p = at(mamba, L);
    process.stdout.write(`   L=${String(L).padStart(5)}  ${p.prefillMs.median.toFixed(1).padStart(9)} ms (q1 ${p.prefillMs.q1.toFixed(1)}, q3 ${p.prefillMs.q3.toFixed(1)})  ${p.prefillTokensPerSec.toFixed(0)} tok/s\n`);
  }
  const first = long[0]!;
  const last = long[long.length - 1]!;
  const exponent = Math.log(at(mamba, last).prefillMs.median / at(mamba, first).prefillMs.median) / Math.log(last / first);
  process.stdout.write(`   growth exponent L=${first}..${last}: ${exponent.toFixed(3)} (target <= 1.15)\n`);

  const attn = await sweep('llama-2-7b', tiny, backend, [lo, hi], 32, quick ? 2 : 3);
  const ratio = (r: BenchResult) => at(r, hi).decodeMsPerToken / at(r, lo).decodeMsPerToken;
  process.stdout.write(`\n2. decode ms/token, L=${hi} vs L=${lo}:\n`);
  process.stdout.write(`   Mamba-only:     ${at(mamba, lo).decodeMsPerToken.toFixed(3)} -> ${at(mamba, hi).decodeMsPerToken.toFixed(3)} ms  = ${ratio(mamba).toFixed(2)}x (target <= 1.3x); ${at(mamba, hi).dispatchesPerDecodeStep} dispatches/step\n`);
  process.stdout.write(`   attention-only: ${at(attn, lo).decodeMsPerToken.toFixed(3)} -> ${at(attn, hi).decodeMsPerToken.toFixed(3)} ms  = ${ratio(attn).toFixed(2)}x (grows: reads a KV cache of ${hi} positions); ${at(attn, hi).dispatchesPerDecodeStep} dispatches/step\n`);

  const L = 1024;
  // Medium widths (d 256, FFN 768, 8 heads of 32) but 4 layers, so five timed prefills fit in the run.
  const dense4: RunProfileSpec = { ...medium, name: 'medium, 4 layers', maxLayers: 4 };
  // The machine is shared: measure the matMul reference right before and right after, and report against both.
  const mmBefore = await matmulGflops();
  const dense = await sweep('llama-2-7b', dense4, backend, [L], 1, 5);
  const mmAfter = await matmulGflops();
  const scaled = scaleDesign(getPreset('llama-2-7b')!.design, dense4).design;
  const c = costAt(scaled, L, { dtype: 'fp32' });
  const flops = c.prefillFlopsPerToken * L - (L - 1) * 2 * scaled.vocabSize * scaled.dModel;
  const gflops = flops / (at(dense, L).prefillMs.median / 1000) / 1e9;
  process.stdout.write(
    `\n3. attention+MLP prefill (llama-2-7b, ${dense4.name} profile: d ${scaled.dModel}, L=${L}, ${at(dense, L).prefillMs.median.toFixed(0)} ms): ${gflops.toFixed(2)} GFLOP/s\n` +
      `   = ${((100 * gflops) / mmBefore).toFixed(0)} % / ${((100 * gflops) / mmAfter).toFixed(0)} % of the 512^3 matMul measured just before / after (${mmBefore.toFixed(2)} / ${mmAfter.toFixed(2)} GFLOP/s; target >= 50 %)\n`,
  );
}

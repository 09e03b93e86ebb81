/**
 * `npm run bench -- memory [--quick]`: how much memory a run really takes, against its estimate
 * (src/sim/runtime/bench.ts `estimateRunMemory`, `wasmHeapBytes`). Each configuration runs in its own process
 * (bench/memoryProbe.ts; the wasm heap never shrinks) on the wasm backend through the app's sweep (one length, 4 decode
 * steps, 1 repeat) and reports: the estimate, the measured peak of live tensor bytes, and the wasm heap after the run
 * (its size bounds the run's peak heap, rounded up by emscripten's growth step). The ratios must stay below 1 (the
 * estimate is an upper bound); docs/benchmarks.md "Run memory" records a run. Figures only: nothing is asserted.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getPreset } from '../src/models/presets';
import { estimateRunMemory, wasmHeapBytes } from '../src/sim/runtime/bench';
import { getRunProfile, scaleDesign } from '../src/sim/runtime/profile';

const here = dirname(fileURLToPath(import.meta.url));
const ROOT = join(here, '..');

/** The configurations of the fit (docs/benchmarks.md): every block kind, attention-heavy and weight-heavy cases. */
export const MEMORY_CONFIGS: readonly [preset: string, profile: string, seqLen: number][] = [
  ['jamba-1.5-large', 'medium', 2048],
  ['jamba-1.5-large', 'medium', 4096],
  ['llama-2-7b', 'medium', 2048],
  ['llama-2-7b', 'small', 4096],
  ['zamba-7b', 'medium', 2048],
  ['mamba2-hybrid-8b', 'medium', 1024],
  ['stripedhyena-7b', 'medium', 2048],
  ['mixtral-8x7b', 'medium', 1024],
  ['mamba-2.8b', 'medium', 4096],
  ['jamba-v0.1', 'tiny', 8192],
];
const QUICK: typeof MEMORY_CONFIGS = [
  ['llama-2-7b', 'tiny', 1024],
  ['jamba-v0.1', 'tiny', 1024],
];

const MiB = (n: number) => (n / 2 ** 20).toFixed(0);

export async function run(args: string[]): Promise<void> {
  const configs = args.includes('--quick') ? QUICK : MEMORY_CONFIGS;
  const tsx = join(ROOT, 'node_modules', '.bin', 'tsx');
  process.stdout.write('| preset | profile | L | estimate MiB | measured peak MiB | peak / estimate | heap model MiB | wasm heap after MiB | heap / model |\n|---|---|---|---|---|---|---|---|---|\n');
  for (const [preset, profile, L] of configs) {
    const r = spawnSync(tsx, [join(here, 'memoryProbe.ts'), preset, profile, String(L)], { cwd: ROOT, encoding: 'utf8' });
    if (r.status !== 0) {
      process.stdout.write(`| ${preset} | ${profile} | ${L} | failed: ${(r.stderr || r.stdout).trim().split('\n').pop()} |\n`);
      continue;
    }
    const m = JSON.parse(r.stdout.trim().split('\n').pop()!) as { tensorPeakBytes: number; heapAfter: number };
    const scaled = scaleDesign(getPreset(preset)!.design, getRunProfile(profile)!).design;
    const e = estimateRunMemory(scaled, L, 4, 1, 'exact', { backend: 'wasm', scan: 'simd' });
    const heap = wasmHeapBytes(e);
    process.stdout.write(`| ${preset} | ${profile} | ${L} | ${MiB(e.totalBytes)} | ${MiB(m.tensorPeakBytes)} | ${(m.tensorPeakBytes / e.totalBytes).toFixed(2)} | ${MiB(heap)} | ${MiB(m.heapAfter)} | ${(m.heapAfter / heap).toFixed(2)} |\n`);
  }
}

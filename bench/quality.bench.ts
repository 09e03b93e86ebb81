/**
 * `npm run bench -- quality [--steps=20] [--designs=llama-2-7b,jamba-v0.1] [--full] [--compare] [--matmul=tfjs]`: the lab's speed
 * figures (issue 11, section 4), on wasm in Node:
 *  1. one training step of the stacked-MQAR lab model (default settings: batch 32, 16 pairs) per design: median ms,
 *     tfjs kernel dispatches per step, and the same step of the PyTorch twin (bench/quality/torch_lab_step.py, CPU,
 *     one thread, `/usr/bin/python3` with Debian's python3-torch) run right after it, so both see the same load; wall
 *     time and process CPU time (user + system: on a loaded machine the CPU time is the load-independent figure);
 *  2. `--full`: the default run (300 steps, early stop at 99 %) of each design, wall time and final accuracy;
 *  3. `--compare`: the five-design comparison of the issue (Jamba-v0.1 and its 1:1, 1:3, 1:7, pure attention and pure
 *     Mamba variants from "Compare ratios"), queued one after another as the Quality tab runs them: total wall time;
 *     `--out=file.json` also writes the results (design name and the trainer's result), which the Quality-tab
 *     screenshot spec loads (e2e/quality-screens.spec.ts).
 * `--matmul=tfjs` runs every product on tfjs's own wasm `BatchMatMul` (our SIMD kernel off, as before it existed:
 * src/sim/runtime/kernels/wasmBatchMatMul.ts). `--matmul-ab`: instead of block 1, one trainer per design whose steps
 * alternate between tfjs's kernel and ours (the same process, the same load): median ms per step of each, wall / CPU.
 * Figures only: nothing is asserted. The machine's load average is printed with every block.
 */
import * as tf from '@tensorflow/tfjs';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { TrainResult } from '../src/sim/protocol';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ratioVariants } from '../src/models/patterns';
import { getPreset } from '../src/models/presets';
import { expandLayers, type Design } from '../src/models/schema';
import { LabTrainer, runTraining } from '../src/sim/lab/train';
import { trainRequest } from '../src/sim/lab/trainRequest';
import { setSimdBatchMatMulMode } from '../src/sim/runtime/kernels/wasmBatchMatMul';

const here = dirname(fileURLToPath(import.meta.url));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const load = () => loadavg().map((x) => x.toFixed(1)).join(' ');

async function stepFigures(design: Design, steps: number) {
  const tr = await LabTrainer.create(trainRequest(design, { backend: 'wasm' }));
  try {
    for (let i = 0; i < 3; i++) await tr.step();
    const prof = await tf.profile(async () => {
      await tr.step();
    });
    const ms: number[] = [];
    const cpuMs: number[] = [];
    for (let i = 0; i < steps; i++) {
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      await tr.step();
      ms.push(performance.now() - t0);
      const c = process.cpuUsage(c0);
      cpuMs.push((c.user + c.system) / 1000);
    }
    const lab = tr.started.labDesign;
    const p = tr.params;
    const dir = mkdtempSync(join(tmpdir(), 'lab-torch-'));
    let torchMs = NaN;
    let torchCpuMs = NaN;
    try {
      const file = join(dir, 'design.json');
      writeFileSync(file, JSON.stringify({ ...lab, layers: expandLayers(lab.layers) }));
      const per = tr.task.scoredPerSequence(p);
      const out = execFileSync('/usr/bin/python3', [join(here, 'quality', 'torch_lab_step.py'), file, '32', String(p.seqLen), String(per), String(tr.task.classOffset(p)), String(tr.task.numClasses(p)), '--steps', String(steps), ...(tr.task.id === 'mqar-stacked' ? ['--stacked'] : [])], {
        encoding: 'utf8',
        // one thread everywhere: torch's intra-op pool and the BLAS library's own (OpenBLAS spins a second thread otherwise)
        env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' },
      });
      const t = JSON.parse(out) as { msPerStep: number; cpuMsPerStep: number };
      torchMs = t.msPerStep;
      torchCpuMs = t.cpuMsPerStep;
    } catch (e) {
      process.stdout.write(`  (PyTorch twin failed: ${(e as Error).message.split('\n')[0]})\n`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    return { name: design.name, layers: tr.started.profile.layers, d: tr.started.profile.dModel, scan: tr.started.scan, ms: median(ms), cpuMs: median(cpuMs), dispatches: prof.kernels.length, torchMs, torchCpuMs, vars: tr.variableCount };
  } finally {
    tr.dispose();
  }
}

/** Steps alternating between tfjs's BatchMatMul and ours on one trainer: medians of each (wall / CPU ms). */
async function matMulAb(design: Design, steps: number) {
  const tr = await LabTrainer.create(trainRequest(design, { backend: 'wasm' }));
  const t = { off: { ms: [] as number[], cpu: [] as number[] }, auto: { ms: [] as number[], cpu: [] as number[] } };
  try {
    for (let i = 0; i < 2 * steps + 6; i++) {
      const m = i % 2 ? 'off' : 'auto';
      setSimdBatchMatMulMode(m);
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      await tr.step();
      const c = process.cpuUsage(c0);
      if (i < 6) continue; // warm-up: both kernels compiled and tiered up
      t[m].ms.push(performance.now() - t0);
      t[m].cpu.push((c.user + c.system) / 1000);
    }
  } finally {
    setSimdBatchMatMulMode('auto');
    tr.dispose();
  }
  return { tfjs: { ms: median(t.off.ms), cpu: median(t.off.cpu) }, ours: { ms: median(t.auto.ms), cpu: median(t.auto.cpu) } };
}

export async function run(args: string[]): Promise<void> {
  const steps = Number(args.find((a) => a.startsWith('--steps='))?.split('=')[1] ?? 20);
  if (args.includes('--matmul=tfjs')) setSimdBatchMatMulMode('off');
  process.stdout.write(`batched matMul on wasm: ${args.includes('--matmul=tfjs') ? "tfjs's own kernel (--matmul=tfjs)" : 'ours where it is taken (kernels/wasmBatchMatMul.ts)'}\n`);
  const ids = (args.find((a) => a.startsWith('--designs='))?.split('=')[1] ?? 'llama-2-7b,jamba-v0.1,mamba-2.8b').split(',');
  const designs = ids.map((id) => {
    const p = getPreset(id);
    if (!p) throw new Error(`unknown preset ${id}`);
    return p.design;
  });
  if (args.includes('--matmul-ab')) {
    process.stdout.write(`\nbatched matMul A/B: steps alternating tfjs's kernel / ours on one trainer, ${steps} of each; load ${load()}\n`);
    process.stdout.write('| design | tfjs BatchMatMul ms/step (wall / CPU) | ours ms/step (wall / CPU) | CPU time saved |\n| --- | --- | --- | --- |\n');
    for (const d of designs) {
      const r = await matMulAb(d, steps);
      process.stdout.write(`| ${d.name} | ${r.tfjs.ms.toFixed(0)} / ${r.tfjs.cpu.toFixed(0)} | ${r.ours.ms.toFixed(0)} / ${r.ours.cpu.toFixed(0)} | ${(100 * (1 - r.ours.cpu / r.tfjs.cpu)).toFixed(0)} % |\n`);
    }
    process.stdout.write(`load after: ${load()}\n`);
    return;
  }
  process.stdout.write(`\n1. one training step (stacked MQAR, 16 pairs, batch 32), wasm vs PyTorch CPU 1 thread; load ${load()}\n`);
  process.stdout.write(
    '| design | lab copy | scan | tfjs ms/step (wall / CPU) | dispatches | variables | PyTorch ms/step (wall / CPU) | tfjs speed / PyTorch (wall / CPU) |\n| --- | --- | --- | --- | --- | --- | --- | --- |\n',
  );
  for (const d of designs) {
    const f = await stepFigures(d, steps);
    process.stdout.write(
      `| ${f.name} | ${f.layers} layers, d ${f.d} | ${f.scan} | ${f.ms.toFixed(0)} / ${f.cpuMs.toFixed(0)} | ${f.dispatches} | ${f.vars} | ${f.torchMs.toFixed(0)} / ${f.torchCpuMs.toFixed(0)} | ${(f.torchMs / f.ms).toFixed(2)}× / ${(f.torchCpuMs / f.cpuMs).toFixed(2)}× |\n`,
    );
  }
  process.stdout.write(`load after: ${load()}\n`);
  if (args.includes('--full')) {
    process.stdout.write(`\n2. the default run of each design (300 steps, stop at 99 %); load ${load()}\n| design | wall s | steps | held-out accuracy | s/step |\n| --- | --- | --- | --- | --- |\n`);
    for (const d of designs) {
      const t0 = performance.now();
      const r = await runTraining(trainRequest(d, { backend: 'wasm' }));
      process.stdout.write(`| ${d.name} | ${((performance.now() - t0) / 1000).toFixed(0)} | ${r.final.steps} | ${(100 * r.final.accuracy).toFixed(1)} % | ${r.secondsPerStep.toFixed(3)} |\n`);
    }
    process.stdout.write(`load after: ${load()}\n`);
  }
  if (args.includes('--compare')) {
    const jamba = getPreset('jamba-v0.1')!.design;
    const five = ratioVariants(jamba);
    process.stdout.write(`\n3. five-design comparison (Compare ratios on Jamba-v0.1), queued; load ${load()}\n| design | wall s | steps | held-out accuracy |\n| --- | --- | --- | --- |\n`);
    const t0 = performance.now();
    const results: { designName: string; result: TrainResult; wallSeconds: number; load: string }[] = [];
    for (const v of five) {
      const t = performance.now();
      const r = await runTraining(trainRequest(v.design, { backend: 'wasm' }));
      const wall = (performance.now() - t) / 1000;
      results.push({ designName: v.design.name, result: r, wallSeconds: wall, load: load() });
      process.stdout.write(`| ${v.label} | ${wall.toFixed(0)} | ${r.final.steps} | ${(100 * r.final.accuracy).toFixed(1)} % |\n`);
    }
    process.stdout.write(`total ${((performance.now() - t0) / 1000).toFixed(0)} s; load after: ${load()}\n`);
    const out = args.find((a) => a.startsWith('--out='))?.split('=')[1];
    if (out) writeFileSync(out, JSON.stringify({ machine: `${cpus().length} cores, ${cpus()[0]?.model ?? ''}`, date: new Date().toISOString(), results }, null, 1) + '\n');
  }
}

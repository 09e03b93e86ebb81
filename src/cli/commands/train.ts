/**
 * `train <preset-id | design.json | hf-config.json> [--task mqar-stacked|mqar|copy|induction] [--kv-pairs 16]
 * [--steps 300] [--batch 32] [--lr 4e-3] [--seed 1] [--backend wasm|cpu|auto] [--scan auto|simd|js|chunked|naive]
 * [--schedule cosine|constant] [--ffn] [--export <dir>] [--json]`: trains the design's lab copy on a synthetic recall
 * task (src/sim/lab) and prints `{task, taskParams, profile, backend, seed, curve, final, secondsPerStep}` with
 * `--json` (profile: the lab profile with the scan, the gradient path of each block kind and how the copy was made).
 * `--export <dir>` writes the trained tiny model as `run --export` does (HF Jamba weights + config.json) when the lab
 * copy is expressible as a Jamba config (its FFNs must be on: `--ffn`).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TrainRequest, TrainResult } from '../../sim/protocol';
import { DEFAULT_TRAIN, MAX_TRAIN_BATCH, MAX_TRAIN_STEPS, taskParamsOf, trainRequest } from '../../sim/lab/trainRequest';
import { TASKS, isTaskId } from '../../sim/lab/tasks/tasks';
import { TASK_IDS } from '../../sim/lab/tasks/taskTypes';
import { CliError, flagInt, flagString, parseArgs, type Command } from '../common';
import { readDesignArg } from './designIo';
import { backendFlag, scanFlag, seedFlag } from './runtimeArgs';

const USAGE =
  'train <preset-id | design.json | hf-config.json> [--task mqar-stacked|mqar|copy|induction] [--kv-pairs 16] [--steps 300] [--batch 32] [--lr 4e-3] [--seed 1] ' +
  '[--backend wasm|cpu|auto] [--scan auto|simd|js|chunked|naive] [--schedule cosine|constant] [--ffn] [--export <dir>] [--json]';

const HELP = `usage: ${USAGE}

Trains a tiny copy of the design (its lab profile: the layer pattern kept, d = 64, or 32 past 4 layers; FFNs off unless
--ffn) on a synthetic recall task in tfjs, and reports the held-out accuracy. Small-scale results: they compare designs
at the same budget, not the full-size models.

  --task       ${TASK_IDS.map((id) => `${id} (${TASKS[id].name})`).join(', ')}; default ${DEFAULT_TRAIN.task}
  --kv-pairs   MQAR: key-value pairs per sequence; copy: tokens to copy (default: the task's, 16 for stacked MQAR)
  --steps      optimiser steps (default ${DEFAULT_TRAIN.steps}; stops early at ${DEFAULT_TRAIN.earlyStopAccuracy * 100} % held-out accuracy)
  --batch      sequences per step (default ${DEFAULT_TRAIN.batch}, fresh every step)
  --lr         peak learning rate of AdamW (default ${DEFAULT_TRAIN.lr}; ${DEFAULT_TRAIN.warmupSteps} warm-up steps, then the schedule)
  --schedule   cosine (default) or constant
  --seed       weights, data and the held-out set (default 1)
  --backend    wasm, cpu or auto (default auto: wasm)
  --scan       the SSM scans' implementation while training (default auto: simd on wasm/cpu)
  --ffn        keep the design's FFNs (MLP, MoE), scaled to 2·d
  --export     write the trained model as HF Jamba safetensors + config.json (designs of Jamba's kinds, with --ffn)
  --json       print one JSON object: task, taskParams, profile, backend, seed, curve, final, secondsPerStep
`;

/** `--lr`: a number in (0, 1]. */
function lrFlag(v: string | undefined): number {
  if (v === undefined) return DEFAULT_TRAIN.lr;
  const n = Number(v);
  if (!/^[0-9.eE+-]+$/.test(v) || !Number.isFinite(n) || n <= 0 || n > 1) throw new CliError(`--lr must be a number in (0, 1], got "${v}"`);
  return n;
}

/** The CLI's JSON: exactly the issue's contract; what else a run knows goes into `profile`. */
export function trainJson(r: TrainResult) {
  return {
    task: r.task,
    taskParams: r.taskParams,
    profile: { ...r.profile, design: r.labDesign.name, scan: r.scan, backendReason: r.backendReason, gradientPaths: r.gradientPaths, notes: r.notes, settings: r.settings, stoppedEarly: r.stoppedEarly },
    backend: r.backend,
    seed: r.seed,
    curve: r.curve,
    final: r.final,
    secondsPerStep: r.secondsPerStep,
  };
}

export const trainCommand: Command = {
  summary: 'train a tiny copy of a design on a synthetic recall task (MQAR, copying, induction); print accuracy',
  async run(args) {
    if (args.includes('--help') || args.includes('-h')) {
      process.stdout.write(HELP);
      return 0;
    }
    const p = parseArgs(args, ['task', 'kv-pairs', 'steps', 'batch', 'lr', 'seed', 'backend', 'scan', 'schedule', 'ffn', 'export', 'json'], ['ffn', 'json']);
    if (p.positional.length > 1) throw new CliError(`expected one design, got ${p.positional.length}: ${p.positional.join(' ')}; usage: ${USAGE}`);
    const task = flagString(p, 'task') ?? DEFAULT_TRAIN.task;
    if (!isTaskId(task)) throw new CliError(`--task must be one of ${TASK_IDS.join(', ')}, got "${task}"`);
    const kvText = flagString(p, 'kv-pairs');
    if (kvText !== undefined && TASKS[task].kvPairsMeaning === null) throw new CliError(`--kv-pairs does not apply to --task ${task} (one query per sequence)`);
    const kvPairs = flagInt(p, 'kv-pairs', TASKS[task].params().kvPairs, 1, 65_536);
    try {
      taskParamsOf({ task, kvPairs });
    } catch (e) {
      throw new CliError(`--kv-pairs ${(e as Error).message.replace(/^kvPairs /, '')}`);
    }
    const schedule = flagString(p, 'schedule') ?? DEFAULT_TRAIN.schedule;
    if (schedule !== 'cosine' && schedule !== 'constant') throw new CliError(`--schedule must be cosine or constant, got "${schedule}"`);
    const design = readDesignArg(p.positional[0], USAGE);
    const request: TrainRequest = trainRequest(design, {
      task,
      kvPairs,
      steps: flagInt(p, 'steps', DEFAULT_TRAIN.steps, 1, MAX_TRAIN_STEPS),
      batch: flagInt(p, 'batch', DEFAULT_TRAIN.batch, 1, MAX_TRAIN_BATCH),
      lr: lrFlag(flagString(p, 'lr')),
      seed: seedFlag(p),
      backend: backendFlag(p),
      scan: scanFlag(p),
      schedule,
      lab: { ...DEFAULT_TRAIN.lab, ffn: p.flags.has('ffn') },
    });
    const exportDir = flagString(p, 'export');
    const json = p.flags.has('json');
    const showProgress = !!process.stderr.isTTY;
    // tfjs loads only for the commands that run models, so `cost` and friends start fast.
    const { runTraining } = await import('../../sim/lab/train');
    const { exportJamba } = await import('../../sim/runtime/export');
    const { labDesign } = await import('../../sim/lab/labProfile');
    const { initModelWeights } = await import('../../sim/runtime/builder');
    if (exportDir !== undefined) {
      // Check exportability before training, so a design that cannot be written fails fast with one line.
      try {
        exportJamba(initModelWeights(labDesign(design, taskParamsOf(request).vocabSize, request.lab).design, request.seed));
      } catch (e) {
        throw new CliError(`${(e as Error).message}${request.lab.ffn ? '' : ' (the lab copy has no FFNs unless --ffn)'}`);
      }
    }
    let exported: ReturnType<typeof exportJamba> | null = null;
    let result: TrainResult;
    try {
      result = await runTraining(request, {
        onProgress: (s) => showProgress && s.step % 25 === 0 && process.stderr.write(`step ${s.step}/${s.steps}: loss ${s.loss.toFixed(3)}, batch accuracy ${(100 * s.accuracy).toFixed(1)} %\n`),
        onPoint: (pt) => showProgress && process.stderr.write(`held-out @ ${pt.step}: accuracy ${(100 * pt.accuracy).toFixed(1)} %, loss ${pt.loss.toFixed(3)}\n`),
        onTrained: (w) => {
          if (exportDir !== undefined) exported = exportJamba(w);
        },
      });
    } catch (e) {
      throw new CliError((e as Error).message);
    }
    const files: string[] = [];
    if (exported && exportDir !== undefined) {
      const { encodeSafetensors } = await import('../../sim/runtime/safetensors');
      const ex = exported as ReturnType<typeof exportJamba>;
      try {
        mkdirSync(exportDir, { recursive: true });
        writeFileSync(join(exportDir, 'model.safetensors'), encodeSafetensors(ex.tensors));
        writeFileSync(join(exportDir, 'config.json'), JSON.stringify(ex.config, null, 2) + '\n');
        files.push(join(exportDir, 'model.safetensors'), join(exportDir, 'config.json'));
      } catch (e) {
        throw new CliError(`cannot write to ${exportDir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
    }
    if (json) {
      process.stdout.write(JSON.stringify(trainJson(result)) + '\n');
      return 0;
    }
    const pct = (a: number) => `${(100 * a).toFixed(1)} %`;
    const lines = [
      `${result.labDesign.name} on ${TASKS[task].name} (${Object.entries(result.taskParams).map(([k, v]) => `${k} ${v}`).join(', ')}): small-scale result`,
      `  ${result.backend} (${result.backendReason}), scan ${result.scan}, lab profile d=${result.profile.dModel}, ${result.profile.layers} layers, FFNs ${result.profile.ffn ? 'on' : 'off'}, seed ${result.seed}`,
      ...result.gradientPaths.map((g) => `  ${g.kind}: ${g.path}`),
      '      step      loss  held-out accuracy',
      ...result.curve.map((c) => `${String(c.step).padStart(10)}${c.loss.toFixed(4).padStart(10)}${pct(c.accuracy).padStart(19)}`),
      `final: ${pct(result.final.accuracy)} after ${result.final.steps} steps${result.stoppedEarly ? ' (stopped early)' : ''}; ${(result.secondsPerStep * 1000).toFixed(0)} ms per step`,
      ...(files.length ? [`wrote ${files.join(', ')}`] : []),
    ];
    process.stdout.write(lines.join('\n') + '\n');
    return 0;
  },
};

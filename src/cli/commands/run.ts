/**
 * `run <preset-id | design.json> [--seed 1] [--tokens 1,2,3] [--profile tiny] [--backend wasm|cpu] [--json]
 * [--export <dir>]`: builds the scaled model from a seed, runs one prefill over the tokens and prints the logits of the
 * last position. `--export <dir>` also writes model.safetensors + config.json in a Hugging Face family's tensor names
 * (jamba, nemotron_h or qwen3_next: the first that expresses the design, or `--family`), src/sim/runtime/export.ts.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HfExport } from '../../sim/runtime/export';
import { scaleDesign } from '../../sim/runtime/profile';
import { encodeSafetensors } from '../../sim/runtime/safetensors';
import { chooseScan } from '../../sim/runtime/scan/chooseScan';
import { simdScanAvailable } from '../../sim/runtime/scan/scanSimd';
import { CliError, flagString, parseArgs, type Command } from '../common';
import { writeLines } from '../sanitize';
import { readDesignArg } from './designIo';
import { backendFlag, profileFlag, scanFlag, seedFlag } from './runtimeArgs';

const USAGE = 'run <preset-id | design.json> [--seed 1] [--tokens 1,2,3] [--profile tiny|small|medium] [--backend wasm|cpu] [--scan auto|simd|js|chunked|naive] [--json] [--export <dir> [--family jamba|nemotron_h|qwen3_next]]';
const FAMILIES = ['jamba', 'nemotron_h', 'qwen3_next'] as const;

function tokensFlag(text: string | undefined, vocab: number): number[] {
  if (text === undefined) return [1, 2, 3];
  if (!/^\d+(,\d+)*$/.test(text)) throw new CliError(`--tokens must be a comma-separated list of token ids (non-negative integers), got "${text}"`);
  const ids = text.split(',').map(Number);
  if (ids.length > 4096) throw new CliError(`--tokens takes at most 4096 ids, got ${ids.length}`);
  const bad = ids.find((t) => t >= vocab);
  if (bad !== undefined) throw new CliError(`--tokens ids must be below the profile's vocab size ${vocab}, got ${bad}`);
  return ids;
}

export const runCommand: Command = {
  summary: 'run a scaled model from a seed on given tokens; print last-position logits; --export HF weights (jamba, nemotron_h, qwen3_next)',
  usage: USAGE,
  async run(args) {
    const p = parseArgs(args, ['seed', 'tokens', 'profile', 'backend', 'scan', 'json', 'export', 'family'], ['json']);
    const family = flagString(p, 'family');
    if (family !== undefined && !(FAMILIES as readonly string[]).includes(family)) throw new CliError(`--family must be one of ${FAMILIES.join(', ')}, got "${family}"`);
    if (family !== undefined && !p.flags.has('export')) throw new CliError('--family goes with --export <dir>');
    if (p.positional.length > 1) throw new CliError(`expected one design, got ${p.positional.length}: ${p.positional.join(' ')}; usage: ${USAGE}`);
    const design = readDesignArg(p.positional[0], USAGE);
    const profile = profileFlag(p, 'tiny');
    const seed = seedFlag(p);
    const backendChoice = backendFlag(p);
    const scanChoice = scanFlag(p);
    let scaled;
    try {
      scaled = scaleDesign(design, profile);
    } catch (e) {
      throw new CliError((e as Error).message);
    }
    const tokens = tokensFlag(flagString(p, 'tokens'), scaled.design.vocabSize);
    const exportDir = flagString(p, 'export');
    // tfjs loads only for the commands that run models, so `cost` and friends start fast.
    const tf = await import('@tensorflow/tfjs');
    const { initBackend } = await import('../../sim/runtime/backend');
    const { RuntimeModel, initModelWeights } = await import('../../sim/runtime/builder');
    const { exportHfWeights } = await import('../../sim/runtime/export');
    const weights = initModelWeights(scaled.design, seed);
    // Check exportability before any work, so a design no family expresses fails fast with one line.
    let exported: HfExport | null = null;
    if (exportDir !== undefined) {
      try {
        exported = exportHfWeights(weights, family as (typeof FAMILIES)[number] | undefined);
      } catch (e) {
        throw new CliError((e as Error).message);
      }
    }
    const info = await initBackend(backendChoice);
    const scan = chooseScan(info.backend, scanChoice, 0, simdScanAvailable());
    const model = new RuntimeModel(weights, { backend: info.backend, scan });
    let logits: number[];
    try {
      const ids = tf.tensor2d(tokens, [1, tokens.length], 'int32');
      const out = model.prefill(ids, null);
      ids.dispose();
      logits = Array.from(await out.data());
      out.dispose();
    } finally {
      model.dispose();
    }
    if (exported && exportDir !== undefined) {
      try {
        mkdirSync(exportDir, { recursive: true });
        writeFileSync(join(exportDir, 'model.safetensors'), encodeSafetensors(exported.tensors));
        writeFileSync(join(exportDir, 'config.json'), JSON.stringify(exported.config, null, 2) + '\n');
      } catch (e) {
        throw new CliError(`cannot write to ${exportDir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
    }
    const result = {
      design: scaled.design.name,
      backend: info.backend,
      backendReason: info.reason,
      scan,
      profile,
      seed,
      tokens,
      logits,
      ...(exportDir !== undefined ? { exported: [join(exportDir, 'model.safetensors'), join(exportDir, 'config.json')], exportedAs: exported?.config.model_type } : {}),
    };
    if (p.flags.has('json')) {
      process.stdout.write(JSON.stringify(result) + '\n');
      return 0;
    }
    const top = logits.map((v, i) => [i, v] as const).sort((a, b) => b[1] - a[1]).slice(0, 5);
    writeLines(process.stdout, [
      `${result.design} (seed ${seed}, ${info.backend}, scan ${scan}): logits of position ${tokens.length - 1} over ${logits.length} tokens`,
      `top 5: ${top.map(([i, v]) => `${i} (${v.toFixed(4)})`).join(', ')}`,
      ...(result.exported ? [`wrote ${result.exported.join(', ')}`] : []),
    ]);
    return 0;
  },
};

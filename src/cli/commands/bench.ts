/**
 * `bench <preset-id | design.json> [--seq 256,1024,4096] [--backend wasm|cpu] [--scan auto|simd|js|chunked|naive] [--profile tiny]
 * [--steps 32] [--repeats 5] [--batch 1] [--seed 1] [--budget 4GiB] [--kv-capacity exact|pow2] [--json]`: runs the runtime's benchmark sweep in
 * Node on a scaled copy of the design and prints one JSON object (or a table).
 */
import { totalmem } from 'node:os';
import type { BenchRequest } from '../../sim/protocol';
import { isRunRefused } from '../../sim/runtime/runRefused';
import { CliError, flagInt, flagIntList, flagString, parseArgs, type Command } from '../common';
import { writeLines } from '../sanitize';
import { parseByteSize } from './cost';
import { readDesignArg } from './designIo';
import { backendFlag, kvCapacityFlag, profileFlag, scanFlag, seedFlag } from './runtimeArgs';

const USAGE = 'bench <preset-id | design.json> [--seq 256,1024,4096] [--backend wasm|cpu] [--scan auto|simd|js|chunked|naive] [--profile tiny|small|medium] [--steps 32] [--repeats 5] [--batch 1] [--seed 1] [--budget 4GiB] [--kv-capacity exact|pow2] [--json]';

/** The default sweep: 128 ... 8192, doubling. */
export const DEFAULT_SEQ_LENS = [128, 256, 512, 1024, 2048, 4096, 8192];

const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : String(n));

export const benchCommand: Command = {
  summary: 'measure prefill tokens/s, decode ms/token and cache bytes of a scaled design (tfjs, Node)',
  usage: USAGE,
  async run(args) {
    const p = parseArgs(args, ['seq', 'backend', 'scan', 'profile', 'steps', 'repeats', 'batch', 'seed', 'budget', 'kv-capacity', 'json'], ['json']);
    if (p.positional.length > 1) throw new CliError(`expected one design, got ${p.positional.length}: ${p.positional.join(' ')}; usage: ${USAGE}`);
    const design = readDesignArg(p.positional[0], USAGE);
    // A budget above this machine's memory is capped at it: the backend's own limits (the wasm heap, the largest
    // allocation) are checked by the runtime, the machine's memory here.
    const budgetText = flagString(p, 'budget') ?? '4GiB';
    const budget = parseByteSize(budgetText, 'budget');
    const machine = totalmem();
    const request: BenchRequest = {
      design,
      seqLens: flagIntList(p, 'seq', DEFAULT_SEQ_LENS, 1 << 20, 64),
      backend: backendFlag(p),
      scan: scanFlag(p),
      profile: profileFlag(p, 'tiny'),
      seed: seedFlag(p),
      batch: flagInt(p, 'batch', 1, 1, 64),
      decodeSteps: flagInt(p, 'steps', 32, 1, 4096),
      repeats: flagInt(p, 'repeats', 5, 1, 1000),
      memoryBudgetBytes: Math.min(budget, machine),
      kvCapacity: kvCapacityFlag(p),
    };
    const json = p.flags.has('json');
    const showProgress = !!process.stderr.isTTY;
    // tfjs loads only for the commands that run models, so `cost` and friends start fast.
    const { runBench } = await import('../../sim/runtime/bench');
    let result;
    try {
      result = await runBench(request, {
        onPoint: (pt) => showProgress && process.stderr.write(`L=${pt.seqLen}: ${fmt(pt.prefillTokensPerSec, 0)} tok/s prefill, ${fmt(pt.decodeMsPerToken, 2)} ms/token decode\n`),
      });
    } catch (e) {
      // A refused run (bad request or profile, a backend that is not there, memory the run cannot have) is the user's
      // to fix: one line, exit 2. Anything else failed while running: an internal error (runCli: exit 1).
      if (isRunRefused(e)) throw new CliError(e.message + (budget > machine ? ` (--budget ${budgetText} is more than this machine's ${(machine / 2 ** 30).toFixed(1)} GiB of memory, which was used instead)` : ''));
      throw e;
    }
    if (json) {
      process.stdout.write(JSON.stringify(result) + '\n');
      return 0;
    }
    const lines = [
      `${result.scaledDesign.name}: backend ${result.backend} (${result.backendReason}), ${result.threads} thread${result.threads === 1 ? '' : 's'} (${result.threadsReason}), scan ${result.scan}${result.moeCombine ? `, MoE ${result.moeCombine}` : ''}`,
      ...(result.profileNotes ?? []).map((n) => `  ${n}`),
      ['seqLen', 'prefill tok/s', 'decode ms/tok', 'KV bytes', 'predicted', 'KV capacity', 'state bytes', 'predicted', 'dispatch/step'].map((h) => h.padStart(14)).join(''),
      ...result.points.map((pt) =>
        [pt.seqLen, fmt(pt.prefillTokensPerSec, 0), fmt(pt.decodeMsPerToken, 3), pt.kvCacheBytes, pt.predictedKvCacheBytes, pt.kvCacheCapacity ?? '-', pt.stateBytes, pt.predictedStateBytes, pt.dispatchesPerDecodeStep]
          .map((v) => String(v).padStart(14))
          .join(''),
      ),
    ];
    writeLines(process.stdout, lines);
    return 0;
  },
};

import { existsSync } from 'node:fs';
import { loadDesignSource } from '../../models/load';
import { getPreset, PRESETS, SEED_RULE_PRESET } from '../../models/presets';
import { DTYPES, type Design, type Dtype } from '../../models/schema';
import { analyzeDesign } from '../../sim/cost/analyzeDesign';
import { costPointAt } from '../../sim/cost/costAt';
import { crossoverForCost } from '../../sim/cost/crossoverLength';
import { formatBytes, formatCount, formatInt } from '../../sim/cost/format';
import { maxContextForCost } from '../../sim/cost/maxContextInBudget';
import type { CostPoint, DesignCost, LayerCost } from '../../sim/cost/types';
import { CliError, type Command, flagInt, flagIntList, flagString, parseArgs, readTextFile } from '../common';
import { writeLines } from '../sanitize';

const USAGE = 'cost <preset-id | design.json | hf-config.json> [--seq 4096,262144] [--dtype bf16] [--cache-dtype bf16] [--batch 1] [--budget 80GiB] [--json]';

/** Most `--seq` points in one report (a table of a million rows helps nobody and used to crash). */
export const MAX_COST_POINTS = 1000;

const BYTE_SUFFIXES: Record<string, number> = {
  b: 1,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
};

/** A memory size: `80GiB`, `512MiB` (binary), `80GB` (decimal) or plain bytes. */
export function parseByteSize(text: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([a-zA-Z]*)$/.exec(text.trim());
  const mult = m ? BYTE_SUFFIXES[(m[2] || 'b').toLowerCase()] : undefined;
  if (!m || mult === undefined) throw new CliError(`--${flag} must be a size such as 80GiB or 512MiB (binary) or 80GB (decimal), got "${text}"`);
  const bytes = Math.floor(Number(m[1]) * mult);
  if (!Number.isSafeInteger(bytes)) throw new CliError(`--${flag} is too large: "${text}"`);
  return bytes;
}

function dtypeFlag(value: string | undefined, flag: string): Dtype | undefined {
  if (value === undefined) return undefined;
  if (!(DTYPES as readonly string[]).includes(value)) throw new CliError(`--${flag} "${value}" is not a dtype; allowed: ${DTYPES.join(', ')}`);
  return value as Dtype;
}

/** A preset id, or a path to our design JSON or a Hugging Face config.json (told apart by `format` / `model_type`). */
export function loadDesignArg(arg: string): Design {
  if (existsSync(arg) || arg.endsWith('.json')) {
    const r = loadDesignSource(readTextFile(arg));
    if (!r.ok) {
      const [first] = r.issues;
      const more = r.issues.length > 1 ? ` (and ${r.issues.length - 1} more)` : '';
      throw new CliError(`${arg}: ${first ? `${first.path}: ${first.message}` : 'invalid'}${more}`);
    }
    return r.value;
  }
  const preset = getPreset(arg);
  if (!preset) throw new CliError(`unknown preset "${arg}"; known: ${[...PRESETS.map((p) => p.id), SEED_RULE_PRESET.id].join(', ')} (or give a path to a design.json or config.json)`);
  return preset.design;
}

function table(header: string[], rows: string[][], leftColumns = 1): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i < leftColumns ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** Runs of identical consecutive layers become one row ("4-7"). */
function layerRows(layers: readonly LayerCost[]): string[][] {
  const rows: string[][] = [];
  let start = 0;
  for (let i = 1; i <= layers.length; i++) {
    const a = layers[start]!;
    const b = layers[i];
    if (b && b.mixer === a.mixer && b.ffn === a.ffn && b.params === a.params && b.activeParams === a.activeParams) continue;
    const span = i - 1 === start ? `${start}` : `${start}-${i - 1}`;
    const mixer = a.sharedBlockId !== null ? `shared:${a.sharedBlockId}` : a.mixer;
    rows.push([span, mixer, a.ffn, formatInt(a.params), formatInt(a.activeParams), a.stateBytes ? formatBytes(a.stateBytes) : '-', a.kvBytesPerToken ? formatBytes(a.kvBytesPerToken) : '-']);
    start = i;
  }
  return rows;
}

function pointRows(points: readonly CostPoint[]): string[][] {
  return points.map((p) => [
    formatInt(p.seqLen),
    formatBytes(p.kvCacheBytes),
    formatBytes(p.stateBytes),
    formatBytes(p.weightBytes),
    formatBytes(p.totalBytes),
    formatCount(p.flopsPerToken),
    formatCount(p.prefillFlopsPerToken),
  ]);
}

function textReport(design: Design, cost: DesignCost, points: CostPoint[], crossover: number | null, budget: { bytes: number; maxContext: number } | null): string {
  const p = cost.params;
  const out = [
    `${design.name}  (weights ${cost.dtype}, caches ${cost.cacheDtype}, batch ${cost.batch}; bytes in binary units, 1 GiB = 2^30 bytes)`,
    `Parameters: ${formatInt(p.total)} total (${formatCount(p.total)}), ${formatInt(p.active)} active per token (${formatCount(p.active)})` +
      (p.activeWithRepeats !== p.active ? `; ${formatCount(p.activeWithRepeats)} executed per token (shared blocks counted at every call)` : ''),
    `Weights: ${formatBytes(cost.weightBytes)}   State: ${formatBytes(cost.stateBytes)} (constant in length)   KV passes state at: ${crossover === null ? 'never' : `${formatInt(crossover)} tokens`}`,
  ];
  if (budget) {
    const fixed = cost.weightBytes + cost.stateBytes;
    const mc =
      budget.maxContext === Infinity
        ? 'unbounded (the KV cache stops growing)'
        : fixed > budget.bytes
          ? `0 tokens (weights + state ${formatBytes(fixed)} exceed it)`
          : `${formatInt(budget.maxContext)} tokens`;
    out.push(`Max context in ${formatBytes(budget.bytes)}: ${mc}`);
  }
  out.push('', table(['layers', 'mixer', 'ffn', 'params', 'active', 'state', 'KV/token'], layerRows(cost.layers), 3));
  for (const b of cost.sharedBlocks) out.push(`shared block ${b.id}: ${formatInt(b.params)} params stored once, ${formatInt(b.activeParams)} active per call, ${b.calls} calls`);
  out.push('', table(['seq len', 'KV cache', 'state', 'weights', 'total', 'decode FLOPs/tok', 'prefill FLOPs/tok'], pointRows(points)));
  return out.join('\n') + '\n';
}

/** `cost`: the analytic costs of a preset, a design file or a Hugging Face config, as a table or one JSON object. */
export const costCommand: Command = {
  summary: 'analytic costs (params, bytes, FLOPs) of a preset, design.json or HF config.json',
  usage: USAGE,
  async run(args) {
    const p = parseArgs(args, ['seq', 'dtype', 'cache-dtype', 'batch', 'budget', 'json'], ['json']);
    if (p.positional.length !== 1) throw new CliError(`expected one design (preset id or file), got ${p.positional.length}; usage: ${USAGE}`);
    const dtype = dtypeFlag(flagString(p, 'dtype'), 'dtype');
    const cacheDtype = dtypeFlag(flagString(p, 'cache-dtype'), 'cache-dtype');
    const batch = flagInt(p, 'batch', 1, 1, 1_000_000);
    const seqLens = flagIntList(p, 'seq', [4096, 262144], 1 << 30, MAX_COST_POINTS);
    const budgetText = flagString(p, 'budget');
    const budgetBytes = budgetText === undefined ? null : parseByteSize(budgetText, 'budget');
    const design = loadDesignArg(p.positional[0]!);

    const cost = analyzeDesign(design, { ...(dtype ? { dtype } : {}), ...(cacheDtype ? { cacheDtype } : {}), batch });
    const points = seqLens.map((L) => costPointAt(cost, L));
    const crossover = crossoverForCost(cost);
    const budget = budgetBytes === null ? null : { bytes: budgetBytes, maxContext: maxContextForCost(cost, budgetBytes) };

    if (p.flags.has('json')) {
      const json = {
        name: design.name,
        dtype: cost.dtype,
        cacheDtype: cost.cacheDtype,
        batch: cost.batch,
        params: cost.params,
        weightBytes: cost.weightBytes,
        stateBytes: cost.stateBytes,
        crossoverLength: crossover,
        ...(budget ? { budget: { bytes: budget.bytes, maxContext: budget.maxContext === Infinity ? null : budget.maxContext, unbounded: budget.maxContext === Infinity } } : {}),
        layers: cost.layers.map((l) => ({
          index: l.index,
          mixer: l.mixer,
          ffn: l.ffn,
          params: l.params,
          activeParams: l.activeParams,
          kvBytesPerToken: l.kvBytesPerToken,
          kvWindow: l.kvWindow,
          stateBytes: l.stateBytes,
          sharedBlockId: l.sharedBlockId,
        })),
        sharedBlocks: cost.sharedBlocks.map(({ id, params, activeParams, calls }) => ({ id, params, activeParams, calls })),
        points,
      };
      process.stdout.write(JSON.stringify(json) + '\n');
    } else {
      writeLines(process.stdout, textReport(design, cost, points, crossover, budget).trimEnd().split('\n'));
    }
    return 0;
  },
};

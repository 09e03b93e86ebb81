/**
 * `roofline`: the deployment planner from the command line: time to first token, decode speed, memory per GPU and
 * concurrency of a design on catalogue (or custom) hardware, for each length × batch. `hardware`: the catalogue.
 */
import { existsSync } from 'node:fs';
import { DTYPES, type Dtype } from '../../models/schema';
import { analyzeDesign } from '../../sim/cost/analyzeDesign';
import { formatBytes, formatInt } from '../../sim/cost/format';
import { DEFAULT_EFFICIENCY, EFFICIENCY_SOURCES, resolveDeployment, type Efficiency, type Precision } from '../../sim/planner/deployment';
import { checkHardware, getHardware, HARDWARE, HARDWARE_IDS, type HardwareSpec } from '../../sim/planner/hardware';
import { planDeployment, type DeploymentPoint } from '../../sim/planner/planDeployment';
import { writeLines } from '../sanitize';
import { CliError, type Command, flagInt, flagIntList, flagString, parseArgs, readTextFile } from '../common';
import { loadDesignArg } from './cost';

const USAGE =
  'roofline <preset-id | design.json | hf-config.json> [--hardware h100-sxm[,rtx-4090,custom.json]] [--seq 1024,131072] [--batch 1,16] ' +
  '[--weights-dtype bf16] [--kv-dtype bf16] [--state-dtype fp32] [--act-dtype bf16] [--tp 1] [--pp 1] [--efficiency 1 | compute=0.7,memory=0.8,interconnect=0.77,capacity=0.9] [--layers] [--json]';

const HELP = `${USAGE}

Predicts, by a roofline per layer (time = max(FLOPs / peak, bytes / bandwidth), scaled by efficiency factors), how
the full-size design prefills and decodes on the hardware given, for every --seq length and --batch size.

  --hardware      catalogue ids (see \`cli hardware\`), comma-separated, or a custom.json with
                  {"id", "name", "peakFlops": {"bf16": FLOP/s, ...}, "memBandwidth": B/s, "memBytes": B,
                   "interconnect": {"name", "bandwidth": B/s per direction, "latencySeconds"} | null, "source"}
  --seq           context lengths L (prefill of L tokens; decode of one token at context L); K = 1,024
  --batch         sequences decoded (and prompts prefilled) together
  --*-dtype       precision per tensor class: ${DTYPES.join(', ')}; defaults: weights and KV the design's dtype,
                  state fp32, activations 16-bit (matmuls run at the activation dtype's rate, scans at the state's)
  --tp, --pp      tensor-parallel GPUs (must divide every head and channel count) and pipeline stages
  --efficiency    one number for all four factors (1 = the pure roofline), or name=value pairs; defaults:
${(Object.keys(DEFAULT_EFFICIENCY) as (keyof Efficiency)[]).map((k) => `                    ${k} ${DEFAULT_EFFICIENCY[k]}: ${EFFICIENCY_SOURCES[k]}`).join('\n')}
  --layers        (with --json) each point carries the per-layer roofline of both phases
  --json          one JSON object: {"hardware": [...], "points": [{"hardware", "batch", "seqLen", "prefillSeconds",
                  "decodeSecondsPerToken", "decodeTokensPerSec", "bound", "fits", "maxConcurrency",
                  "memoryPerGpuBytes", ...}]}; "bound" is the decode phase's, maxConcurrency null = unbounded
`;

function dtypeFlag(value: string | undefined, flag: string): Dtype | undefined {
  if (value === undefined) return undefined;
  if (!(DTYPES as readonly string[]).includes(value)) throw new CliError(`--${flag} "${value}" is not a dtype; allowed: ${DTYPES.join(', ')}`);
  return value as Dtype;
}

/** `--efficiency 1` or `--efficiency compute=0.6,memory=0.9`: the factors given, the rest their defaults. */
export function efficiencyFlag(text: string | undefined): Partial<Efficiency> {
  if (text === undefined) return {};
  const keys = Object.keys(DEFAULT_EFFICIENCY) as (keyof Efficiency)[];
  const num = (s: string, what: string) => {
    const v = Number(s);
    if (s.trim() === '' || !Number.isFinite(v) || v <= 0 || v > 1) throw new CliError(`--efficiency: ${what} must be a number in (0, 1], got "${s}"`);
    return v;
  };
  if (!text.includes('=')) {
    const v = num(text, 'the factor');
    return Object.fromEntries(keys.map((k) => [k, v]));
  }
  const out: Partial<Efficiency> = {};
  for (const part of text.split(',')) {
    const [k, v] = part.split('=');
    if (!keys.includes(k as keyof Efficiency) || v === undefined) throw new CliError(`--efficiency: "${part}" is not name=value with a name of ${keys.join(', ')}`);
    out[k as keyof Efficiency] = num(v, `efficiency.${k}`);
  }
  return out;
}

/** A catalogue id, or a path to a custom hardware JSON (checked like user input: the error names the field). */
export function hardwareArg(arg: string): HardwareSpec {
  if (arg.endsWith('.json') || existsSync(arg)) {
    let raw: unknown;
    try {
      raw = JSON.parse(readTextFile(arg));
    } catch (e) {
      if (e instanceof CliError) throw e;
      throw new CliError(`${arg}: not JSON (${(e as Error).message})`);
    }
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new CliError(`${arg}: a hardware file holds one JSON object`);
    const o = raw as Record<string, unknown>;
    const hw = { id: 'custom', name: 'Custom hardware', interconnect: null, source: `custom hardware from ${arg}`, ...o } as HardwareSpec;
    try {
      checkHardware(hw);
    } catch (e) {
      throw new CliError(`${arg}: ${(e as Error).message}`);
    }
    return hw;
  }
  const hw = getHardware(arg);
  if (!hw) throw new CliError(`--hardware: unknown hardware "${arg}"; known: ${HARDWARE_IDS.join(', ')} (or a path to a custom .json)`);
  return hw;
}

const TFLOPS = (n: number | undefined) => (n === undefined ? '-' : (n / 1e12).toFixed(n >= 100e12 ? 0 : 1));

function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return String(s);
  if (s >= 1) return `${s.toFixed(2)} s`;
  if (s >= 1e-3) return `${(s * 1e3).toFixed(2)} ms`;
  return `${(s * 1e6).toFixed(1)} µs`;
}

function table(header: string[], rows: string[][], leftColumns = 1): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < leftColumns ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

function hardwareJson(h: HardwareSpec) {
  return { id: h.id, name: h.name, peakFlops: h.peakFlops, memBandwidth: h.memBandwidth, memBytes: h.memBytes, interconnect: h.interconnect, source: h.source };
}

function pointJson(hw: HardwareSpec, p: DeploymentPoint, layers: boolean) {
  const phase = (ph: DeploymentPoint['prefill']) => ({
    seconds: ph.seconds,
    bound: ph.bound,
    flops: ph.flops,
    bytes: ph.bytes,
    commSeconds: ph.commSeconds,
    secondsByBound: ph.secondsByBound,
    ...(layers
      ? {
          layers: ph.layers.map((l) => ({ index: l.index, stage: l.stage, bound: l.bound, seconds: l.seconds, computeSeconds: l.computeSeconds, memorySeconds: l.memorySeconds, flops: l.matmulFlops + l.scanFlops, bytes: l.bytes, allReduceSeconds: l.allReduceSeconds })),
          head: { bound: ph.head.bound, seconds: ph.head.seconds, flops: ph.head.matmulFlops, bytes: ph.head.bytes },
        }
      : {}),
  });
  return {
    hardware: hw.id,
    batch: p.batch,
    seqLen: p.seqLen,
    prefillSeconds: p.prefillSeconds,
    decodeSecondsPerToken: p.decodeSecondsPerToken,
    decodeTokensPerSec: p.decodeTokensPerSec,
    bound: p.bound,
    fits: p.fits,
    maxConcurrency: Number.isFinite(p.maxConcurrency) ? p.maxConcurrency : null,
    memoryPerGpuBytes: p.memoryPerGpuBytes,
    aggregateDecodeTokensPerSec: p.aggregateDecodeTokensPerSec,
    prefillTokensPerSec: p.prefillTokensPerSec,
    prefillBound: p.prefillBound,
    tp: p.tp,
    pp: p.pp,
    gpus: p.gpus,
    memoryPerGpu: p.memoryPerGpu,
    usableBytesPerGpu: p.usableBytesPerGpu,
    prefill: phase(p.prefill),
    decode: phase(p.decode),
  };
}

/** `roofline`: see the module comment and `HELP`. */
export const rooflineCommand: Command = {
  summary: 'deployment planner: TTFT, decode tokens/s, memory per GPU, max concurrency on real hardware (roofline)',
  async run(args) {
    if (args.includes('--help') || args.includes('-h')) {
      process.stdout.write(HELP);
      return 0;
    }
    const p = parseArgs(args, ['hardware', 'seq', 'batch', 'weights-dtype', 'kv-dtype', 'state-dtype', 'act-dtype', 'tp', 'pp', 'efficiency', 'layers', 'json'], ['layers', 'json']);
    if (p.positional.length !== 1) throw new CliError(`expected one design (preset id or file), got ${p.positional.length}; usage: ${USAGE}`);
    const hardware = (flagString(p, 'hardware') ?? 'h100-sxm').split(',').map((s) => hardwareArg(s.trim()));
    const seqLens = flagIntList(p, 'seq', [1024, 131072]);
    const batches = flagIntList(p, 'batch', [1], 1_000_000);
    const tp = flagInt(p, 'tp', 1, 1, 1024);
    const pp = flagInt(p, 'pp', 1, 1, 1024);
    const precision: Partial<Precision> = {};
    const dt = (flag: string, key: keyof Precision) => {
      const v = dtypeFlag(flagString(p, flag), flag);
      if (v) precision[key] = v;
    };
    dt('weights-dtype', 'weights');
    dt('kv-dtype', 'kv');
    dt('state-dtype', 'state');
    dt('act-dtype', 'activations');
    const efficiency = efficiencyFlag(flagString(p, 'efficiency'));
    const design = loadDesignArg(p.positional[0]!);
    const cost = analyzeDesign(design);

    const points: { hw: HardwareSpec; p: DeploymentPoint }[] = [];
    let resolved: ReturnType<typeof resolveDeployment> | null = null;
    for (const hw of hardware) {
      for (const batch of batches) {
        let dep;
        try {
          dep = resolveDeployment(design, cost, hw, { precision, efficiency, tp, pp, batch });
        } catch (e) {
          throw new CliError((e as Error).message);
        }
        resolved ??= dep;
        for (const L of seqLens) points.push({ hw, p: planDeployment(cost, hw, dep, L) });
      }
    }
    const dep = resolved!;

    if (p.flags.has('json')) {
      const layers = p.flags.has('layers');
      const json = {
        design: design.name,
        precision: dep.precision,
        efficiency: dep.efficiency,
        tp,
        pp,
        hardware: hardware.map(hardwareJson),
        points: points.map(({ hw, p: pt }) => pointJson(hw, pt, layers)),
      };
      process.stdout.write(JSON.stringify(json) + '\n');
      return 0;
    }
    const pr = dep.precision;
    const e = dep.efficiency;
    const out = [
      `${design.name}: weights ${pr.weights}, KV ${pr.kv}, state ${pr.state}, activations ${pr.activations}; tp ${tp} × pp ${pp}; ` +
        `efficiency compute ${e.compute}, memory ${e.memory}, interconnect ${e.interconnect}, capacity ${e.capacity} (1 = pure roofline)`,
    ];
    for (const hw of hardware) {
      out.push('', `${hw.name} (${hw.id}): bf16 ${TFLOPS(hw.peakFlops.bf16)} TFLOP/s, ${(hw.memBandwidth / 1e12).toFixed(2)} TB/s, ${formatBytes(hw.memBytes)}`);
      const rows = points
        .filter((x) => x.hw === hw)
        .map(({ p: pt }) => [
          formatInt(pt.seqLen),
          formatInt(pt.batch),
          formatSeconds(pt.prefillSeconds),
          formatSeconds(pt.decodeSecondsPerToken),
          pt.decodeTokensPerSec.toFixed(1),
          pt.aggregateDecodeTokensPerSec.toFixed(0),
          pt.bound,
          formatBytes(pt.memoryPerGpuBytes),
          pt.fits ? 'yes' : 'no',
          Number.isFinite(pt.maxConcurrency) ? formatInt(pt.maxConcurrency) : 'unbounded',
        ]);
      out.push(table(['seq len', 'batch', 'TTFT', 'decode/token', 'tok/s/seq', 'tok/s total', 'bound', 'memory/GPU', 'fits', 'max conc.'], rows));
    }
    // The design name is the user's: printed with its controls escaped (../sanitize.ts).
    writeLines(process.stdout, out.join('\n').split('\n'));
    return 0;
  },
};

const HARDWARE_HELP = `hardware [--json]

The planner's hardware catalogue: peak dense FLOP/s per dtype (tensor rates; fp32 without tensor cores), memory
bandwidth and capacity, the link between GPUs, and the datasheet each number comes from.
`;

/** `hardware`: the catalogue, as a table or one JSON array. */
export const hardwareCommand: Command = {
  summary: 'list the planner hardware catalogue: peak FLOP/s per dtype, bandwidth, memory, interconnect, sources',
  async run(args) {
    if (args.includes('--help') || args.includes('-h')) {
      process.stdout.write(HARDWARE_HELP);
      return 0;
    }
    const p = parseArgs(args, ['json'], ['json']);
    if (p.positional.length) throw new CliError(`unexpected argument "${p.positional[0]}"; usage: hardware [--json]`);
    if (p.flags.has('json')) {
      process.stdout.write(JSON.stringify(HARDWARE.map(hardwareJson)) + '\n');
      return 0;
    }
    const rows = HARDWARE.map((h) => [
      h.id,
      h.name,
      TFLOPS(h.peakFlops.fp32),
      TFLOPS(h.peakFlops.bf16),
      TFLOPS(h.peakFlops.fp8),
      TFLOPS(h.peakFlops.int8),
      `${(h.memBandwidth / 1e12).toFixed(2)} TB/s`,
      formatBytes(h.memBytes),
      h.interconnect ? `${(h.interconnect.bandwidth / 1e9).toFixed(0)} GB/s` : '-',
    ]);
    const lines = [table(['id', 'name', 'fp32 TF', 'bf16 TF', 'fp8 TF', 'int8 TOPS', 'bandwidth', 'memory', 'link/dir'], rows, 2), ''];
    for (const h of HARDWARE) lines.push(`${h.id}: ${h.source}`);
    process.stdout.write(lines.join('\n') + '\n');
    return 0;
  },
};

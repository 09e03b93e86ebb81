/**
 * `npm run bench -- calibration [--backend=wasm|cpu] [--quick]`: the deployment planner against measured runs
 * (issue 12, section 2). Probes this machine as the app does ("this device": float32 matmul FLOP/s, add bandwidth,
 * dispatch time; src/sim/runtime/probeDevice.ts), runs the benchmark sweep on the scaled copy of one design per block
 * kind, and prints the planner's prediction for each point (src/sim/planner/calibration.ts) beside the measurement:
 * measured ÷ predicted for prefill and decode, and for decode also against the roofline plus the step's dispatch count
 * × the probed dispatch time. Figures only: nothing is asserted.
 */
import { cpus, loadavg } from 'node:os';
import { getPreset } from '../src/models/presets';
import { expandLayers, type Design, type MixerKind, type FfnKind } from '../src/models/schema';
import { analyzeDesign } from '../src/sim/cost/analyzeDesign';
import { calibrate } from '../src/sim/planner/calibration';
import type { BackendName } from '../src/sim/protocol';
import { runBench } from '../src/sim/runtime/bench';
import { probeDevice } from '../src/sim/runtime/probeDevice';
import { getRunProfile, scaleDesign } from '../src/sim/runtime/profile';

/** Eight layers of the first layer of `preset` whose mixer (and FFN, when given) is of the kind asked. */
function pureKind(presetId: string, mixer: MixerKind, ffn?: FfnKind): Design {
  const d = getPreset(presetId)!.design;
  const layer = expandLayers(d.layers).find((l) => l.mixer.kind === mixer && (ffn === undefined || l.ffn.kind === ffn));
  if (!layer) throw new Error(`${presetId} has no ${mixer} layer`);
  return { ...d, name: `${mixer}${ffn ? ` + ${ffn}` : ''} (from ${presetId})`, layers: [{ repeat: 8, layers: [layer] }] };
}

const KINDS: { label: string; design: () => Design }[] = [
  { label: 'attention + MLP', design: () => pureKind('llama-2-7b', 'attention', 'mlp') },
  { label: 'attention + MoE', design: () => pureKind('mixtral-8x7b', 'attention', 'moe') },
  { label: 'Mamba-1', design: () => pureKind('mamba-2.8b', 'mamba') },
  { label: 'Mamba-2', design: () => pureKind('mamba2-hybrid-8b', 'mamba2') },
  { label: 'Hyena + MLP', design: () => pureKind('stripedhyena-7b', 'hyena') },
  { label: 'shared block (Zamba)', design: () => pureKind('zamba-7b', 'shared') },
];

const f = (v: number, d = 2) => (Number.isFinite(v) ? v.toFixed(d) : '-');
const ratio = (r: number | null) => (r === null || !Number.isFinite(r) ? '-' : `${r >= 10 ? r.toFixed(0) : r.toFixed(1)}×`);

export async function run(args: string[]): Promise<void> {
  const backendArg = args.find((a) => a.startsWith('--backend='))?.split('=')[1] ?? 'wasm';
  if (backendArg !== 'wasm' && backendArg !== 'cpu') throw new Error(`--backend must be wasm or cpu, got "${backendArg}"`);
  const backend: BackendName = backendArg;
  const quick = args.includes('--quick');
  const seqLens = quick ? [64, 128] : [256, 1024];
  const profiles = quick ? ['tiny'] : ['tiny', 'small'];
  const steps = quick ? 8 : 32;
  process.stdout.write(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, load average ${loadavg().map((x) => x.toFixed(2)).join(' ')} at start\n`);
  const { probe } = await probeDevice(backend);
  process.stdout.write(`probe (${backend}): ${probe.method}\n  -> matmul ${f(probe.matmulFlopsPerSec / 1e9)} GFLOP/s, bandwidth ${f(probe.memBandwidth / 1e9)} GB/s, dispatch ${f(probe.dispatchSeconds * 1e6, 1)} µs\n\n`);
  const header = ['kind', 'profile', 'L', 'prefill tok/s meas.', 'pred.', 'meas÷pred', 'decode ms meas.', 'pred.', 'meas÷pred', 'pred.+dispatch', 'meas÷(pred+disp)', 'dispatches'];
  const rows: string[][] = [];
  for (const kind of KINDS) {
    for (const name of profiles) {
      const profile = getRunProfile(name)!;
      const design = kind.design();
      const result = await runBench({ design, seqLens, backend, scan: 'auto', profile, seed: 1, batch: 1, decodeSteps: steps, repeats: quick ? 2 : 5, memoryBudgetBytes: 8 * 2 ** 30 });
      const scaled = scaleDesign(design, profile).design;
      const cal = calibrate(analyzeDesign(scaled), probe, result.points, 1, steps);
      for (const c of cal) {
        const pt = result.points.find((p) => p.seqLen === c.seqLen)!;
        rows.push([
          kind.label,
          name,
          String(c.seqLen),
          f(c.measuredPrefillTokensPerSec, 0),
          f(c.prefillTokensPerSec, 0),
          ratio(c.prefillRatio),
          f(c.measuredDecodeMsPerToken, 3),
          f(c.decodeMsPerToken, 4),
          ratio(c.decodeRatio),
          c.decodeMsWithDispatch === null ? '-' : f(c.decodeMsWithDispatch, 3),
          ratio(c.decodeRatioWithDispatch),
          String(pt.dispatchesPerDecodeStep),
        ]);
      }
      process.stderr.write(`${kind.label} ${name}: done (scan ${result.scan})\n`);
    }
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => '| ' + cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ') + ' |';
  process.stdout.write([line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n') + '\n');
  process.stdout.write(`\nload average ${loadavg().map((x) => x.toFixed(2)).join(' ')} at end\n`);
}

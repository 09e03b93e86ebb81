/**
 * One memory measurement, run in a fresh process by bench/memory.bench.ts (the wasm heap only ever grows, so each
 * configuration needs its own process): `tsx bench/memoryProbe.ts <preset | design.json> <profile> <L> [backend] [steps]`.
 * Runs the same sweep as the app (runBench, one length) and prints one JSON line: the estimate by part, tfjs's own
 * peak of tensor bytes (tf.profile), the wasm heap before and after (it never shrinks: after = the run's peak heap,
 * rounded up by emscripten's growth step), the simd scans' separate memory, and the process's peak RSS.
 */
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { getPreset } from '../src/models/presets';
import { validateDesign } from '../src/models/validate';
import { initBackend } from '../src/sim/runtime/backend';
import { estimateRunMemory, runBench } from '../src/sim/runtime/bench';
import { getRunProfile, scaleDesign } from '../src/sim/runtime/profile';
import { simdScanMemory } from '../src/sim/runtime/kernels/wasm/simdScanKernels';

const [presetId = 'jamba-1.5-large', profileName = 'medium', lText = '1024', backend = 'wasm', stepsText = '4'] = process.argv.slice(2);
const L = Number(lText);
const steps = Number(stepsText);
/** A preset id, or the path of a design JSON file (e.g. bench/designs/linear-attention-only.json). */
function loadDesign(idOrPath: string) {
  const preset = getPreset(idOrPath);
  if (preset) return preset.design;
  const v = validateDesign(JSON.parse(readFileSync(idOrPath, 'utf8')));
  if (!v.ok) throw new Error(`${idOrPath}: ${v.issues[0]!.path}: ${v.issues[0]!.message}`);
  return v.value;
}
const design = loadDesign(presetId);
const profile = getRunProfile(profileName)!;
const scaled = scaleDesign(design, profile).design;
await initBackend(backend as 'wasm' | 'cpu');
const heapOf = () => ((tf.backend() as unknown as { wasm?: { HEAPU8: Uint8Array } }).wasm?.HEAPU8.length ?? 0);
const heapBefore = heapOf();
let scanMemPeak = 0;
// Bytes of distinct tensor buffers (a reshape shares its input's buffer), sampled each time tfjs registers a tensor
// (tf.profile's peakBytes misses kernel outputs; tf.memory().numBytes counts a shared buffer once per tensor): the
// true peak of tensor bytes, before the allocator's overhead and the heap's growth steps.
type Info = { bytes: number };
const engine = tf.engine() as unknown as { state: { tensorInfo: Map<object, Info> }; trackTensor: (a: { dataId: object }, b: unknown) => void; removeDataId: (id: object, b: unknown) => void };
const track = engine.trackTensor.bind(engine);
const remove = engine.removeDataId.bind(engine);
let live = 0;
let tensorPeak = 0;
engine.trackTensor = (a, b) => {
  const fresh = !engine.state.tensorInfo.has(a.dataId);
  track(a, b);
  if (fresh) live += engine.state.tensorInfo.get(a.dataId)?.bytes ?? 0;
  tensorPeak = Math.max(tensorPeak, live);
};
engine.removeDataId = (id, b) => {
  const bytes = engine.state.tensorInfo.get(id)?.bytes ?? 0;
  const had = engine.state.tensorInfo.has(id);
  remove(id, b);
  if (had && !engine.state.tensorInfo.has(id)) live -= bytes;
};
const prof = await tf.profile(async () => {
  await runBench(
    { design, seqLens: [L], backend: backend as 'wasm' | 'cpu', scan: 'auto', profile, seed: 1, batch: 1, decodeSteps: steps, repeats: 1, memoryBudgetBytes: 2 ** 50 },
    { onProgress: () => (scanMemPeak = Math.max(scanMemPeak, simdScanMemory().buffer.byteLength)) },
  );
});
const e = estimateRunMemory(scaled, L, steps, 1);
process.stdout.write(
  JSON.stringify({
    preset: presetId,
    profile: profileName,
    L,
    backend,
    estimate: e,
    tensorPeakBytes: tensorPeak,
    tfProfilePeakBytes: prof.peakBytes,
    heapBefore,
    heapAfter: heapOf(),
    scanMemPeak,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
  }) + '\n',
);

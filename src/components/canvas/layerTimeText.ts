import type { LayerTime, LayerTimes } from '../../app/layerTimes';
import { formatBytes, formatCount } from '../../sim/cost/format';
import { formatSeconds } from '../planner/plannerModel';

/** Percentage with one decimal (as the node's share). */
function percent(share: number): string {
  const p = 100 * share;
  return p > 0 && p < 0.1 ? '<0.1%' : `${p.toFixed(1)}%`;
}

/** A layer's roofline in one line: "decode on 1 × H100 (batch 8, L = 32,768): memory-bound · 2.1 GFLOP · 810 MiB · 0.31 ms (7.2 %)". */
export function describeLayerTime(t: LayerTimes, l: LayerTime): string {
  const r = l.roofline;
  const comm = r.allReduceSeconds > 0 ? ` + all-reduce ${formatSeconds(r.allReduceSeconds)}` : '';
  return (
    `${t.phase === 'decode' ? 'Decode' : 'Prefill'} on ${t.gpus} × ${t.hardwareName} (batch ${t.batch}, L = ${t.seqLen.toLocaleString('en-US')}), per GPU: ` +
    `${r.bound}-bound · ${formatCount(r.matmulFlops + r.scanFlops)}FLOP · ${formatBytes(r.totalBytes)} moved (weights ${formatBytes(r.bytes.weights)}, KV ${formatBytes(r.bytes.kv)}, state ${formatBytes(r.bytes.state)}) · ` +
    `${formatSeconds(r.seconds)}${comm} = ${percent(l.share)} of the step`
  );
}

/**
 * The canvas shading (issue 12): each layer's share of the decode (or prefill) time of the current design on the
 * Hardware tab's first hardware, with its roofline (bound, FLOPs, bytes, time), memoised on the store values it reads.
 */
import type { Design } from '../models/schema';
import { analyzeDesign } from '../sim/cost/analyzeDesign';
import { fitOnGpus } from '../sim/planner/fitOnGpus';
import { planPhase, type LayerRoofline, type Phase } from '../sim/planner/planDeployment';
import type { DeviceProbe } from '../sim/planner/calibration';
import { plannerHardware, type PlannerSettings } from './slices/plannerSlice';
import type { AppState } from './slices/types';

/** One layer's part of a phase. */
export interface LayerTime {
  roofline: LayerRoofline;
  /** (layer time + its all-reduces) / the whole phase. */
  share: number;
}

/** The shading of every layer, and what it is a share of. */
export interface LayerTimes {
  phase: Phase;
  hardwareName: string;
  gpus: number;
  batch: number;
  seqLen: number;
  /** The whole phase (s): layers, head and communication. */
  seconds: number;
  layers: LayerTime[];
  /** Largest share, for scaling the colour. */
  maxShare: number;
}

let last: { design: Design; settings: PlannerSettings; probe: DeviceProbe | null; value: LayerTimes | null } | null = null;

/** Null when the shading is off or no hardware resolves. */
export function selectLayerTimes(s: Pick<AppState, 'design' | 'plannerSettings' | 'deviceProbe'>): LayerTimes | null {
  const settings = s.plannerSettings;
  if (last && last.design === s.design && last.settings === settings && last.probe === s.deviceProbe) return last.value;
  let value: LayerTimes | null = null;
  const hw = plannerHardware(settings, s.deviceProbe)[0];
  if (settings.shade !== 'off' && hw) {
    const cost = analyzeDesign(s.design);
    const fit = fitOnGpus(s.design, cost, hw, { precision: settings.precision, batch: settings.batch, efficiency: settings.efficiency }, settings.gpus, settings.seqLen);
    if (fit.deployment) {
      const plan = planPhase(cost, settings.shade, settings.seqLen, hw, fit.deployment);
      const layers = plan.layers.map((r) => ({ roofline: r, share: (r.seconds + r.allReduceSeconds) / plan.seconds }));
      value = { phase: settings.shade, hardwareName: hw.name, gpus: settings.gpus, batch: settings.batch, seqLen: settings.seqLen, seconds: plan.seconds, layers, maxShare: Math.max(0, ...layers.map((l) => l.share)) };
    }
  }
  last = { design: s.design, settings, probe: s.deviceProbe, value };
  return value;
}

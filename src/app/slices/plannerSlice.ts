import { DTYPES, type Dtype } from '../../models/schema';
import { DEFAULT_EFFICIENCY, type Efficiency, type Precision } from '../../sim/planner/deployment';
import { checkHardware, getHardware, HARDWARE_IDS, type HardwareSpec } from '../../sim/planner/hardware';
import { hardwareFromProbe, sanitizeProbe, THIS_DEVICE_ID, type DeviceProbe } from '../../sim/planner/calibration';
import type { SliceCreator } from './types';

/** Id of the user's own hardware entry. */
export const CUSTOM_HARDWARE_ID = 'custom';
/** Most hardware entries compared at once. */
export const MAX_PLANNER_HARDWARE = 3;
/** GPU counts offered (tensor parallel first, pipeline stages when tp does not divide the heads). */
export const PLANNER_GPUS = [1, 2, 4, 8] as const;
/** Lengths offered for the table rows and the fit table, in tokens. */
export const PLANNER_LENGTHS = [4_096, 32_768, 131_072, 1_048_576] as const;
export const MAX_PLANNER_BATCH = 4096;

/** Custom hardware as the user types it, in the units datasheets use. */
export interface CustomHardwareInput {
  name: string;
  fp32Tflops: number;
  bf16Tflops: number;
  /** null: no fp8 rate (fp8 runs at the bf16 rate). */
  fp8Tflops: number | null;
  bandwidthTBs: number;
  memoryGiB: number;
  /** Link between GPUs, GB/s per direction; null: one device only. */
  linkGBs: number | null;
}

/** What the Hardware tab, the throughput overlay, the compare rows and the canvas shading use. Persisted. */
export interface PlannerSettings {
  /** Hardware compared (catalogue ids, `custom`, `this-device`); the first is "the chosen hardware" of the table. */
  hardware: string[];
  gpus: number;
  batch: number;
  precision: Precision;
  /** The length L the compare rows, the fit table and the canvas shading use (tokens). */
  seqLen: number;
  efficiency: Efficiency;
  /** Hardware chart: aggregate decode tokens/s, time to first token, or prefill tokens/s. */
  metric: 'decode' | 'ttft' | 'prefill';
  /** Canvas: colour layers by their share of decode or prefill time on the chosen hardware. */
  shade: 'off' | 'decode' | 'prefill';
  /** Throughput chart: draw the full designs on the chosen hardware beside the measured points. */
  overlay: boolean;
  custom: CustomHardwareInput;
}

export const DEFAULT_CUSTOM_HARDWARE: CustomHardwareInput = { name: 'Custom GPU', fp32Tflops: 60, bf16Tflops: 500, fp8Tflops: 1000, bandwidthTBs: 2, memoryGiB: 64, linkGBs: 100 };

export const DEFAULT_PLANNER_SETTINGS: PlannerSettings = {
  hardware: ['h100-sxm'],
  gpus: 1,
  batch: 1,
  precision: { weights: 'bf16', kv: 'bf16', state: 'fp32', activations: 'bf16' },
  seqLen: 32_768,
  efficiency: DEFAULT_EFFICIENCY,
  metric: 'decode',
  shade: 'off',
  overlay: false,
  custom: DEFAULT_CUSTOM_HARDWARE,
};

/** The planner's settings and the measured "this device" entry. Owned by the planner (issue 12). */
export interface PlannerSlice {
  plannerSettings: PlannerSettings;
  setPlannerSettings: (patch: Partial<PlannerSettings>) => void;
  /** The last probe of this device, or null; persisted with when and how it was measured. */
  deviceProbe: DeviceProbe | null;
  setDeviceProbe: (p: DeviceProbe | null) => void;
  /** A probe in flight, and the last probe's error (never persisted). */
  probing: boolean;
  probeError: string | null;
  setProbeStatus: (probing: boolean, error: string | null) => void;
}

export const createPlannerSlice: SliceCreator<PlannerSlice> = (set) => ({
  plannerSettings: DEFAULT_PLANNER_SETTINGS,
  setPlannerSettings: (patch) => set((s) => ({ plannerSettings: { ...s.plannerSettings, ...patch } })),
  deviceProbe: null,
  setDeviceProbe: (deviceProbe) => set({ deviceProbe }),
  probing: false,
  probeError: null,
  setProbeStatus: (probing, probeError) => set({ probing, probeError }),
});

const G = 1e9;
const T = 1e12;

/** Custom hardware as a planner entry; throws (naming the field) when a number is out of range. */
export function customHardware(c: CustomHardwareInput): HardwareSpec {
  const hw: HardwareSpec = {
    id: CUSTOM_HARDWARE_ID,
    name: c.name.trim() || 'Custom hardware',
    peakFlops: { fp32: c.fp32Tflops * T, bf16: c.bf16Tflops * T, fp16: c.bf16Tflops * T, ...(c.fp8Tflops !== null ? { fp8: c.fp8Tflops * T } : {}) },
    memBandwidth: c.bandwidthTBs * T,
    memBytes: c.memoryGiB * 2 ** 30,
    interconnect: c.linkGBs === null ? null : { name: 'custom link', bandwidth: c.linkGBs * G, latencySeconds: 10e-6 },
    source: 'entered by the user',
  };
  checkHardware(hw);
  return hw;
}

/**
 * The hardware entries of the settings, in order: catalogue entries, the custom one (left out when invalid) and this
 * device (left out until it has been measured).
 */
export function plannerHardware(settings: Pick<PlannerSettings, 'hardware' | 'custom'>, probe: DeviceProbe | null): HardwareSpec[] {
  const out: HardwareSpec[] = [];
  for (const id of settings.hardware) {
    if (id === CUSTOM_HARDWARE_ID) {
      try {
        out.push(customHardware(settings.custom));
      } catch {
        /* an invalid custom entry is shown at its field, not planned */
      }
    } else if (id === THIS_DEVICE_ID) {
      if (probe) out.push(hardwareFromProbe(probe));
    } else {
      const hw = getHardware(id);
      if (hw) out.push(hw);
    }
  }
  return out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

const finitePositive = (v: unknown, max: number): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0 && v <= max;

function sanitizeCustom(v: unknown): CustomHardwareInput {
  const c = { ...DEFAULT_CUSTOM_HARDWARE };
  if (!isRecord(v)) return c;
  if (typeof v.name === 'string' && v.name.length <= 60) c.name = v.name;
  if (finitePositive(v.fp32Tflops, 1e5)) c.fp32Tflops = v.fp32Tflops;
  if (finitePositive(v.bf16Tflops, 1e5)) c.bf16Tflops = v.bf16Tflops;
  if (v.fp8Tflops === null || finitePositive(v.fp8Tflops, 1e5)) c.fp8Tflops = v.fp8Tflops;
  if (finitePositive(v.bandwidthTBs, 1e3)) c.bandwidthTBs = v.bandwidthTBs;
  if (finitePositive(v.memoryGiB, 1e6)) c.memoryGiB = v.memoryGiB;
  if (v.linkGBs === null || finitePositive(v.linkGBs, 1e5)) c.linkGBs = v.linkGBs;
  return c;
}

/** Stored planner settings merged over the defaults, keeping only values of the right kind and range. */
export function sanitizePlannerSettings(v: unknown): PlannerSettings | undefined {
  if (!isRecord(v)) return undefined;
  const s: PlannerSettings = { ...DEFAULT_PLANNER_SETTINGS, precision: { ...DEFAULT_PLANNER_SETTINGS.precision }, efficiency: { ...DEFAULT_EFFICIENCY } };
  if (Array.isArray(v.hardware)) {
    const ids = [...new Set(v.hardware.filter((id): id is string => typeof id === 'string' && (HARDWARE_IDS.includes(id) || id === CUSTOM_HARDWARE_ID || id === THIS_DEVICE_ID)))].slice(0, MAX_PLANNER_HARDWARE);
    if (ids.length) s.hardware = ids;
  }
  if ((PLANNER_GPUS as readonly unknown[]).includes(v.gpus)) s.gpus = v.gpus as number;
  if (Number.isInteger(v.batch) && (v.batch as number) >= 1 && (v.batch as number) <= MAX_PLANNER_BATCH) s.batch = v.batch as number;
  if (Number.isInteger(v.seqLen) && (v.seqLen as number) >= 1 && (v.seqLen as number) <= 1 << 30) s.seqLen = v.seqLen as number;
  if (isRecord(v.precision)) {
    for (const k of ['weights', 'kv', 'state', 'activations'] as const) {
      const d = v.precision[k];
      if (typeof d === 'string' && (DTYPES as readonly string[]).includes(d)) s.precision[k] = d as Dtype;
    }
  }
  if (isRecord(v.efficiency)) {
    for (const k of Object.keys(DEFAULT_EFFICIENCY) as (keyof Efficiency)[]) {
      const e = v.efficiency[k];
      if (finitePositive(e, 1)) s.efficiency[k] = e;
    }
  }
  if (v.metric === 'decode' || v.metric === 'ttft' || v.metric === 'prefill') s.metric = v.metric;
  if (v.shade === 'off' || v.shade === 'decode' || v.shade === 'prefill') s.shade = v.shade;
  if (typeof v.overlay === 'boolean') s.overlay = v.overlay;
  s.custom = sanitizeCustom(v.custom);
  return s;
}

/** A stored probe, checked field by field; null when absent or damaged. */
export function sanitizeDeviceProbe(v: unknown): DeviceProbe | null {
  return sanitizeProbe(v);
}

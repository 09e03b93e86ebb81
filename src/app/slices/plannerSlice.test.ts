import { describe, expect, it } from 'vitest';
import { persistOptions, takeHydrationNotices } from '../persistence';
import type { AppState } from './types';
import { getPreset } from '../../models/presets';
import { customHardware, DEFAULT_CUSTOM_HARDWARE, DEFAULT_PLANNER_SETTINGS, plannerHardware, sanitizePlannerSettings } from './plannerSlice';

const probe = { backend: 'wasm', matmulFlopsPerSec: 2e10, matmulSize: 256, memBandwidth: 1e10, dispatchSeconds: 2e-5, memBytes: 2 ** 32, measuredAt: '2026-12-04T10:00:00.000Z', method: 'test' };

describe('planner settings', () => {
  it('sanitize keeps valid values and drops the rest field by field', () => {
    const s = sanitizePlannerSettings({
      hardware: ['rtx-4090', 'nope', 'h100-sxm', 'rtx-4090', 'custom', 'this-device'],
      gpus: 3,
      batch: 8,
      precision: { weights: 'int4', kv: 'fp8', state: 'fp64', activations: 'bf16' },
      seqLen: -1,
      efficiency: { compute: 0.5, memory: 2, interconnect: 'x', capacity: 1 },
      metric: 'ttft',
      shade: 'sideways',
      overlay: true,
      custom: { name: 'Box', bandwidthTBs: 0, memoryGiB: 96, linkGBs: null },
    })!;
    expect(s.hardware).toEqual(['rtx-4090', 'h100-sxm', 'custom']); // unknown ids dropped, duplicates once, at most 3
    expect(s.gpus).toBe(DEFAULT_PLANNER_SETTINGS.gpus);
    expect(s.batch).toBe(8);
    expect(s.precision).toEqual({ weights: 'int4', kv: 'fp8', state: 'fp32', activations: 'bf16' });
    expect(s.seqLen).toBe(DEFAULT_PLANNER_SETTINGS.seqLen);
    expect(s.efficiency).toEqual({ compute: 0.5, memory: DEFAULT_PLANNER_SETTINGS.efficiency.memory, interconnect: DEFAULT_PLANNER_SETTINGS.efficiency.interconnect, capacity: 1 });
    expect([s.metric, s.shade, s.overlay]).toEqual(['ttft', 'off', true]);
    expect(s.custom).toEqual({ ...DEFAULT_CUSTOM_HARDWARE, name: 'Box', memoryGiB: 96, linkGBs: null });
    expect(sanitizePlannerSettings('x')).toBeUndefined();
  });

  it('custom hardware converts units and names a bad field', () => {
    const hw = customHardware({ ...DEFAULT_CUSTOM_HARDWARE, bf16Tflops: 400, bandwidthTBs: 1.5, memoryGiB: 48, linkGBs: 50 });
    expect(hw.peakFlops.bf16).toBe(400e12);
    expect(hw.memBandwidth).toBe(1.5e12);
    expect(hw.memBytes).toBe(48 * 2 ** 30);
    expect(hw.interconnect?.bandwidth).toBe(50e9);
    expect(() => customHardware({ ...DEFAULT_CUSTOM_HARDWARE, bandwidthTBs: 0 })).toThrow(/memBandwidth must be a positive number of bytes\/s, got 0/);
  });

  it('plannerHardware resolves ids; this device only once measured, an invalid custom entry left out', () => {
    const settings = { hardware: ['h100-sxm', 'this-device', 'custom'], custom: { ...DEFAULT_CUSTOM_HARDWARE, memoryGiB: -1 } };
    expect(plannerHardware(settings, null).map((h) => h.id)).toEqual(['h100-sxm']);
    expect(plannerHardware(settings, probe).map((h) => h.id)).toEqual(['h100-sxm', 'this-device']);
  });

  it('is persisted and validated on load with the probe', () => {
    const current = { design: getPreset('jamba-v0.1')!.design, plannerSettings: DEFAULT_PLANNER_SETTINGS, deviceProbe: null } as unknown as AppState;
    const p = persistOptions.partialize!({ ...current, plannerSettings: { ...DEFAULT_PLANNER_SETTINGS, batch: 16 }, deviceProbe: probe } as unknown as AppState) as unknown as Record<string, unknown>;
    expect(p.plannerSettings).toMatchObject({ batch: 16 });
    const merged = persistOptions.merge!(JSON.parse(JSON.stringify(p)), current);
    expect(merged.plannerSettings.batch).toBe(16);
    expect(merged.deviceProbe).toEqual(probe);
    expect(takeHydrationNotices()).toEqual([]);
    const bad = persistOptions.merge!({ plannerSettings: { batch: 0 }, deviceProbe: { ...probe, memBandwidth: -1 } }, current);
    expect(bad.plannerSettings.batch).toBe(1);
    expect(bad.deviceProbe).toBeNull();
    // What was dropped is named (issue 13: the autosave says what it could not use).
    const notes = takeHydrationNotices();
    expect(notes).toHaveLength(1);
    expect(notes[0]).toContain('plannerSettings (batch not valid; the defaults are used)');
    expect(notes[0]).toContain('deviceProbe (damaged; measure this device again in the planner)');
  });
});

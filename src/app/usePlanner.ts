import { useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { DeviceProbe } from '../sim/planner/calibration';
import { THIS_DEVICE_ID } from '../sim/planner/calibration';
import type { HardwareSpec } from '../sim/planner/hardware';
import { plannerHardware, type PlannerSettings } from './slices/plannerSlice';
import { useAppStore } from './store';
import { runtimeClient } from './workerClient';
import { calibrateRun } from './calibrateRun';
import type { RunRecord } from './slices/runSlice';
import type { Design } from '../models/schema';
import type { CalibrationPoint } from '../sim/planner/calibration';

/**
 * Measures this device in the runtime worker (on the run panel's backend) and stores the probe; "this device" joins
 * the compared hardware. One probe at a time; a failure is kept as `probeError` and shown where the button is.
 */
export function measureThisDevice(): void {
  const s = useAppStore.getState();
  if (s.probing) return;
  s.setProbeStatus(true, null);
  runtimeClient()
    .probe(s.runSettings.backend)
    .then(({ probe }) => {
      const st = useAppStore.getState();
      st.setDeviceProbe(probe);
      st.setProbeStatus(false, null);
    })
    .catch((e: unknown) => useAppStore.getState().setProbeStatus(false, `Measuring this device failed: ${e instanceof Error ? e.message : String(e)}`));
}

/** What the planner views read and do. */
export interface PlannerModel {
  settings: PlannerSettings;
  setSettings: (patch: Partial<PlannerSettings>) => void;
  /** The hardware entries compared, resolved (an invalid custom entry or an unmeasured device left out). */
  hardware: HardwareSpec[];
  probe: DeviceProbe | null;
  probing: boolean;
  probeError: string | null;
  measure: () => void;
  /** Predicted vs measured for a run of `design` on this device; [] until the device is measured. */
  calibrateRun: (design: Design, run: RunRecord) => CalibrationPoint[];
}

/** The planner's settings, resolved hardware and the device probe. */
export function usePlanner(): PlannerModel {
  const { settings, setSettings, probe, probing, probeError } = useAppStore(
    useShallow((s) => ({ settings: s.plannerSettings, setSettings: s.setPlannerSettings, probe: s.deviceProbe, probing: s.probing, probeError: s.probeError })),
  );
  const hardware = useMemo(() => plannerHardware(settings, probe), [settings, probe]);
  const calibrate = useMemo(() => (design: Design, run: RunRecord) => (probe ? calibrateRun(design, run, probe) : []), [probe]);
  return { settings, setSettings, hardware, probe, probing, probeError, measure: measureThisDevice, calibrateRun: calibrate };
}

export { THIS_DEVICE_ID };

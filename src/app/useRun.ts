import { useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { Design } from '../models/schema';
import type { RunProfileSpec } from '../sim/protocol';
import { RUN_PROFILES } from '../sim/runtime/profile';
import { availableThreads } from '../sim/threads';
import type { RunPanelModel } from '../components/charts/RunPanel';
import { designKey } from './slices/designKey';
import { cancelRun, startRun } from './runController';
import { useAppStore } from './store';
import { runtimeClient } from './workerClient';

/** The built-in run profiles (plain data; the runtime itself stays in the worker). */
export const PANEL_PROFILES: readonly RunProfileSpec[] = Object.values(RUN_PROFILES);

const start = () => {
  startRun(runtimeClient(), useAppStore, PANEL_PROFILES);
};
/** Runs any design (a pinned one from the compare table) with the run panel's settings, through the same worker. */
const startDesign = (design: Design) => {
  startRun(runtimeClient(), useAppStore, PANEL_PROFILES, design);
};
const cancel = () => cancelRun(useAppStore);

/** The run model: the run panel's (settings, the run in flight, the current design's last run) plus `startDesign`. */
export interface RunModel extends RunPanelModel {
  /** Starts a run of `design` (e.g. a pinned one) with the same settings; refused while another run is in flight. */
  startDesign: (design: Design) => void;
}

/** The run panel's model: settings, the run in flight with its progress, the current design's last run, actions. */
export function useRun(): RunModel {
  const { settings, setSettings, activeRunId, progress, runs, design } = useAppStore(
    useShallow((s) => ({ settings: s.runSettings, setSettings: s.setRunSettings, activeRunId: s.activeRunId, progress: s.runProgress, runs: s.runs, design: s.design })),
  );
  const currentKey = useMemo(() => designKey(design), [design]);
  const active = useMemo(() => {
    if (!activeRunId) return null;
    for (const list of Object.values(runs)) for (const r of list) if (r.id === activeRunId) return r;
    return null;
  }, [runs, activeRunId]);
  const list = runs[currentKey];
  const last = list?.at(-1) ?? null;
  const threads = useMemo(() => availableThreads(), []);
  return { settings, setSettings, profiles: PANEL_PROFILES, threads, active, progress, last, currentKey, start, startDesign, cancel };
}

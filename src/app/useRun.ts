import { useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { RunProfileSpec } from '../sim/protocol';
import { RUN_PROFILES } from '../sim/runtime/profile';
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
const cancel = () => cancelRun(useAppStore);

/** The run panel's model: settings, the run in flight with its progress, the current design's last run, actions. */
export function useRun(): RunPanelModel {
  const { settings, setSettings, activeRunId, progress, runs, design } = useAppStore(
    useShallow((s) => ({ settings: s.runSettings, setSettings: s.setRunSettings, activeRunId: s.activeRunId, progress: s.runProgress, runs: s.runs, design: s.design })),
  );
  const key = useMemo(() => designKey(design), [design]);
  const active = useMemo(() => {
    if (!activeRunId) return null;
    for (const list of Object.values(runs)) for (const r of list) if (r.id === activeRunId) return r;
    return null;
  }, [runs, activeRunId]);
  const list = runs[key];
  const last = list?.at(-1) ?? null;
  return { settings, setSettings, profiles: PANEL_PROFILES, active, progress, last, start, cancel };
}

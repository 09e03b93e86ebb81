import { useShallow } from 'zustand/react/shallow';
import type { Design } from '../models/schema';
import { cancelQuality, startQuality } from './qualityController';
import type { QualityRecord, QualitySettings } from './slices/qualitySlice';
import type { TrainProgress } from '../sim/protocol';
import { useAppStore } from './store';
import { runtimeClient } from './workerClient';

/** What the Quality tab shows and does; the runtime stays in the worker. */
export interface QualityModel {
  settings: QualitySettings;
  setSettings: (patch: Partial<QualitySettings>) => void;
  results: QualityRecord[];
  /** The record training now, or null. */
  active: QualityRecord | null;
  progress: (TrainProgress & { id: string }) | null;
  /** Records still waiting in the queue. */
  queued: number;
  /** A benchmark run is in flight (training waits for it). */
  benchBusy: boolean;
  start: (designs: readonly Design[]) => void;
  cancel: () => void;
  clear: () => void;
}

const start = (designs: readonly Design[]) => {
  startQuality(runtimeClient(), useAppStore, designs);
};
const cancel = () => cancelQuality(useAppStore);

export function useQuality(): QualityModel {
  const { settings, setSettings, results, activeId, progress, benchBusy, clear } = useAppStore(
    useShallow((s) => ({
      settings: s.qualitySettings,
      setSettings: s.setQualitySettings,
      results: s.qualityResults,
      activeId: s.qualityActiveId,
      progress: s.qualityProgress,
      benchBusy: s.activeRunId !== null,
      clear: s.clearQuality,
    })),
  );
  const active = activeId ? (results.find((r) => r.id === activeId) ?? null) : null;
  const queued = results.filter((r) => r.status === 'queued').length;
  return { settings, setSettings, results, active, progress, queued, benchBusy, start, cancel, clear };
}

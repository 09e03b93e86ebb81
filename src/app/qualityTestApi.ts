/**
 * The Quality tab's part of `window.hybridExplorer` (issue 11): `getQuality()` lists the training records as the
 * charts and the table read them, so end-to-end tests check what a run produced, not only what is drawn.
 */
import { useAppStore } from './store';
import { registerTestGetter } from './testApi';

/** One training record, as plain data. */
export interface QualityView {
  id: string;
  designKey: string;
  designName: string;
  control: string | null;
  task: string;
  kvPairs: number;
  status: string;
  backend: string | null;
  scan: string | null;
  curve: { step: number; loss: number; accuracy: number }[];
  trainSteps: number;
  final: { accuracy: number; loss: number; steps: number } | null;
  gradientPaths: { kind: string; path: string }[];
  labLayers: number | null;
  labDModel: number | null;
}

export function registerQualityTestApi(): void {
  registerTestGetter('getQuality', (): QualityView[] =>
    useAppStore.getState().qualityResults.map((r) => ({
      id: r.id,
      designKey: r.designKey,
      designName: r.designName,
      control: r.control ? `${r.control.kind} of ${r.control.ofName}` : null,
      task: r.task,
      kvPairs: r.taskParams.kvPairs,
      status: r.status,
      backend: r.backend,
      scan: r.scan,
      curve: r.curve.map((p) => ({ ...p })),
      trainSteps: r.trainCurve.length,
      final: r.final ? { ...r.final } : null,
      gradientPaths: r.gradientPaths.map((g) => ({ ...g })),
      labLayers: r.profile?.layers ?? null,
      labDModel: r.profile?.dModel ?? null,
    })),
  );
}

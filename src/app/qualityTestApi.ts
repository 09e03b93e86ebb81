/**
 * The Quality tab's part of `window.hybridExplorer` (issue 11): `getQuality()` lists the training records as the
 * charts and the table read them, so end-to-end tests check what a run produced, not only what is drawn;
 * `importQuality(results)` stores finished training results (as `npm run bench -- quality --compare --out=...` writes
 * them, real runs) under the current or pinned design of the same name, for the screenshot spec.
 */
import type { Design } from '../models/schema';
import type { TrainResult } from '../sim/protocol';
import { designKey } from './slices/designKey';
import type { QualityRecord } from './slices/qualitySlice';
import { useAppStore } from './store';
import { registerTestGetter } from './testApi';

/** A stored result: the design's name and the trainer's result. */
export interface ImportedResult {
  designName: string;
  result: TrainResult;
}

/** Records for results whose design (current or pinned) has the same name; returns how many were stored. */
function importQuality(items: ImportedResult[]): number {
  const s = useAppStore.getState();
  const designs: Design[] = [...(s.design ? [s.design] : []), ...s.pinned.map((p) => p.design)];
  const records: QualityRecord[] = [];
  items.forEach(({ designName, result: r }, i) => {
    const design = designs.find((d) => d.name === designName);
    if (!design) return;
    records.push({
      id: `imported-${i}-${Date.now().toString(36)}`,
      designKey: designKey(design),
      designName: design.name,
      design,
      control: null,
      task: r.task,
      taskParams: r.taskParams,
      steps: r.settings.steps,
      status: 'done',
      backend: r.backend,
      backendReason: r.backendReason,
      scan: r.scan,
      profile: r.profile,
      gradientPaths: r.gradientPaths,
      curve: r.curve,
      trainCurve: [],
      final: r.final,
      secondsPerStep: r.secondsPerStep,
      stoppedEarly: r.stoppedEarly,
      startedAt: r.startedAt,
      error: null,
    });
  });
  s.qualityQueued(records);
  return records.length;
}

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
  registerTestGetter('importQuality', importQuality as (...args: never[]) => unknown);
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

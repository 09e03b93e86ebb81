/**
 * Pure builders for the Quality tab (issue 11): which training records each chart draws, in which colour, and the
 * rows recharts reads. No React, no store.
 *
 * - A design's curve is its latest record (running, done or cancelled) for the chosen task and N_kv.
 * - Controls (pure attention / pure SSM of a design's width and depth) take the colour of the design they control
 *   and are drawn hollow.
 * - Accuracy vs memory: x = KV cache + state bytes of the full-size design at length L (analytic), y = final held-out
 *   accuracy of the latest finished record; accuracy vs N_kv: one line per design over the N_kv it was trained at.
 */
import type { QualityRecord } from '../../app/slices/qualitySlice';
import type { TaskId } from '../../sim/lab/tasks/taskTypes';
import { CURRENT_DESIGN_COLOR } from './seriesColors';

/** A design the charts know (current + pinned): key, name, colour. */
export interface QualityDesign {
  key: string;
  name: string;
  color: string;
}

/** One record as drawn. */
export interface QualityLine {
  /** Unique per drawn series. */
  id: string;
  key: string;
  name: string;
  color: string;
  /** Controls are hollow. */
  hollow: boolean;
  record: QualityRecord;
}

const CONTROL_WORDS = { attention: 'pure attention control', ssm: 'pure SSM control' } as const;

/** The name a record is drawn under: a control says whose control it is. */
export function recordLabel(r: QualityRecord, nameOf: (key: string) => string | undefined = () => undefined): string {
  if (!r.control) return nameOf(r.designKey) ?? r.designName;
  return `${CONTROL_WORDS[r.control.kind]} of ${nameOf(r.control.of) ?? r.control.ofName}`;
}

/** The colour of a record: its design's, or (a control) the colour of the design it controls; grey when unknown. */
function colorOf(r: QualityRecord, designs: readonly QualityDesign[]): string {
  const key = r.control ? r.control.of : r.designKey;
  return designs.find((d) => d.key === key)?.color ?? CURRENT_DESIGN_COLOR;
}

function isShown(r: QualityRecord, designs: readonly QualityDesign[]): boolean {
  return designs.some((d) => d.key === (r.control ? r.control.of : r.designKey));
}

/**
 * The records to draw for a task and N_kv: per design (and per control) the latest one that is not merely queued,
 * designs in the order given, then controls. Records of designs no longer drawn (unpinned) are left out.
 */
export function qualityLines(results: readonly QualityRecord[], designs: readonly QualityDesign[], task: TaskId, kvPairs: number): QualityLine[] {
  const latest = new Map<string, QualityRecord>();
  for (const r of results) {
    if (r.task !== task || r.taskParams.kvPairs !== kvPairs || r.status === 'queued' || !isShown(r, designs)) continue;
    latest.set(`${r.control ? `${r.control.kind}@${r.control.of}` : ''}|${r.designKey}`, r);
  }
  const nameOf = (key: string) => designs.find((d) => d.key === key)?.name;
  const lines = [...latest.values()].map((r) => ({ id: r.id, key: r.designKey, name: recordLabel(r, nameOf), color: colorOf(r, designs), hollow: r.control !== null, record: r }));
  const rank = (l: QualityLine) => designs.findIndex((d) => d.key === (l.record.control ? l.record.control.of : l.key)) * 3 + (l.record.control ? (l.record.control.kind === 'attention' ? 1 : 2) : 0);
  return lines.sort((a, b) => rank(a) - rank(b));
}

/** Rows for a curve chart over steps: `metric` of each line at each step it has. */
export function stepRows(lines: readonly QualityLine[], pick: (r: QualityRecord) => readonly { step: number; loss: number; accuracy: number }[], metric: 'loss' | 'accuracy'): Record<string, number>[] {
  const byStep = new Map<number, Record<string, number>>();
  for (const l of lines) {
    for (const p of pick(l.record)) {
      const row = byStep.get(p.step) ?? { step: p.step };
      row[l.id] = metric === 'accuracy' ? 100 * p.accuracy : p.loss;
      byStep.set(p.step, row);
    }
  }
  return [...byStep.values()].sort((a, b) => a.step! - b.step!);
}

/** One point of the accuracy-vs-memory chart. */
export interface MemoryPoint {
  id: string;
  name: string;
  color: string;
  hollow: boolean;
  /** KV + state bytes of the full-size design at L. */
  bytes: number;
  /** Final held-out accuracy, percent. */
  accuracy: number;
  record: QualityRecord;
}

/** Finished records as points: `bytesOf` gives a record's full-size KV + state bytes at L. */
export function memoryPoints(lines: readonly QualityLine[], bytesOf: (r: QualityRecord) => number): MemoryPoint[] {
  return lines
    .filter((l) => l.record.status === 'done' && l.record.final)
    .map((l) => ({ id: l.id, name: l.name, color: l.color, hollow: l.hollow, bytes: bytesOf(l.record), accuracy: 100 * l.record.final!.accuracy, record: l.record }));
}

/** Accuracy (percent) of the latest finished record per design (and control) at each N_kv, for a task. */
export function kvRows(results: readonly QualityRecord[], designs: readonly QualityDesign[], task: TaskId): { lines: Omit<QualityLine, 'record'>[]; rows: Record<string, number>[] } {
  const latest = new Map<string, QualityRecord>();
  for (const r of results) {
    if (r.task !== task || r.status !== 'done' || !r.final || !isShown(r, designs)) continue;
    latest.set(`${r.control ? `${r.control.kind}@${r.control.of}` : ''}|${r.designKey}|${r.taskParams.kvPairs}`, r);
  }
  const nameOf = (key: string) => designs.find((d) => d.key === key)?.name;
  const lines = new Map<string, Omit<QualityLine, 'record'>>();
  const byKv = new Map<number, Record<string, number>>();
  for (const r of latest.values()) {
    const lineId = `${r.control ? `${r.control.kind}@${r.control.of}` : ''}|${r.designKey}`;
    if (!lines.has(lineId)) lines.set(lineId, { id: lineId, key: r.designKey, name: recordLabel(r, nameOf), color: colorOf(r, designs), hollow: r.control !== null });
    const row = byKv.get(r.taskParams.kvPairs) ?? { kvPairs: r.taskParams.kvPairs };
    row[lineId] = 100 * r.final!.accuracy;
    byKv.set(r.taskParams.kvPairs, row);
  }
  return { lines: [...lines.values()], rows: [...byKv.values()].sort((a, b) => a.kvPairs! - b.kvPairs!) };
}

/** "Stacked MQAR · 16 pairs · lab d=32 × 8 layers · 300 steps · wasm": what produced a record, for labels. */
export function describeRecord(r: QualityRecord, taskName: string): string {
  const p = r.profile;
  return [
    taskName,
    `${r.taskParams.kvPairs} ${r.task === 'copy' ? 'tokens' : 'pairs'}`,
    p ? `lab d=${p.dModel} × ${p.layers} layers${p.ffn ? ', FFNs' : ''}` : 'lab profile',
    `${r.final ? r.final.steps : r.steps} steps${r.stoppedEarly ? ' (stopped at 99 %)' : ''}`,
    r.backend ? `${r.backend}${r.threads !== undefined && r.threads > 1 ? ` ×${r.threads} threads` : ''}` : 'backend …',
  ].join(' · ');
}

import { useMemo, useState } from 'react';
import { formatEta as eta } from './formatEta';
import { qualityJobs } from '../../app/qualityController';
import type { Design } from '../../models/schema';
import type { QualityModel } from '../../app/useQuality';
import type { BackendChoice } from '../../sim/protocol';
import { TASKS } from '../../sim/lab/tasks/tasks';
import { TASK_IDS, type TaskId } from '../../sim/lab/tasks/taskTypes';
import { LAB_D_MODEL, LAB_DEEP_D_MODEL, LAB_SHALLOW_LAYERS } from '../../sim/lab/labProfile';

/** N_kv choices offered per task (one value, or the sweep the research notes recommend). */
const KV_CHOICES: Record<TaskId, { label: string; values: number[] }[]> = {
  'mqar-stacked': [
    { label: '8', values: [8] },
    { label: '16', values: [16] },
    { label: '32', values: [32] },
    { label: 'sweep 8, 16, 32', values: [8, 16, 32] },
  ],
  mqar: [
    { label: '4', values: [4] },
    { label: '8', values: [8] },
    { label: '16', values: [16] },
    { label: 'sweep 4, 8, 16', values: [4, 8, 16] },
  ],
  copy: [
    { label: '4', values: [4] },
    { label: '8', values: [8] },
    { label: '16', values: [16] },
    { label: 'sweep 4, 8, 16', values: [4, 8, 16] },
  ],
  induction: [{ label: '1 query', values: [1] }],
};

const STEP_CHOICES = [20, 100, 300, 1000];
const BACKENDS: { value: BackendChoice; label: string }[] = [
  { value: 'auto', label: 'auto (fastest real one)' },
  { value: 'wasm', label: 'WASM' },
  { value: 'cpu', label: 'CPU (plain JS)' },
  { value: 'webgl', label: 'WebGL (chunked scans)' },
  { value: 'webgpu', label: 'WebGPU (chunked scans)' },
];


const sameValues = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((v, i) => v === b[i]);

/**
 * The Quality tab's side panel: task and its knobs, budget, controls; Train queues the current and pinned designs
 * (one run at a time, through the runtime worker); progress with ETA and Cancel.
 */
export function QualityPanel({ model, designs }: { model: QualityModel; designs: readonly Design[] }) {
  const { settings, setSettings, active, progress, queued, benchBusy, start, cancel } = model;
  const [stepsText, setStepsText] = useState(String(settings.steps));
  const [stepsError, setStepsError] = useState<string | null>(null);
  const task = TASKS[settings.task];
  const running = active !== null || queued > 0;
  const kvChoice = KV_CHOICES[settings.task].find((c) => sameValues(c.values, settings.kvPairs)) ?? KV_CHOICES[settings.task][0]!;
  const runs = useMemo(() => {
    try {
      return qualityJobs(designs, settings).length;
    } catch {
      return designs.length;
    }
  }, [designs, settings]);
  const applySteps = (text: string) => {
    setStepsText(text);
    const n = Number(text);
    if (!/^\d+$/.test(text.trim()) || n < 1 || n > 100_000) {
      setStepsError('steps: enter a whole number from 1 to 100,000');
      return;
    }
    setStepsError(null);
    setSettings({ steps: n });
  };
  const fraction = progress && progress.steps > 0 ? progress.step / progress.steps : 0;
  const done = model.results.filter((r) => r.status !== 'queued' && r.status !== 'running').length;

  return (
    <div className="hx-run hx-quality-panel" aria-label="Train tiny copies">
      <div className="hx-section-title">Train tiny copies (small-scale)</div>
      <div className="hx-run-grid">
        <label>
          <span>Task</span>
          <select
            value={settings.task}
            disabled={running}
            onChange={(e) => {
              const t = e.target.value as TaskId;
              setSettings({ task: t, kvPairs: KV_CHOICES[t].find((c) => c.values.length === 1 && c.values[0] === TASKS[t].params().kvPairs)?.values ?? KV_CHOICES[t][0]!.values });
            }}
            data-testid="quality-task"
            aria-label="Task"
          >
            {TASK_IDS.map((id) => (
              <option key={id} value={id}>
                {TASKS[id].name}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span>{settings.task === 'copy' ? 'Tokens to copy' : 'Key-value pairs'}</span>
          <select
            value={kvChoice.label}
            disabled={running || task.kvPairsMeaning === null}
            onChange={(e) => setSettings({ kvPairs: KV_CHOICES[settings.task].find((c) => c.label === e.target.value)!.values })}
            data-testid="quality-kv"
            aria-label={task.kvPairsMeaning ?? 'Queries per sequence'}
            title={task.kvPairsMeaning ?? 'induction heads asks one query per sequence'}
          >
            {KV_CHOICES[settings.task].map((c) => (
              <option key={c.label} value={c.label}>
                {c.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span>Steps</span>
          <input
            type="text"
            inputMode="numeric"
            list="hx-quality-steps"
            value={stepsText}
            disabled={running}
            onChange={(e) => applySteps(e.target.value)}
            aria-invalid={!!stepsError}
            aria-label="Training steps"
            data-testid="quality-steps"
          />
          <datalist id="hx-quality-steps">
            {STEP_CHOICES.map((n) => (
              <option key={n} value={n} />
            ))}
          </datalist>
        </label>
        <label>
          <span>Backend</span>
          <select value={settings.backend} disabled={running} onChange={(e) => setSettings({ backend: e.target.value as BackendChoice })} data-testid="quality-backend" aria-label="Backend">
            {BACKENDS.map((b) => (
              <option key={b.value} value={b.value}>
                {b.label}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="hx-quality-checks">
        <label className="hx-inline" title="Also train a pure-attention and a pure-SSM copy of each design, at the same lab width and depth (drawn hollow)">
          <input type="checkbox" checked={settings.controls} disabled={running} onChange={(e) => setSettings({ controls: e.target.checked })} data-testid="quality-controls" />
          controls (pure attention, pure SSM)
        </label>
        <label className="hx-inline" title="Keep the designs' MLP / MoE layers in the tiny copies (off by default, as Zoology trains MQAR)">
          <input type="checkbox" checked={settings.ffn} disabled={running} onChange={(e) => setSettings({ ffn: e.target.checked })} data-testid="quality-ffn" />
          FFNs
        </label>
      </div>
      <p className="hx-run-note" title={task.source}>
        {task.name}: {task.source}. Lab profile: the layer pattern kept (≤ 8 layers), d={LAB_D_MODEL} (d={LAB_DEEP_D_MODEL} past {LAB_SHALLOW_LAYERS} layers), AdamW, stop at 99 % held-out accuracy.
      </p>
      {stepsError && (
        <p className="hx-run-error" role="alert">
          {stepsError}
        </p>
      )}
      <div className="hx-run-actions">
        <button
          type="button"
          className="hx-primary"
          onClick={() => start(designs)}
          disabled={running || benchBusy || !!stepsError || designs.length === 0}
          title={benchBusy ? 'A benchmark run is in progress: one run at a time' : `Train ${designs.length} design${designs.length === 1 ? '' : 's'} (${runs} runs, one at a time)`}
          data-testid="quality-train"
        >
          ▶ Train {designs.length === 1 ? '1 design' : `${designs.length} designs`}
          {runs > designs.length ? ` (${runs} runs)` : ''}
        </button>
        <button type="button" onClick={cancel} disabled={!running} data-testid="quality-cancel" title="Stop the run in flight (its curve is kept) and drop the rest of the queue">
          ■ Cancel
        </button>
        {running && (
          <div className="hx-run-progress">
            <progress max={1} value={fraction} data-testid="quality-progress" aria-label="Training progress" />
            <span className="hx-run-status" data-testid="quality-status">
              {active ? <strong>{active.designName}: </strong> : null}
              {progress && active
                ? `step ${progress.step}/${progress.steps} · loss ${progress.loss.toFixed(3)} · batch accuracy ${(100 * progress.accuracy).toFixed(0)} % · ${eta(progress.etaMs)} · ${queued} queued`
                : `starting the worker… · ${queued} queued`}
            </span>
          </div>
        )}
      </div>
      {!running && done > 0 && (
        <p className="hx-run-note">
          {done} result{done === 1 ? '' : 's'} stored (they survive a reload).{' '}
          <button type="button" className="hx-link" onClick={model.clear} data-testid="quality-clear">
            Clear results
          </button>
        </p>
      )}
    </div>
  );
}

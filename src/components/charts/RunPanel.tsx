import { useState } from 'react';
import { formatEta as eta } from './formatEta';
import type { BackendChoice, RunProfileSpec, ScanChoice } from '../../sim/protocol';
import type { RunProgress, RunRecord, RunSettings } from '../../app/slices/runSlice';
import { describeProfile, threadsLabel } from './chartData';
import { formatInt } from '../../sim/cost/format';
import { parseSeqLens } from './parseSeqLens';

/** What the run panel shows and does; provided by the app's run hook (`useRun`). */
export interface RunPanelModel {
  settings: RunSettings;
  setSettings: (patch: Partial<RunSettings>) => void;
  profiles: readonly RunProfileSpec[];
  /** The most CPU threads a run may use in this page (the worker applies the same limit), and why. */
  threads: { max: number; reason: string };
  /** The run in flight, or null. */
  active: RunRecord | null;
  progress: RunProgress | null;
  /** The latest run of the current design (finished, cancelled or failed), or null. */
  last: RunRecord | null;
  /** The current design's key: a run in flight under another key is a pinned design's (started from the table). */
  currentKey: string;
  start: () => void;
  cancel: () => void;
}

const BACKENDS: { value: BackendChoice; label: string }[] = [
  { value: 'auto', label: 'auto (fastest real one)' },
  { value: 'webgpu', label: 'WebGPU' },
  { value: 'webgl', label: 'WebGL' },
  { value: 'wasm', label: 'WASM' },
  { value: 'cpu', label: 'CPU (plain JS)' },
];
const SCANS: { value: ScanChoice; label: string }[] = [
  { value: 'auto', label: 'auto (per backend)' },
  { value: 'chunked', label: 'chunked' },
  { value: 'js', label: 'JS loop (one readback; CPU/WASM)' },
  { value: 'simd', label: 'WASM SIMD kernel (one readback; CPU/WASM)' },
  { value: 'naive', label: 'naive (per token)' },
  { value: 'wgsl', label: 'WGSL kernel (WebGPU)' },
];


const PHASE_WEIGHT = { build: 0, prefill: 0.25, decode: 0.75 } as const;

/** The run panel: lengths, backend, scan, profile; Start / Cancel; progress with ETA; the backend used; errors. */
export function RunPanel({ model }: { model: RunPanelModel }) {
  const { settings, setSettings, profiles, threads, active, progress, last, currentKey, start, cancel } = model;
  const [lensText, setLensText] = useState(settings.seqLens.join(', '));
  const parsed = parseSeqLens(lensText);
  const running = active !== null;
  /** The name of the design in flight when it is not the current one (a pinned design run from the table). */
  const otherName = active && active.designKey !== currentKey ? active.designName : null;
  const shown = active ?? last;
  const profile = profiles.find((p) => p.name === settings.profileName) ?? profiles[0];
  const fraction = progress && progress.total > 0 ? (progress.index + PHASE_WEIGHT[progress.phase]) / progress.total : 0;

  return (
    <div className="hx-run" aria-label="Benchmark run">
      <div className="hx-section-title">Run a scaled copy</div>
      <div className="hx-run-grid">
        <label>
          <span>Lengths</span>
          <input
            type="text"
            value={lensText}
            disabled={running}
            onChange={(e) => {
              setLensText(e.target.value);
              const r = parseSeqLens(e.target.value);
              if (r.ok) setSettings({ seqLens: r.value });
            }}
            aria-invalid={!parsed.ok}
            aria-label="Sequence lengths (tokens)"
            data-testid="run-seqlens"
            spellCheck={false}
          />
        </label>
        <label>
          <span>Backend</span>
          <select value={settings.backend} disabled={running} onChange={(e) => setSettings({ backend: e.target.value as BackendChoice })} data-testid="run-backend-select" aria-label="Backend">
            {BACKENDS.map((b) => (
              <option key={b.value} value={b.value}>
                {b.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span>Scan</span>
          <select value={settings.scan} disabled={running} onChange={(e) => setSettings({ scan: e.target.value as ScanChoice })} data-testid="run-scan-select" aria-label="Selective-scan implementation">
            {SCANS.map((s) => (
              <option key={s.value} value={s.value}>
                {s.label}
              </option>
            ))}
          </select>
        </label>
        <label title={`Most CPU threads a run uses (tfjs's wasm pool and the simd scans): ${threads.reason}`}>
          <span>Threads</span>
          <select
            value={String(settings.threads)}
            disabled={running || threads.max === 1}
            onChange={(e) => setSettings({ threads: e.target.value === 'all' ? 'all' : Number(e.target.value) })}
            data-testid="run-threads-select"
            aria-label="CPU threads"
          >
            <option value="all">{threads.max === 1 ? '1 (no threads here)' : `all (${threads.max})`}</option>
            {threads.max > 1 &&
              Array.from({ length: threads.max }, (_, i) => i + 1).map((n) => (
                <option key={n} value={String(n)}>
                  {n}
                </option>
              ))}
            {settings.threads !== 'all' && settings.threads > threads.max && (
              <option value={String(settings.threads)}>
                {settings.threads} (at most {threads.max} here)
              </option>
            )}
          </select>
        </label>
        <label>
          <span>Profile</span>
          <select value={profile?.name ?? ''} disabled={running} onChange={(e) => setSettings({ profileName: e.target.value })} data-testid="run-profile-select" aria-label="Run profile">
            {profiles.map((p) => (
              <option key={p.name} value={p.name}>
                {p.name} (d={p.dModel}, ≤{p.maxLayers} layers)
              </option>
            ))}
          </select>
        </label>
      </div>
      {profile && <p className="hx-run-note">{describeProfile(profile)}</p>}
      {!parsed.ok && (
        <p className="hx-run-error" role="alert">
          {parsed.error}
        </p>
      )}
      <div className="hx-run-actions">
        <button
          type="button"
          className="hx-primary"
          onClick={start}
          disabled={running || !parsed.ok || !profile}
          title={running ? `A run of ${active.designName} is in progress: one run at a time` : 'Run the current design with these settings'}
          data-testid="run-start"
        >
          ▶ Start
        </button>
        <button type="button" onClick={cancel} disabled={!running} data-testid="run-cancel">
          ■ Cancel
        </button>
        {running && (
          <div className="hx-run-progress">
            <progress max={1} value={fraction} data-testid="run-progress" aria-label="Run progress" />
            <span className="hx-run-status">
              {otherName && <strong data-testid="run-design">{otherName}: </strong>}
              {progress ? `L = ${formatInt(progress.seqLen)} (${progress.index + 1} of ${progress.total}) · ${progress.phase} · ${eta(progress.etaMs)}` : 'starting the worker…'}
            </span>
          </div>
        )}
      </div>
      {shown && (
        <p className="hx-run-note" aria-live="polite">
          {otherName && `${otherName} (pinned) · `}
          {shown.backend ? (
            <>
              Backend: <strong data-testid="run-backend">{shown.backend}</strong>
              {shown.backendReason ? ` — ${shown.backendReason}` : ''}
              {' · '}
              <strong data-testid="run-threads" title={shown.threadsReason || undefined}>
                {threadsLabel(shown.threads)}
              </strong>
              {shown.scan ? ` · scan ${shown.scan}` : ''}
            </>
          ) : running ? (
            'Choosing a backend…'
          ) : (
            // A run that ended before a backend was chosen (refused, or failed at once): no backend to show.
            'No backend was started'
          )}
          {!running && shown.status === 'done' && ` · done, ${shown.points.length} lengths measured`}
          {!running && shown.status === 'cancelled' && ` · cancelled, ${shown.points.length} of ${shown.seqLens.length} lengths kept`}
        </p>
      )}
      {!running && shown?.status === 'error' && (
        <p className="hx-run-error" role="alert" data-testid="run-error">
          The run failed: {shown.error}
        </p>
      )}
    </div>
  );
}

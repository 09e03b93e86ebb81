import { useEffect, useRef, useState, type ReactNode } from 'react';
import { DTYPES, type Dtype } from '../../models/schema';
import { DEFAULT_EFFICIENCY, EFFICIENCY_SOURCES, type Efficiency, type Precision } from '../../sim/planner/deployment';
import { HARDWARE } from '../../sim/planner/hardware';
import { THIS_DEVICE_ID } from '../../sim/planner/calibration';
import {
  CUSTOM_HARDWARE_ID,
  customHardware,
  MAX_PLANNER_BATCH,
  MAX_PLANNER_HARDWARE,
  PLANNER_GPUS,
  PLANNER_LENGTHS,
  type CustomHardwareInput,
} from '../../app/slices/plannerSlice';
import type { PlannerModel } from '../../app/usePlanner';
import { formatTokens } from '../formatTokens';
import { shortHardwareName } from './plannerModel';

/** A popover that closes on a click outside it or Escape. */
function Pop({ label, title, testId, children }: { label: string; title: string; testId: string; children: ReactNode }) {
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent) => {
      if (ref.current && !ref.current.contains(e.target as Node)) setOpen(false);
    };
    const esc = (e: KeyboardEvent) => e.key === 'Escape' && setOpen(false);
    window.addEventListener('mousedown', close);
    window.addEventListener('keydown', esc);
    return () => {
      window.removeEventListener('mousedown', close);
      window.removeEventListener('keydown', esc);
    };
  }, [open]);
  return (
    <div className="popover-anchor" ref={ref}>
      <button type="button" aria-expanded={open} aria-haspopup="dialog" onClick={() => setOpen(!open)} title={title} data-testid={testId}>
        {label} ▾
      </button>
      {open && (
        <div className="popover hx-planner-pop" role="dialog" aria-label={title}>
          {children}
        </div>
      )}
    </div>
  );
}

const EFFICIENCY_LABELS: Record<keyof Efficiency, string> = { compute: 'compute', memory: 'bandwidth', interconnect: 'interconnect', capacity: 'usable memory' };

/** Efficiency factors: typed as text, applied when every one is a number in (0, 1]; each with its default's source. */
function EfficiencyForm({ value, onChange }: { value: Efficiency; onChange: (e: Efficiency) => void }) {
  const keys = Object.keys(DEFAULT_EFFICIENCY) as (keyof Efficiency)[];
  const [text, setText] = useState<Record<keyof Efficiency, string>>(() => Object.fromEntries(keys.map((k) => [k, String(value[k])])) as Record<keyof Efficiency, string>);
  const [errors, setErrors] = useState<Partial<Record<keyof Efficiency, string>>>({});
  const apply = (next: Record<keyof Efficiency, string>) => {
    setText(next);
    const errs: Partial<Record<keyof Efficiency, string>> = {};
    const out = { ...value };
    for (const k of keys) {
      const v = Number(next[k]);
      if (next[k].trim() === '' || !Number.isFinite(v) || v <= 0 || v > 1) errs[k] = `efficiency.${k} must be a number in (0, 1]`;
      else out[k] = v;
    }
    setErrors(errs);
    if (Object.keys(errs).length === 0) onChange(out);
  };
  const setAll = (e: Efficiency) => apply(Object.fromEntries(keys.map((k) => [k, String(e[k])])) as Record<keyof Efficiency, string>);
  return (
    <div className="hx-planner-form">
      {keys.map((k) => (
        <label key={k} title={EFFICIENCY_SOURCES[k]}>
          <span>{EFFICIENCY_LABELS[k]}</span>
          <input className="hx-num" value={text[k]} onChange={(e) => apply({ ...text, [k]: e.target.value })} aria-label={`Efficiency: ${EFFICIENCY_LABELS[k]}`} aria-invalid={!!errors[k]} data-testid={`planner-eff-${k}`} />
          <small>{errors[k] ?? `default ${DEFAULT_EFFICIENCY[k]}: ${EFFICIENCY_SOURCES[k]}`}</small>
        </label>
      ))}
      <div className="actions">
        <button type="button" onClick={() => setAll({ compute: 1, memory: 1, interconnect: 1, capacity: 1 })} data-testid="planner-eff-pure">
          Pure roofline (all 1)
        </button>
        <button type="button" onClick={() => setAll(DEFAULT_EFFICIENCY)}>
          Defaults
        </button>
      </div>
    </div>
  );
}

const CUSTOM_FIELDS: { key: keyof CustomHardwareInput; label: string; unit: string; optional?: boolean }[] = [
  { key: 'name', label: 'name', unit: '' },
  { key: 'bf16Tflops', label: 'bf16 / fp16', unit: 'TFLOP/s' },
  { key: 'fp8Tflops', label: 'fp8', unit: 'TFLOP/s (empty: none)', optional: true },
  { key: 'fp32Tflops', label: 'fp32', unit: 'TFLOP/s' },
  { key: 'bandwidthTBs', label: 'bandwidth', unit: 'TB/s' },
  { key: 'memoryGiB', label: 'memory', unit: 'GiB' },
  { key: 'linkGBs', label: 'link', unit: 'GB/s each way (empty: one GPU)', optional: true },
];

/** Custom hardware: each field checked as typed; an invalid entry names its field and is not applied. */
function CustomForm({ value, onChange }: { value: CustomHardwareInput; onChange: (c: CustomHardwareInput) => void }) {
  const [text, setText] = useState<Record<string, string>>(() => Object.fromEntries(CUSTOM_FIELDS.map((f) => [f.key, value[f.key] === null ? '' : String(value[f.key])])));
  const [error, setError] = useState<string | null>(null);
  const apply = (next: Record<string, string>) => {
    setText(next);
    const c = { ...value };
    for (const f of CUSTOM_FIELDS) {
      const t = (next[f.key] ?? '').trim();
      if (f.key === 'name') c.name = t;
      else if (f.optional && t === '') (c as Record<string, unknown>)[f.key] = null;
      else (c as Record<string, unknown>)[f.key] = t === '' ? Number.NaN : Number(t);
    }
    try {
      customHardware(c);
    } catch (e) {
      setError((e as Error).message.replace(/^hardware custom: /, '').replace('memBandwidth', 'bandwidth').replace('memBytes', 'memory').replace('interconnect.bandwidth', 'link').replace('peakFlops.', ''));
      return;
    }
    setError(null);
    onChange(c);
  };
  return (
    <div className="hx-planner-form">
      {CUSTOM_FIELDS.map((f) => (
        <label key={f.key}>
          <span>{f.label}</span>
          <input className={f.key === 'name' ? undefined : 'hx-num'} value={text[f.key] ?? ''} onChange={(e) => apply({ ...text, [f.key]: e.target.value })} aria-label={`Custom hardware: ${f.label}`} data-testid={`planner-custom-${f.key}`} />
          <small>{f.unit}</small>
        </label>
      ))}
      {error && (
        <p className="hx-run-error" role="alert" data-testid="planner-custom-error">
          {error}
        </p>
      )}
    </div>
  );
}

function DtypeSelect({ label, value, onChange, testId }: { label: string; value: Dtype; onChange: (d: Dtype) => void; testId: string }) {
  return (
    <label className="hx-inline">
      {label}
      <select className="hx-dtype" value={value} onChange={(e) => onChange(e.target.value as Dtype)} aria-label={`${label} dtype`} data-testid={testId}>
        {DTYPES.map((d) => (
          <option key={d} value={d}>
            {d}
          </option>
        ))}
      </select>
    </label>
  );
}

/** The Hardware tab's one toolbar row: hardware, GPUs, batch, dtypes, length, efficiency, this device, canvas shading. */
export function PlannerToolbar({ model }: { model: PlannerModel }) {
  const { settings: s, setSettings, probe, probing, probeError, measure } = model;
  const [batchText, setBatchText] = useState(String(s.batch));
  const [batchError, setBatchError] = useState<string | null>(null);
  const setHardware = (i: number, id: string) => {
    const next = s.hardware.slice();
    next[i] = id;
    setSettings({ hardware: [...new Set(next)] });
    if (id === THIS_DEVICE_ID && !probe) measure();
  };
  const setPrecision = (k: keyof Precision, d: Dtype) => setSettings({ precision: { ...s.precision, [k]: d } });
  const applyBatch = (t: string) => {
    setBatchText(t);
    const v = Number(t);
    if (t.trim() === '' || !Number.isInteger(v) || v < 1 || v > MAX_PLANNER_BATCH) {
      setBatchError(`batch must be an integer from 1 to ${MAX_PLANNER_BATCH}`);
      return;
    }
    setBatchError(null);
    setSettings({ batch: v });
  };
  const options = (
    <>
      {HARDWARE.map((h) => (
        <option key={h.id} value={h.id}>
          {shortHardwareName(h)}
        </option>
      ))}
      <option value={CUSTOM_HARDWARE_ID}>Custom: {s.custom.name || 'custom'}</option>
      <option value={THIS_DEVICE_ID}>This device{probe ? ` (${probe.backend}, measured)` : ' (measure)'}</option>
    </>
  );
  return (
    <div className="hx-planner-bar" role="toolbar" aria-label="Deployment settings" data-testid="planner-toolbar">
      <span className="hx-inline">
        hardware
        {s.hardware.map((id, i) => (
          <span key={i} className="hx-hw-pick">
            <select value={id} onChange={(e) => setHardware(i, e.target.value)} aria-label={i === 0 ? 'Hardware' : `Hardware ${i + 1}`} data-testid={`planner-hardware-${i}`}>
              {options}
            </select>
            {i > 0 && (
              <button type="button" className="hx-link" aria-label={`Remove ${id}`} title="Remove this hardware" onClick={() => setSettings({ hardware: s.hardware.filter((_, j) => j !== i) })}>
                ×
              </button>
            )}
          </span>
        ))}
        {s.hardware.length < MAX_PLANNER_HARDWARE && (
          <button type="button" onClick={() => setSettings({ hardware: [...s.hardware, HARDWARE.find((h) => !s.hardware.includes(h.id))?.id ?? 'rtx-4090'] })} title="Compare with another hardware" aria-label="Add hardware" data-testid="planner-add-hardware">
            +
          </button>
        )}
      </span>
      <span className="hx-inline">
        GPUs
        <span className="hx-seg" role="radiogroup" aria-label="GPUs">
          {PLANNER_GPUS.map((g) => (
            <button key={g} type="button" role="radio" aria-checked={s.gpus === g} className={s.gpus === g ? 'on' : ''} onClick={() => setSettings({ gpus: g })} data-testid={`planner-gpus-${g}`} title={`${g} GPU${g > 1 ? 's' : ''}: tensor parallel where the heads divide, pipeline stages otherwise`}>
              {g}
            </button>
          ))}
        </span>
      </span>
      <label className="hx-inline">
        batch
        <input className="hx-num hx-num-short" value={batchText} onChange={(e) => applyBatch(e.target.value)} aria-label="Batch (sequences)" aria-invalid={!!batchError} data-testid="planner-batch" title={batchError ?? 'Sequences decoded together (and prompts prefilled together)'} />
      </label>
      <DtypeSelect label="weights" value={s.precision.weights} onChange={(d) => setPrecision('weights', d)} testId="planner-weights-dtype" />
      <DtypeSelect label="KV" value={s.precision.kv} onChange={(d) => setPrecision('kv', d)} testId="planner-kv-dtype" />
      <DtypeSelect label="state" value={s.precision.state} onChange={(d) => setPrecision('state', d)} testId="planner-state-dtype" />
      <DtypeSelect label="act" value={s.precision.activations} onChange={(d) => setPrecision('activations', d)} testId="planner-act-dtype" />
      <label className="hx-inline" title="The length the compare rows, the fit table and the canvas shading use">
        at L
        <select value={s.seqLen} onChange={(e) => setSettings({ seqLen: Number(e.target.value) })} aria-label="Length for the table" data-testid="planner-seqlen">
          {[...new Set([...PLANNER_LENGTHS, s.seqLen])]
            .sort((a, b) => a - b)
            .map((n) => (
              <option key={n} value={n}>
                {formatTokens(n)}
              </option>
            ))}
        </select>
      </label>
      <Pop label="efficiency" title="Efficiency factors: the share of each datasheet peak a deployment reaches (1 = pure roofline)" testId="planner-efficiency">
        <EfficiencyForm value={s.efficiency} onChange={(efficiency) => setSettings({ efficiency })} />
      </Pop>
      {s.hardware.includes(CUSTOM_HARDWARE_ID) && (
        <Pop label="custom" title="Custom hardware: peak rates, bandwidth, memory, link" testId="planner-custom">
          <CustomForm value={s.custom} onChange={(custom) => setSettings({ custom })} />
        </Pop>
      )}
      <button type="button" onClick={measure} disabled={probing} data-testid="planner-measure" title={probe ? `Measured ${probe.measuredAt} on ${probe.backend}: ${probe.method}. Measure again.` : 'Measure this device (matmul FLOP/s and memory bandwidth on the run backend) to compare the planner with the measured runs'}>
        {probing ? 'Measuring…' : probe ? 'Re-measure device' : 'Measure device'}
      </button>
      <select value={s.shade} onChange={(e) => setSettings({ shade: e.target.value as typeof s.shade })} aria-label="Canvas colouring" title="Colour the canvas layers by their share of decode or prefill time on the first hardware (their tooltips show each layer's roofline)" data-testid="planner-shade">
        <option value="off">canvas: params</option>
        <option value="decode">canvas: decode time</option>
        <option value="prefill">canvas: prefill time</option>
      </select>
      {(batchError || probeError) && (
        <p className="hx-run-error hx-planner-error" role="alert">
          {batchError ?? probeError}
        </p>
      )}
    </div>
  );
}

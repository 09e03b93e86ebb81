import { useId, useState } from 'react';
import type { ValidationIssue } from '../models/validate';

/** The result of trying a value: null when it was accepted, else the message to show at the field. */
export type TryResult = string | null;

/** Picks the message for a field out of validation issues: the one whose path ends with the field's key, else the first. */
export function issueFor(issues: readonly ValidationIssue[], key: string): string {
  const own = issues.find((i) => i.path === key || i.path.endsWith(`.${key}`));
  return (own ?? issues[0])?.message ?? 'invalid value';
}

interface NumberFieldProps {
  label: string;
  value: number | null;
  /** Tries a parsed value (or null for an empty field where `nullable`); returns the error to show, or null. */
  onCommit: (v: number | null, dryRun: boolean) => TryResult;
  nullable?: boolean;
  placeholder?: string;
  testId?: string;
  suffix?: string;
}

/**
 * A number input that validates on every keystroke (through the same schema as import, via `onCommit(v, true)`)
 * and commits on Enter or blur; an invalid draft stays in the input with its message, the store keeps the last
 * valid design.
 */
export function NumberField({ label, value, onCommit, nullable, placeholder, testId, suffix }: NumberFieldProps) {
  const id = useId();
  const [draft, setDraft] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const parse = (text: string): { v: number | null; err: string | null } => {
    const t = text.trim().replace(/[_,\s]/g, '');
    if (t === '') return nullable ? { v: null, err: null } : { v: null, err: `${label} must be a number` };
    const v = Number(t);
    if (!Number.isFinite(v)) return { v: null, err: `${label} must be a number` };
    return { v, err: null };
  };
  const check = (text: string) => {
    const { v, err } = parse(text);
    setError(err ?? onCommit(v, true));
  };
  const commit = () => {
    if (draft === null) return;
    const { v, err } = parse(draft);
    if (err) return setError(err);
    const e = onCommit(v, false);
    setError(e);
    if (!e) setDraft(null);
  };
  return (
    <>
      <label htmlFor={id}>{label}</label>
      <span className="form-row">
        <input
          id={id}
          className={`input num nodrag${error ? ' invalid' : ''}`}
          style={{ width: '100%' }}
          inputMode="numeric"
          value={draft ?? (value === null ? '' : String(value))}
          placeholder={placeholder}
          aria-invalid={!!error}
          aria-describedby={error ? `${id}-err` : undefined}
          data-testid={testId}
          onChange={(e) => {
            setDraft(e.target.value);
            check(e.target.value);
          }}
          onBlur={commit}
          onKeyDown={(e) => {
            if (e.key === 'Enter') commit();
            if (e.key === 'Escape') {
              setDraft(null);
              setError(null);
            }
          }}
        />
        {suffix && <span className="strip-count">{suffix}</span>}
      </span>
      {error && (
        <div className="field-error" id={`${id}-err`} role="alert">
          {error}
        </div>
      )}
    </>
  );
}

/** A select whose change is applied at once (validated; the message shows under it when refused). */
export function SelectField<T extends string>({
  label,
  value,
  options,
  onCommit,
  testId,
}: {
  label: string;
  value: T;
  options: readonly { value: T; label: string }[];
  onCommit: (v: T) => TryResult;
  testId?: string;
}) {
  const id = useId();
  const [error, setError] = useState<string | null>(null);
  return (
    <>
      <label htmlFor={id}>{label}</label>
      <select id={id} className={`select nodrag${error ? ' invalid' : ''}`} value={value} data-testid={testId} onChange={(e) => setError(onCommit(e.target.value as T))}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      {error && (
        <div className="field-error" role="alert">
          {error}
        </div>
      )}
    </>
  );
}

/** A checkbox applied at once. */
export function CheckField({ label, value, onCommit, testId }: { label: string; value: boolean; onCommit: (v: boolean) => TryResult; testId?: string }) {
  const id = useId();
  const [error, setError] = useState<string | null>(null);
  return (
    <>
      <label htmlFor={id}>{label}</label>
      <input id={id} type="checkbox" className="nodrag" checked={value} data-testid={testId} onChange={(e) => setError(onCommit(e.target.checked))} />
      {error && (
        <div className="field-error" role="alert">
          {error}
        </div>
      )}
    </>
  );
}

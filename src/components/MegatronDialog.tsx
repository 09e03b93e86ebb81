import { useEffect, useMemo, useRef, useState } from 'react';
import { exportMegatron } from '../models/megatron';
import { useAppStore } from '../app/store';

/**
 * The design as Megatron-LM hybrid model arguments (src/models/megatron.ts): the pattern and flags to paste after
 * `pretrain_hybrid.py`, an optional split into pipeline stages balanced by parameters, and a copy button. A design
 * Megatron-LM cannot express shows the reason instead.
 */
export function MegatronDialog({ onClose }: { onClose: () => void }) {
  const design = useAppStore((s) => s.design);
  const [ppText, setPpText] = useState('1');
  const [copied, setCopied] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  const pp = /^\d+$/.test(ppText) ? Number(ppText) : NaN;
  const ppError = Number.isInteger(pp) && pp >= 1 && pp <= 1024 ? null : 'pipeline stages: an integer from 1 to 1024';
  const result = useMemo(() => (ppError ? null : exportMegatron(design, { pp })), [design, pp, ppError]);
  useEffect(() => {
    ref.current?.focus();
    const esc = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    window.addEventListener('keydown', esc);
    return () => window.removeEventListener('keydown', esc);
  }, [onClose]);
  const text = result?.ok ? result.value.text : '';
  const copy = () =>
    navigator.clipboard?.writeText(text).then(
      () => setCopied(true),
      () => setCopied(false),
    );
  return (
    <div className="dialog-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className="dialog megatron-dialog" role="dialog" aria-modal="true" aria-labelledby="megatron-title" tabIndex={-1} ref={ref} data-testid="megatron-dialog">
        <h2 id="megatron-title">Megatron-LM hybrid model</h2>
        <div className="form-row">
          <label htmlFor="megatron-pp">Pipeline stages</label>
          <input
            id="megatron-pp"
            className="input"
            style={{ width: 64 }}
            inputMode="numeric"
            value={ppText}
            aria-invalid={ppError !== null}
            data-testid="megatron-pp"
            onChange={(e) => {
              setPpText(e.target.value);
              setCopied(false);
            }}
          />
          <span className="spacer" />
          <button type="button" className="btn" disabled={!text} onClick={copy} data-testid="megatron-copy">
            {copied ? 'Copied' : 'Copy'}
          </button>
        </div>
        {ppError && <p className="field-error" data-testid="megatron-error">{ppError}</p>}
        {result && !result.ok && (
          <p className="field-error" data-testid="megatron-error">
            Not expressible in Megatron-LM: {result.issues[0]?.path}: {result.issues[0]?.message}
          </p>
        )}
        {result?.ok && (
          <>
            <textarea className="input mono megatron-text" readOnly value={text} rows={Math.min(18, text.split('\n').length)} data-testid="megatron-text" aria-label="Megatron-LM arguments" onFocus={(e) => e.target.select()} />
            <p className="note">
              Paste after <span className="mono">pretrain_hybrid.py</span>. M Mamba-2, * attention, G Gated DeltaNet, + MLA, - MLP, E MoE; a layer with a mixer and an FFN is two Megatron
              layers. The same text from the command line: <span className="mono">npm run --silent cli -- export-megatron design.json --pp {pp}</span>
            </p>
          </>
        )}
        <div className="form-row" style={{ justifyContent: 'flex-end' }}>
          <button type="button" className="btn" onClick={onClose} data-testid="megatron-close">
            Close
          </button>
        </div>
      </div>
    </div>
  );
}

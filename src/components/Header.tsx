import { Suspense, lazy, useEffect, useRef, useState } from 'react';
import type { exportHfConfig } from '../models/hf';
import { formatIssues } from '../models/validate';
import { redoCommand, runCommand, undoCommand } from '../app/commands';
import { exportHf, exportJson, exportPng, exportSvg, importFile } from '../app/fileIo';
import { comparisonLink } from './charts/comparisonLink';
import { useAppStore } from '../app/store';
import { kindStyle } from './kindColors';
import { ATTENTION_SIDE_KINDS, RECURRENT_KINDS } from '../models/patterns';
import { PresetSelect } from './PresetSelect';
import { RatioTool } from './RatioTool';
// The HF families and the Megatron-LM grammar load when the Export menu opens, not with the editor (first load).
const MegatronDialog = lazy(() => import('./MegatronDialog').then((m) => ({ default: m.MegatronDialog })));

function useDismiss(open: boolean, close: () => void) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const down = (e: MouseEvent) => ref.current && !ref.current.contains(e.target as Node) && close();
    const esc = (e: KeyboardEvent) => e.key === 'Escape' && close();
    window.addEventListener('mousedown', down);
    window.addEventListener('keydown', esc);
    return () => {
      window.removeEventListener('mousedown', down);
      window.removeEventListener('keydown', esc);
    };
  }, [open, close]);
  return ref;
}

function ShareButton() {
  const [url, setUrl] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  const ref = useDismiss(url !== null, () => setUrl(null));
  const open = () => {
    if (url) return setUrl(null);
    // The charts' comparison (pinned designs, chart settings) travels too: `&c=...` after the design (issue 5).
    const u = comparisonLink();
    setUrl(u);
    setCopied(false);
    navigator.clipboard?.writeText(u).then(
      () => setCopied(true),
      () => setCopied(false),
    );
  };
  return (
    <div className="popover-anchor" ref={ref}>
      <button type="button" className="btn" onClick={open} aria-expanded={url !== null} data-testid="share" title="A link that opens this design">
        Share
      </button>
      {url && (
        <div className="popover" role="dialog" aria-label="Share link" style={{ width: 380, left: 'auto', right: 0 }}>
          <div className="form-row">
            <input className="input mono" style={{ flex: 1, width: 'auto' }} readOnly value={url} data-testid="share-url" aria-label="Share URL" onFocus={(e) => e.target.select()} />
            <button
              type="button"
              className="btn"
              onClick={() =>
                navigator.clipboard?.writeText(url).then(
                  () => setCopied(true),
                  () => setCopied(false),
                )
              }
            >
              {copied ? 'Copied' : 'Copy'}
            </button>
          </div>
          <p className="note">
            The design travels compressed in the link ({url.length.toLocaleString('en-US')} characters); nothing is uploaded.
          </p>
        </div>
      )}
    </div>
  );
}

function ExportMenu() {
  const [open, setOpen] = useState(false);
  const [megatron, setMegatron] = useState(false);
  const ref = useDismiss(open, () => setOpen(false));
  const design = useAppStore((s) => s.design);
  const [hfCheck, setHfCheck] = useState<{ design: unknown; result: ReturnType<typeof exportHfConfig> } | null>(null);
  useEffect(() => {
    if (!open) return;
    let live = true;
    void import('../models/hf').then((m) => {
      if (live) setHfCheck({ design, result: m.exportHfConfig(design) });
    });
    return () => {
      live = false;
    };
  }, [open, design]);
  // Only the verdict on the design shown now: a stale one (the design changed since) reads as still checking.
  const hf = open && hfCheck?.design === design ? hfCheck.result : null;
  const run = (f: () => void | Promise<void>) => () => {
    setOpen(false);
    void f();
  };
  return (
    <div className="popover-anchor" ref={ref}>
      <button type="button" className="btn" aria-haspopup="menu" aria-expanded={open} onClick={() => setOpen(!open)} data-testid="export-menu">
        Export ▾
      </button>
      {open && (
        <div className="menu" role="menu">
          <button type="button" role="menuitem" data-testid="export-json" onClick={run(exportJson)}>
            Design JSON (.json)
          </button>
          <button type="button" role="menuitem" data-testid="export-hf" disabled={!hf?.ok} onClick={run(exportHf)} title={hf && !hf.ok ? formatIssues(hf.issues) : 'Hugging Face config.json of the first family that expresses the design'}>
            HF config.json{hf?.ok ? ` (${String(hf.value.model_type)})` : ''}
          </button>
          {hf && !hf.ok && <div className="menu-note">{hf.issues[0]?.message}</div>}
          <button type="button" role="menuitem" data-testid="export-megatron" onClick={run(() => setMegatron(true))} title="--hybrid-layer-pattern and model arguments for pretrain_hybrid.py">
            Megatron-LM arguments…
          </button>
          <button type="button" role="menuitem" data-testid="export-graph-svg" onClick={run(exportSvg)}>
            Graph as SVG
          </button>
          <button type="button" role="menuitem" data-testid="export-graph-png" onClick={run(exportPng)}>
            Graph as PNG
          </button>
        </div>
      )}
      {megatron && (
        <Suspense fallback={null}>
          <MegatronDialog onClose={() => setMegatron(false)} />
        </Suspense>
      )}
    </div>
  );
}

function ThemeToggle() {
  const theme = useAppStore((s) => s.theme);
  const setTheme = useAppStore((s) => s.setTheme);
  const next = theme === 'system' ? 'light' : theme === 'light' ? 'dark' : 'system';
  const icon = theme === 'system' ? '◐' : theme === 'light' ? '☀' : '☾';
  return (
    <button type="button" className="btn icon" onClick={() => setTheme(next)} aria-label={`Theme: ${theme}. Switch to ${next}`} title={`Theme: ${theme} (click for ${next})`} data-testid="theme-toggle">
      {icon}
    </button>
  );
}

/** The top bar: title, presets, ratio tool, undo/redo, share/export/import, help and theme. */
export function Header({ onHelp }: { onHelp: () => void }) {
  const canUndo = useAppStore((s) => s.past.length > 0);
  const canRedo = useAppStore((s) => s.future.length > 0);
  const undoLabel = useAppStore((s) => s.past[s.past.length - 1]?.label);
  const redoLabel = useAppStore((s) => s.future[0]?.label);
  const fileRef = useRef<HTMLInputElement>(null);
  return (
    <header className="topbar">
      <span className="brand">
        <span className="logo" aria-hidden>
          <i style={{ background: kindStyle(RECURRENT_KINDS[0]!).color }} />
          <i style={{ background: kindStyle(RECURRENT_KINDS[0]!).color }} />
          <i style={{ background: kindStyle(ATTENTION_SIDE_KINDS[0]!).color }} />
          <i style={{ background: kindStyle(RECURRENT_KINDS[0]!).color }} />
        </span>
        Hybrid Explorer
      </span>
      <PresetSelect />
      <RatioTool />
      <span className="sep" />
      <button type="button" className="btn icon" disabled={!canUndo} onClick={() => runCommand(undoCommand, undefined)} data-testid="undo" aria-label={`Undo ${undoLabel ?? ''}`} title={`Undo ${undoLabel ?? ''} (Ctrl/⌘ Z)`}>
        ↶
      </button>
      <button type="button" className="btn icon" disabled={!canRedo} onClick={() => runCommand(redoCommand, undefined)} data-testid="redo" aria-label={`Redo ${redoLabel ?? ''}`} title={`Redo ${redoLabel ?? ''} (Ctrl/⌘ Shift Z)`}>
        ↷
      </button>
      <span className="spacer" />
      <ShareButton />
      <ExportMenu />
      <button type="button" className="btn" onClick={() => fileRef.current?.click()} title="Import a design JSON or an HF config.json (or drop the file on the window)">
        Import
      </button>
      <input
        ref={fileRef}
        type="file"
        accept=".json,application/json"
        className="sr-only"
        data-testid="import-json"
        aria-label="Import design file"
        onChange={(e) => {
          const f = e.target.files?.[0];
          e.target.value = '';
          if (f) void importFile(f);
        }}
      />
      <span className="sep" />
      <button type="button" className="btn icon" onClick={onHelp} aria-label="Keyboard shortcuts and help" title="Help (?)" data-testid="help">
        ?
      </button>
      <ThemeToggle />
    </header>
  );
}

import { useEffect, useRef } from 'react';
import { KEYED_COMMANDS } from '../app/commands';

const OTHER_KEYS: [string, string][] = [
  ['Enter (on a palette block)', 'Insert the block after the selection'],
  ['Click / Shift-click a layer', 'Select / add to the selection'],
  ['Shift-drag on the canvas', 'Box-select layers'],
  ['Double-click a group', 'Expand a collapsed group'],
  ['Drag a layer', 'Reorder (one undo step)'],
  ['Drop a file on the window', 'Import a design JSON or an HF config.json'],
  ['?', 'This help'],
  ['Esc', 'Close dialogs and menus'],
];

/** The keyboard shortcuts and gestures, listed from the same command objects the shortcuts run. */
export function HelpDialog({ onClose }: { onClose: () => void }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    ref.current?.focus();
    const esc = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    window.addEventListener('keydown', esc);
    return () => window.removeEventListener('keydown', esc);
  }, [onClose]);
  return (
    <div className="dialog-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className="dialog" role="dialog" aria-modal="true" aria-labelledby="help-title" tabIndex={-1} ref={ref} data-testid="help-dialog">
        <h2 id="help-title">Keyboard shortcuts</h2>
        <table>
          <tbody>
            {KEYED_COMMANDS.map((c) => (
              <tr key={c.name}>
                <td>
                  <span className="kbd">{c.shortcut}</span>
                </td>
                <td>{c.label()}</td>
              </tr>
            ))}
            {OTHER_KEYS.map(([k, v]) => (
              <tr key={k}>
                <td>
                  <span className="kbd">{k}</span>
                </td>
                <td>{v}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="palette-help" style={{ padding: '10px 0 0' }}>
          Costs are analytic, for the full-size design; bytes use binary units (1 GiB = 2³⁰ B). Hover any metric for its formula.
        </p>
        <div className="actions" style={{ display: 'flex', justifyContent: 'flex-end' }}>
          <button type="button" className="btn" onClick={onClose}>
            Close
          </button>
        </div>
      </div>
    </div>
  );
}

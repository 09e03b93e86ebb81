import { useAppStore } from '../app/store';
import { selectLayers } from '../app/selectors';
import { MIXER_SPECS, isAttentionSide, isSparseFfn, kindStyle } from '../kinds/specs';
import { mixerLetter } from './canvas/graphModel';

/** The whole stack at a glance: one cell per layer (colour and letter per mixer, a dot for MoE); click to go there. */
export function PatternStrip() {
  const layers = useAppStore(selectLayers);
  const selection = useAppStore((s) => s.selection);
  const setSelection = useAppStore((s) => s.setSelection);
  const focusLayer = useAppStore((s) => s.focusLayer);
  const sel = new Set(selection);
  const attn = layers.filter((l) => isAttentionSide(l.mixer.kind)).length;
  const moe = layers.filter((l) => isSparseFfn(l.ffn.kind)).length;
  // Composite mixers (on neither side of a ratio: parallel layers, shared-block calls), counted by their letter.
  const composite = new Map<string, number>();
  for (const l of layers) {
    if (l.mixer.kind !== 'none' && MIXER_SPECS[l.mixer.kind].ratioSide === null) {
      const letter = kindStyle(l.mixer.kind).letter;
      composite.set(letter, (composite.get(letter) ?? 0) + 1);
    }
  }
  return (
    <div className="strip" aria-label="Pattern strip">
      <span className="strip-label">Pattern</span>
      <div className={`strip-cells${layers.length > 48 ? ' compact' : ''}`} data-testid="pattern-strip">
        {layers.map((l, i) => {
          const s = kindStyle(l.mixer.kind);
          return (
            <button
              type="button"
              key={i}
              className={`strip-cell${sel.has(i) ? ' selected' : ''}`}
              style={{ background: s.color, color: s.ink }}
              data-testid="strip-cell"
              aria-label={`Layer ${i}: ${s.label}${isSparseFfn(l.ffn.kind) ? ` with ${kindStyle(l.ffn.kind).label}` : ''}`}
              title={`Layer ${i}: ${s.label}${l.ffn.kind !== 'none' ? ` · ${kindStyle(l.ffn.kind).label}` : ''}`}
              onClick={(e) => {
                setSelection(e.shiftKey || e.metaKey || e.ctrlKey ? [...selection, i] : [i]);
                focusLayer(i);
              }}
            >
              {mixerLetter(l)}
              {isSparseFfn(l.ffn.kind) && <span className="moe-dot" aria-hidden />}
            </button>
          );
        })}
      </div>
      <span className="strip-count num" title="Layers, attention layers, composite layers by letter, MoE layers">
        {layers.length} layers · {attn} A ·{[...composite].map(([letter, n]) => ` ${n} ${letter} ·`)} {moe} MoE
      </span>
    </div>
  );
}

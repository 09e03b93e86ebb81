import type { DragEvent, KeyboardEvent } from 'react';
import { blockDescription } from '../app/blockDefaults';
import { insertBlock, runCommand } from '../app/commands';
import { useAppStore } from '../app/store';
import { selectLayers } from '../app/selectors';
import { BLOCK_KINDS, kindStyle, specOf, type BlockKind } from '../kinds/specs';
import { PALETTE_GROUPS, type PaletteGroup } from '../kinds/kindSpec';
import { BLOCK_MIME } from './canvas/EditorCanvas';

function PaletteItem({ kind }: { kind: BlockKind }) {
  const s = kindStyle(kind);
  const onDragStart = (e: DragEvent) => {
    e.dataTransfer.setData(BLOCK_MIME, kind);
    e.dataTransfer.setData('text/plain', kind);
    e.dataTransfer.effectAllowed = 'copy';
  };
  const insertAfterSelection = () => {
    const st = useAppStore.getState();
    const n = selectLayers(st).length;
    const last = st.selection[st.selection.length - 1];
    runCommand(insertBlock, { kind, at: last === undefined ? n : last + 1 });
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      insertAfterSelection();
    }
  };
  return (
    <div
      role="button"
      tabIndex={0}
      className="palette-item"
      draggable
      onDragStart={onDragStart}
      onKeyDown={onKeyDown}
      onDoubleClick={insertAfterSelection}
      data-testid={`palette-${kind}`}
      aria-label={`${s.label}: ${blockDescription(kind)} Drag onto the canvas, or press Enter to insert after the selection.`}
      title={blockDescription(kind)}
    >
      <span className="kind-badge" style={{ background: s.color, color: s.ink }} aria-hidden>
        {s.letter}
      </span>
      <span className="name">{s.label}</span>
      <span className="desc">{blockDescription(kind)}</span>
    </div>
  );
}

/** Palette group headings (UI.md: Attention, Recurrent, Composite, FFN). */
const GROUP_TITLES: Record<PaletteGroup, string> = {
  attention: 'Attention: drop on a layer to replace its mixer',
  recurrent: 'Recurrent: fixed-size state',
  composite: 'Composite',
  ffn: 'FFNs: drop on a layer to set its FFN',
};

/** The block kinds, grouped: drag onto the canvas, or focus and press Enter to insert after the selection. */
export function Palette() {
  return (
    <aside className="panel side-left" aria-label="Block palette">
      <div className="panel-title">Blocks</div>
      <div className="palette-list">
        {PALETTE_GROUPS.map((g) => {
          const kinds = BLOCK_KINDS.filter((k) => specOf(k).group === g);
          if (!kinds.length) return null;
          return (
            <div key={g} role="group" aria-label={GROUP_TITLES[g]} data-testid={`palette-group-${g}`}>
              <div className="palette-group">{GROUP_TITLES[g]}</div>
              {kinds.map((k) => (
                <PaletteItem key={k} kind={k} />
              ))}
            </div>
          );
        })}
      </div>
      <p className="palette-help">
        Drop between layers to insert. Drag a layer to reorder. <span className="kbd">Enter</span> on a block inserts it after
        the selection.
      </p>
      <span className="sr-only">{BLOCK_KINDS.length} block kinds</span>
    </aside>
  );
}

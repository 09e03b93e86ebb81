/**
 * Editor commands (excalidraw's actions): one object each with a name, a label, a pure `perform` and an optional key
 * test. Menus, buttons, the palette and keyboard shortcuts all run the same objects through `runCommand`, so an
 * edit is validated and recorded as one undo step wherever it comes from.
 */
import { expandLayers, type Design, type Ffn, type Layer, type Mixer } from '../models/schema';
import { withLayers } from '../models/compact';
import { applyRatio, type RatioOptions } from '../models/patterns';
import { formatIssues, type ParseResult } from '../models/validate';
import type { BlockKind } from '../components/kindColors';
import { kindStyle } from '../components/kindColors';
import { newLayerFor, placeBlock } from './blockDefaults';
import { duplicateLayers, insertLayers, moveLayers, removeLayers, updateLayers, type LayerEdit } from './layerOps';
import { useAppStore } from './store';

/** What a command sees: the design, its explicit layers and the selection. */
export interface CommandContext {
  design: Design;
  layers: Layer[];
  selection: number[];
}

/** What a command asks for: a new design (validated by the store) with a selection, or a history move. */
export type CommandEffect = { kind: 'edit'; design: Design; selection: number[] } | { kind: 'undo' } | { kind: 'redo' };

/** The subset of a KeyboardEvent that key tests read (so they can be tested without a DOM). */
export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}

export interface Command<A = void> {
  name: string;
  /** Human label, for menus, tooltips and the undo history. */
  label: (arg: A) => string;
  /** Shortcut as shown in the help dialog, e.g. "Ctrl/⌘ D". */
  shortcut?: string;
  /** True when the key event triggers this command. */
  keyTest?: (e: KeyLike) => boolean;
  /** Pure: the effect of running the command, or null when it does not apply. */
  perform: (ctx: CommandContext, arg: A) => CommandEffect | null;
}

const mod = (e: KeyLike) => e.ctrlKey || e.metaKey;

function edit(ctx: CommandContext, e: LayerEdit, design: Design = ctx.design): CommandEffect {
  return { kind: 'edit', design: withLayers(design, e.layers), selection: e.selection };
}

/** Inserts a new layer built from a palette block before position `at`. */
export const insertBlock: Command<{ kind: BlockKind; at: number }> = {
  name: 'insertBlock',
  label: ({ kind }) => `Insert ${kindStyle(kind).label}`,
  perform: (ctx, { kind, at }) => {
    const { layer, addSharedBlock } = newLayerFor(ctx.design, kind);
    const design = addSharedBlock ? { ...ctx.design, sharedBlocks: [...ctx.design.sharedBlocks, addSharedBlock] } : ctx.design;
    return edit(ctx, insertLayers(ctx.layers, at, [layer]), design);
  },
};

/** Replaces the mixer (mixer blocks) or the FFN (mlp / moe blocks) of layers with a palette block. */
export const replaceBlock: Command<{ kind: BlockKind; indices: number[] }> = {
  name: 'replaceBlock',
  label: ({ kind }) => `Set ${kindStyle(kind).label}`,
  perform: (ctx, { kind, indices }) => {
    if (!indices.length) return null;
    const placed = placeBlock(ctx.design, kind);
    const design = placed.addSharedBlock ? { ...ctx.design, sharedBlocks: [...ctx.design.sharedBlocks, placed.addSharedBlock] } : ctx.design;
    return edit(
      ctx,
      updateLayers(ctx.layers, indices, (l) => ({ ...l, ...(placed.mixer ? { mixer: placed.mixer } : {}), ...(placed.ffn ? { ffn: placed.ffn } : {}) })),
      design,
    );
  },
};

/** Sets the mixer of layers (inspector edits). */
export const setMixer: Command<{ indices: number[]; mixer: Mixer }> = {
  name: 'setMixer',
  label: ({ mixer }) => `Edit ${mixer.kind === 'none' ? 'mixer' : kindStyle(mixer.kind).label}`,
  perform: (ctx, { indices, mixer }) => (indices.length ? edit(ctx, updateLayers(ctx.layers, indices, (l) => ({ ...l, mixer }))) : null),
};

/** Sets the FFN of layers (inspector edits). */
export const setFfn: Command<{ indices: number[]; ffn: Ffn }> = {
  name: 'setFfn',
  label: ({ ffn }) => `Edit ${ffn.kind === 'none' ? 'FFN' : kindStyle(ffn.kind).label}`,
  perform: (ctx, { indices, ffn }) => (indices.length ? edit(ctx, updateLayers(ctx.layers, indices, (l) => ({ ...l, ffn }))) : null),
};

/** Deletes the selected layers (a design keeps at least one). */
export const deleteSelection: Command = {
  name: 'deleteSelection',
  label: () => 'Delete layers',
  shortcut: 'Delete / Backspace',
  keyTest: (e) => (e.key === 'Delete' || e.key === 'Backspace') && !mod(e) && !e.altKey,
  perform: (ctx) => {
    if (!ctx.selection.length || ctx.selection.length >= ctx.layers.length) return null;
    return edit(ctx, removeLayers(ctx.layers, ctx.selection));
  },
};

/** Duplicates the selected layers right after the last of them. */
export const duplicateSelection: Command = {
  name: 'duplicateSelection',
  label: () => 'Duplicate layers',
  shortcut: 'Ctrl/⌘ D',
  keyTest: (e) => mod(e) && !e.shiftKey && e.key.toLowerCase() === 'd',
  perform: (ctx) => (ctx.selection.length ? edit(ctx, duplicateLayers(ctx.layers, ctx.selection)) : null),
};

/** Moves layers so they sit before position `to` (drag to reorder). */
export const moveSelection: Command<{ indices: number[]; to: number }> = {
  name: 'moveLayers',
  label: () => 'Move layers',
  perform: (ctx, { indices, to }) => (indices.length ? edit(ctx, moveLayers(ctx.layers, indices, to)) : null),
};

/** Moves the selected layers one place up (keyboard reorder). */
export const moveUp: Command = {
  name: 'moveUp',
  label: () => 'Move layers up',
  shortcut: 'Alt ↑',
  keyTest: (e) => e.altKey && !mod(e) && e.key === 'ArrowUp',
  perform: (ctx) => {
    const first = ctx.selection[0];
    return first === undefined || first === 0 ? null : edit(ctx, moveLayers(ctx.layers, ctx.selection, first - 1));
  },
};

/** Moves the selected layers one place down (keyboard reorder). */
export const moveDown: Command = {
  name: 'moveDown',
  label: () => 'Move layers down',
  shortcut: 'Alt ↓',
  keyTest: (e) => e.altKey && !mod(e) && e.key === 'ArrowDown',
  perform: (ctx) => {
    const last = ctx.selection[ctx.selection.length - 1];
    return last === undefined || last >= ctx.layers.length - 1 ? null : edit(ctx, moveLayers(ctx.layers, ctx.selection, last + 2));
  },
};

/** Replaces the whole stack by an attention:other ratio layout (src/models/patterns.ts `applyRatio`). */
export const applyRatioCommand: Command<RatioOptions> = {
  name: 'applyRatio',
  label: (o) => `Apply ratio ${o.attn}:${o.other} over ${o.nLayers} layers`,
  perform: (ctx, o) => ({ kind: 'edit', design: applyRatio(ctx.design, o), selection: [] }),
};

/** Replaces the design by another one (preset, template, import). */
export const replaceDesign: Command<{ design: Design; label: string }> = {
  name: 'replaceDesign',
  label: ({ label }) => label,
  perform: (_ctx, { design }) => ({ kind: 'edit', design, selection: [] }),
};

/** Selects every layer. */
export const selectAll: Command = {
  name: 'selectAll',
  label: () => 'Select all layers',
  shortcut: 'Ctrl/⌘ A',
  keyTest: (e) => mod(e) && !e.shiftKey && e.key.toLowerCase() === 'a',
  perform: (ctx) => ({ kind: 'edit', design: ctx.design, selection: ctx.layers.map((_, i) => i) }),
};

export const undoCommand: Command = {
  name: 'undo',
  label: () => 'Undo',
  shortcut: 'Ctrl/⌘ Z',
  keyTest: (e) => mod(e) && !e.shiftKey && e.key.toLowerCase() === 'z',
  perform: () => ({ kind: 'undo' }),
};

export const redoCommand: Command = {
  name: 'redo',
  label: () => 'Redo',
  shortcut: 'Ctrl/⌘ Shift Z, Ctrl Y',
  keyTest: (e) => (mod(e) && e.shiftKey && e.key.toLowerCase() === 'z') || (e.ctrlKey && !e.shiftKey && e.key.toLowerCase() === 'y'),
  perform: () => ({ kind: 'redo' }),
};

/** The commands bound to keys, tested in this order. */
export const KEYED_COMMANDS: readonly Command[] = [undoCommand, redoCommand, duplicateSelection, deleteSelection, selectAll, moveUp, moveDown];

/** The current command context from the store. */
export function commandContext(): CommandContext {
  const s = useAppStore.getState();
  return { design: s.design, layers: expandLayers(s.design.layers), selection: s.selection };
}

/**
 * Runs a command against the store: validates its design through `commitDesign` (one undo step) or moves in the
 * history. A rejected edit or an impossible option leaves the design unchanged and shows the reason as a notice.
 * Returns the validation result of an edit, `null` when the command did not apply.
 */
export function runCommand<A>(cmd: Command<A>, arg: A): ParseResult<Design> | null {
  const s = useAppStore.getState();
  let effect: CommandEffect | null;
  try {
    effect = cmd.perform(commandContext(), arg);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    s.pushNotice('error', `${cmd.label(arg)}: ${message}`);
    return { ok: false, issues: [{ path: cmd.name, message }] };
  }
  if (!effect) return null;
  if (effect.kind === 'undo') {
    s.undo();
    return null;
  }
  if (effect.kind === 'redo') {
    s.redo();
    return null;
  }
  const r = s.commitDesign(effect.design, cmd.label(arg), effect.selection);
  if (!r.ok) s.pushNotice('error', `${cmd.label(arg)} refused: ${formatIssues(r.issues.slice(0, 3))}`);
  return r;
}

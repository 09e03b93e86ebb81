import { beforeEach, describe, expect, it } from 'vitest';
import { expandLayers } from '../models/schema';
import { getPreset } from '../models/presets';
import { applyRatioCommand, moveDown, moveUp, deleteSelection, duplicateSelection, insertBlock, redoCommand, replaceBlock, runCommand, undoCommand, KEYED_COMMANDS, type KeyLike } from './commands';
import { useAppStore } from './store';

const key = (k: string, mods: Partial<KeyLike> = {}): KeyLike => ({ key: k, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...mods });
const count = () => expandLayers(useAppStore.getState().design.layers).length;

describe('commands through the store', () => {
  beforeEach(() => {
    const s = useAppStore.getState();
    useAppStore.setState({ design: structuredClone(getPreset('jamba-v0.1')!.design), past: [], future: [], selection: [] });
    s.setSelection([]);
  });

  it('insert, replace, duplicate and delete are one undo step each, and undo/redo restore exactly', () => {
    const d0 = useAppStore.getState().design;
    runCommand(insertBlock, { kind: 'hyena', at: 3 });
    expect(count()).toBe(33);
    expect(expandLayers(useAppStore.getState().design.layers)[3]!.mixer.kind).toBe('hyena');
    const d1 = useAppStore.getState().design;
    runCommand(replaceBlock, { kind: 'moe', indices: [0] });
    expect(expandLayers(useAppStore.getState().design.layers)[0]!.ffn.kind).toBe('moe');
    useAppStore.getState().setSelection([0, 1]);
    runCommand(duplicateSelection, undefined);
    expect(count()).toBe(35);
    runCommand(deleteSelection, undefined);
    expect(count()).toBe(33);
    expect(useAppStore.getState().past).toHaveLength(4);
    for (let i = 0; i < 3; i++) runCommand(undoCommand, undefined);
    expect(useAppStore.getState().design).toEqual(d1);
    runCommand(undoCommand, undefined);
    expect(useAppStore.getState().design).toEqual(d0);
    runCommand(redoCommand, undefined);
    expect(useAppStore.getState().design).toEqual(d1);
  });

  it('a refused edit leaves the design and history untouched and says why', () => {
    const d0 = useAppStore.getState().design;
    const r = useAppStore.getState().commitDesign({ ...d0, dModel: 0 }, 'bad');
    expect(r.ok).toBe(false);
    expect(useAppStore.getState().design).toBe(d0);
    expect(useAppStore.getState().past).toHaveLength(0);
    const before = useAppStore.getState().notices.length;
    runCommand(applyRatioCommand, { attn: 0, other: 0, nLayers: 8, placement: 'period', otherMixer: 'mamba' });
    expect(useAppStore.getState().design).toBe(d0);
    expect(useAppStore.getState().notices.length).toBe(before + 1);
  });

  it('deleting every layer is refused (a design keeps at least one layer)', () => {
    useAppStore.getState().setSelection(Array.from({ length: 32 }, (_, i) => i));
    expect(runCommand(deleteSelection, undefined)).toBeNull();
    expect(count()).toBe(32);
  });

  it.each([
    [key('z', { ctrlKey: true }), 'undo'],
    [key('z', { metaKey: true }), 'undo'],
    [key('Z', { ctrlKey: true, shiftKey: true }), 'redo'],
    [key('y', { ctrlKey: true }), 'redo'],
    [key('d', { metaKey: true }), 'duplicateSelection'],
    [key('Delete'), 'deleteSelection'],
    [key('Backspace'), 'deleteSelection'],
    [key('a', { ctrlKey: true }), 'selectAll'],
    [key('ArrowUp', { altKey: true }), 'moveUp'],
    [key('ArrowDown', { altKey: true }), 'moveDown'],
  ])('key %j runs %s', (e, name) => {
    expect(KEYED_COMMANDS.find((c) => c.keyTest?.(e))?.name).toBe(name);
  });

  it('Alt+arrows move the selection one place and keep it selected', () => {
    const before = expandLayers(useAppStore.getState().design.layers).map((l) => l.mixer.kind);
    useAppStore.getState().setSelection([4]);
    runCommand(moveDown, undefined);
    let after = expandLayers(useAppStore.getState().design.layers).map((l) => l.mixer.kind);
    expect(after[5]).toBe('attention');
    expect(after[4]).toBe(before[5]);
    expect(useAppStore.getState().selection).toEqual([5]);
    runCommand(moveUp, undefined);
    runCommand(moveUp, undefined);
    after = expandLayers(useAppStore.getState().design.layers).map((l) => l.mixer.kind);
    expect(after[3]).toBe('attention');
    expect(useAppStore.getState().selection).toEqual([3]);
    useAppStore.getState().setSelection([0]);
    expect(runCommand(moveUp, undefined)).toBeNull();
  });

  it('plain letters trigger nothing', () => {
    expect(KEYED_COMMANDS.find((c) => c.keyTest?.(key('z')))).toBeUndefined();
  });
});

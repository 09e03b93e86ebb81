import { describe, expect, it } from 'vitest';
import type { Layer } from '../models/schema';
import { duplicateLayers, insertLayers, moveLayers, removeLayers, updateLayers } from './layerOps';

/** Layers tagged by their mlp width so that order is easy to read back. */
const L = (w: number): Layer => ({ mixer: { kind: 'none' }, ffn: { kind: 'mlp', width: w, activation: 'swiglu', bias: false } });
const widths = (ls: Layer[]) => ls.map((l) => (l.ffn.kind === 'mlp' ? l.ffn.width : -1));
const base = [1, 2, 3, 4, 5].map(L);

describe('layerOps', () => {
  it.each([
    [0, [9, 1, 2, 3, 4, 5]],
    [2, [1, 2, 9, 3, 4, 5]],
    [5, [1, 2, 3, 4, 5, 9]],
  ])('insert at %i', (at, want) => {
    const r = insertLayers(base, at, [L(9)]);
    expect(widths(r.layers)).toEqual(want);
    expect(r.selection).toEqual([at]);
  });

  it('removes and selects the neighbour', () => {
    const r = removeLayers(base, [1, 3]);
    expect(widths(r.layers)).toEqual([1, 3, 5]);
    expect(r.selection).toEqual([1]);
    expect(widths(removeLayers(base, [4]).layers)).toEqual([1, 2, 3, 4]);
    expect(removeLayers(base, [4]).selection).toEqual([3]);
  });

  it('duplicates after the last selected', () => {
    const r = duplicateLayers(base, [3, 1]);
    expect(widths(r.layers)).toEqual([1, 2, 3, 4, 2, 4, 5]);
    expect(r.selection).toEqual([4, 5]);
  });

  it.each([
    [[0], 3, [2, 3, 1, 4, 5]],
    [[4], 0, [5, 1, 2, 3, 4]],
    [[1, 2], 5, [1, 4, 5, 2, 3]],
    [[2], 2, [1, 2, 3, 4, 5]],
    [[2], 3, [1, 2, 3, 4, 5]],
  ])('moves %j before %i', (idx, to, want) => {
    const r = moveLayers(base, idx, to);
    expect(widths(r.layers)).toEqual(want);
    expect(r.selection.map((i) => widths(r.layers)[i])).toEqual(idx.map((i) => widths(base)[i]));
  });

  it('updates only the chosen layers and leaves the input alone', () => {
    const r = updateLayers(base, [0, 2], () => L(7));
    expect(widths(r.layers)).toEqual([7, 2, 7, 4, 5]);
    expect(widths(base)).toEqual([1, 2, 3, 4, 5]);
  });
});

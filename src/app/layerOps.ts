/**
 * Pure edits of the explicit layer list (after `expandLayers`). Indices are explicit layer indices, 0-based.
 * Each returns the new list and the indices that should be selected afterwards; none mutates its input.
 */
import type { Layer } from '../models/schema';

export interface LayerEdit {
  layers: Layer[];
  selection: number[];
}

function sortedUnique(indices: readonly number[], n: number): number[] {
  return [...new Set(indices)].filter((i) => Number.isInteger(i) && i >= 0 && i < n).sort((a, b) => a - b);
}

/** Inserts `added` before position `at` (0..n). */
export function insertLayers(layers: readonly Layer[], at: number, added: readonly Layer[]): LayerEdit {
  const pos = Math.max(0, Math.min(layers.length, Math.round(at)));
  return {
    layers: [...layers.slice(0, pos), ...added, ...layers.slice(pos)],
    selection: added.map((_, k) => pos + k),
  };
}

/** Removes the layers at `indices`; the selection moves to the layer that took the first removed one's place. */
export function removeLayers(layers: readonly Layer[], indices: readonly number[]): LayerEdit {
  const drop = new Set(sortedUnique(indices, layers.length));
  const kept = layers.filter((_, i) => !drop.has(i));
  const first = Math.min(...drop);
  return { layers: kept, selection: kept.length && drop.size ? [Math.min(first, kept.length - 1)] : [] };
}

/** Copies the layers at `indices` (in order) and inserts the copies right after the last of them. */
export function duplicateLayers(layers: readonly Layer[], indices: readonly number[]): LayerEdit {
  const picked = sortedUnique(indices, layers.length);
  const last = picked[picked.length - 1];
  if (last === undefined) return { layers: [...layers], selection: [] };
  return insertLayers(layers, last + 1, picked.map((i) => layers[i] as Layer));
}

/**
 * Moves the layers at `indices` (kept in their order) so that they sit before what is now position `to` (0..n).
 * Moving a block onto itself is a no-op.
 */
export function moveLayers(layers: readonly Layer[], indices: readonly number[], to: number): LayerEdit {
  const picked = sortedUnique(indices, layers.length);
  const set = new Set(picked);
  const moving = picked.map((i) => layers[i] as Layer);
  const rest = layers.filter((_, i) => !set.has(i));
  const before = picked.filter((i) => i < to).length;
  const pos = Math.max(0, Math.min(rest.length, Math.round(to) - before));
  return { layers: [...rest.slice(0, pos), ...moving, ...rest.slice(pos)], selection: moving.map((_, k) => pos + k) };
}

/** Replaces each layer at `indices` by `fn(layer)`. */
export function updateLayers(layers: readonly Layer[], indices: readonly number[], fn: (l: Layer) => Layer): LayerEdit {
  const picked = new Set(sortedUnique(indices, layers.length));
  return { layers: layers.map((l, i) => (picked.has(i) ? fn(l) : l)), selection: [...picked].sort((a, b) => a - b) };
}

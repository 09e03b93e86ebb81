/**
 * The compact form of a layer list: the editor edits the explicit list, and the document stores the shortest
 * description that expands back to it exactly (`expandLayers(compactLayers(x))` deep-equals `x`).
 */
import { expandLayers, type Design, type Layer, type LayerItem } from './schema';

/** A canonical text of a JSON value with sorted keys, so that two structurally equal layers compare equal. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj).filter((k) => obj[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** True when two layers are structurally equal (key order and undefined fields ignored). */
export function sameLayer(a: Layer, b: Layer): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

/**
 * The smallest period p (p divides n, p < n) such that the list is its first p layers repeated; n when none.
 * `keys` are the canonical texts of the layers.
 */
function smallestPeriod(keys: readonly string[]): number {
  const n = keys.length;
  for (let p = 1; p < n; p++) {
    if (n % p !== 0) continue;
    let ok = true;
    for (let i = p; i < n && ok; i++) ok = keys[i] === keys[i - p];
    if (ok) return p;
  }
  return n;
}

/**
 * Compacts an explicit layer list. When the whole list is one block repeated (the shortest such block), the
 * result is a single `{ repeat, layers: block }` item. Otherwise runs of two or more identical consecutive layers
 * become `{ repeat, layers: [layer] }` items and the other layers stay explicit. A list with no repetition at all
 * comes back as its explicit layers. Layers are copied, never shared with the input.
 */
export function compactLayers(layers: readonly Layer[]): LayerItem[] {
  const copy = layers.map((l) => structuredClone(l));
  const n = copy.length;
  if (n === 0) return [];
  const keys = copy.map(canonicalJson);
  const p = smallestPeriod(keys);
  if (p < n) return [{ repeat: n / p, layers: copy.slice(0, p) }];
  const out: LayerItem[] = [];
  let i = 0;
  while (i < n) {
    let j = i + 1;
    while (j < n && keys[j] === keys[i]) j++;
    const run = j - i;
    out.push(run >= 2 ? { repeat: run, layers: [copy[i]!] } : copy[i]!);
    i = j;
  }
  return out;
}

/** The design with its layers replaced by the compact form of `layers`; everything else is kept. */
export function withLayers(design: Design, layers: readonly Layer[]): Design {
  return { ...design, layers: compactLayers(layers) };
}

/** The explicit layer list of a design (repeats and period/offset patterns expanded). */
export function designLayers(design: Design): Layer[] {
  return expandLayers(design.layers);
}

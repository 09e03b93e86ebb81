import { expandLayers, type Design } from '../models/schema';
import { canonicalJson } from '../models/compact';

const cache = new WeakMap<Design, string>();

/**
 * A text that is equal for two designs exactly when they describe the same model: the layer list is compared
 * expanded, so `{ repeat: 16, layers: [H, A] }` and the same 32 layers written out are the same design.
 */
export function designIdentity(d: Design): string {
  let k = cache.get(d);
  if (k === undefined) {
    k = canonicalJson({ ...d, layers: expandLayers(d.layers) });
    cache.set(d, k);
  }
  return k;
}

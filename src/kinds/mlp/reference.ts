/** Float64 reference twin of layers/mlp.ts. */
import type { MlpWeights } from './layer';
import { geluRef, linearRef, siluRef } from '../../sim/runtime/reference/ops';

/** x: (rows, d) -> (rows, d). */
export function mlpRef(w: MlpWeights, x: Float64Array, rows: number): Float64Array {
  const u = linearRef(x, rows, w.up, w.upBias);
  if (w.activation === 'swiglu') {
    const g = linearRef(x, rows, w.gate!, w.gateBias);
    for (let i = 0; i < u.length; i++) u[i] = siluRef(g[i]!) * u[i]!;
  } else {
    for (let i = 0; i < u.length; i++) u[i] = geluRef(u[i]!);
  }
  return linearRef(u, rows, w.down, w.downBias);
}

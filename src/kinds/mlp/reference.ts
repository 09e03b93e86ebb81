/** Float64 reference twin of layer.ts: SwiGLU, GeGLU, GELU, squared ReLU, plain loops. */
import type { MlpWeights } from './layer';
import { geluRef, linearRef, siluRef } from '../../sim/runtime/reference/ops';

/** x: (rows, d) -> (rows, d). */
export function mlpRef(w: MlpWeights, x: Float64Array, rows: number): Float64Array {
  const u = linearRef(x, rows, w.up, w.upBias);
  if (w.gate) {
    const g = linearRef(x, rows, w.gate, w.gateBias);
    const act = w.activation === 'geglu' ? geluRef : siluRef;
    for (let i = 0; i < u.length; i++) u[i] = act(g[i]!) * u[i]!;
  } else if (w.activation === 'relu2') {
    for (let i = 0; i < u.length; i++) u[i] = Math.max(0, u[i]!) ** 2;
  } else {
    for (let i = 0; i < u.length; i++) u[i] = geluRef(u[i]!);
  }
  return linearRef(u, rows, w.down, w.downBias);
}

/** Float64 reference twin of layers/moe.ts: route each token on its own, run only its top-k experts. */
import type { MoeWeights } from './layer';
import { mlpRef } from '../mlp/reference';
import { linearRef, softmaxRowsRef } from '../../sim/runtime/reference/ops';

/** x: (rows, d) -> (rows, d). */
export function moeRef(w: MoeWeights, x: Float64Array, rows: number): Float64Array {
  const d = w.router.shape[0]!;
  const nE = w.experts.length;
  const probs = softmaxRowsRef(linearRef(x, rows, w.router), nE);
  const y = new Float64Array(rows * d);
  for (let r = 0; r < rows; r++) {
    const order = Array.from({ length: nE }, (_, e) => e).sort((a, b) => probs[r * nE + b]! - probs[r * nE + a]! || a - b);
    const xr = x.subarray(r * d, (r + 1) * d);
    for (const e of order.slice(0, w.topK)) {
      const ye = mlpRef(w.experts[e]!, xr, 1);
      const p = probs[r * nE + e]!;
      for (let i = 0; i < d; i++) y[r * d + i]! += p * ye[i]!;
    }
  }
  return y;
}

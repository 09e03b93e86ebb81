/**
 * Float64 reference twin of layer.ts: route each token on its own (softmax or sigmoid scores, top-k by the scores
 * plus the selection bias, weights = the unbiased scores, renormalised over the k when `normTopK`, × `routedScale`),
 * run only its top-k experts, then add the shared experts (× sigmoid(x · gate) when gated).
 */
import type { MoeWeights } from './layer';
import { mlpRef } from '../mlp/reference';
import { linearRef, softmaxRowsRef } from '../../sim/runtime/reference/ops';

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

/** x: (rows, d) -> (rows, d). */
export function moeRef(w: MoeWeights, x: Float64Array, rows: number): Float64Array {
  const d = w.router.shape[0]!;
  const nE = w.experts.length;
  const { router, normTopK, routedScale } = w.routing;
  const logits = linearRef(x, rows, w.router);
  const scores = router === 'softmax' ? softmaxRowsRef(logits, nE) : logits.map(sigmoid);
  const bias = (e: number) => (w.routerBias ? w.routerBias.data[e]! : 0);
  const y = new Float64Array(rows * d);
  for (let r = 0; r < rows; r++) {
    const sel = (e: number) => scores[r * nE + e]! + bias(e);
    const chosen = Array.from({ length: nE }, (_, e) => e)
      .sort((a, b) => sel(b) - sel(a) || a - b)
      .slice(0, w.topK);
    const total = normTopK ? chosen.reduce((a, e) => a + scores[r * nE + e]!, 0) : 1;
    const xr = x.subarray(r * d, (r + 1) * d);
    for (const e of chosen) {
      const ye = mlpRef(w.experts[e]!, xr, 1);
      const p = (scores[r * nE + e]! / total) * routedScale;
      for (let i = 0; i < d; i++) y[r * d + i]! += p * ye[i]!;
    }
    if (w.shared) {
      const ys = mlpRef(w.shared, xr, 1);
      const g = w.sharedGate ? sigmoid(linearRef(xr, 1, w.sharedGate)[0]!) : 1;
      for (let i = 0; i < d; i++) y[r * d + i]! += g * ys[i]!;
    }
  }
  return y;
}

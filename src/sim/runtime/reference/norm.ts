/** Float64 reference twin of layers/norm.ts: the same formulas as plain loops over rows of length d. */
import type { NormWeights } from '../layers/norm';

/** x: (rows, d) row-major -> (rows, d). */
export function normRef(w: NormWeights, x: Float64Array, d: number): Float64Array {
  const rows = x.length / d;
  const y = new Float64Array(x.length);
  for (let r = 0; r < rows; r++) {
    const o = r * d;
    if (w.kind === 'rmsnorm') {
      let ss = 0;
      for (let i = 0; i < d; i++) ss += x[o + i]! * x[o + i]!;
      const inv = 1 / Math.sqrt(ss / d + w.eps);
      for (let i = 0; i < d; i++) y[o + i] = x[o + i]! * inv * w.weight.data[i]!;
    } else {
      let mean = 0;
      for (let i = 0; i < d; i++) mean += x[o + i]!;
      mean /= d;
      let v = 0;
      for (let i = 0; i < d; i++) v += (x[o + i]! - mean) ** 2;
      const inv = 1 / Math.sqrt(v / d + w.eps);
      for (let i = 0; i < d; i++) y[o + i] = (x[o + i]! - mean) * inv * w.weight.data[i]! + (w.bias ? w.bias.data[i]! : 0);
    }
  }
  return y;
}

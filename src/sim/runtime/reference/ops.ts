/** Float64 building blocks shared by the reference twins: plain loops, no tfjs. */
import type { Param } from '../params';

/** x (rows, in) @ W (in, out) [+ b] -> (rows, out). */
export function linearRef(x: Float64Array, rows: number, w: Param, b?: Param | null): Float64Array {
  const [din, dout] = w.shape as [number, number];
  const y = new Float64Array(rows * dout);
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < din; i++) {
      const xv = x[r * din + i]!;
      if (xv === 0) continue;
      const wo = i * dout;
      for (let o = 0; o < dout; o++) y[r * dout + o]! += xv * w.data[wo + o]!;
    }
    if (b) for (let o = 0; o < dout; o++) y[r * dout + o]! += b.data[o]!;
  }
  return y;
}

export const siluRef = (v: number): number => v / (1 + Math.exp(-v));

/** erf: Maclaurin series below 0.5, Abramowitz and Stegun 7.1.26 above (abs error < 1.5e-7). */
export function erfRef(x: number): number {
  const s = Math.sign(x);
  const a = Math.abs(x);
  if (a < 0.5) {
    // Maclaurin series, converges fast near 0.
    let term = a;
    let sum = a;
    for (let n = 1; n < 30; n++) {
      term *= (-a * a) / n;
      sum += term / (2 * n + 1);
    }
    return (s * 2 * sum) / Math.sqrt(Math.PI);
  }
  const t = 1 / (1 + 0.3275911 * a);
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-a * a);
  return s * y;
}

/** Exact (erf) GELU: x/2 (1 + erf(x/√2)) (torch `nn.GELU()` default). */
export const geluRef = (v: number): number => 0.5 * v * (1 + erfRef(v / Math.SQRT2));

/** Float32 -> Float64 copy. */
export function f64(a: ArrayLike<number>): Float64Array {
  return Float64Array.from(a);
}

/** Row-wise softmax in place over rows of length n. */
export function softmaxRowsRef(x: Float64Array, n: number): Float64Array {
  for (let r = 0; r < x.length / n; r++) {
    let m = -Infinity;
    for (let i = 0; i < n; i++) m = Math.max(m, x[r * n + i]!);
    let s = 0;
    for (let i = 0; i < n; i++) {
      const e = Math.exp(x[r * n + i]! - m);
      x[r * n + i] = e;
      s += e;
    }
    for (let i = 0; i < n; i++) x[r * n + i]! /= s;
  }
  return x;
}

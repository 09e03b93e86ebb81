/**
 * Float64 reference twins of the scans (plain sequential loops, no tfjs), used by the scan tests.
 * Layouts are row-major versions of the tensors in `selectiveScanTypes.ts`.
 */

/** Selective scan: u, delta (b, l, C); A (C, N); B, C (b, l, G, N); h0 (b, C, N) -> y (b, l, C), state (b, C, N). */
export function selectiveScanRef(
  dims: { b: number; l: number; C: number; N: number; G: number },
  u: ArrayLike<number>,
  delta: ArrayLike<number>,
  A: ArrayLike<number>,
  B: ArrayLike<number>,
  Cm: ArrayLike<number>,
  h0: ArrayLike<number> | null,
): { y: Float64Array; state: Float64Array } {
  const { b, l, C, N, G } = dims;
  const state = h0 ? Float64Array.from(h0) : new Float64Array(b * C * N);
  const y = new Float64Array(b * l * C);
  const perGroup = C / G;
  for (let bi = 0; bi < b; bi++) {
    for (let t = 0; t < l; t++) {
      for (let c = 0; c < C; c++) {
        const g = Math.floor(c / perGroup);
        const i = (bi * l + t) * C + c;
        const dt = delta[i]!;
        let acc = 0;
        for (let n = 0; n < N; n++) {
          const s = (bi * C + c) * N + n;
          const bc = ((bi * l + t) * G + g) * N + n;
          const h = Math.exp(dt * A[c * N + n]!) * state[s]! + dt * B[bc]! * u[i]!;
          state[s] = h;
          acc += h * Cm[bc]!;
        }
        y[i] = acc;
      }
    }
  }
  return { y, state };
}

/** Modal scan: x (b, l, d); poles, residues (d, S) re/im; state (b, d, S) re/im -> y (b, l, d), final state. */
export function modalScanRef(
  dims: { b: number; l: number; d: number; S: number },
  x: ArrayLike<number>,
  pRe: ArrayLike<number>,
  pIm: ArrayLike<number>,
  rRe: ArrayLike<number>,
  rIm: ArrayLike<number>,
  s0Re: ArrayLike<number> | null,
  s0Im: ArrayLike<number> | null,
): { y: Float64Array; stateRe: Float64Array; stateIm: Float64Array } {
  const { b, l, d, S } = dims;
  const sr = s0Re ? Float64Array.from(s0Re) : new Float64Array(b * d * S);
  const si = s0Im ? Float64Array.from(s0Im) : new Float64Array(b * d * S);
  const y = new Float64Array(b * l * d);
  for (let bi = 0; bi < b; bi++) {
    for (let t = 0; t < l; t++) {
      for (let c = 0; c < d; c++) {
        const xv = x[(bi * l + t) * d + c]!;
        let acc = 0;
        for (let s = 0; s < S; s++) {
          const k = (bi * d + c) * S + s;
          const p = c * S + s;
          const nr = pRe[p]! * sr[k]! - pIm[p]! * si[k]! + xv;
          const ni = pRe[p]! * si[k]! + pIm[p]! * sr[k]!;
          sr[k] = nr;
          si[k] = ni;
          acc += rRe[p]! * nr - rIm[p]! * ni;
        }
        y[(bi * l + t) * d + c] = acc;
      }
    }
  }
  return { y, stateRe: sr, stateIm: si };
}

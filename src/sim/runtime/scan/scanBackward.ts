/**
 * Backward passes of the three scan recurrences: the reverse-time recurrence of the adjoint state, on plain arrays
 * (the registered scan kernels' gradients, `kernels/scanKernels.ts`). Each recomputes the forward states of one
 * (sequence, channel or head) at a time, keeps them (l·N floats), then walks back in time. Zero initial state
 * (prefill); `dState` is the gradient of the final-state output (zeros when nothing reads it).
 *
 * Mamba-1 (per channel c and state n, a_t = exp(Δ_t·A_{c,n}), h_t = a_t·h_{t−1} + Δ_t·B_t·u_t, y_t = Σ_n C_t·h_t),
 * with g_t = ∂L/∂h_t accumulated backwards (g_t += C_t·dy_t, then g_{t−1} = a_t·g_t):
 *   dC_t += dy_t·h_t;  dB_t += g_t·Δ_t·u_t;  du_t = Σ_n g_t·Δ_t·B_t;
 *   dΔ_t = Σ_n g_t·(B_t·u_t + A·a_t·h_{t−1});  dA += g_t·Δ_t·a_t·h_{t−1}.
 * Mamba-2 is the same with one decay a_t = exp(Δ_t·A_h) per head, a P×N state s_t = a_t·s_{t−1} + Δ_t·x_t ⊗ B_t
 * and y_t = s_t·C_t (dx_t = Δ_t·Σ_n g_t·B_t; dA_h and dΔ_t sum over the P×N state).
 * Hyena's modal scan (complex s_t = p·s_{t−1} + x_t, y_t = Re Σ R·s_t) uses the real and imaginary parts as two reals:
 *   g += dy·(R_re, −R_im);  dR += dy·(s_re, −s_im);  dx_t = Σ_s g_re;
 *   dp_re += g_re·s_re,t−1 + g_im·s_im,t−1;  dp_im += −g_re·s_im,t−1 + g_im·s_re,t−1;
 *   g_{t−1} = (p_re·g_re + p_im·g_im, −p_im·g_re + p_re·g_im).
 * Accumulators are float64; results float32.
 */
import type { ModalArrays, ModalDims, SelectiveArrays, SelectiveDims, SsdArrays, SsdDims } from './scanArrays';

/** Gradients of the Mamba-1 selective scan with respect to u, delta, A, B and C. */
export function selectiveScanBackward(
  dims: SelectiveDims,
  a: SelectiveArrays,
  dy: Float32Array,
  dState: Float32Array | null,
): { du: Float32Array; ddelta: Float32Array; dA: Float32Array; dB: Float32Array; dC: Float32Array } {
  const { b, l, C, G, N } = dims;
  const { u, delta, A, B, C: Cm } = a;
  const du = new Float32Array(b * l * C);
  const ddelta = new Float32Array(b * l * C);
  const dA = new Float64Array(C * N);
  const dB = new Float64Array(b * l * G * N);
  const dC = new Float64Array(b * l * G * N);
  const perGroup = C / G;
  const hs = new Float64Array((l + 1) * N); // h_{t−1} at row t, h_t at row t + 1
  const g = new Float64Array(N);
  for (let bi = 0; bi < b; bi++) {
    for (let c = 0; c < C; c++) {
      const grp = Math.floor(c / perGroup);
      hs.fill(0, 0, N);
      for (let t = 0; t < l; t++) {
        const i = (bi * l + t) * C + c;
        const dt = delta[i]!;
        const du_ = dt * u[i]!;
        const bc = ((bi * l + t) * G + grp) * N;
        for (let n = 0; n < N; n++) hs[(t + 1) * N + n] = Math.exp(dt * A[c * N + n]!) * hs[t * N + n]! + du_ * B[bc + n]!;
      }
      for (let n = 0; n < N; n++) g[n] = dState ? dState[(bi * C + c) * N + n]! : 0;
      for (let t = l - 1; t >= 0; t--) {
        const i = (bi * l + t) * C + c;
        const dt = delta[i]!;
        const uu = u[i]!;
        const dyv = dy[i]!;
        const bc = ((bi * l + t) * G + grp) * N;
        let dut = 0;
        let ddt = 0;
        for (let n = 0; n < N; n++) {
          const An = A[c * N + n]!;
          const at = Math.exp(dt * An);
          const hPrev = hs[t * N + n]!;
          const gn = g[n]! + Cm[bc + n]! * dyv;
          dC[bc + n]! += dyv * hs[(t + 1) * N + n]!;
          dB[bc + n]! += gn * dt * uu;
          dut += gn * dt * B[bc + n]!;
          ddt += gn * (B[bc + n]! * uu + An * at * hPrev);
          dA[c * N + n]! += gn * dt * at * hPrev;
          g[n] = gn * at;
        }
        du[i] = dut;
        ddelta[i] = ddt;
      }
    }
  }
  return { du, ddelta, dA: Float32Array.from(dA), dB: Float32Array.from(dB), dC: Float32Array.from(dC) };
}

/** Gradients of the Mamba-2 SSD recurrence with respect to x, dt, A, B and C. */
export function ssdBackward(
  dims: SsdDims,
  a: SsdArrays,
  dy: Float32Array,
  dState: Float32Array | null,
): { dx: Float32Array; ddt: Float32Array; dA: Float32Array; dB: Float32Array; dC: Float32Array } {
  const { b, l, nh, P, ng, N } = dims;
  const { x, dt, A, B, C: Cm } = a;
  const dx = new Float32Array(b * l * nh * P);
  const ddt = new Float32Array(b * l * nh);
  const dA = new Float64Array(nh);
  const dB = new Float64Array(b * l * ng * N);
  const dC = new Float64Array(b * l * ng * N);
  const hpg = nh / ng;
  const PN = P * N;
  const ss = new Float64Array((l + 1) * PN); // s_{t−1} at row t
  const g = new Float64Array(PN);
  for (let bi = 0; bi < b; bi++) {
    for (let h = 0; h < nh; h++) {
      const grp = Math.floor(h / hpg);
      const Ah = A[h]!;
      ss.fill(0, 0, PN);
      for (let t = 0; t < l; t++) {
        const dtv = dt[(bi * l + t) * nh + h]!;
        const at = Math.exp(dtv * Ah);
        const bc = ((bi * l + t) * ng + grp) * N;
        const xi = ((bi * l + t) * nh + h) * P;
        for (let p = 0; p < P; p++) {
          const dxv = dtv * x[xi + p]!;
          for (let n = 0; n < N; n++) ss[(t + 1) * PN + p * N + n] = at * ss[t * PN + p * N + n]! + dxv * B[bc + n]!;
        }
      }
      for (let k = 0; k < PN; k++) g[k] = dState ? dState[(bi * nh + h) * PN + k]! : 0;
      let dAh = 0;
      for (let t = l - 1; t >= 0; t--) {
        const dtv = dt[(bi * l + t) * nh + h]!;
        const at = Math.exp(dtv * Ah);
        const bc = ((bi * l + t) * ng + grp) * N;
        const xi = ((bi * l + t) * nh + h) * P;
        let ddtv = 0;
        for (let p = 0; p < P; p++) {
          const dyp = dy[xi + p]!;
          const xp = x[xi + p]!;
          let gB = 0;
          for (let n = 0; n < N; n++) {
            const k = p * N + n;
            const sPrev = ss[t * PN + k]!;
            const gk = g[k]! + dyp * Cm[bc + n]!;
            dC[bc + n]! += dyp * ss[(t + 1) * PN + k]!;
            dB[bc + n]! += gk * dtv * xp;
            gB += gk * B[bc + n]!;
            ddtv += gk * (xp * B[bc + n]! + Ah * at * sPrev);
            dAh += gk * dtv * at * sPrev;
            g[k] = gk * at;
          }
          dx[xi + p] = gB * dtv;
        }
        ddt[(bi * l + t) * nh + h] = ddtv;
      }
      dA[h]! += dAh;
    }
  }
  return { dx, ddt, dA: Float32Array.from(dA), dB: Float32Array.from(dB), dC: Float32Array.from(dC) };
}

/** Gradients of the modal scan with respect to x and the real and imaginary parts of the poles and residues. */
export function modalScanBackward(
  dims: ModalDims,
  a: ModalArrays,
  dy: Float32Array,
  dStateRe: Float32Array | null,
  dStateIm: Float32Array | null,
): { dx: Float32Array; dPolesRe: Float32Array; dPolesIm: Float32Array; dResiduesRe: Float32Array; dResiduesIm: Float32Array } {
  const { b, l, d, S } = dims;
  const { x, polesRe: pr, polesIm: pi, residuesRe: rr, residuesIm: ri } = a;
  const dx = new Float32Array(b * l * d);
  const dpr = new Float64Array(d * S);
  const dpi = new Float64Array(d * S);
  const drr = new Float64Array(d * S);
  const dri = new Float64Array(d * S);
  const sr = new Float64Array((l + 1) * S);
  const si = new Float64Array((l + 1) * S);
  const gr = new Float64Array(S);
  const gi = new Float64Array(S);
  for (let bi = 0; bi < b; bi++) {
    for (let c = 0; c < d; c++) {
      sr.fill(0, 0, S);
      si.fill(0, 0, S);
      for (let t = 0; t < l; t++) {
        const xv = x[(bi * l + t) * d + c]!;
        for (let s = 0; s < S; s++) {
          const p = c * S + s;
          const r0 = sr[t * S + s]!;
          const i0 = si[t * S + s]!;
          sr[(t + 1) * S + s] = pr[p]! * r0 - pi[p]! * i0 + xv;
          si[(t + 1) * S + s] = pr[p]! * i0 + pi[p]! * r0;
        }
      }
      for (let s = 0; s < S; s++) {
        gr[s] = dStateRe ? dStateRe[(bi * d + c) * S + s]! : 0;
        gi[s] = dStateIm ? dStateIm[(bi * d + c) * S + s]! : 0;
      }
      for (let t = l - 1; t >= 0; t--) {
        const dyv = dy[(bi * l + t) * d + c]!;
        let dxt = 0;
        for (let s = 0; s < S; s++) {
          const p = c * S + s;
          const gre = gr[s]! + dyv * rr[p]!;
          const gim = gi[s]! - dyv * ri[p]!;
          drr[p]! += dyv * sr[(t + 1) * S + s]!;
          dri[p]! -= dyv * si[(t + 1) * S + s]!;
          dxt += gre;
          const r0 = sr[t * S + s]!;
          const i0 = si[t * S + s]!;
          dpr[p]! += gre * r0 + gim * i0;
          dpi[p]! += -gre * i0 + gim * r0;
          gr[s] = pr[p]! * gre + pi[p]! * gim;
          gi[s] = -pi[p]! * gre + pr[p]! * gim;
        }
        dx[(bi * l + t) * d + c] = dxt;
      }
    }
  }
  return { dx, dPolesRe: Float32Array.from(dpr), dPolesIm: Float32Array.from(dpi), dResiduesRe: Float32Array.from(drr), dResiduesIm: Float32Array.from(dri) };
}

/**
 * Custom WebGPU programs for the scans, in the layout of llama.cpp's WebGPU `ssm_scan`: one workgroup per
 * (sequence, channel), one thread per state element (Mamba) or pole (Hyena), sequential over tokens; the per-token
 * readout Σ_n C_n·h_n is reduced through workgroup memory. Shapes reach the shader as tfjs's automatic shape uniforms
 * (`uShape`, `bmShape`, ...), so a new l or batch does not recompile; only the workgroup width is baked into the WGSL
 * text and the shader key. Each program writes one flat output buffer holding y and then the final state.
 *
 * Types only from `@tensorflow/tfjs-backend-webgpu`: importing it for values would register the backend as a side
 * effect; `kernels/runScanWebgpu.ts` gets the backend instance from tfjs at run time.
 */
import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';

/** Workgroup width for n state elements: the next power of two, at least 1, at most 256 (WebGPU's default limit). */
export function workgroupWidth(n: number): number {
  if (n > 256) throw new Error(`wgsl scan: ${n} state elements per channel exceed the 256 threads of a workgroup`);
  return 2 ** Math.ceil(Math.log2(Math.max(n, 1)));
}

/** WGSL that sums partial[0..wg) into result[index] on thread 0, between barriers. */
const reduceSnippet = (wg: number, target: string) => `
      partial[tid] = contrib;
      workgroupBarrier();
      if (tid == 0) {
        var s = 0.0;
        for (var k = 0; k < ${wg}; k++) { s += partial[k]; }
        result[${target}] = s;
      }
      workgroupBarrier();`;

/**
 * Selective scan (Mamba-1, and Mamba-2 expanded to channels): inputs u, dt (b, l, C), a (C, N), bm, cm (b, l, G, N),
 * h0 (b, C, N); output [y (b·l·C), state (b·C·N)].
 */
export class SelectiveScanProgram implements WebGPUProgram {
  outputShape: number[];
  shaderKey: string;
  dispatchLayout = { x: [0] };
  dispatch: [number, number, number];
  variableNames = ['u', 'dt', 'a', 'bm', 'cm', 'h0'];
  workgroupSize: [number, number, number];
  private readonly wg: number;

  constructor(b: number, l: number, C: number, N: number) {
    this.wg = workgroupWidth(N);
    this.outputShape = [b * l * C + b * C * N];
    this.workgroupSize = [this.wg, 1, 1];
    this.dispatch = [b * C, 1, 1];
    this.shaderKey = `hae_selective_scan_${this.wg}`;
  }

  getUserCode(): string {
    return `
    var<workgroup> partial: array<f32, ${this.wg}>;
    fn main(index: i32) {
      let tid = i32(localId.x);
      let group = i32(workgroupId.x);
      let nb = uniforms.uShape.x;
      let L = uniforms.uShape.y;
      let C = uniforms.uShape.z;
      let G = uniforms.bmShape.z;
      let N = uniforms.bmShape.w;
      let bi = group / C;
      let c = group % C;
      let g = c / (C / G);
      let live = tid < N;
      var h = 0.0;
      var an = 0.0;
      if (live) {
        h = h0[(bi * C + c) * N + tid];
        an = a[c * N + tid];
      }
      for (var t = 0; t < L; t++) {
        let i = (bi * L + t) * C + c;
        var contrib = 0.0;
        if (live) {
          let d = dt[i];
          let bc = ((bi * L + t) * G + g) * N + tid;
          h = exp(d * an) * h + d * bm[bc] * u[i];
          contrib = h * cm[bc];
        }
        ${reduceSnippet(this.wg, 'i')}
      }
      if (live) {
        result[nb * L * C + (bi * C + c) * N + tid] = h;
      }
    }`;
  }
}

/**
 * Modal scan (Hyena long filter): inputs x (b, l, d), pr, pi, rr, ri (d, S), sr, si (b, d, S); output
 * [y (b·l·d), stateRe (b·d·S), stateIm (b·d·S)].
 */
export class ModalScanProgram implements WebGPUProgram {
  outputShape: number[];
  shaderKey: string;
  dispatchLayout = { x: [0] };
  dispatch: [number, number, number];
  variableNames = ['x', 'pr', 'pi', 'rr', 'ri', 'sr', 'si'];
  workgroupSize: [number, number, number];
  private readonly wg: number;

  constructor(b: number, l: number, d: number, S: number) {
    this.wg = workgroupWidth(S);
    this.outputShape = [b * l * d + 2 * b * d * S];
    this.workgroupSize = [this.wg, 1, 1];
    this.dispatch = [b * d, 1, 1];
    this.shaderKey = `hae_modal_scan_${this.wg}`;
  }

  getUserCode(): string {
    return `
    var<workgroup> partial: array<f32, ${this.wg}>;
    fn main(index: i32) {
      let tid = i32(localId.x);
      let group = i32(workgroupId.x);
      let nb = uniforms.xShape.x;
      let L = uniforms.xShape.y;
      let D = uniforms.xShape.z;
      let S = uniforms.prShape.y;
      let bi = group / D;
      let c = group % D;
      let live = tid < S;
      var hr = 0.0;
      var hi = 0.0;
      var p_r = 0.0;
      var p_i = 0.0;
      var r_r = 0.0;
      var r_i = 0.0;
      if (live) {
        hr = sr[(bi * D + c) * S + tid];
        hi = si[(bi * D + c) * S + tid];
        p_r = pr[c * S + tid];
        p_i = pi[c * S + tid];
        r_r = rr[c * S + tid];
        r_i = ri[c * S + tid];
      }
      for (var t = 0; t < L; t++) {
        let i = (bi * L + t) * D + c;
        var contrib = 0.0;
        if (live) {
          let xv = x[i];
          let nr = p_r * hr - p_i * hi + xv;
          let ni = p_r * hi + p_i * hr;
          hr = nr;
          hi = ni;
          contrib = r_r * nr - r_i * ni;
        }
        ${reduceSnippet(this.wg, 'i')}
      }
      if (live) {
        let base = nb * L * D;
        result[base + (bi * D + c) * S + tid] = hr;
        result[base + nb * D * S + (bi * D + c) * S + tid] = hi;
      }
    }`;
  }
}

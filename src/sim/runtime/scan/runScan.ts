/**
 * One entry point per scan problem, switching on the implementation (`ScanImpl` of protocol.ts):
 * - `naive`: per-token tf ops (kept to show dispatch cost);
 * - `chunked`: few large tf ops (log-space chunked selective scan, SSD matmul form, Toeplitz/chunk modal scan);
 * - `wgsl`: one custom WebGPU dispatch (webgpu only);
 * - `js`: one readback, a TypedArray loop, one upload (`scanJs.ts`);
 * - `simd`: one readback, our WebAssembly SIMD kernel, one upload (`scanSimd.ts`; fastest on cpu and wasm).
 * The layers call these; the D skip and gates stay in the layers. On cpu and wasm, `js` and `simd` from a zero state run
 * as registered kernels with a reverse-recurrence gradient (`kernels/scanKernels.ts`), so they train; elsewhere, or
 * with an initial state, they run untracked (no gradient).
 */
import * as tf from '@tensorflow/tfjs';
import type { ScanImpl } from '../../protocol';
import { modalScanWgsl, selectiveScanWgsl } from '../kernels/runScanWebgpu';
import { modalScanKernel, scanKernelsRunHere, selectiveScanKernel, ssdKernel } from '../kernels/scanKernels';
import { modalScanChunked, modalScanNaive } from './modalScan';
import { modalScanJs, selectiveScanJs, ssdJs } from './scanJs';
import { modalScanSimd, selectiveScanSimd, ssdSimd } from './scanSimd';
import { selectiveScanChunked } from './selectiveScanChunked';
import { expandTo, selectiveScanNaive } from './selectiveScanNaive';
import type { ModalScanInput, ModalScanOutput, SelectiveScanInput, SelectiveScanOutput } from './selectiveScanTypes';
import { ssdChunked, type SsdInput, type SsdOutput } from './ssdChunked';

function assertNever(x: never): never {
  throw new Error(`unknown scan implementation "${String(x)}"`);
}

/** The Mamba-1 selective scan. */
export function runSelectiveScan(impl: ScanImpl, inp: SelectiveScanInput): SelectiveScanOutput {
  switch (impl) {
    case 'naive':
      return selectiveScanNaive(inp);
    case 'chunked':
      return selectiveScanChunked(inp);
    case 'wgsl':
      return selectiveScanWgsl(inp);
    case 'js':
      return inp.h0 === null && scanKernelsRunHere() ? selectiveScanKernel('js', inp) : selectiveScanJs(inp);
    case 'simd':
      return inp.h0 === null && scanKernelsRunHere() ? selectiveScanKernel('simd', inp) : selectiveScanSimd(inp);
    default:
      return assertNever(impl);
  }
}

/**
 * The Mamba-2 SSD. `chunked` is the SSD matmul form, `js` and `simd` a loop with one decay per head; `naive` and `wgsl` run the same recurrence as a selective scan
 * over the nh·P channels (the per-head Δ and A broadcast over P and N).
 */
export function runSsd(impl: ScanImpl, inp: SsdInput, chunkSize: number): SsdOutput {
  if (impl === 'chunked') return ssdChunked(inp, chunkSize);
  if (impl === 'js' || impl === 'simd') {
    if (inp.h0 === null && scanKernelsRunHere()) return ssdKernel(impl, inp);
    return impl === 'js' ? ssdJs(inp) : ssdSimd(inp);
  }
  const [b, l, nh, P] = inp.x.shape;
  const N = inp.B.shape[3];
  const C = nh * P;
  const expanded = tf.tidy(() => ({
    u: tf.reshape(inp.x, [b, l, C]) as tf.Tensor3D,
    delta: tf.reshape(expandTo(tf.reshape(inp.dt, [b, l, nh, 1]), [b, l, nh, P]), [b, l, C]) as tf.Tensor3D,
    A: tf.reshape(expandTo(tf.reshape(inp.A, [nh, 1, 1]), [nh, P, N]), [C, N]) as tf.Tensor2D,
  }));
  const h0 = inp.h0 ? (tf.reshape(inp.h0, [b, C, N]) as tf.Tensor3D) : null;
  try {
    const out = runSelectiveScan(impl, { ...expanded, h0, B: inp.B, C: inp.C });
    return tf.tidy(() => {
      const res = { y: tf.reshape(out.y, [b, l, nh, P]) as tf.Tensor4D, state: tf.reshape(out.state, [b, nh, P, N]) as tf.Tensor4D };
      out.y.dispose();
      out.state.dispose();
      return res;
    });
  } finally {
    tf.dispose([expanded.u, expanded.delta, expanded.A, ...(h0 ? [h0] : [])]);
  }
}

/** The Hyena long-filter modal scan. */
export function runModalScan(impl: ScanImpl, inp: ModalScanInput): ModalScanOutput {
  switch (impl) {
    case 'naive':
      return modalScanNaive(inp);
    case 'chunked':
      return modalScanChunked(inp);
    case 'wgsl':
      return modalScanWgsl(inp);
    case 'js':
      return inp.stateRe === null && scanKernelsRunHere() ? modalScanKernel('js', inp) : modalScanJs(inp);
    case 'simd':
      return inp.stateRe === null && scanKernelsRunHere() ? modalScanKernel('simd', inp) : modalScanSimd(inp);
    default:
      return assertNever(impl);
  }
}

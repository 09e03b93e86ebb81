/**
 * The `js` and `simd` scans as registered tfjs kernels with gradients, on the backends whose tensors are host memory
 * (cpu, wasm). Forward: the same array code as `scan/scanJs.ts` / `scan/scanSimd.ts` (attr `impl`). Backward: a
 * second kernel running the reverse-time recurrence (`scan/scanBackward.ts`; with `impl` simd, the selective scan and
 * the SSD use the SIMD kernel of `kernels/wasm/simdScanGradKernel.ts`), registered as the forward kernel's
 * gradient under the same name (tfjs `registerGradient`), so the runtime's fast scans train with the rest of the
 * model. Multi-output kernels: the gradient gets the upstream gradient of y and of the final state (the engine fills
 * in zeros for an output nothing reads).
 *
 * The kernels start from a zero state (prefill, the only place the layers scan); `runScan.ts` sends a scan with an
 * initial state to the plain (untracked) functions.
 */
import * as tf from '@tensorflow/tfjs';
import { modalScanBackward, selectiveScanBackward, ssdBackward } from '../scan/scanBackward';
import type { ModalArrays, ModalDims, SelectiveArrays, SelectiveDims, SsdArrays, SsdDims } from '../scan/scanArrays';
import { modalScanJsArrays, selectiveScanJsArrays, ssdJsArrays } from '../scan/scanJs';
import { modalScanSimdArrays, selectiveScanBackwardSimd, selectiveScanSimdArrays, ssdBackwardSimd, ssdSimdArrays } from '../scan/scanSimd';
import type { ModalScanInput, ModalScanOutput, SelectiveScanInput, SelectiveScanOutput } from '../scan/selectiveScanTypes';
import type { SsdInput, SsdOutput } from '../scan/ssdChunked';
import { HOST_BACKENDS, outputF32, readF32 } from './jsKernel';
import { registerSimdBatchMatMul } from './wasmBatchMatMul';

/** The array implementation a kernel runs forward. */
export type ScanKernelImpl = 'js' | 'simd';

export const SELECTIVE_SCAN = 'HxSelectiveScan';
export const SSD_SCAN = 'HxSsdScan';
export const MODAL_SCAN = 'HxModalScan';
const GRAD = 'Grad';

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };

function selectiveOf({ inputs, backend }: KernelArgs): { dims: SelectiveDims; arrays: SelectiveArrays } {
  const [b, l, C] = inputs.u!.shape as [number, number, number];
  const [, , G, N] = inputs.B!.shape as [number, number, number, number];
  const r = (k: string) => readF32(backend, inputs[k]!);
  return { dims: { b, l, C, G, N }, arrays: { u: r('u'), delta: r('delta'), A: r('A'), B: r('B'), C: r('C'), h0: null } };
}

function ssdOf({ inputs, backend }: KernelArgs): { dims: SsdDims; arrays: SsdArrays } {
  const [b, l, nh, P] = inputs.x!.shape as [number, number, number, number];
  const [, , ng, N] = inputs.B!.shape as [number, number, number, number];
  const r = (k: string) => readF32(backend, inputs[k]!);
  return { dims: { b, l, nh, P, ng, N }, arrays: { x: r('x'), dt: r('dt'), A: r('A'), B: r('B'), C: r('C'), h0: null } };
}

function modalOf({ inputs, backend }: KernelArgs): { dims: ModalDims; arrays: ModalArrays } {
  const [b, l, d] = inputs.x!.shape as [number, number, number];
  const S = inputs.polesRe!.shape[1]!;
  const r = (k: string) => readF32(backend, inputs[k]!);
  return {
    dims: { b, l, d, S },
    arrays: { x: r('x'), polesRe: r('polesRe'), polesIm: r('polesIm'), residuesRe: r('residuesRe'), residuesIm: r('residuesIm'), stateRe: null, stateIm: null },
  };
}

const implOf = (attrs: tf.NamedAttrMap | undefined): ScanKernelImpl => ((attrs as { impl?: ScanKernelImpl } | undefined)?.impl === 'simd' ? 'simd' : 'js');

const KERNELS: { name: string; fn: (a: KernelArgs) => tf.TensorInfo[] }[] = [
  {
    name: SELECTIVE_SCAN,
    fn: (a) => {
      const { dims, arrays } = selectiveOf(a);
      const r = implOf(a.attrs) === 'simd' ? selectiveScanSimdArrays(dims, arrays) : selectiveScanJsArrays(dims, arrays);
      return [outputF32(a.backend, [dims.b, dims.l, dims.C], r.y), outputF32(a.backend, [dims.b, dims.C, dims.N], r.state)];
    },
  },
  {
    name: SELECTIVE_SCAN + GRAD,
    fn: (a) => {
      const { dims, arrays } = selectiveOf(a);
      const backward = implOf(a.attrs) === 'simd' ? selectiveScanBackwardSimd : selectiveScanBackward;
      const g = backward(dims, arrays, readF32(a.backend, a.inputs.dy!), readF32(a.backend, a.inputs.dState!));
      const { b, l, C, G, N } = dims;
      return [
        outputF32(a.backend, [b, l, C], g.du),
        outputF32(a.backend, [b, l, C], g.ddelta),
        outputF32(a.backend, [C, N], g.dA),
        outputF32(a.backend, [b, l, G, N], g.dB),
        outputF32(a.backend, [b, l, G, N], g.dC),
      ];
    },
  },
  {
    name: SSD_SCAN,
    fn: (a) => {
      const { dims, arrays } = ssdOf(a);
      const r = implOf(a.attrs) === 'simd' ? ssdSimdArrays(dims, arrays) : ssdJsArrays(dims, arrays);
      const { b, l, nh, P, N } = dims;
      return [outputF32(a.backend, [b, l, nh, P], r.y), outputF32(a.backend, [b, nh, P, N], r.state)];
    },
  },
  {
    name: SSD_SCAN + GRAD,
    fn: (a) => {
      const { dims, arrays } = ssdOf(a);
      const backward = implOf(a.attrs) === 'simd' ? ssdBackwardSimd : ssdBackward;
      const g = backward(dims, arrays, readF32(a.backend, a.inputs.dy!), readF32(a.backend, a.inputs.dState!));
      const { b, l, nh, P, ng, N } = dims;
      return [
        outputF32(a.backend, [b, l, nh, P], g.dx),
        outputF32(a.backend, [b, l, nh], g.ddt),
        outputF32(a.backend, [nh], g.dA),
        outputF32(a.backend, [b, l, ng, N], g.dB),
        outputF32(a.backend, [b, l, ng, N], g.dC),
      ];
    },
  },
  {
    name: MODAL_SCAN,
    fn: (a) => {
      const { dims, arrays } = modalOf(a);
      const r = implOf(a.attrs) === 'simd' ? modalScanSimdArrays(dims, arrays) : modalScanJsArrays(dims, arrays);
      const { b, l, d, S } = dims;
      return [outputF32(a.backend, [b, l, d], r.y), outputF32(a.backend, [b, d, S], r.stateRe), outputF32(a.backend, [b, d, S], r.stateIm)];
    },
  },
  {
    name: MODAL_SCAN + GRAD,
    fn: (a) => {
      const { dims, arrays } = modalOf(a);
      const r = (k: string) => readF32(a.backend, a.inputs[k]!);
      const g = modalScanBackward(dims, arrays, r('dy'), r('dStateRe'), r('dStateIm'));
      const { b, l, d, S } = dims;
      return [
        outputF32(a.backend, [b, l, d], g.dx),
        outputF32(a.backend, [d, S], g.dPolesRe),
        outputF32(a.backend, [d, S], g.dPolesIm),
        outputF32(a.backend, [d, S], g.dResiduesRe),
        outputF32(a.backend, [d, S], g.dResiduesIm),
      ];
    },
  },
];

const run = (name: string, inputs: tf.NamedTensorMap, attrs: tf.NamedAttrMap = {}) => tf.engine().runKernel(name, inputs, attrs) as unknown as tf.Tensor[];

/** Gradient configs: one backward kernel computes every input's gradient; each closure hands out its part. */
function gradients(): tf.GradConfig[] {
  const grad = (name: string, inputNames: string[], stateNames: string[]): tf.GradConfig => ({
    kernelName: name,
    inputsToSave: inputNames,
    gradFunc: (dys, saved, attrs) => {
      const d = dys as tf.Tensor[];
      const inputs: tf.NamedTensorMap = {};
      inputNames.forEach((n, i) => (inputs[n] = saved[i]!));
      inputs.dy = d[0]!;
      stateNames.forEach((n, i) => (inputs[n] = d[i + 1]!));
      const g = run(name + GRAD, inputs, attrs);
      return Object.fromEntries(inputNames.map((n, i) => [n, () => g[i]!]));
    },
  });
  return [
    grad(SELECTIVE_SCAN, ['u', 'delta', 'A', 'B', 'C'], ['dState']),
    grad(SSD_SCAN, ['x', 'dt', 'A', 'B', 'C'], ['dState']),
    grad(MODAL_SCAN, ['x', 'polesRe', 'polesIm', 'residuesRe', 'residuesIm'], ['dStateRe', 'dStateIm']),
  ];
}

let registered = false;

/** Registers the scan kernels (cpu, wasm), their gradients and our wasm batched matMul (`wasmBatchMatMul.ts`) once. */
export function registerScanKernels(): void {
  if (registered) return;
  registered = true;
  registerSimdBatchMatMul();
  for (const backendName of HOST_BACKENDS) {
    for (const k of KERNELS) {
      if (!tf.getKernel(k.name, backendName)) tf.registerKernel({ kernelName: k.name, backendName, kernelFunc: k.fn as unknown as tf.KernelFunc });
    }
  }
  for (const g of gradients()) tf.registerGradient(g);
}

/** True when the active backend runs the registered scan kernels. */
export function scanKernelsRunHere(): boolean {
  return (HOST_BACKENDS as readonly string[]).includes(tf.getBackend());
}

/** The selective scan as one differentiable kernel (zero initial state). */
export function selectiveScanKernel(impl: ScanKernelImpl, inp: SelectiveScanInput): SelectiveScanOutput {
  registerScanKernels();
  const [y, state] = run(SELECTIVE_SCAN, { u: inp.u, delta: inp.delta, A: inp.A, B: inp.B, C: inp.C }, { impl });
  return { y: y as tf.Tensor3D, state: state as tf.Tensor3D };
}

/** The Mamba-2 SSD recurrence as one differentiable kernel (zero initial state). */
export function ssdKernel(impl: ScanKernelImpl, inp: SsdInput): SsdOutput {
  registerScanKernels();
  const [y, state] = run(SSD_SCAN, { x: inp.x, dt: inp.dt, A: inp.A, B: inp.B, C: inp.C }, { impl });
  return { y: y as tf.Tensor4D, state: state as tf.Tensor4D };
}

/** The modal scan as one differentiable kernel (zero initial state). */
export function modalScanKernel(impl: ScanKernelImpl, inp: ModalScanInput): ModalScanOutput {
  registerScanKernels();
  const [y, stateRe, stateIm] = run(MODAL_SCAN, { x: inp.x, polesRe: inp.polesRe, polesIm: inp.polesIm, residuesRe: inp.residuesRe, residuesIm: inp.residuesIm }, { impl });
  return { y: y as tf.Tensor3D, stateRe: stateRe as tf.Tensor3D, stateIm: stateIm as tf.Tensor3D };
}

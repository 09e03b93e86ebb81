/**
 * The linear-attention scan as registered tfjs kernels with a gradient, on the backends whose tensors are host memory
 * (cpu, wasm), as the Mamba and Hyena scans are (src/sim/runtime/kernels/scanKernels.ts). Forward: the `js` or
 * `simd` array code of scan.ts (attr `impl`), from a zero state. Backward: a second kernel running the reverse-time
 * recurrence in TypeScript (scanBackward.ts; for both impls), registered as the forward kernel's gradient.
 *
 * One kernel per input set (decay kind × update rule), since a tfjs kernel's inputs are fixed by name:
 * q, k, v, then logAlpha (decay fixed: (nv); head: (b, l, nv); channel: (b, l, nv, dk)) and beta (delta rule).
 */
import * as tf from '@tensorflow/tfjs';
import { HOST_BACKENDS, outputF32, readF32 } from '../../sim/runtime/kernels/jsKernel';
import { linearScanBackward } from './scanBackward';
import { linearScanJsArrays, linearScanSimdArrays, type LinearDecayInput, type LinearScanArrays, type LinearScanDims, type LinearScanInput, type LinearScanOutput } from './scan';
import { LINEAR_DECAYS, LINEAR_UPDATES } from './spec';

type Decay = LinearDecayInput['kind'];
type Update = (typeof LINEAR_UPDATES)[number];
type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };

/** The forward kernel's name for a decay kind and update rule (the gradient kernel appends `Grad`). */
export const linearScanKernelName = (decay: Decay, update: Update) => `HxLinearScan_${decay}_${update}`;
const GRAD = 'Grad';

function inputNames(decay: Decay, update: Update): string[] {
  return ['q', 'k', 'v', ...(decay === 'none' ? [] : ['logAlpha']), ...(update === 'delta' ? ['beta'] : [])];
}

function arraysOf({ inputs, backend }: KernelArgs, decay: Decay): { dims: LinearScanDims; arrays: LinearScanArrays } {
  const [b, l, nk, dk] = inputs.q!.shape as [number, number, number, number];
  const [, , nv, dv] = inputs.v!.shape as [number, number, number, number];
  const r = (n: string) => readF32(backend, inputs[n]!);
  return {
    dims: { b, l, nk, nv, dk, dv },
    arrays: { q: r('q'), k: r('k'), v: r('v'), decay: { kind: decay, logAlpha: inputs.logAlpha ? r('logAlpha') : null }, beta: inputs.beta ? r('beta') : null, h0: null },
  };
}

const isSimd = (attrs: tf.NamedAttrMap | undefined) => (attrs as { impl?: string } | undefined)?.impl === 'simd';

function kernels(decay: Decay, update: Update): { name: string; fn: (a: KernelArgs) => tf.TensorInfo[] }[] {
  const name = linearScanKernelName(decay, update);
  return [
    {
      name,
      fn: (a) => {
        const { dims, arrays } = arraysOf(a, decay);
        const out = isSimd(a.attrs) ? linearScanSimdArrays(dims, arrays) : linearScanJsArrays(dims, arrays);
        const { b, l, nv, dk, dv } = dims;
        return [outputF32(a.backend, [b, l, nv, dv], out.y), outputF32(a.backend, [b, nv, dk, dv], out.state)];
      },
    },
    {
      name: name + GRAD,
      fn: (a) => {
        const { dims, arrays } = arraysOf(a, decay);
        const g = linearScanBackward(dims, arrays, readF32(a.backend, a.inputs.dy!), readF32(a.backend, a.inputs.dState!));
        const shape = (n: string) => [...a.inputs[n]!.shape];
        return [
          outputF32(a.backend, shape('q'), g.dq),
          outputF32(a.backend, shape('k'), g.dk),
          outputF32(a.backend, shape('v'), g.dv),
          ...(g.dLogAlpha ? [outputF32(a.backend, shape('logAlpha'), g.dLogAlpha)] : []),
          ...(g.dBeta ? [outputF32(a.backend, shape('beta'), g.dBeta)] : []),
        ];
      },
    },
  ];
}

const run = (name: string, inputs: tf.NamedTensorMap, attrs: tf.NamedAttrMap = {}) => tf.engine().runKernel(name, inputs, attrs) as unknown as tf.Tensor[];

let registered = false;

/** Registers the forward and backward kernels of every decay kind and update rule (cpu, wasm) once. */
export function registerLinearScanKernels(): void {
  if (registered) return;
  registered = true;
  for (const decay of LINEAR_DECAYS) {
    for (const update of LINEAR_UPDATES) {
      for (const k of kernels(decay, update)) {
        for (const backendName of HOST_BACKENDS) {
          if (!tf.getKernel(k.name, backendName)) tf.registerKernel({ kernelName: k.name, backendName, kernelFunc: k.fn as unknown as tf.KernelFunc });
        }
      }
      const name = linearScanKernelName(decay, update);
      const names = inputNames(decay, update);
      tf.registerGradient({
        kernelName: name,
        inputsToSave: names,
        gradFunc: (dys, saved, attrs) => {
          const d = dys as tf.Tensor[];
          const inputs: tf.NamedTensorMap = {};
          names.forEach((n, i) => (inputs[n] = saved[i]!));
          inputs.dy = d[0]!;
          inputs.dState = d[1]!;
          const g = run(name + GRAD, inputs, attrs);
          return Object.fromEntries(names.map((n, i) => [n, () => g[i]!]));
        },
      });
    }
  }
}

/** The scan as one differentiable kernel (zero initial state; `inp.h0` must be null). */
export function linearScanKernel(impl: 'js' | 'simd', inp: LinearScanInput): LinearScanOutput {
  registerLinearScanKernels();
  const update: Update = inp.beta ? 'delta' : 'additive';
  const inputs: tf.NamedTensorMap = { q: inp.q, k: inp.k, v: inp.v };
  if (inp.decay.kind !== 'none') inputs.logAlpha = inp.decay.logAlpha;
  if (inp.beta) inputs.beta = inp.beta;
  const [y, state] = run(linearScanKernelName(inp.decay.kind, update), inputs, { impl });
  return { y: y as tf.Tensor4D, state: state as tf.Tensor4D };
}

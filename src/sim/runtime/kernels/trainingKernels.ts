/**
 * What tfjs 4.22 lacks for training on `wasm`, filled in (research notes quality-lab.md §5.3), and one gradient fixed:
 *
 * - `UnsortedSegmentSum` (the gradient of `tf.gather`, so of every embedding lookup and row selection): no wasm kernel
 *   (tfjs issue #8082). Ours: out[s, …] = Σ_{i: ids[i] = s} x[i, …].
 * - `DepthwiseConv2dNativeBackpropFilter` / `…BackpropInput` (the gradient of `tf.depthwiseConv2d`, the runtime's
 *   causal short conv): no wasm kernels. Ours follow the forward's indexing (NHWC, filter (fh, fw, c, q), output
 *   channel c·q_count + q, input row ih = oh·sh − padTop + fh·dh), with the conv geometry from tfjs's own
 *   `backend_util.computeConv2DInfo`; dilations above 1 are refused by tfjs's gradient before they reach here.
 * - The `Cumsum` gradient is wrong on any axis but the last (its result is transposed once too often:
 *   `tfjs-core/src/gradients/Cumsum_grad.ts`, the double-transpose pattern fixed for Max/Min in PR #4136). The runtime
 *   only takes cumsums along the last axis, but the gradient registered here is right on every axis:
 *   d/dx cumsum(x, axis, exclusive, reverse) applied to dy is cumsum(dy, axis, exclusive, !reverse).
 *
 * - The `BatchMatMul` gradient on cpu and wasm: tfjs's own (`BatchMatMul_grad.ts`) multiplies with transposeA /
 *   transposeB, which take a slow path on wasm (a (1024 × 64)ᵀ (1024 × 34) product: ~20× the time of the same product
 *   with the operand transposed first, measured here). Ours transposes explicitly (one Transpose kernel), then
 *   multiplies plainly, except for the products our WebAssembly SIMD kernel takes (`wasmBatchMatMul.ts`, which
 *   handles both flags itself); other backends keep tfjs's gradient.
 *
 * - `TopK` has no gradient in tfjs 4.22, so a tape that reaches it throws (the MoE routing: the top-k indices make
 *   the (tokens, E) weight mask, and the tape follows them back to the scores). Ours: the values' gradient scattered
 *   back to the positions the indices name, dx = Σ_k oneHot(indices_k, n) · dvalues_k (the indices get none, as
 *   tfjs's OneHot gradient gives them none; at a tie the position TopK returned takes it).
 *
 * `registerTrainingKernels()` registers them once (on import of nothing: call it before training).
 */
import * as tf from '@tensorflow/tfjs';
import { HOST_BACKENDS, outputF32, readF32, readI32 } from './jsKernel';
import { registerSimdBatchMatMul, simdBatchMatMulTakes } from './wasmBatchMatMul';

function unsortedSegmentSum({ inputs, backend, attrs }: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): tf.TensorInfo {
  const x = inputs.x!;
  const ids = inputs.segmentIds!;
  const numSegments = (attrs as { numSegments: number }).numSegments;
  const n = ids.shape.reduce((a, b) => a * b, 1);
  const inner = n === 0 ? 0 : x.shape.reduce((a, b) => a * b, 1) / n;
  const xv = readF32(backend, x);
  const iv = readI32(backend, ids);
  const out = new Float32Array(numSegments * inner);
  for (let i = 0; i < n; i++) {
    const s = iv[i]!;
    if (s < 0 || s >= numSegments) continue; // as TF: out-of-range ids are dropped
    const o = s * inner;
    const xi = i * inner;
    for (let j = 0; j < inner; j++) out[o + j]! += xv[xi + j]!;
  }
  return outputF32(backend, [numSegments, ...x.shape.slice(ids.shape.length)], out);
}

interface ConvAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  dilations: [number, number] | number;
}

/** The geometry of a depthwise conv with input shape `xShape` and filter shape `fShape`. */
function convInfo(xShape: number[], fShape: number[], a: ConvAttrs): tf.backend_util.Conv2DInfo {
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    fShape as [number, number, number, number],
    a.strides,
    a.dilations,
    a.pad,
    a.dimRoundingMode,
    true,
  );
}

/**
 * Visits every (batch, output pixel, filter tap) whose input pixel lies inside the image: `visit(xBase, dyBase, fBase)`
 * gets the flat offsets of channel 0 of x at (b, ih, iw), of dy at (b, oh, ow) and of the filter at (fh, fw).
 */
function forEachTap(c: tf.backend_util.Conv2DInfo, visit: (xBase: number, dyBase: number, fBase: number) => void): void {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, strideHeight, strideWidth, dilationHeight, dilationWidth, filterHeight, filterWidth } = c;
  const top = c.padInfo.top;
  const left = c.padInfo.left;
  const cm = outChannels / inChannels;
  for (let b = 0; b < batchSize; b++) {
    for (let oh = 0; oh < outHeight; oh++) {
      for (let ow = 0; ow < outWidth; ow++) {
        const dyBase = ((b * outHeight + oh) * outWidth + ow) * outChannels;
        for (let fh = 0; fh < filterHeight; fh++) {
          const ih = oh * strideHeight - top + fh * dilationHeight;
          if (ih < 0 || ih >= inHeight) continue;
          for (let fw = 0; fw < filterWidth; fw++) {
            const iw = ow * strideWidth - left + fw * dilationWidth;
            if (iw < 0 || iw >= inWidth) continue;
            visit(((b * inHeight + ih) * inWidth + iw) * inChannels, dyBase, (fh * filterWidth + fw) * inChannels * cm);
          }
        }
      }
    }
  }
}

/** One image row, stride 1, no dilation, channel multiplier 1: the runtime's causal depthwise conv over tokens. */
function isCausalRow(c: tf.backend_util.Conv2DInfo): boolean {
  return c.inHeight === 1 && c.filterHeight === 1 && c.strideWidth === 1 && c.dilationWidth === 1 && c.outChannels === c.inChannels;
}

function depthwiseBackpropFilter({ inputs, backend, attrs }: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): tf.TensorInfo {
  const a = attrs as unknown as ConvAttrs & { filterShape: number[] };
  const x = inputs.x!;
  const dy = inputs.dy!;
  const c = convInfo(x.shape, a.filterShape, a);
  const xv = readF32(backend, x);
  const dyv = readF32(backend, dy);
  const C = c.inChannels;
  const cm = c.outChannels / C;
  const df = new Float32Array(a.filterShape.reduce((p, q) => p * q, 1));
  if (isCausalRow(c)) {
    // the runtime's causal conv: one row, stride 1, multiplier 1 (tight loops, no per-tap call)
    const { batchSize: B, inWidth: W, outWidth: T, filterWidth: K } = c;
    const left = c.padInfo.left;
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < T; t++) {
        const yb = (b * T + t) * C;
        for (let k = 0; k < K; k++) {
          const iw = t - left + k;
          if (iw < 0 || iw >= W) continue;
          const xb = (b * W + iw) * C;
          const fb = k * C;
          for (let ch = 0; ch < C; ch++) df[fb + ch]! += xv[xb + ch]! * dyv[yb + ch]!;
        }
      }
    }
    return outputF32(backend, a.filterShape, df);
  }
  forEachTap(c, (xb, yb, fb) => {
    for (let ch = 0; ch < C; ch++) {
      const xval = xv[xb + ch]!;
      for (let q = 0; q < cm; q++) df[fb + ch * cm + q]! += xval * dyv[yb + ch * cm + q]!;
    }
  });
  return outputF32(backend, a.filterShape, df);
}

function depthwiseBackpropInput({ inputs, backend, attrs }: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): tf.TensorInfo {
  const a = attrs as unknown as ConvAttrs & { inputShape: number[] };
  const dy = inputs.dy!;
  const filter = inputs.filter!;
  const c = convInfo(a.inputShape, filter.shape, a);
  const dyv = readF32(backend, dy);
  const fv = readF32(backend, filter);
  const C = c.inChannels;
  const cm = c.outChannels / C;
  const dx = new Float32Array(a.inputShape.reduce((p, q) => p * q, 1));
  if (isCausalRow(c)) {
    const { batchSize: B, inWidth: W, outWidth: T, filterWidth: K } = c;
    const left = c.padInfo.left;
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < T; t++) {
        const yb = (b * T + t) * C;
        for (let k = 0; k < K; k++) {
          const iw = t - left + k;
          if (iw < 0 || iw >= W) continue;
          const xb = (b * W + iw) * C;
          const fb = k * C;
          for (let ch = 0; ch < C; ch++) dx[xb + ch]! += dyv[yb + ch]! * fv[fb + ch]!;
        }
      }
    }
    return outputF32(backend, a.inputShape, dx);
  }
  forEachTap(c, (xb, yb, fb) => {
    for (let ch = 0; ch < C; ch++) {
      let s = 0;
      for (let q = 0; q < cm; q++) s += dyv[yb + ch * cm + q]! * fv[fb + ch * cm + q]!;
      dx[xb + ch]! += s;
    }
  });
  return outputF32(backend, a.inputShape, dx);
}

/** x with its last two axes swapped. */
function swapLast(x: tf.Tensor): tf.Tensor {
  const perm = [...Array(x.rank).keys()];
  [perm[x.rank - 2], perm[x.rank - 1]] = [perm[x.rank - 1]!, perm[x.rank - 2]!];
  return tf.transpose(x, perm);
}

/**
 * op(x) @ op(y) where op transposes when asked: explicitly on host backends (no fast transposed-operand matMul
 * there), except where our wasm kernel takes the product (`wasmBatchMatMul.ts`: transposes cost it nothing).
 */
function mm(x: tf.Tensor, y: tf.Tensor, tx: boolean, ty: boolean): tf.Tensor {
  if (!(HOST_BACKENDS as readonly string[]).includes(tf.getBackend()) || simdBatchMatMulTakes(x.shape, y.shape, tx, ty)) return tf.matMul(x, y, tx, ty);
  return tf.matMul(tx ? swapLast(x) : x, ty ? swapLast(y) : y);
}

/** tfjs's BatchMatMul gradient with `mm` for its products. */
const batchMatMulGrad: tf.GradConfig = {
  kernelName: 'BatchMatMul',
  inputsToSave: ['a', 'b'],
  gradFunc: (dy, saved, attrs) => {
    const [a, b] = saved as [tf.Tensor, tf.Tensor];
    const d = dy as tf.Tensor;
    const { transposeA, transposeB } = attrs as unknown as { transposeA: boolean; transposeB: boolean };
    if (!transposeA && !transposeB) return { a: () => mm(d, b, false, true), b: () => mm(a, d, true, false) };
    if (!transposeA && transposeB) return { a: () => mm(d, b, false, false), b: () => mm(d, a, true, false) };
    if (transposeA && !transposeB) return { a: () => mm(b, d, false, true), b: () => mm(a, d, false, false) };
    return { a: () => mm(b, d, true, true), b: () => mm(d, a, true, true) };
  },
};

let registered = false;

/**
 * Registers the wasm kernels above (and our batched matMul, `wasmBatchMatMul.ts`) and the corrected gradients; safe
 * to call more than once.
 */
export function registerTrainingKernels(): void {
  if (registered) return;
  registered = true;
  registerSimdBatchMatMul();
  const wasm: [string, tf.KernelFunc][] = [
    ['UnsortedSegmentSum', unsortedSegmentSum as unknown as tf.KernelFunc],
    ['DepthwiseConv2dNativeBackpropFilter', depthwiseBackpropFilter as unknown as tf.KernelFunc],
    ['DepthwiseConv2dNativeBackpropInput', depthwiseBackpropInput as unknown as tf.KernelFunc],
  ];
  for (const [kernelName, kernelFunc] of wasm) {
    if (!tf.getKernel(kernelName, 'wasm')) tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc });
  }
  tf.registerGradient(batchMatMulGrad);
  tf.registerGradient({
    kernelName: 'TopK',
    inputsToSave: ['x'],
    outputsToSave: [false, true],
    gradFunc: (dy, saved) => {
      const [x, indices] = saved as [tf.Tensor, tf.Tensor];
      const dValues = (dy as tf.Tensor[])[0]!; // (…, k)
      const n = x.shape[x.rank - 1]!;
      // (…, k, n) one-hot rows times (…, k, 1) values' gradient, summed over the k slots: (…, n)
      return { x: () => tf.sum(tf.mul(tf.oneHot(tf.cast(indices, 'int32'), n), tf.expandDims(dValues, -1)), -2) };
    },
  });
  tf.registerGradient({
    kernelName: 'Cumsum',
    inputsToSave: ['x'],
    gradFunc: (dy, _saved, attrs) => {
      const { axis, exclusive, reverse } = attrs as unknown as { axis: number; exclusive: boolean; reverse: boolean };
      return { x: () => tf.cumsum(dy as tf.Tensor, axis, exclusive, !reverse) };
    },
  });
}

/**
 * Helpers for kernels written in plain TypeScript and registered with `tf.registerKernel` on the backends whose tensors
 * live in CPU memory (`cpu`, `wasm`): read an input as a Float32Array, hand back an output. A kernel registered this
 * way is an ordinary tfjs op (one dispatch, tracked by tidy and the gradient tape), unlike a `dataSync` + `tf.tensor`
 * round trip, which the tape cannot see.
 */
import type * as tf from '@tensorflow/tfjs';

/** The backends that get our JS kernels: their tensors are host memory, so a read is a copy, not a device stall. */
export const HOST_BACKENDS = ['cpu', 'wasm'] as const;

interface HostBackend {
  readSync(dataId: unknown): ArrayLike<number>;
  /** wasm (`BackendWasm`, which has `typedArrayFromHeap`): allocates on its heap and copies `values` in. */
  makeOutput?(shape: number[], dtype: tf.DataType, memoryOffset?: number, values?: Float32Array): tf.TensorInfo;
  typedArrayFromHeap?: unknown;
  /** cpu: keeps `values` as the tensor's storage. (Its own `makeOutput` takes other arguments.) */
  makeTensorInfo?(shape: number[], dtype: tf.DataType, values?: Float32Array): tf.TensorInfo;
}

/** The float32 values of a kernel input (a copy on wasm; on cpu the backend's own array: never write to it). */
export function readF32(backend: unknown, t: tf.TensorInfo): Float32Array {
  const v = (backend as HostBackend).readSync(t.dataId);
  return v instanceof Float32Array ? v : Float32Array.from(v);
}

/** The int32 values of a kernel input (as numbers). */
export function readI32(backend: unknown, t: tf.TensorInfo): Int32Array {
  const v = (backend as HostBackend).readSync(t.dataId);
  return v instanceof Int32Array ? v : Int32Array.from(v);
}

/** A float32 kernel output holding `values` (which the caller must not reuse). */
export function outputF32(backend: unknown, shape: number[], values: Float32Array): tf.TensorInfo {
  const b = backend as HostBackend;
  if (b.typedArrayFromHeap && b.makeOutput) return b.makeOutput(shape, 'float32', undefined, values);
  if (b.makeTensorInfo) return b.makeTensorInfo(shape, 'float32', values);
  throw new Error('this backend cannot take a JS kernel output');
}

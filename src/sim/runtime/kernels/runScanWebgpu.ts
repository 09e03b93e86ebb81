/**
 * Runs the custom scan programs of `scanPrograms.ts` on the active `webgpu` backend through
 * `backend.runWebGPUProgram`, wraps the packed output as a tensor and slices y and the state out of it.
 */
import * as tf from '@tensorflow/tfjs';
import type { TensorInfo } from '@tensorflow/tfjs';
import { ModalScanProgram, SelectiveScanProgram } from './scanPrograms';
import type { ModalScanInput, ModalScanOutput, SelectiveScanInput, SelectiveScanOutput } from '../scan/selectiveScanTypes';

interface WebGpuRunner {
  runWebGPUProgram(program: unknown, inputs: TensorInfo[], dtype: 'float32'): TensorInfo;
}

function webgpuBackend(): WebGpuRunner {
  if (tf.getBackend() !== 'webgpu') throw new Error(`scan "wgsl" needs the webgpu backend; the active backend is "${tf.getBackend()}"`);
  return tf.backend() as unknown as WebGpuRunner;
}

function run(program: SelectiveScanProgram | ModalScanProgram, inputs: tf.Tensor[]): tf.Tensor1D {
  const info = webgpuBackend().runWebGPUProgram(program, inputs, 'float32');
  return tf.engine().makeTensorFromTensorInfo(info) as tf.Tensor1D;
}

/** The selective scan as one WGSL dispatch. */
export function selectiveScanWgsl(inp: SelectiveScanInput): SelectiveScanOutput {
  return tf.tidy(() => {
    const [b, l, C] = inp.u.shape;
    const N = inp.A.shape[1];
    const h0 = inp.h0 ?? tf.zeros([b, C, N]);
    const packed = run(new SelectiveScanProgram(b, l, C, N), [inp.u, inp.delta, inp.A, inp.B, inp.C, h0]);
    const y = tf.reshape(tf.slice(packed, [0], [b * l * C]), [b, l, C]) as tf.Tensor3D;
    const state = tf.reshape(tf.slice(packed, [b * l * C], [b * C * N]), [b, C, N]) as tf.Tensor3D;
    return { y, state };
  });
}

/** The modal scan as one WGSL dispatch. */
export function modalScanWgsl(inp: ModalScanInput): ModalScanOutput {
  return tf.tidy(() => {
    const [b, l, d] = inp.x.shape;
    const S = inp.polesRe.shape[1];
    const sr = inp.stateRe ?? tf.zeros([b, d, S]);
    const si = inp.stateIm ?? tf.zeros([b, d, S]);
    const packed = run(new ModalScanProgram(b, l, d, S), [inp.x, inp.polesRe, inp.polesIm, inp.residuesRe, inp.residuesIm, sr, si]);
    const n = b * d * S;
    return {
      y: tf.reshape(tf.slice(packed, [0], [b * l * d]), [b, l, d]) as tf.Tensor3D,
      stateRe: tf.reshape(tf.slice(packed, [b * l * d], [n]), [b, d, S]) as tf.Tensor3D,
      stateIm: tf.reshape(tf.slice(packed, [b * l * d + n], [n]), [b, d, S]) as tf.Tensor3D,
    };
  });
}

/**
 * Plain-data weights: every weight of a runtime layer is a `Param` (row-major Float32Array + shape). The tfjs layer
 * and its Float64 reference twin read the same objects; the exporter writes them out. Linear weights are stored
 * (in, out), so a projection is `x @ W`; the Hugging Face exporter transposes them to torch's (out, in).
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from './rng';

export interface Param {
  shape: number[];
  data: Float32Array;
}

/** Number of elements of a shape. */
export function numel(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** A normal(0, std) parameter. */
export function randnParam(rng: Rng, shape: number[], std: number): Param {
  return { shape, data: rng.normals(numel(shape), std) };
}

/** A constant parameter. */
export function constParam(shape: number[], value: number): Param {
  return { shape, data: new Float32Array(numel(shape)).fill(value) };
}

/** A linear weight (in, out) with the usual 1/sqrt(in) scale, so activations stay O(1) through deep stacks. */
export function linearParam(rng: Rng, dIn: number, dOut: number): Param {
  return randnParam(rng, [dIn, dOut], 1 / Math.sqrt(dIn));
}

/** A norm gain near 1 (perturbed so that a wrong weight mapping shows up in tests). */
export function gainParam(rng: Rng, d: number): Param {
  const p = randnParam(rng, [d], 0.1);
  for (let i = 0; i < d; i++) p.data[i] = 1 + p.data[i]!;
  return p;
}

/** Uploads a parameter as a float32 tensor. */
export function paramTensor(p: Param): tf.Tensor {
  return tf.tensor(p.data, p.shape, 'float32');
}

/** (rows, in) @ (in, out) [+ bias] -> (rows, out). */
export function linear(x: tf.Tensor, w: tf.Tensor2D, b?: tf.Tensor1D): tf.Tensor2D {
  const y = tf.matMul(x, w) as tf.Tensor2D;
  return b ? (tf.add(y, b) as tf.Tensor2D) : y;
}

/** A (rows, cols) matrix transposed to (cols, rows). */
export function transposed(p: Param): Float32Array {
  const [rows, cols] = p.shape as [number, number];
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = p.data[i * cols + j]!;
  return out;
}

/** One exported tensor: Hugging Face name (relative to the layer's mixer for a kind's entries), torch shape, row-major data. */
export type WeightEntry = [name: string, shape: number[], data: Float32Array];

/** A linear layer's entry in torch layout: weight (out, in). */
export function linearEntry(name: string, p: Param): WeightEntry {
  const [din, dout] = p.shape as [number, number];
  return [name, [dout, din], transposed(p)];
}

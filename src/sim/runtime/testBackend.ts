/**
 * Test helper: initialises a Node tfjs backend for vitest (`wasm` with the binaries found in node_modules, or `cpu`)
 * through the runtime's own `initBackend`, and compares arrays by norm-wise relative error.
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend } from './backend';
import type { BackendName } from '../protocol';

/** Switches tfjs to `name` ('wasm' or 'cpu') and waits until it is ready. */
export async function useTestBackend(name: Extract<BackendName, 'wasm' | 'cpu'>): Promise<void> {
  if (tf.getBackend() === name) return;
  await initBackend(name);
  await tf.ready();
}

/** max |a − b| / max(max |b|, tiny): the norm-wise relative error used by the numerical tests. */
export function relError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length mismatch: ${a.length} vs ${b.length}`);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (!Number.isFinite(x)) return Infinity;
    diff = Math.max(diff, Math.abs(x - y));
    scale = Math.max(scale, Math.abs(y));
  }
  return diff / Math.max(scale, 1e-30);
}

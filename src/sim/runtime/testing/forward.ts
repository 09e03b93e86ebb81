/**
 * Test helpers that run a model on plain token ids and return plain logits, so callers (the Playwright spec imports
 * this through Vite) need no tfjs handle of their own.
 */
import * as tf from '@tensorflow/tfjs';
import type { ModelCaches, RuntimeModel } from '../builder';

/** Prefill one sequence; logits of its last position. */
export async function prefillLogits(model: RuntimeModel, tokens: readonly number[], caches: ModelCaches | null): Promise<number[]> {
  const ids = tf.tensor2d([...tokens], [1, tokens.length], 'int32');
  const out = model.prefill(ids, caches);
  ids.dispose();
  const v = Array.from(await out.data());
  out.dispose();
  return v;
}

/** One decode step of one sequence at `pos`; its logits. */
export async function decodeLogits(model: RuntimeModel, token: number, caches: ModelCaches, pos: number): Promise<number[]> {
  const ids = tf.tensor2d([token], [1, 1], 'int32');
  const out = model.decode(ids, caches, pos);
  ids.dispose();
  const v = Array.from(await out.data());
  out.dispose();
  return v;
}

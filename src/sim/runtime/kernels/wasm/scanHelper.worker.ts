/**
 * A helper thread of the threaded `simd` scans (see scanPool.ts): receives the shared memory and control block once,
 * says it is ready, then serves jobs until the pool stops it.
 */
/// <reference lib="webworker" />
import { helperLoop, type HelperInit } from './scanPool';

const scope = self as unknown as DedicatedWorkerGlobalScope;

scope.onmessage = (ev: MessageEvent<HelperInit>) => {
  scope.onmessage = null;
  try {
    scope.postMessage({ type: 'ready' });
    helperLoop(ev.data);
  } catch (e) {
    scope.postMessage({ type: 'error', message: e instanceof Error ? e.message : String(e) });
  }
};

/**
 * The runtime's Web Worker entry: speaks the protocol of ./protocol.ts. The app loads this file lazily (see
 * src/app/workerClient.ts), so tfjs and the runtime only download when a run starts. Runs execute one at a time
 * (tfjs has one global engine and backend); a cancel aborts the run it names, queued or running.
 */
/// <reference lib="webworker" />
import type { FromWorker, ToWorker } from './protocol';
import { runBench } from './runtime/bench';
import { isRunRefused } from './runtime/runRefused';
import { probeDevice } from './runtime/probeDevice';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const controllers = new Map<string, AbortController>();
let queue: Promise<void> = Promise.resolve();

function post(m: FromWorker): void {
  scope.postMessage(m);
}

async function run(msg: Extract<ToWorker, { type: 'start' }>, ac: AbortController): Promise<void> {
  const { id, request } = msg;
  try {
    const result = await runBench(request, {
      signal: ac.signal,
      onStarted: (s) => post({ type: 'started', id, backend: s.backend, backendReason: s.backendReason, threads: s.threads, threadsReason: s.threadsReason, scan: s.scan, profile: s.profile, scaledDesign: s.scaledDesign }),
      onProgress: (p) => post({ type: 'progress', id, ...p }),
      onPoint: (point) => post({ type: 'point', id, point }),
    });
    post({ type: 'done', id, result });
  } catch (e) {
    // A refused run (bad request, memory the backend cannot hold) says why; anything else is an internal failure.
    const message = e instanceof Error ? e.message : String(e);
    post({ type: 'error', id, message: isRunRefused(e) ? message : `internal error (not a problem with your design or settings): ${message}` });
  } finally {
    controllers.delete(id);
  }
}

/** A probe of this device for the planner; queued like a run (one tfjs engine). */
async function probe(msg: Extract<ToWorker, { type: 'probe' }>): Promise<void> {
  try {
    const r = await probeDevice(msg.backend, msg.options);
    post({ type: 'probed', id: msg.id, probe: r.probe, backendReason: r.backendReason });
  } catch (e) {
    post({ type: 'error', id: msg.id, message: e instanceof Error ? e.message : String(e) });
  }
}

scope.onmessage = (ev: MessageEvent<ToWorker>) => {
  const msg = ev.data;
  if (msg.type === 'cancel') {
    controllers.get(msg.id)?.abort();
    return;
  }
  if (msg.type === 'start') {
    const ac = new AbortController();
    controllers.set(msg.id, ac);
    queue = queue.then(() => run(msg, ac));
    return;
  }
  if (msg.type === 'probe') {
    queue = queue.then(() => probe(msg));
    return;
  }
  post({ type: 'error', id: (msg as { id?: string }).id ?? '', message: `unknown message type "${(msg as { type?: unknown }).type}"` });
};

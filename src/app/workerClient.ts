/**
 * The typed client of the runtime worker (src/sim/worker.ts). The worker, and with it tfjs, is created lazily on the
 * first `start`, so the editor opens without the tfjs chunk. Tensors never cross: callbacks get plain data.
 */
import type { DeviceProbe } from '../sim/planner/calibration';
import type { BackendChoice, BenchPoint, BenchRequest, BenchResult, FromWorker, ProbeOptions, ToWorker } from '../sim/protocol';

type Started = Extract<FromWorker, { type: 'started' }>;
type Progress = Extract<FromWorker, { type: 'progress' }>;

export interface RunCallbacks {
  onStarted?(m: Omit<Started, 'type' | 'id'>): void;
  onProgress?(m: Omit<Progress, 'type' | 'id'>): void;
  onPoint?(point: BenchPoint): void;
  onDone?(result: BenchResult): void;
  onError?(message: string): void;
}

export interface RunHandle {
  id: string;
  /** Asks the worker to stop; the run ends with `onDone` (result.cancelled = true) or `onError`. */
  cancel(): void;
  /** Resolves with the result (cancelled or not), rejects with the worker's error message. */
  done: Promise<BenchResult>;
}

/** What the client needs of a Worker (a real one in the app, a fake in tests). */
export interface WorkerLike {
  postMessage(m: ToWorker): void;
  addEventListener(type: 'message', fn: (ev: MessageEvent<FromWorker>) => void): void;
  addEventListener(type: 'error', fn: (ev: ErrorEvent) => void): void;
  terminate(): void;
}

function defaultWorker(): WorkerLike {
  return new Worker(new URL('../sim/worker.ts', import.meta.url), { type: 'module' }) as unknown as WorkerLike;
}

/** A client owning at most one worker. */
export class RuntimeClient {
  private worker: WorkerLike | null = null;
  private readonly runs = new Map<string, { cb: RunCallbacks; resolve(r: BenchResult): void; reject(e: Error): void }>();
  private readonly probes = new Map<string, { resolve(r: { probe: DeviceProbe; backendReason: string }): void; reject(e: Error): void }>();
  private next = 1;

  constructor(private readonly makeWorker: () => WorkerLike = defaultWorker) {}

  private ensure(): WorkerLike {
    if (this.worker) return this.worker;
    const w = this.makeWorker();
    w.addEventListener('message', (ev: MessageEvent<FromWorker>) => this.receive(ev.data));
    w.addEventListener('error', (ev: ErrorEvent) => {
      const message = `runtime worker failed: ${ev.message || 'unknown error'}`;
      for (const [id, r] of this.runs) {
        r.cb.onError?.(message);
        r.reject(new Error(message));
        this.runs.delete(id);
      }
      for (const p of this.probes.values()) p.reject(new Error(message));
      this.probes.clear();
    });
    this.worker = w;
    return w;
  }

  private receive(m: FromWorker): void {
    const pr = this.probes.get(m.id);
    if (pr) {
      this.probes.delete(m.id);
      if (m.type === 'probed') pr.resolve({ probe: m.probe, backendReason: m.backendReason });
      else pr.reject(new Error(m.type === 'error' ? m.message : `unexpected reply "${m.type}" to a probe`));
      return;
    }
    const r = this.runs.get(m.id);
    if (!r) return;
    switch (m.type) {
      case 'started': {
        const { type: _t, id: _i, ...rest } = m;
        r.cb.onStarted?.(rest);
        break;
      }
      case 'progress': {
        const { type: _t, id: _i, ...rest } = m;
        r.cb.onProgress?.(rest);
        break;
      }
      case 'point':
        r.cb.onPoint?.(m.point);
        break;
      case 'done':
        this.runs.delete(m.id);
        r.cb.onDone?.(m.result);
        r.resolve(m.result);
        break;
      case 'error':
        this.runs.delete(m.id);
        r.cb.onError?.(m.message);
        r.reject(new Error(m.message));
        break;
    }
  }

  /** Starts a run; the worker is created on the first call. */
  start(request: BenchRequest, callbacks: RunCallbacks = {}): RunHandle {
    const w = this.ensure();
    const id = `run-${this.next++}`;
    const done = new Promise<BenchResult>((resolve, reject) => this.runs.set(id, { cb: callbacks, resolve, reject }));
    // Callers that only use callbacks must not see an unhandled rejection.
    done.catch(() => undefined);
    w.postMessage({ type: 'start', id, request });
    return { id, cancel: () => w.postMessage({ type: 'cancel', id }), done };
  }

  /**
   * Measures this device for the planner (matmul FLOP/s, memory bandwidth, dispatch time) on `backend`, in the worker,
   * after any run queued before it.
   */
  probe(backend: BackendChoice, options?: ProbeOptions): Promise<{ probe: DeviceProbe; backendReason: string }> {
    const w = this.ensure();
    const id = `probe-${this.next++}`;
    const done = new Promise<{ probe: DeviceProbe; backendReason: string }>((resolve, reject) => this.probes.set(id, { resolve, reject }));
    w.postMessage({ type: 'probe', id, backend, ...(options ? { options } : {}) });
    return done;
  }

  /** Terminates the worker (pending runs are rejected). */
  dispose(): void {
    for (const r of this.runs.values()) r.reject(new Error('runtime client disposed'));
    this.runs.clear();
    for (const p of this.probes.values()) p.reject(new Error('runtime client disposed'));
    this.probes.clear();
    this.worker?.terminate();
    this.worker = null;
  }
}

let shared: RuntimeClient | null = null;

/** The app's client (one worker for the whole app). */
export function runtimeClient(): RuntimeClient {
  return (shared ??= new RuntimeClient());
}

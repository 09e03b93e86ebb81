/**
 * How many CPU threads a run may use, as plain functions (no tfjs), shared by the runtime (backend.ts) and the run
 * panel, which shows the same limit the worker will apply.
 *
 * Glossary: *cross-origin isolated* = the page was served with COOP same-origin and COEP require-corp (or
 * credentialless), so it may share memory between workers (SharedArrayBuffer), which WebAssembly threads need;
 * *hardware threads* = navigator.hardwareConcurrency, the logical cores the browser reports.
 */

const isNode = typeof process !== 'undefined' && !!process.versions?.node && typeof window === 'undefined' && typeof self === 'undefined';

/** The largest thread pool tfjs-backend-wasm creates (its PTHREAD_POOL_SIZE; its backend.cc caps the count too). */
export const TFJS_WASM_MAX_THREADS = 8;

/** Whether this context can run WebAssembly threads: shared memory is only given to cross-origin isolated pages. */
export function threadsSupported(): boolean {
  if (isNode) return false;
  return (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true && typeof SharedArrayBuffer === 'function';
}

/** Logical cores the platform reports (navigator.hardwareConcurrency), at least 1. */
export function hardwareThreads(): number {
  const n = (globalThis.navigator as Navigator | undefined)?.hardwareConcurrency;
  return typeof n === 'number' && Number.isInteger(n) && n >= 1 ? n : 1;
}

/** What decides the thread count: where we run, whether threads are possible, how many cores there are. */
export interface ThreadEnv {
  node: boolean;
  isolated: boolean;
  hardware: number;
}

/** This context's thread environment. */
export function threadEnv(): ThreadEnv {
  return { node: isNode, isolated: threadsSupported(), hardware: hardwareThreads() };
}

/** The threads a run may use: every core up to tfjs's pool limit when isolated, else 1; with the reason. */
export function availableThreads(env: ThreadEnv = threadEnv()): { max: number; reason: string } {
  if (env.node) return { max: 1, reason: 'Node: tfjs-backend-wasm has no threads there' };
  if (!env.isolated) return { max: 1, reason: 'the page is not cross-origin isolated, so WebAssembly threads are unavailable' };
  const hw = env.hardware;
  const max = Math.min(hw, TFJS_WASM_MAX_THREADS);
  return { max, reason: hw > max ? `${hw} cores, tfjs's wasm pool holds at most ${TFJS_WASM_MAX_THREADS}` : `${hw} core${hw === 1 ? '' : 's'} (navigator.hardwareConcurrency)` };
}

/**
 * The thread count a run asking for `wanted` (all when undefined) gets, and why. A cap that is not an integer in
 * [1, 1024] is refused with a clear error.
 */
export function resolveThreads(wanted: number | undefined, env: ThreadEnv = threadEnv()): { threads: number; reason: string } {
  if (wanted !== undefined && !(Number.isInteger(wanted) && wanted >= 1 && wanted <= 1024)) {
    throw new Error(`threads must be an integer in [1, 1024], got ${wanted}`);
  }
  const a = availableThreads(env);
  if (wanted === undefined) return { threads: a.max, reason: `all available: ${a.reason}` };
  if (wanted < a.max) return { threads: wanted, reason: `capped at ${wanted} by the user (${a.reason})` };
  if (wanted === a.max) return { threads: wanted, reason: `all available: ${a.reason}` };
  return { threads: a.max, reason: `${wanted} asked, ${a.max} available: ${a.reason}` };
}


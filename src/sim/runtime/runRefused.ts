/**
 * A run refused before it started: a bad request, a profile that does not apply, a backend that is not available, or
 * a run the backend cannot hold (memory estimate above the budget or the backend's own limits). The user can fix
 * these; the CLI prints them as user errors (exit 2) and the app as "the run was refused". Any other error thrown by a
 * run is an internal failure (a bug, or the backend failing at run time) and is reported as one.
 */
export class RunRefusedError extends Error {
  override readonly name = 'RunRefusedError';
}

/** True for a {@link RunRefusedError} (also across module copies: checked by name). */
export function isRunRefused(e: unknown): e is RunRefusedError {
  return e instanceof RunRefusedError || (e instanceof Error && e.name === 'RunRefusedError');
}

/** Runs `f`; any error it throws becomes a {@link RunRefusedError} with the same message. */
export function refuseOnError<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (isRunRefused(e)) throw e;
    throw new RunRefusedError(e instanceof Error ? e.message : String(e));
  }
}

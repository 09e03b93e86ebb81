/**
 * Issue 13 audit: a run that fails while running (the wasm heap aborting, "memory access out of bounds") is an
 * internal failure, not the user's: exit 1 and one line saying so, never exit 2 (which is for bad input). The
 * runtime is replaced here by one that fails the way the audit's run did.
 */
import { describe, expect, it, vi } from 'vitest';
import { RunRefusedError } from '../sim/runtime/runRefused';
import { cli } from './cliTestHarness';
import { EXIT_INTERNAL_ERROR, EXIT_USER_ERROR } from './runCli';

const failure = vi.hoisted(() => ({ error: new Error('placeholder') as Error }));
vi.mock('../sim/runtime/bench', () => ({
  runBench: () => Promise.reject(failure.error),
}));

describe('cli bench: refused vs internal failures', () => {
  it('a runtime failure exits 1 with one "internal error" line (no stack unless HX_DEBUG)', async () => {
    failure.error = new Error('Aborted(). memory access out of bounds\n    at wasm-function[1234]');
    const r = await cli('bench', 'llama-2-7b', '--seq', '8');
    expect(EXIT_INTERNAL_ERROR).not.toBe(EXIT_USER_ERROR);
    expect(r.code).toBe(EXIT_INTERNAL_ERROR);
    expect(r.stderr).toBe('internal error: Aborted(). memory access out of bounds\\n    at wasm-function[1234] (not a problem with your input)\n');
  });
  it('a refusal exits 2 with its one line', async () => {
    failure.error = new RunRefusedError('run refused: seqLen 8 needs an estimated 1 MiB, above the memory budget of 0.5 MiB');
    const r = await cli('bench', 'llama-2-7b', '--seq', '8');
    expect(r.code).toBe(EXIT_USER_ERROR);
    expect(r.stderr).toBe('error: run refused: seqLen 8 needs an estimated 1 MiB, above the memory budget of 0.5 MiB\n');
  });
});

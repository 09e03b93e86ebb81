/**
 * Runs CLI commands in-process for tests (no `npm`, no new Node process): stdout and stderr are captured while
 * `runCli` runs. Test-only helper.
 */
import { vi } from 'vitest';
import { runCli } from './runCli';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `cli <args>` and returns its exit code and output. Calls must not overlap (the streams are shared). */
export async function cli(...args: string[]): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => {
    stdout += String(s);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => {
    stderr += String(s);
    return true;
  });
  try {
    const code = await runCli(args);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

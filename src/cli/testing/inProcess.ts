/**
 * Runs a CLI command in the test process (no spawned Node): its stdout and stderr text and the exit code the
 * process would get (a CliError is a user error: one line on stderr, code 2), as src/cli/main.ts maps them.
 */
import { CliError, type Command } from '../common';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runInProcess(cmd: Command, args: string[]): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    stdout += typeof chunk === 'string' ? chunk : new TextDecoder().decode(chunk);
    return true;
  }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => {
    stderr += typeof chunk === 'string' ? chunk : new TextDecoder().decode(chunk);
    return true;
  }) as typeof process.stderr.write;
  try {
    const code = await cmd.run(args);
    return { code, stdout, stderr };
  } catch (e) {
    if (e instanceof CliError) return { code: 2, stdout, stderr: `${stderr}error: ${e.message}\n` };
    throw e;
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
}

/**
 * The command line without the process around it: `runCli(argv)` runs one command and returns its exit code, so
 * tests call commands in-process. Exit codes: 0 success; 2 a user error (bad input, a refused run: one line on
 * stderr, `error: ...`); 1 an internal failure (a bug, or the backend failing at run time: one line on stderr,
 * `internal error: ...`, with the stack only when HX_DEBUG is set). Every line is printed with its control characters
 * escaped (./sanitize.ts).
 */
import { CliError, type Command } from './common';
import { cliLine } from './sanitize';
import { costCommand } from './commands/cost';
import { schemaCommand } from './commands/schema';
import { importHfCommand } from './commands/importHf';
import { exportHfCommand } from './commands/exportHf';
import { presetsCommand } from './commands/presets';
import { validateCommand } from './commands/validate';
import { benchCommand } from './commands/bench';
import { runCommand } from './commands/run';
import { trainCommand } from './commands/train';
import { hardwareCommand, rooflineCommand } from './commands/roofline';
import { designCommand } from './commands/design';
import { exportMegatronCommand } from './commands/exportMegatron';
import { importMegatronCommand } from './commands/importMegatron';

/** Exit code of a user error (bad input, a refused run). */
export const EXIT_USER_ERROR = 2;
/** Exit code of an internal failure (not the user's input). */
export const EXIT_INTERNAL_ERROR = 1;

export const COMMANDS: Record<string, Command> = {
  schema: schemaCommand,
  cost: costCommand,
  'import-hf': importHfCommand,
  'export-hf': exportHfCommand,
  presets: presetsCommand,
  validate: validateCommand,
  bench: benchCommand,
  run: runCommand,
  train: trainCommand,
  roofline: rooflineCommand,
  hardware: hardwareCommand,
  design: designCommand,
  'export-megatron': exportMegatronCommand,
  'import-megatron': importMegatronCommand,
};

function usage(): string {
  return `usage: cli <command> [args]   (cli <command> --help for its options)\ncommands:\n${Object.entries(COMMANDS)
    .map(([n, c]) => `  ${n.padEnd(15)} ${c.summary}`)
    .join('\n')}\nexit codes: 0 done, 2 bad input or a refused run, 1 internal error\n`;
}

async function dispatch(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return name ? 0 : EXIT_USER_ERROR;
  }
  const cmd = Object.prototype.hasOwnProperty.call(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!cmd) throw new CliError(`unknown command "${name}"; known: ${Object.keys(COMMANDS).join(', ')}`);
  // Commands that print their own help (roofline, hardware, design, export-megatron, import-megatron) have no `usage` here and see the flag themselves.
  if (cmd.usage !== undefined && (rest.includes('--help') || rest.includes('-h'))) {
    process.stdout.write(`${cliLine(cmd.summary)}\nusage: ${cmd.usage ?? name}\n`);
    return 0;
  }
  return cmd.run([...rest]);
}

/** Runs one CLI command; never throws. Returns the exit code (see the module doc). */
export async function runCli(argv: readonly string[]): Promise<number> {
  try {
    return await dispatch(argv);
  } catch (e) {
    if (e instanceof CliError) {
      process.stderr.write(`error: ${cliLine(e.message)}\n`);
      return EXIT_USER_ERROR;
    }
    const message = e instanceof Error ? `${e.name === 'Error' ? '' : `${e.name}: `}${e.message}` : String(e);
    process.stderr.write(`internal error: ${cliLine(message || 'unknown failure')} (not a problem with your input)\n`);
    if (process.env.HX_DEBUG && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
    return EXIT_INTERNAL_ERROR;
  }
}

/**
 * The command line: `npm run --silent cli -- <command> [args]`.
 * User errors exit with code 2 and one line on stderr; no stack traces for them.
 */
import { CliError, type Command } from './common';
import { costCommand } from './commands/cost';
import { schemaCommand } from './commands/schema';
import { importHfCommand } from './commands/importHf';
import { exportHfCommand } from './commands/exportHf';
import { presetsCommand } from './commands/presets';
import { validateCommand } from './commands/validate';
import { benchCommand } from './commands/bench';
import { runCommand } from './commands/run';
import { exportMegatronCommand } from './commands/exportMegatron';
import { importMegatronCommand } from './commands/importMegatron';
import { hardwareCommand, rooflineCommand } from './commands/roofline';
import { designCommand } from './commands/design';

const COMMANDS: Record<string, Command> = {
  schema: schemaCommand,
  cost: costCommand,
  'import-hf': importHfCommand,
  'export-hf': exportHfCommand,
  presets: presetsCommand,
  validate: validateCommand,
  bench: benchCommand,
  run: runCommand,
  'export-megatron': exportMegatronCommand,
  'import-megatron': importMegatronCommand,
  roofline: rooflineCommand,
  hardware: hardwareCommand,
  design: designCommand,
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`usage: cli <command> [args]\ncommands:\n${Object.entries(COMMANDS).map(([n, c]) => `  ${n.padEnd(16)} ${c.summary}`).join('\n')}\n`);
    return name ? 0 : 2;
  }
  const cmd = COMMANDS[name];
  if (!cmd) throw new CliError(`unknown command "${name}"; known: ${Object.keys(COMMANDS).join(', ')}`);
  return cmd.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    if (e instanceof CliError) {
      process.stderr.write(`error: ${e.message}\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = 1;
    }
  },
);

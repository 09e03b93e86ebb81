/**
 * The command line: `npm run --silent cli -- <command> [args]`. The commands and exit codes are in ./runCli.ts (which
 * tests call in-process); this file only connects it to the process.
 */
import { runCli } from './runCli';

process.exitCode = await runCli(process.argv.slice(2));

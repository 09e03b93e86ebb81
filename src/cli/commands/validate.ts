import { loadDesignSource } from '../../models/load';
import { expandLayers } from '../../models/schema';
import { formatIssues } from '../../models/validate';
import { CliError, type Command, parseArgs, readTextFile } from '../common';

const USAGE = 'validate <design.json | config.json>';

/**
 * `validate`: prints `ok: <name>, N layers`, or every issue (one per line, `path: rule`) on stdout and a one-line
 * summary on stderr with exit code 2.
 */
export const validateCommand: Command = {
  summary: 'check a design.json (or HF config.json): "ok: <name>, N layers" or its issues (exit 2)',
  async run(args) {
    const p = parseArgs(args, []);
    const [file, extra] = p.positional;
    if (!file) throw new CliError(`missing design file; usage: ${USAGE}`);
    if (extra) throw new CliError(`unexpected argument "${extra}"; usage: ${USAGE}`);
    const r = loadDesignSource(readTextFile(file));
    if (r.ok) {
      process.stdout.write(`ok: ${r.value.name}, ${expandLayers(r.value.layers).length} layers\n`);
      return 0;
    }
    process.stdout.write(formatIssues(r.issues) + '\n');
    process.stderr.write(`error: ${file} is invalid (${r.issues.length} issue${r.issues.length === 1 ? '' : 's'})\n`);
    return 2;
  },
};

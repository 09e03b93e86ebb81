import { loadDesignSource } from '../../models/load';
import { expandLayers } from '../../models/schema';
import { CliError, type Command, parseArgs, readTextFile } from '../common';
import { writeLines } from '../sanitize';

const USAGE = 'validate <design.json | config.json>';

/**
 * `validate`: prints `ok: <name>, N layers`, or every issue (one per line, `path: rule`) on stdout and a one-line
 * summary on stderr with exit code 2.
 */
export const validateCommand: Command = {
  summary: 'check a design.json (or HF config.json): "ok: <name>, N layers" or its issues (exit 2)',
  usage: USAGE,
  async run(args) {
    const p = parseArgs(args, []);
    const [file, extra] = p.positional;
    if (!file) throw new CliError(`missing design file; usage: ${USAGE}`);
    if (extra) throw new CliError(`unexpected argument "${extra}"; usage: ${USAGE}`);
    const r = loadDesignSource(readTextFile(file));
    // Names, paths and file names are printed with their controls escaped: a name cannot forge an `ok:` line.
    if (r.ok) {
      writeLines(process.stdout, [`ok: ${r.value.name}, ${expandLayers(r.value.layers).length} layers`]);
      return 0;
    }
    writeLines(process.stdout, r.issues.map((i) => `${i.path}: ${i.message}`));
    writeLines(process.stderr, [`error: ${file} is invalid (${r.issues.length} issue${r.issues.length === 1 ? '' : 's'})`]);
    return 2;
  },
};

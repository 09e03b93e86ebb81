import { exportHfConfig } from '../../models/hf';
import { CliError, type Command, flagString, parseArgs } from '../common';
import { writeLines } from '../sanitize';
import { firstIssueLine, readDesignArg, writeJson } from './designIo';

const USAGE = 'export-hf <design.json | preset-id> [-o config.json]';

/** `export-hf`: a design made of Jamba's block kinds to a Jamba config.json, or a one-line reason why not. */
export const exportHfCommand: Command = {
  summary: 'write a Jamba config.json for a design (-o config.json, else stdout)',
  usage: USAGE,
  async run(args) {
    const p = parseArgs(args, ['o']);
    const [arg, extra] = p.positional;
    if (extra) throw new CliError(`unexpected argument "${extra}"; usage: ${USAGE}`);
    const design = readDesignArg(arg, USAGE);
    const r = exportHfConfig(design);
    if (!r.ok) throw new CliError(`cannot export "${design.name}" as a Jamba config: ${firstIssueLine(r.issues)}`);
    const out = flagString(p, 'o');
    writeJson(r.value, out);
    if (out) writeLines(process.stdout, [`wrote ${out}`]);
    return 0;
  },
};

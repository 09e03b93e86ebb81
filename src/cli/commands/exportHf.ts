import { HF_EXPORT_FAMILIES, exportHfConfig } from '../../models/hf';
import { CliError, type Command, flagString, parseArgs } from '../common';
import { writeLines } from '../sanitize';
import { firstIssueLine, readDesignArg, writeJson } from './designIo';

const USAGE = 'export-hf <design.json | preset-id> [--family NAME] [-o config.json]';
const HELP = `usage: ${USAGE}
  Writes the design as the Hugging Face config.json of the first family that expresses it, or of --family:
  ${HF_EXPORT_FAMILIES.join(', ')}.
  A design no family (or not the given one) expresses is refused with the reason (exit 2).
  --family NAME   export as this family
  -o file         write the config to a file instead of stdout
`;

/** `export-hf`: a design to the config.json of a Hugging Face family, or a one-line reason why not. */
export const exportHfCommand: Command = {
  summary: `write a Hugging Face config.json for a design (${HF_EXPORT_FAMILIES.length} families; --family, -o)`,
  async run(args) {
    if (args.includes('--help') || args.includes('-h')) {
      process.stdout.write(HELP);
      return 0;
    }
    const p = parseArgs(args, ['o', 'family']);
    const [arg, extra] = p.positional;
    if (extra) throw new CliError(`unexpected argument "${extra}"; usage: ${USAGE}`);
    const family = flagString(p, 'family');
    if (family !== undefined && !HF_EXPORT_FAMILIES.includes(family)) throw new CliError(`--family must be one of ${HF_EXPORT_FAMILIES.join(', ')}, got "${family}"`);
    const design = readDesignArg(arg, USAGE);
    const r = exportHfConfig(design, family);
    if (!r.ok) throw new CliError(`cannot export "${design.name}" as ${family ? `a ${family}` : 'a Hugging Face'} config: ${firstIssueLine(r.issues)}`);
    const out = flagString(p, 'o');
    writeJson(r.value, out);
    if (out) writeLines(process.stdout, [`wrote ${out} (${String(r.value.model_type)})`]);
    return 0;
  },
};

import { importHfConfig } from '../../models/hf';
import { expandLayers } from '../../models/schema';
import { parseJsonText } from '../../models/validate';
import { CliError, type Command, flagString, parseArgs, readTextFile } from '../common';
import { firstIssueLine, writeJson } from './designIo';

const USAGE = 'import-hf <config.json> [-o design.json]';

/** `import-hf`: a Hugging Face config.json to our design JSON (compact form), on stdout or into a file. */
export const importHfCommand: Command = {
  summary: 'convert a Hugging Face config.json to a design (-o design.json, else stdout)',
  async run(args) {
    const p = parseArgs(args, ['o']);
    const [file, extra] = p.positional;
    if (!file) throw new CliError(`missing config file; usage: ${USAGE}`);
    if (extra) throw new CliError(`unexpected argument "${extra}"; usage: ${USAGE}`);
    const json = parseJsonText(readTextFile(file));
    if (!json.ok) throw new CliError(`${file}: ${firstIssueLine(json.issues)}`);
    const r = importHfConfig(json.value);
    if (!r.ok) throw new CliError(`${file}: ${firstIssueLine(r.issues)}`);
    const out = flagString(p, 'o');
    writeJson(r.value, out);
    if (out) process.stdout.write(`wrote ${out}: ${r.value.name}, ${expandLayers(r.value.layers).length} layers\n`);
    return 0;
  },
};

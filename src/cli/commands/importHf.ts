import { loadConfigSource } from '../../models/load';
import { expandLayers } from '../../models/schema';
import { CliError, type Command, flagString, parseArgs, readTextFile } from '../common';
import { writeLines } from '../sanitize';
import { firstIssueLine, writeJson } from './designIo';

const USAGE = 'import-hf <config.json> [-o design.json]';

/** `import-hf`: a Hugging Face config.json to our design JSON (compact form), on stdout or into a file. */
export const importHfCommand: Command = {
  summary: 'convert a Hugging Face or state-spaces config.json to a design (-o design.json, else stdout)',
  usage: USAGE,
  async run(args) {
    const p = parseArgs(args, ['o']);
    const [file, extra] = p.positional;
    if (!file) throw new CliError(`missing config file; usage: ${USAGE}`);
    if (extra) throw new CliError(`unexpected argument "${extra}"; usage: ${USAGE}`);
    // The same detection as validate and cost: an HF config.json (model_type) or a state-spaces one (d_model, n_layer).
    const r = loadConfigSource(readTextFile(file));
    if (!r.ok) throw new CliError(`${file}: ${firstIssueLine(r.issues)}`);
    const out = flagString(p, 'o');
    writeJson(r.value, out);
    if (out) writeLines(process.stdout, [`wrote ${out}: ${r.value.name}, ${expandLayers(r.value.layers).length} layers`]);
    return 0;
  },
};

/**
 * `import-megatron <args.txt> [--pair-layers] [--name NAME] [-o design.json]`: a design from Megatron-LM hybrid model
 * arguments (a `pretrain_hybrid.py` command line or just its flags, with `--hybrid-layer-pattern`). Each symbol is one
 * layer; `--pair-layers` makes a mixer symbol and the FFN symbol after it one layer (as `export-megatron` writes a
 * design whose layers have both).
 */
import { importMegatron } from '../../models/megatron';
import { expandLayers } from '../../models/schema';
import { CliError, flagString, parseArgs, readTextFile, type Command } from '../common';
import { firstIssueLine, writeJson } from './designIo';

const USAGE = 'import-megatron <args.txt> [--pair-layers] [--name NAME] [-o design.json]';
const HELP = `usage: ${USAGE}
  Reads Megatron-LM hybrid model arguments (--hybrid-layer-pattern and the model flags; training flags are ignored)
  and prints the design JSON.
  --pair-layers   a mixer symbol (M, *) followed by an FFN symbol (-, E) becomes one layer
  --name NAME     the design's name
  -o file         write the design to a file instead of stdout
`;

export const importMegatronCommand: Command = {
  summary: 'convert Megatron-LM hybrid arguments (--hybrid-layer-pattern ...) to a design',
  async run(args) {
    if (args.includes('--help') || args.includes('-h')) {
      process.stdout.write(HELP);
      return 0;
    }
    const p = parseArgs(args, ['pair-layers', 'name', 'o'], ['pair-layers']);
    const [file, extra] = p.positional;
    if (!file) throw new CliError(`missing arguments file; usage: ${USAGE}`);
    if (extra !== undefined) throw new CliError(`unexpected argument "${extra}"; usage: ${USAGE}`);
    const name = flagString(p, 'name');
    if (name !== undefined && (name.length > 200 || [...name].some((c) => c.charCodeAt(0) < 32))) throw new CliError('--name must be at most 200 printable characters');
    const r = importMegatron(readTextFile(file), { pairLayers: p.flags.has('pair-layers'), ...(name !== undefined ? { name } : {}) });
    if (!r.ok) throw new CliError(`${file}: ${firstIssueLine(r.issues)}`);
    const out = flagString(p, 'o');
    writeJson(r.value, out);
    if (out) process.stdout.write(`wrote ${out}: ${r.value.name}, ${expandLayers(r.value.layers).length} layers\n`);
    return 0;
  },
};

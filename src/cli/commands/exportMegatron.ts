/**
 * `export-megatron <design.json | preset-id> [--pp N] [--json] [-o args.txt]`: the design as a Megatron-LM hybrid
 * model, `--hybrid-layer-pattern` plus the model arguments, ready to paste after `pretrain_hybrid.py`
 * (src/models/megatron.ts); `--pp N` splits the pattern into N pipeline stages balanced by parameters. A design
 * that Megatron-LM cannot express is refused with one line naming the layer and the rule (exit 2).
 */
import { writeFileSync } from 'node:fs';
import { exportMegatron } from '../../models/megatron';
import { CliError, flagInt, flagString, parseArgs, type Command } from '../common';
import { firstIssueLine, readDesignArg } from './designIo';

const USAGE = 'export-megatron <design.json | preset-id> [--pp N] [--json] [-o file]';
const HELP = `usage: ${USAGE}
  Prints the Megatron-LM hybrid model arguments of a design: --hybrid-layer-pattern (M Mamba-2, * attention,
  G Gated DeltaNet, + MLA, - MLP, E MoE; a layer with a mixer and an FFN is two symbols) and the model arguments, ready to paste after
  pretrain_hybrid.py.
  --pp N     split the pattern into N pipeline stages (| between them) balanced by parameter count (1..1024)
  --json     one JSON object: pattern, symbols, args, layout, stages, text
  -o file    write the text (or JSON) to a file instead of stdout
`;

export const exportMegatronCommand: Command = {
  summary: 'print the Megatron-LM --hybrid-layer-pattern and model arguments of a design (--pp N stages)',
  async run(args) {
    if (args.includes('--help') || args.includes('-h')) {
      process.stdout.write(HELP);
      return 0;
    }
    const p = parseArgs(args, ['pp', 'json', 'o'], ['json']);
    const [arg, extra] = p.positional;
    if (extra !== undefined) throw new CliError(`unexpected argument "${extra}"; usage: ${USAGE}`);
    const design = readDesignArg(arg, USAGE);
    const pp = flagInt(p, 'pp', 1, 1, 1024);
    const r = exportMegatron(design, { pp });
    if (!r.ok) throw new CliError(`cannot export "${design.name}" to Megatron-LM: ${firstIssueLine(r.issues)}`);
    const text = p.flags.has('json') ? JSON.stringify(r.value) + '\n' : r.value.text;
    const out = flagString(p, 'o');
    if (out === undefined) process.stdout.write(text);
    else {
      try {
        writeFileSync(out, text);
      } catch (e) {
        throw new CliError(`cannot write ${out}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
      process.stdout.write(`wrote ${out}\n`);
    }
    return 0;
  },
};

import { PRESETS, SEED_RULE_PRESET, presetGroups, type Preset } from '../../models/presets';
import { expandLayers } from '../../models/schema';
import { CliError, type Command, parseArgs } from '../common';

function row(p: Preset) {
  const layers = expandLayers(p.design.layers);
  return { id: p.id, name: p.name, family: p.family, year: p.year, layers: layers.length, dModel: p.design.dModel, source: p.source, notes: p.notes };
}

/** `presets`: the preset ids, names and sources (`--json`: one JSON array). */
export const presetsCommand: Command = {
  summary: 'list the presets by family and year: ids, names, sources (--json for one JSON array)',
  usage: 'presets [--json]',
  async run(args) {
    const p = parseArgs(args, ['json'], ['json']);
    if (p.positional.length) throw new CliError(`unexpected argument "${p.positional[0]}"; usage: presets [--json]`);
    const rows = PRESETS.map(row);
    if (p.flags.has('json')) {
      process.stdout.write(JSON.stringify(rows) + '\n');
      return 0;
    }
    const idW = Math.max(...rows.map((r) => r.id.length), SEED_RULE_PRESET.id.length);
    const nameW = Math.max(...rows.map((r) => r.name.length));
    const line = (r: ReturnType<typeof row>) => `  ${r.id.padEnd(idW)}  ${r.name.padEnd(nameW)}  ${String(r.layers).padStart(3)} layers  d ${String(r.dModel).padStart(5)}\n  ${' '.repeat(idW + 2)}source: ${r.source}`;
    const lines = presetGroups(PRESETS).flatMap((g) => [g.label, ...g.presets.map((p) => line(row(p)))]);
    lines.push('Patterns', `  ${SEED_RULE_PRESET.id.padEnd(idW)}  ${SEED_RULE_PRESET.name} (a pattern, not a published model)`);
    process.stdout.write(lines.join('\n') + '\n');
    return 0;
  },
};

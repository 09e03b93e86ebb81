import { existsSync, writeFileSync } from 'node:fs';
import { loadDesignSource } from '../../models/load';
import { getPreset, PRESETS, SEED_RULE_PRESET } from '../../models/presets';
import type { Design } from '../../models/schema';
import type { ValidationIssue } from '../../models/validate';
import { CliError, readTextFile } from '../common';

/** The first issue as one line, with a count of the others: `layers[2].mixer.kind: unknown kind ... (and 2 more)`. */
export function firstIssueLine(issues: readonly ValidationIssue[]): string {
  const [first] = issues;
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
  return `${first ? `${first.path}: ${first.message}` : 'invalid'}${more}`;
}

/** A design from a file (our JSON or an HF config.json) or, when no such file exists, a preset id. */
export function readDesignArg(arg: string | undefined, usage: string): Design {
  if (!arg) throw new CliError(`missing argument; usage: ${usage}`);
  if (existsSync(arg) || arg.endsWith('.json')) {
    const r = loadDesignSource(readTextFile(arg));
    if (!r.ok) throw new CliError(`${arg}: ${firstIssueLine(r.issues)}`);
    return r.value;
  }
  const preset = getPreset(arg);
  if (!preset) throw new CliError(`no file or preset "${arg}"; presets: ${[...PRESETS.map((p) => p.id), SEED_RULE_PRESET.id].join(', ')}`);
  return preset.design;
}

/** Writes JSON (2-space indent) to a file, or to stdout when `out` is undefined. */
export function writeJson(value: unknown, out: string | undefined): void {
  const text = JSON.stringify(value, null, 2) + '\n';
  if (!out) {
    process.stdout.write(text);
    return;
  }
  try {
    writeFileSync(out, text);
  } catch (e) {
    throw new CliError(`cannot write ${out}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

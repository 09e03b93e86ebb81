import { readFileSync } from 'node:fs';

/** A user error: printed as one line, exit code 2. */
export class CliError extends Error {}

export interface Command {
  summary: string;
  /** The command's arguments, printed by `<command> --help`. */
  usage?: string;
  run(args: string[]): Promise<number>;
}

export interface ParsedArgs {
  positional: string[];
  flags: Map<string, string | true>;
}

/**
 * Parses `--name value`, `--name=value` and boolean `--flag`. `booleans` lists flags that take no value;
 * `known` lists every accepted flag, so a misspelt one is an error that names it.
 */
export function parseArgs(args: string[], known: readonly string[], booleans: readonly string[] = []): ParsedArgs {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a.startsWith('-') && a.length > 1 && !/^-\d/.test(a)) {
      const eq = a.indexOf('=');
      const name = (eq > 0 ? a.slice(0, eq) : a).replace(/^--?/, '');
      if (!known.includes(name)) throw new CliError(`unknown option --${name}; accepted: ${known.map((k) => `--${k}`).join(', ') || 'none'}`);
      if (booleans.includes(name)) {
        if (eq > 0) throw new CliError(`--${name} takes no value`);
        flags.set(name, true);
      } else {
        const v = eq > 0 ? a.slice(eq + 1) : args[++i];
        if (v === undefined || v === '') throw new CliError(`--${name} needs a value`);
        flags.set(name, v);
      }
    } else positional.push(a);
  }
  return { positional, flags };
}

export function flagString(p: ParsedArgs, name: string): string | undefined {
  const v = p.flags.get(name);
  return typeof v === 'string' ? v : undefined;
}

/** A positive integer flag, or the default; the error names the flag and the rule. */
export function flagInt(p: ParsedArgs, name: string, def: number, min = 1, max = Number.MAX_SAFE_INTEGER): number {
  const v = flagString(p, name);
  if (v === undefined) return def;
  if (!/^\d+$/.test(v)) throw new CliError(`--${name} must be an integer, got "${v}"`);
  const n = Number(v);
  if (n < min || n > max) throw new CliError(`--${name} must be between ${min} and ${max}, got ${n}`);
  return n;
}

/**
 * A comma-separated list of positive integers (e.g. `--seq 4096,262144`). Accepts K/M suffixes (1K = 1024). At most
 * `maxCount` values (counted before any is parsed), each in [1, max].
 */
export function flagIntList(p: ParsedArgs, name: string, def: number[], max = 1 << 30, maxCount = 1000): number[] {
  const v = flagString(p, name);
  if (v === undefined) return def;
  const parts = v.split(',', maxCount + 1);
  if (parts.length > maxCount) throw new CliError(`--${name} takes at most ${maxCount} values`);
  const out = parts.map((s) => {
    const m = /^(\d+)([kKmM]?)$/.exec(s.trim());
    if (!m) throw new CliError(`--${name} must be a comma-separated list of positive integers, got "${s}"`);
    const n = Number(m[1]) * (m[2] ? (m[2].toLowerCase() === 'k' ? 1024 : 1024 * 1024) : 1);
    if (n < 1 || n > max) throw new CliError(`--${name} values must be between 1 and ${max}, got ${n}`);
    return n;
  });
  return out;
}

export function readTextFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new CliError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

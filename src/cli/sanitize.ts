/**
 * What the CLI prints about user input goes through here: file names, design names, issue lines and error messages
 * can carry newlines or ANSI escape sequences (a design named "\u001b[2K\rok: x" would otherwise forge an `ok:` line
 * in a terminal). Every line is written with its controls escaped (src/models/safeText.ts).
 */
import { safeLine } from '../models/safeText';

/** One printable line: controls escaped, at most `max` characters. */
export function cliLine(text: string, max = 1000): string {
  return safeLine(text, max);
}

/** Writes lines to a stream, each made safe with {@link cliLine}. */
export function writeLines(stream: { write(s: string): unknown }, lines: readonly string[]): void {
  stream.write(lines.map((l) => cliLine(l)).join('\n') + '\n');
}

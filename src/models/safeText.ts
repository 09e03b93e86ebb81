/**
 * Text that is safe to echo in a one-line message: user-controlled strings (names, keys, file names, the snippet a
 * JSON syntax error quotes) can hold newlines, ANSI escape sequences (ESC `[`), C1 controls or bidirectional
 * overrides, which would split a one-line error over several lines or forge output such as an `ok:` line in a
 * terminal. Every such character is written as a visible escape (`\n`, `\u001b`), never dropped, so the message
 * still says what the input held.
 *
 * Glossary: C0 = U+0000-U+001F, DEL = U+007F, C1 = U+0080-U+009F; line and paragraph separators U+2028/U+2029;
 * bidi controls U+200E/U+200F, U+202A-U+202E, U+2066-U+2069 (they reorder the rest of a terminal line).
 */

// eslint-disable-next-line no-control-regex -- matching control characters is the point of this module
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const UNSAFE_ONE = new RegExp(UNSAFE.source);
const SHORT: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** `text` with every control, separator and bidi character written as an escape (`\n`, `\u001b`). */
export function escapeControls(text: string): string {
  return text.replace(UNSAFE, (c) => SHORT[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** True when `text` holds a character {@link escapeControls} would escape. */
export function hasControls(text: string): boolean {
  return UNSAFE_ONE.test(text);
}

/**
 * One safe line: controls escaped, then cut to `max` characters (with `…`). Use it for anything that ends up in an
 * error line, a notice or a CLI report line.
 */
export function safeLine(text: string, max = 500): string {
  const s = escapeControls(text);
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** A user string quoted for a message: `"name"`, controls escaped, at most `max` characters inside the quotes. */
export function quoteUser(text: string, max = 60): string {
  const cut = text.length > max ? `${text.slice(0, max)}…` : text;
  return `"${escapeControls(cut).replace(/"/g, '\\"')}"`;
}

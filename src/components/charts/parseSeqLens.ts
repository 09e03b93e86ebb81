/** Longest sequence the in-browser run accepts, in tokens (the scaled copy still holds an L×L attention score). */
export const MAX_RUN_SEQ_LEN = 32_768;
/** Most lengths in one sweep. */
export const MAX_RUN_LENGTHS = 16;

export type SeqLensResult = { ok: true; value: number[] } | { ok: false; error: string };

/**
 * Parses the run panel's "sequence lengths" field: integers separated by commas or spaces (a thousands separator is
 * not allowed, as the comma separates lengths), with an optional K suffix meaning 1,024 tokens, as context lengths are
 * named in practice ("8K context" = 8,192 tokens; a sweep doubles from powers of two). Displays stay exact below
 * 10,000 tokens, so "2K" shows as 2,048. Returns the lengths sorted and without duplicates, or an error naming the rule broken.
 */
export function parseSeqLens(text: string): SeqLensResult {
  const parts = text.split(/[\s,;]+/).filter((p) => p !== '');
  if (parts.length === 0) return { ok: false, error: 'sequence lengths: enter at least one length, e.g. 128, 256, 512' };
  const out = new Set<number>();
  for (const p of parts) {
    const m = /^(\d+(?:\.\d+)?)([kK]?)$/.exec(p);
    if (!m) return { ok: false, error: `sequence lengths: "${p}" is not a whole number of tokens (write 512 or 2K)` };
    const n = Math.round(Number(m[1]) * (m[2] ? 1024 : 1) * 1e6) / 1e6;
    if (!Number.isInteger(n)) return { ok: false, error: `sequence lengths: "${p}" is not a whole number of tokens` };
    if (n < 2) return { ok: false, error: `sequence lengths: ${n} is too short (at least 2 tokens)` };
    if (n > MAX_RUN_SEQ_LEN) return { ok: false, error: `sequence lengths: ${n} is longer than the ${MAX_RUN_SEQ_LEN.toLocaleString('en-US')} tokens a browser run allows` };
    out.add(n);
  }
  if (out.size > MAX_RUN_LENGTHS) return { ok: false, error: `sequence lengths: at most ${MAX_RUN_LENGTHS} lengths per run (got ${out.size})` };
  return { ok: true, value: [...out].sort((a, b) => a - b) };
}

/**
 * Checks a list of lengths (from storage or handed to a run) against the same rules as {@link parseSeqLens}: 1 to
 * MAX_RUN_LENGTHS integers, each from 2 to MAX_RUN_SEQ_LEN. Returns the problem as one line, or null.
 */
export function checkRunSeqLens(lens: unknown): string | null {
  if (!Array.isArray(lens) || lens.length === 0) return 'sequence lengths: enter at least one length, e.g. 128, 256, 512';
  if (lens.length > MAX_RUN_LENGTHS) return `sequence lengths: at most ${MAX_RUN_LENGTHS} lengths per run (got ${lens.length})`;
  for (const n of lens) {
    if (typeof n !== 'number' || !Number.isInteger(n)) return `sequence lengths: ${typeof n === 'number' ? n : 'a non-number'} is not a whole number of tokens`;
    if (n < 2) return `sequence lengths: ${n} is too short (at least 2 tokens)`;
    if (n > MAX_RUN_SEQ_LEN) return `sequence lengths: ${n} is longer than the ${MAX_RUN_SEQ_LEN.toLocaleString('en-US')} tokens a browser run allows`;
  }
  return null;
}

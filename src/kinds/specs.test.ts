/**
 * The registry's styles: every kind keeps its own letter and colour everywhere (palette, nodes, pattern strip, charts),
 * so two kinds must never share either (kinds are added concurrently; this catches a clash at merge time).
 */
import { describe, expect, it } from 'vitest';
import { BLOCK_KINDS, NONE_STYLE, kindStyle } from './specs';

describe('kind styles', () => {
  it('letters are distinct, one character each, and not the empty slot\'s', () => {
    const letters = BLOCK_KINDS.map((k) => kindStyle(k).letter);
    expect(new Set(letters).size).toBe(letters.length);
    for (const l of letters) expect([...l]).toHaveLength(1);
    expect(letters).not.toContain(NONE_STYLE.letter);
  });

  it('colours are distinct hex colours', () => {
    const colours = BLOCK_KINDS.map((k) => kindStyle(k).color.toLowerCase());
    expect(new Set(colours).size).toBe(colours.length);
    for (const c of colours) expect(c).toMatch(/^#[0-9a-f]{6}$/);
  });
});

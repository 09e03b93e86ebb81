import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { designJsonSchema, designJsonSchemaText } from './jsonSchema';
import { loadDesignSource } from './load';
import { expandLayers } from './schema';

const publicDir = new URL('../../public/', import.meta.url);

describe('JSON Schema', () => {
  it('the committed public/hybrid-arch.schema.json equals a fresh generation (run `npm run schema`)', () => {
    expect(readFileSync(new URL('hybrid-arch.schema.json', publicDir), 'utf8')).toBe(designJsonSchemaText());
  });
  it('describes the document: required fields, the format constant, integer sizes with bounds', () => {
    const s = designJsonSchema() as { required: string[]; properties: Record<string, Record<string, unknown>> };
    expect(s.required).toEqual(expect.arrayContaining(['format', 'name', 'vocabSize', 'dModel', 'maxContext', 'layers']));
    expect(s.properties.format).toMatchObject({ const: 'hybrid-arch/1' });
    expect(s.properties.dModel).toMatchObject({ type: 'integer', minimum: 1, maximum: 65536 });
  });
});

describe('public/examples', () => {
  const files = readdirSync(new URL('examples/', publicDir)).filter((f) => f.endsWith('.json'));
  it('holds at least one design and one HF config', () => {
    expect(files.filter((f) => f.endsWith('.design.json')).length).toBeGreaterThanOrEqual(1);
    expect(files.filter((f) => f.endsWith('.config.json')).length).toBeGreaterThanOrEqual(1);
  });
  it.each(files.map((f) => [f]))('%s loads as a valid design', (f) => {
    const r = loadDesignSource(readFileSync(new URL(`examples/${f}`, publicDir), 'utf8'));
    expect(r.ok ? 'ok' : r.issues).toBe('ok');
    if (r.ok) expect(expandLayers(r.value.layers).length).toBeGreaterThan(0);
  });
});

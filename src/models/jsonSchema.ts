import { z } from 'zod';
import { DesignSchema, FORMAT } from './schema';

/**
 * The JSON Schema of the design format (input form: fields with defaults are optional), generated from the zod
 * schema, for editors. Cross-field rules (divisibility, shared-block references) are not expressible in JSON Schema
 * and are checked by `validateDesign` only.
 */
export function designJsonSchema(): Record<string, unknown> {
  return {
    $id: `https://hybrid-explorer.local/${FORMAT}.schema.json`,
    title: `Hybrid design (${FORMAT})`,
    ...z.toJSONSchema(DesignSchema, { io: 'input', unrepresentable: 'any' }),
  };
}

/** The JSON Schema as the text written to `public/hybrid-arch.schema.json` (2-space indent, trailing newline). */
export function designJsonSchemaText(): string {
  return JSON.stringify(designJsonSchema(), null, 2) + '\n';
}

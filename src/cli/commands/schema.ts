import { writeFileSync } from 'node:fs';
import { designJsonSchemaText } from '../../models/jsonSchema';
import { type Command, flagString, parseArgs } from '../common';

/** Writes the JSON Schema of the design format (for editors), generated from the zod schema. */
export const schemaCommand: Command = {
  summary: 'print (or -o write) the JSON Schema of the design format',
  usage: 'schema [-o hybrid-arch.schema.json]',
  async run(args) {
    const p = parseArgs(args, ['o']);
    const text = designJsonSchemaText();
    const out = flagString(p, 'o');
    if (out) writeFileSync(out, text);
    else process.stdout.write(text);
    return 0;
  },
};

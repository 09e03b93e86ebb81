import { writeFileSync } from 'node:fs';
import { z } from 'zod';
import { DesignSchema, FORMAT } from '../../models/schema';
import { type Command, flagString, parseArgs } from '../common';

/** Writes the JSON Schema of the design format (for editors), generated from the zod schema. */
export const schemaCommand: Command = {
  summary: 'print (or -o write) the JSON Schema of the design format',
  async run(args) {
    const p = parseArgs(args, ['o']);
    const schema = { $id: `https://hybrid-explorer.local/${FORMAT}.schema.json`, title: `Hybrid design (${FORMAT})`, ...z.toJSONSchema(DesignSchema, { io: 'input', unrepresentable: 'any' }) };
    const text = JSON.stringify(schema, null, 2) + '\n';
    const out = flagString(p, 'o');
    if (out) writeFileSync(out, text);
    else process.stdout.write(text);
    return 0;
  },
};

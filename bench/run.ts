/**
 * `npm run bench [-- name ...]`: runs the benchmark files `bench/<name>.bench.ts` (all when none is named) and prints
 * their figures. Benchmarks print numbers; tests never assert wall-clock times.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const all = readdirSync(here).filter((f) => f.endsWith('.bench.ts')).map((f) => f.replace(/\.bench\.ts$/, '')).sort();
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const unknown = wanted.filter((w) => !all.includes(w));
if (unknown.length) {
  process.stderr.write(`error: unknown benchmark ${unknown.join(', ')}; known: ${all.join(', ')}\n`);
  process.exit(2);
}
for (const name of wanted.length ? wanted : all) {
  process.stdout.write(`\n== ${name} ==\n`);
  const mod = (await import(pathToFileURL(join(here, `${name}.bench.ts`)).href)) as { run: (args: string[]) => Promise<void> };
  await mod.run(process.argv.slice(2).filter((a) => a.startsWith('-')));
}

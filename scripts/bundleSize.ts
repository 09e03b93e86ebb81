/**
 * `npm run size [-- --update] [-- --markdown]`: builds the app (Vite, production, into a temporary folder) and
 * measures what the browser must load before the editor draws: the entry chunk and everything it imports statically
 * (the first load), against the lazily loaded chunks (the charts, the help dialog, the runtime worker). Sizes raw and
 * gzip (Node's zlib at its default level 6; Vite's build log prints about 1 % more for the same file, e.g. 212.2 kB
 * for the 210.2 kB entry chunk).
 *
 * Fails (exit 1) when the first load's JS or CSS grows more than 10 % over the committed baseline
 * (scripts/bundle-size.baseline.json), or the first load's JS passes the 250 kB gzip goal of issue 13. `--update`
 * writes the current sizes as the new baseline (commit it, with the reason in the message). CI runs it (.ci/run).
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const BASELINE = join(root, 'scripts', 'bundle-size.baseline.json');
/** Allowed growth of the first load over the baseline. */
const TOLERANCE = 0.1;
/** The goal for the first load's JS, gzip bytes (kB = 1000 bytes, as Vite prints). */
const GOAL_GZIP = 250_000;

interface ManifestEntry {
  file: string;
  isEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
  css?: string[];
}

/** One output file: its name without the content hash, and its sizes. */
export interface ChunkSize {
  name: string;
  file: string;
  raw: number;
  gzip: number;
  initial: boolean;
}

export interface SizeReport {
  initialJs: { raw: number; gzip: number };
  initialCss: { raw: number; gzip: number };
  chunks: ChunkSize[];
}

/** "index-CShMmDX7.js" → "index.js", "assets/worker-BJODOy5A.js" → "worker.js". */
export function stableName(file: string): string {
  return file.replace(/^.*\//, '').replace(/-[A-Za-z0-9_-]{8}(\.[a-z]+)$/, '$1');
}

/** The files loaded before first paint: the entry, its static imports (transitively) and their CSS. */
export function initialFiles(manifest: Record<string, ManifestEntry>): Set<string> {
  const out = new Set<string>();
  const visit = (key: string) => {
    const e = manifest[key];
    if (!e || out.has(e.file)) return;
    out.add(e.file);
    e.css?.forEach((c) => out.add(c));
    e.imports?.forEach(visit);
  };
  for (const [key, e] of Object.entries(manifest)) if (e.isEntry) visit(key);
  return out;
}

/** Builds into a temporary folder and measures every JS and CSS file. */
export async function measure(): Promise<SizeReport> {
  const outDir = mkdtempSync(join(tmpdir(), 'hx-size-'));
  try {
    await build({ root, logLevel: 'error', build: { outDir, emptyOutDir: true, manifest: true, sourcemap: false } });
    const manifest = JSON.parse(readFileSync(join(outDir, '.vite', 'manifest.json'), 'utf8')) as Record<string, ManifestEntry>;
    const initial = initialFiles(manifest);
    const chunks: ChunkSize[] = [];
    const walk = (dir: string) => {
      for (const f of readdirSync(dir)) {
        const p = join(dir, f);
        if (statSync(p).isDirectory()) walk(p);
        else if (/\.(js|css)$/.test(f)) {
          const rel = p.slice(outDir.length + 1);
          const body = readFileSync(p);
          chunks.push({ name: stableName(rel), file: rel, raw: body.length, gzip: gzipSync(body).length, initial: initial.has(rel) });
        }
      }
    };
    walk(join(outDir, 'assets'));
    chunks.sort((a, b) => Number(b.initial) - Number(a.initial) || b.gzip - a.gzip);
    const sum = (pred: (c: ChunkSize) => boolean) => chunks.filter(pred).reduce((t, c) => ({ raw: t.raw + c.raw, gzip: t.gzip + c.gzip }), { raw: 0, gzip: 0 });
    return { initialJs: sum((c) => c.initial && c.file.endsWith('.js')), initialCss: sum((c) => c.initial && c.file.endsWith('.css')), chunks };
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

const kB = (n: number) => `${(n / 1000).toFixed(1)} kB`;

/** The report as a markdown table (docs/benchmarks.md, "First load"). */
export function markdown(r: SizeReport): string {
  const rows = r.chunks.map((c) => `| ${c.name} | ${c.initial ? 'first load' : 'lazy'} | ${kB(c.raw)} | ${kB(c.gzip)} |`);
  return ['| chunk | loaded | raw | gzip |', '| --- | --- | --- | --- |', ...rows, `| **first load, JS** | | **${kB(r.initialJs.raw)}** | **${kB(r.initialJs.gzip)}** |`, `| first load, CSS | | ${kB(r.initialCss.raw)} | ${kB(r.initialCss.gzip)} |`].join('\n');
}

/** The problems of `r` against `baseline` (empty when it passes). */
export function compare(r: SizeReport, baseline: Pick<SizeReport, 'initialJs' | 'initialCss'>): string[] {
  const problems: string[] = [];
  const check = (what: string, now: number, was: number) => {
    if (now > was * (1 + TOLERANCE)) problems.push(`${what} grew from ${kB(was)} to ${kB(now)} (+${(((now - was) / was) * 100).toFixed(1)} %, more than ${TOLERANCE * 100} % over the baseline)`);
  };
  check('first-load JS (gzip)', r.initialJs.gzip, baseline.initialJs.gzip);
  check('first-load JS (raw)', r.initialJs.raw, baseline.initialJs.raw);
  check('first-load CSS (gzip)', r.initialCss.gzip, baseline.initialCss.gzip);
  if (r.initialJs.gzip > GOAL_GZIP) problems.push(`first-load JS is ${kB(r.initialJs.gzip)} gzip, above the goal of ${kB(GOAL_GZIP)}`);
  return problems;
}

async function main(args: string[]): Promise<number> {
  if (args.includes('--help')) {
    process.stdout.write('usage: npm run size [-- --update] [-- --markdown]\n  builds the app and checks the first-load JS/CSS against scripts/bundle-size.baseline.json (+10 % allowed)\n');
    return 0;
  }
  const r = await measure();
  process.stdout.write(`${markdown(r)}\n\n`);
  if (args.includes('--update')) {
    writeFileSync(BASELINE, JSON.stringify({ note: 'npm run size -- --update; first load = entry chunk + static imports', initialJs: r.initialJs, initialCss: r.initialCss, chunks: r.chunks.map(({ name, raw, gzip, initial }) => ({ name, raw, gzip, initial })) }, null, 2) + '\n');
    process.stdout.write(`baseline written: ${BASELINE}\n`);
    return 0;
  }
  const baseline = JSON.parse(readFileSync(BASELINE, 'utf8')) as SizeReport;
  const problems = compare(r, baseline);
  if (problems.length) {
    for (const p of problems) process.stderr.write(`size check failed: ${p}\n`);
    process.stderr.write('If the growth is intended, run `npm run size -- --update` and commit the baseline with the reason.\n');
    return 1;
  }
  process.stdout.write(`size check ok: first-load JS ${kB(r.initialJs.gzip)} gzip (baseline ${kB(baseline.initialJs.gzip)}, goal ${kB(GOAL_GZIP)})\n`);
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`size check: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    },
  );
}

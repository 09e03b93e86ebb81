/**
 * `npm run bench -- browser [--designs=jamba-v0.1,llama-2-7b,mamba-2.8b] [--seq=1024] [--threads=1,2] [--rounds=2]
 * [--scan-seq=1024,4096] [--quick]`: threads in Chromium, side by side in one run. Starts Vite's dev server (cross-origin
 * isolated, as `npm start`), opens the app in Chromium (CHROMIUM_PATH, else /usr/bin/chromium) and measures
 *
 * - prefill of the medium run profile through the app's own runtime worker (the run panel's path: `runtimeClient`,
 *   wasm backend, auto scan), once per thread count per round, the thread counts alternating in order between
 *   rounds so that drift in the machine's load hits both alike; each run is 1 warm-up + 5 timed prefills (median),
 *   then 8 timed decode steps (median, reported beside: decode is dispatch-bound and gains little from threads);
 * - the three `simd` scans alone at the medium widths (bench/browser/scanWorker.ts), 1 thread vs the scan pool.
 *
 * Prints the load average before and after (other users of the machine move these figures). Figures only: nothing
 * here is asserted, and no test times anything.
 */
import { chromium } from '@playwright/test';
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { createServer } from 'vite';
import type { ScanJob, ScanTiming } from './browser/scanWorker';

function arg(args: string[], name: string, fallback: string): string {
  const hit = args.find((a) => a.startsWith(`--${name}=`));
  return hit ? hit.slice(name.length + 3) : fallback;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const load = () => loadavg().map((x) => x.toFixed(2)).join(' / ');

/** Runs the browser benchmark; `args` are the `--name=value` flags after `npm run bench -- browser`. */
export async function run(args: string[]): Promise<void> {
  const quick = args.includes('--quick');
  const designs = arg(args, 'designs', quick ? 'mamba-2.8b' : 'jamba-v0.1,llama-2-7b,mamba-2.8b').split(',');
  const seqLen = Number(arg(args, 'seq', quick ? '256' : '1024'));
  const threadCounts = arg(args, 'threads', '1,2').split(',').map(Number);
  const rounds = Number(arg(args, 'rounds', quick ? '1' : '2'));
  const scanSeqs = arg(args, 'scan-seq', quick ? '1024' : '1024,4096').split(',').map(Number);
  const executablePath = process.env.CHROMIUM_PATH ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));

  const server = await createServer({ server: { host: '127.0.0.1', port: 4790, strictPort: false }, logLevel: 'error' });
  await server.listen();
  const url = server.resolvedUrls?.local[0] ?? 'http://127.0.0.1:4790/';
  const browser = await chromium.launch({ ...(executablePath ? { executablePath } : {}), args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage();
    await page.goto(url);
    await page.getByTestId('app').waitFor();
    const env = await page.evaluate(() => ({ isolated: self.crossOriginIsolated, cores: navigator.hardwareConcurrency, ua: navigator.userAgent.match(/Chrome\/[\d.]+/)?.[0] ?? '' }));
    process.stdout.write(`machine: ${cpus()[0]?.model ?? 'unknown cpu'} x${cpus().length}; ${env.ua}; crossOriginIsolated ${env.isolated}, hardwareConcurrency ${env.cores}\n`);
    process.stdout.write(`load average (1/5/15 min) at start: ${load()}\n`);
    if (!env.isolated) throw new Error('the page is not cross-origin isolated: check the COOP/COEP headers in vite.config.ts');

    // Prefill through the runtime worker.
    process.stdout.write(`\nprefill, medium profile, L = ${seqLen}, wasm, auto scan: median of 5 timed prefills per run; ${rounds} round(s), thread order alternating\n`);
    const prefill = new Map<string, { threads: number; ms: number[]; decode: number[]; reasons: Set<string> }>();
    for (let r = 0; r < rounds; r++) {
      const order = r % 2 === 0 ? threadCounts : [...threadCounts].reverse();
      for (const design of designs) {
        for (const threads of order) {
          const res = await page.evaluate(
            async ({ design, threads, seqLen }) => {
              // (no named function in here: tsx would wrap it in a helper the page does not have)
              const [client, presets, profiles] = (await Promise.all(['/src/app/workerClient.ts', '/src/models/presets.ts', '/src/sim/runtime/profile.ts'].map((p) => import(/* @vite-ignore */ p)))) as [
                typeof import('../src/app/workerClient'),
                typeof import('../src/models/presets'),
                typeof import('../src/sim/runtime/profile'),
              ];
              const out = await client.runtimeClient().start({
                design: presets.getPreset(design)!.design,
                seqLens: [seqLen],
                backend: 'wasm',
                scan: 'auto',
                profile: profiles.getRunProfile('medium')!,
                seed: 1,
                batch: 1,
                decodeSteps: 8,
                repeats: 5,
                memoryBudgetBytes: 4 * 2 ** 30,
                threads,
              }).done;
              return { threads: out.threads, reason: out.threadsReason, scan: out.scan, ms: out.points[0]!.prefillMs, decode: out.points[0]!.decodeMsPerToken };
            },
            { design, threads, seqLen },
          );
          const key = `${design}|${threads}`;
          const e = prefill.get(key) ?? { threads: res.threads, ms: [], decode: [], reasons: new Set<string>() };
          e.ms.push(res.ms.median);
          e.decode.push(res.decode);
          e.reasons.add(`${res.reason}; scan ${res.scan}`);
          prefill.set(key, e);
          process.stdout.write(`  round ${r + 1} ${design.padEnd(18)} threads ${threads} (ran ${res.threads}): prefill ${res.ms.median.toFixed(0)} ms (q1 ${res.ms.q1.toFixed(0)}, q3 ${res.ms.q3.toFixed(0)}), decode ${res.decode.toFixed(1)} ms/token; load ${load()}\n`);
        }
      }
    }
    process.stdout.write('\n| design (medium) | threads | prefill ms, per round | median | speed-up vs 1 | decode ms/token (median of 8 steps), per round |\n| --- | --- | --- | --- | --- | --- |\n');
    for (const design of designs) {
      const base = median(prefill.get(`${design}|${threadCounts[0]}`)!.ms);
      for (const threads of threadCounts) {
        const e = prefill.get(`${design}|${threads}`)!;
        const m = median(e.ms);
        process.stdout.write(`| ${design} | ${e.threads} | ${e.ms.map((x) => x.toFixed(0)).join(' / ')} | ${m.toFixed(0)} | ${(base / m).toFixed(2)}x | ${e.decode.map((x) => x.toFixed(1)).join(' / ')} |\n`);
      }
    }
    for (const [key, e] of prefill) process.stdout.write(`  ${key}: ${[...e.reasons].join(' | ')}\n`);

    // The simd scans alone.
    process.stdout.write(`\nsimd scans alone (medium widths), wasm: median of 9 after 2 warm-ups per run; ${rounds} round(s)\n`);
    const scans = new Map<string, number[]>();
    const scanThreadsSeen = new Map<string, number>();
    for (let r = 0; r < rounds; r++) {
      const order = r % 2 === 0 ? threadCounts : [...threadCounts].reverse();
      for (const problem of ['selective', 'ssd', 'modal'] as const) {
        for (const L of scanSeqs) {
          for (const threads of order) {
            const res = await page.evaluate(async (job: ScanJob) => {
              const w = new Worker('/bench/browser/scanWorker.ts', { type: 'module' });
              try {
                return await new Promise<{ ok: boolean; result?: ScanTiming; error?: string }>((ok) => {
                  w.onmessage = (ev) => ok(ev.data as { ok: boolean; result?: ScanTiming; error?: string });
                  w.onerror = (ev) => ok({ ok: false, error: ev.message });
                  w.postMessage(job);
                });
              } finally {
                w.terminate();
              }
            }, { problem, L, threads, repeats: 9 } satisfies ScanJob);
            if (!res.ok) throw new Error(`scan bench failed: ${res.error}`);
            const key = `${problem}|${L}|${threads}`;
            scans.set(key, [...(scans.get(key) ?? []), median(res.result!.ms)]);
            scanThreadsSeen.set(key, res.result!.scanThreads);
          }
        }
      }
    }
    process.stdout.write('\n| scan (medium widths) | L | threads | ms, per round | median | speed-up vs 1 |\n| --- | --- | --- | --- | --- | --- |\n');
    const names = { selective: 'Mamba-1 selective (C 512, N 16)', ssd: 'Mamba-2 SSD (16 heads x 32, N 64, 8 groups)', modal: 'Hyena modal (d 256, 2 poles)' };
    for (const problem of ['selective', 'ssd', 'modal'] as const) {
      for (const L of scanSeqs) {
        const base = median(scans.get(`${problem}|${L}|${threadCounts[0]}`)!);
        for (const threads of threadCounts) {
          const ms = scans.get(`${problem}|${L}|${threads}`)!;
          const m = median(ms);
          process.stdout.write(`| ${names[problem]} | ${L} | ${scanThreadsSeen.get(`${problem}|${L}|${threads}`)} | ${ms.map((x) => x.toFixed(2)).join(' / ')} | ${m.toFixed(2)} | ${(base / m).toFixed(2)}x |\n`);
        }
      }
    }
    process.stdout.write(`\nload average (1/5/15 min) at the end: ${load()}\n`);
  } finally {
    await browser.close();
    await server.close();
  }
}

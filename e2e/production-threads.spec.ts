import { expect, test, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';

/**
 * The production build runs on every core: built once (`vite build`), then served by a plain static server, once
 * with the COOP/COEP headers (a host configured as public/_headers says) and once without any (a host that cannot set
 * headers, where public/coi-sw.js must add them). Either way the page ends up cross-origin isolated and a run from the
 * run panel uses its threads, through the minified tfjs pthread code (see tfjsThreadedPthreadFix in vite.config.ts).
 */

const OUT = resolve('test-results/prod-dist');
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm', '.json': 'application/json', '.svg': 'image/svg+xml' };

/** Serves `dir` on a free port (a fresh origin each time, so no service worker carries over). */
function serve(dir: string, isolationHeaders: boolean): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    void (async () => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const file = normalize(join(dir, path === '/' ? 'index.html' : path));
      if (!file.startsWith(dir)) return void res.writeHead(403).end();
      try {
        const body = await readFile(file);
        const headers: Record<string, string> = { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-store' };
        if (isolationHeaders) Object.assign(headers, { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' });
        res.writeHead(200, headers).end(body);
      } catch {
        res.writeHead(404).end();
      }
    })();
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok({ server, port: (server.address() as { port: number }).port })));
}

async function runTiny(page: Page): Promise<{ status: string; threads: number | null; threadsReason: string; error: string | null }> {
  await page.getByTestId('run-seqlens').fill('16');
  await page.getByTestId('run-backend-select').selectOption('wasm');
  await page.getByTestId('run-profile-select').selectOption('tiny');
  await page.getByTestId('run-start').click();
  await expect(page.getByTestId('run-threads')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('run-progress')).toBeHidden({ timeout: 90_000 });
  return page.evaluate(() => {
    const api = (window as unknown as { hybridExplorer: { getRuns: () => { isCurrent: boolean; runs: { status: string; threads: number | null; threadsReason: string; error: string | null }[] }[] } }).hybridExplorer;
    return api.getRuns().find((d) => d.isCurrent)!.runs.at(-1)!;
  });
}

test.describe('production build', () => {
  test.describe.configure({ timeout: 240_000 });
  test.beforeAll(() => {
    execFileSync('npx', ['vite', 'build', '--outDir', OUT, '--emptyOutDir', '--logLevel', 'error'], { stdio: 'inherit' });
  });

  for (const headers of [true, false]) {
    test(`served ${headers ? 'with the COOP/COEP headers' : 'with no headers (the service worker adds them)'}: isolated, and a run uses every core`, async ({ page }) => {
      const { server, port } = await serve(OUT, headers);
      try {
        const errors: string[] = [];
        page.on('pageerror', (e) => errors.push(e.message));
        await page.goto(`http://127.0.0.1:${port}/`);
        await expect(page.getByTestId('app')).toBeVisible();
        // Without headers the first load is not isolated: the service worker registers, and the page reloads once.
        await expect.poll(() => page.evaluate(() => self.crossOriginIsolated), { timeout: 30_000 }).toBe(true);
        expect(await page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(!headers);
        const want = await page.evaluate(() => Math.min(navigator.hardwareConcurrency || 1, 8));
        const run = await runTiny(page);
        expect(run).toMatchObject({ status: 'done', threads: want, error: null });
        if (want > 1) expect(run.threadsReason).toContain(`simd scans on ${want} threads`);
        expect(errors).toEqual([]);
      } finally {
        await new Promise((ok) => server.close(ok));
      }
    });
  }
});

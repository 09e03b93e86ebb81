import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** Copies the tfjs wasm binaries into public/tfjs-wasm/ so the app (dev and build) serves them. */
function tfjsWasmFiles(): Plugin {
  return {
    name: 'tfjs-wasm-files',
    // In `config`, before the dev server lists public/: files copied later (buildStart) are not served on a fresh clone.
    config() {
      const src = dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
      const dest = join(process.cwd(), 'public', 'tfjs-wasm');
      mkdirSync(dest, { recursive: true });
      for (const f of readdirSync(src)) if (f.endsWith('.wasm')) copyFileSync(join(src, f), join(dest, f));
    },
  };
}

/**
 * Cross-origin isolation: with these two headers the page may share memory between workers (SharedArrayBuffer), which
 * tfjs's threaded wasm backend and our threaded scans need (src/sim/runtime/backend.ts). `require-corp` is enough:
 * everything the app loads is its own. Static hosts that cannot send headers: see public/_headers (Netlify,
 * Cloudflare Pages) and public/coi-sw.js (a service worker that adds them; README, "Threads").
 */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
} as const;

export default defineConfig({
  plugins: [react(), tfjsWasmFiles()],
  server: { headers: ISOLATION_HEADERS },
  preview: { headers: ISOLATION_HEADERS },
  worker: { format: 'es' },
  // The runtime worker imports tfjs lazily. Pre-bundle it at server start: if the dev server discovered it only when a
  // run starts, it would re-optimise and reload the page mid-run (seen on a fresh clone with no .vite cache).
  optimizeDeps: { include: ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-backend-webgpu', 'fflate', 'zod'] },
  build: { target: 'es2022', chunkSizeWarningLimit: 2000 },
});

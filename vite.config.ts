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
 * tfjs starts its wasm threads (Emscripten pthreads) from a Blob holding `factory.toString()` of the threaded module
 * (tfjs-backend-wasm's backend_wasm.js), so that function must not reference anything outside itself. Emscripten's
 * wrapper declares `_scriptDir` in an enclosing closure and reads it inside only behind `typeof _scriptDir`; the
 * production minifier renames that closure variable and drops the guard, and every pthread then dies with
 * "ReferenceError: e is not defined" (the dev server does not minify, so it works there). Removing the two closure
 * lines leaves `_scriptDir` a free name, which the guard handles in the worker and in each pthread alike (tfjs always
 * passes `mainScriptUrlOrBlob`, the only other reader).
 */
function tfjsThreadedPthreadFix(): Plugin {
  const DECL = /^\s*var _scriptDir = typeof document[^\n]*\n\s*if \(typeof __filename !== 'undefined'\) _scriptDir = _scriptDir \|\| __filename;\n/m;
  return {
    name: 'tfjs-threaded-pthread-fix',
    enforce: 'pre',
    transform(code, id) {
      if (!id.replace(/\\/g, '/').endsWith('tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js')) return null;
      if (!DECL.test(code)) this.error('tfjs-threaded-pthread-fix: the _scriptDir lines were not found; check the tfjs-backend-wasm version');
      return { code: code.replace(DECL, '  /* _scriptDir closure removed (vite.config.ts, tfjsThreadedPthreadFix) */\n'), map: null };
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
  plugins: [react(), tfjsWasmFiles(), tfjsThreadedPthreadFix()],
  server: { headers: ISOLATION_HEADERS },
  preview: { headers: ISOLATION_HEADERS },
  // The runtime worker (and tfjs with it) is bundled separately: it needs the pthread fix too.
  worker: { format: 'es', plugins: () => [tfjsThreadedPthreadFix()] },
  // The runtime worker imports tfjs lazily. Pre-bundle it at server start: if the dev server discovered it only when a
  // run starts, it would re-optimise and reload the page mid-run (seen on a fresh clone with no .vite cache).
  optimizeDeps: { include: ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-backend-webgpu', 'fflate', 'zod'] },
  build: { target: 'es2022', chunkSizeWarningLimit: 2000 },
});

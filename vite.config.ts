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
    buildStart() {
      const src = dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
      const dest = join(process.cwd(), 'public', 'tfjs-wasm');
      mkdirSync(dest, { recursive: true });
      for (const f of readdirSync(src)) if (f.endsWith('.wasm')) copyFileSync(join(src, f), join(dest, f));
    },
  };
}

export default defineConfig({
  plugins: [react(), tfjsWasmFiles()],
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 2000 },
});

/**
 * Builds the bench page (./index.html → ./bench-page.ts) with the real pwa/vault code, its shared
 * key worker and the crypto core: `vite build --config bench/browser/vite.config.ts --outDir <dir>`.
 * Workers are ES modules, as the vault's key worker needs (it loads the passphrase estimator
 * lazily). Minified like a production build, since the figures are the product's.
 */
import { resolve } from 'node:path';
import { defineConfig } from 'vite';

export default defineConfig({
  root: resolve(import.meta.dirname),
  logLevel: 'warn',
  base: '/',
  build: {
    target: 'es2022',
    emptyOutDir: true,
    // `npm run bench` always passes a temporary --outDir; this default is only for a manual build.
    outDir: resolve(import.meta.dirname, '../../dist/bench-page'),
  },
  worker: { format: 'es' },
});

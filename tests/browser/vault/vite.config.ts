/**
 * Builds the vault test page (./index.html → ./vault-page.ts) with the real pwa/vault code and its
 * shared key worker: `vite build --config tests/browser/vault/vite.config.ts --outDir <dir>`.
 * Workers are ES modules (the key worker loads the passphrase estimator lazily, which needs code
 * splitting); the PWA's own build needs the same `worker.format`.
 */
import { resolve } from 'node:path';
import { defineConfig } from 'vite';

export default defineConfig({
  root: resolve(import.meta.dirname),
  logLevel: 'warn',
  base: '/',
  build: {
    target: 'es2022',
    minify: false,
    emptyOutDir: true,
    outDir: resolve(import.meta.dirname, '../../artifacts/vault-page'),
  },
  worker: { format: 'es' },
});

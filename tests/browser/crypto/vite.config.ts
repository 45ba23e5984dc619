/**
 * Bundles the crypto core suite for headless Chromium as one IIFE script (no module loader, no dev
 * server): `vite build --config tests/browser/crypto/vite.config.ts --outDir <temp dir>`.
 * Fixture files come in through `?raw` imports, exactly as in the Node run.
 */
import { resolve } from 'node:path';
import { defineConfig } from 'vite';

export default defineConfig({
  root: resolve(import.meta.dirname, '../../..'),
  logLevel: 'warn',
  build: {
    target: 'es2022',
    minify: false,
    emptyOutDir: true,
    outDir: resolve(import.meta.dirname, '../../artifacts/crypto-browser'),
    lib: {
      entry: resolve(import.meta.dirname, 'browser-entry.ts'),
      formats: ['iife'],
      name: 'cryptoSuite',
      fileName: () => 'crypto-suite.js',
    },
  },
});

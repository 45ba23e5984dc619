import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

const root = resolve(import.meta.dirname);
const outDir = process.env.WALLET_PWA_OUT ?? resolve(root, '../dist/pwa');

/**
 * SECURITY.md T11: every precached file's SHA-256 goes into sw.js next to its URL, so the worker
 * can refuse a cached copy that was changed after it was cached (platform/sw-integrity.ts).
 * Workbox also uses it as Subresource Integrity when it fetches the file at install.
 */
const withIntegrity = async (entries: { url: string; revision: string | null; size: number }[]) => ({
  manifest: entries.map((e) => ({
    ...e,
    integrity: `sha256-${createHash('sha256')
      .update(readFileSync(resolve(outDir, e.url)))
      .digest('base64')}`,
  })),
  warnings: [] as string[],
});

export default defineConfig({
  root,
  base: '/',
  publicDir: resolve(root, 'public'),
  build: {
    outDir,
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
  },
  // The vault's key worker (pwa/vault/key-worker.ts) loads the passphrase estimator's dictionaries
  // lazily; only ES-module workers can be code-split (an IIFE worker inlines them into one 3 MB file,
  // over the service worker's precache limit). connectVault starts it with { type: 'module' }.
  worker: { format: 'es' },
  plugins: [
    preact(),
    VitePWA({
      // Registered by our own code (workbox-window) so that no inline script is needed under the CSP.
      injectRegister: false,
      registerType: 'autoUpdate',
      // Our own worker source (platform/sw.ts, bundled into one sw.js): workbox's generated worker
      // serves cached files without checking them (T11).
      strategies: 'injectManifest',
      srcDir: 'platform',
      filename: 'sw.ts',
      manifest: {
        name: 'KSeF Wallet',
        short_name: 'KSeF Wallet',
        description: 'Portfel poświadczeń KSeF: certyfikaty, tokeny i logowanie do KSeF.',
        lang: 'pl',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        background_color: '#ffffff',
        theme_color: '#1d4ed8',
        // Chrome's installability check needs PNG icons of 192 and 512 px (rendered from icon.svg).
        icons: [
          { src: '/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: '/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: '/icon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' },
        ],
      },
      // The icons are already precached by globPatterns; listing them twice only bloats the manifest.
      includeManifestIcons: false,
      injectManifest: {
        globPatterns: ['**/*.{js,css,html,svg,png,wasm,webmanifest}'],
        manifestTransforms: [withIntegrity],
        // One classic script: the worker runs under the page's Trusted Types CSP, where
        // importScripts() is a blocked sink (skipWaiting, clientsClaim, the navigation fallback
        // and "never cache data" are in platform/sw.ts).
        rollupFormat: 'iife',
        // Not minified: sw.js is the root of the code-integrity check, read it as it runs.
        minify: false,
        // Workbox's production code always: vite-plugin-pwa takes NODE_ENV, which test runners set to
        // "test" while building for real, and would bundle workbox's development logging.
        buildPlugins: {
          vite: [
            {
              name: 'ksef-wallet:sw-production',
              config: () => ({ define: { 'process.env.NODE_ENV': JSON.stringify('production') } }),
            },
          ],
        },
      },
    }),
  ],
});

import { resolve } from 'node:path';
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

const root = resolve(import.meta.dirname);

export default defineConfig({
  root,
  base: '/',
  publicDir: resolve(root, 'public'),
  build: {
    outDir: process.env.WALLET_PWA_OUT ?? resolve(root, '../dist/pwa'),
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
      strategies: 'generateSW',
      filename: 'sw.js',
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
      workbox: {
        // The worker runs under the same Trusted Types CSP as the page, where importScripts() of a
        // separate workbox runtime file is a blocked script sink: bundle the runtime into sw.js.
        inlineWorkboxRuntime: true,
        // The first offline reload only works when the new worker takes over at once (TOOLING.md).
        skipWaiting: true,
        clientsClaim: true,
        globPatterns: ['**/*.{js,css,html,svg,png,wasm,webmanifest}'],
        navigateFallback: '/index.html',
        cleanupOutdatedCaches: true,
        // Never cache data: only the app shell (SECURITY.md T11).
        runtimeCaching: [],
      },
    }),
  ],
});

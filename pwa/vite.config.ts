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
        icons: [{ src: '/icon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' }],
      },
      workbox: {
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

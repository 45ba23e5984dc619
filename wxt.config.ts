import preact from '@preact/preset-vite';
import { defineConfig } from 'wxt';
import { type BuildFlavour, buildManifest } from './extension/manifest.ts';

/**
 * Build inputs (environment variables):
 *  - WALLET_FLAVOUR: 'development' (default: loopback sandboxes allowed) or 'production'.
 *  - WALLET_PWA_ORIGIN: the exact origin of the wallet PWA (default http://127.0.0.1:5180, `npm start`).
 *  - WALLET_EXTENSION_OUT: output folder (default .output); tests build into their own folder.
 */
const flavour = (process.env.WALLET_FLAVOUR ?? 'development') as BuildFlavour;
const pwaOrigin = process.env.WALLET_PWA_ORIGIN ?? 'http://127.0.0.1:5180';
const devSandboxUrl = process.env.WALLET_DEV_SANDBOX_URL ?? 'http://127.0.0.1:5181/v2';

export default defineConfig({
  srcDir: 'extension',
  entrypointsDir: 'entrypoints',
  outDir: process.env.WALLET_EXTENSION_OUT ?? '.output',
  imports: false,
  manifestVersion: 3,
  browser: 'chrome',
  manifest: buildManifest(flavour, pwaOrigin),
  vite: () => ({
    plugins: [preact()],
    define: {
      __WALLET_FLAVOUR__: JSON.stringify(flavour),
      __WALLET_PWA_ORIGIN__: JSON.stringify(pwaOrigin),
      __WALLET_DEV_SANDBOX_URL__: JSON.stringify(flavour === 'development' ? devSandboxUrl : ''),
    },
  }),
});

/**
 * The wallet's service worker (built by vite-plugin-pwa's injectManifest into `sw.js`, one file:
 * the page's Trusted Types CSP also governs the worker, where loading another script is a blocked sink).
 * It precaches the app shell — and nothing else: no data, no KSeF answers (SECURITY.md T11) — and
 * serves each cached file only when it still matches the SHA-256 the build put next to it in the
 * manifest below (sw-integrity.ts). It takes over at once (TOOLING.md: the first offline reload
 * works only with skipWaiting + clientsClaim); the page locks and reloads when that happens
 * (register-service-worker.ts).
 */
import { clientsClaim } from 'workbox-core';
import {
  addPlugins,
  cleanupOutdatedCaches,
  createHandlerBoundToURL,
  getCacheKeyForURL,
  precacheAndRoute,
} from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { createCacheIntegrityCheck } from './sw-integrity.ts';

// The few service-worker globals used here (the project type-checks against the DOM library, which
// conflicts with the WebWorker one).
declare const self: {
  readonly __WB_MANIFEST: { url: string; revision: string | null; integrity?: string }[];
  skipWaiting(): Promise<void>;
  readonly caches: CacheStorage;
  readonly crypto: Crypto;
};

const manifest = self.__WB_MANIFEST;

void self.skipWaiting();
clientsClaim();
cleanupOutdatedCaches();
precacheAndRoute(manifest);

const expected = new Map<string, string>();
for (const entry of manifest) {
  const key = getCacheKeyForURL(entry.url);
  if (key && entry.integrity) expected.set(key, entry.integrity);
}
addPlugins([
  createCacheIntegrityCheck({
    subtle: self.crypto.subtle,
    expected,
    drop: async (cacheName, request) => {
      await (await self.caches.open(cacheName)).delete(request);
    },
  }),
]);

// Client-side routes (#/… and plain paths) get the app shell.
registerRoute(new NavigationRoute(createHandlerBoundToURL('/index.html')));

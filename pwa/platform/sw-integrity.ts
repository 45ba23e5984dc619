/**
 * Code integrity of the cached app shell (SECURITY.md T11). A script that once ran on the wallet's
 * origin (T1) could write its own JavaScript into Cache Storage (`caches.open(…).put(…)`) and the
 * service worker would serve it on every later start, offline included — the compromise would
 * outlive the XSS. So the worker serves a cached asset only when its SHA-256 equals the hash built
 * into `sw.js` for that URL (the build embeds one per precached file, vite.config.ts); anything else
 * is dropped from the cache and fetched again from the network with Subresource Integrity, which
 * fails offline. `sw.js` itself never comes from a cache (served `no-cache`, registered with
 * `updateViaCache: 'none'`), so the hashes are as trustworthy as the server.
 *
 * Workbox verifies `integrity` only when it fetches from the network (install and repair), never
 * when it serves from the cache — hence this small plugin of our own.
 */

/** `sha256-<Base64>`, the Subresource Integrity spelling of a SHA-256 digest. */
export async function sriOf(subtle: SubtleCrypto, bytes: ArrayBuffer | Uint8Array): Promise<string> {
  const digest = new Uint8Array(await subtle.digest('SHA-256', bytes as BufferSource));
  let binary = '';
  for (const b of digest) binary += String.fromCharCode(b);
  return `sha256-${btoa(binary)}`;
}

/** The subset of the workbox plugin interface used here. */
export type CachedResponseCheck = {
  cachedResponseWillBeUsed(param: {
    cacheName: string;
    request: Request;
    cachedResponse?: Response;
  }): Promise<Response | null>;
};

export type IntegrityFailure = { readonly url: string; readonly reason: 'unknown' | 'mismatch' };

export function createCacheIntegrityCheck(options: {
  readonly subtle: SubtleCrypto;
  /** The expected `sha256-…` per cache key (absolute URL, workbox revision parameter included). */
  readonly expected: ReadonlyMap<string, string>;
  /** Drops a refused entry so that the next start fetches it again. */
  readonly drop: (cacheName: string, request: Request) => Promise<void>;
  readonly onRefused?: (failure: IntegrityFailure) => void;
}): CachedResponseCheck {
  return {
    async cachedResponseWillBeUsed({ cacheName, request, cachedResponse }) {
      if (!cachedResponse) return null;
      const expected = options.expected.get(request.url);
      const refuse = async (reason: IntegrityFailure['reason']) => {
        options.onRefused?.({ url: request.url, reason });
        await options.drop(cacheName, request).catch(() => {});
        return null;
      };
      // An entry the build did not list is not ours: never served.
      if (!expected) return refuse('unknown');
      const actual = await sriOf(options.subtle, await cachedResponse.clone().arrayBuffer());
      return actual === expected ? cachedResponse : refuse('mismatch');
    },
  };
}

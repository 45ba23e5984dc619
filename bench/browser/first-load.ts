/**
 * The PWA's first-load JS as Chromium fetches it: the built PWA served with its production headers,
 * opened in a fresh profile, and every JS file the page (and any worker it starts) requests from
 * the PWA origin until the network is idle — entry, preloads, and whatever is imported at start.
 * The service worker's precache downloads are not counted: they fill the offline cache in the
 * background and are not parsed or run by the page. Sizes are the built files, gzipped, as in
 * size.ts. This catches what reading index.html cannot: a dynamic import that runs at start.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { startStaticServer } from '../../pwa/hosting/static-server.ts';
import { launchBrowser } from '../../tests/e2e/harness/browser.ts';

export type ObservedFirstLoad = { readonly gzipBytes: number; readonly files: readonly string[] };

export async function observeFirstLoad(pwaDir: string): Promise<ObservedFirstLoad> {
  const server = await startStaticServer({ root: pwaDir });
  const browser = await launchBrowser();
  try {
    const seen = new Set<string>();
    const note = (url: string) => {
      if (!url.startsWith(`${server.origin}/`)) return;
      const path = new URL(url).pathname.replace(/^\//, '');
      if (/\.m?js$/.test(path) && !/(^|\/)(sw|workbox-[^/]+)\.js$/.test(path)) seen.add(path);
    };
    // Worker scripts: a shared worker (the vault's key worker) is its own target; a dedicated one
    // is reported by its page.
    browser.browser.on('targetcreated', (t) => {
      if (t.type() === 'shared_worker') note(t.url());
    });
    const page = await browser.newPage();
    page.on('request', (r) => note(r.url()));
    page.on('workercreated', (w) => note(w.url()));
    await page.goto(`${server.origin}/`, { waitUntil: 'networkidle0', timeout: 30_000 });
    const files = [...seen].sort();
    const gzipBytes = files.reduce(
      (sum, f) => sum + gzipSync(readFileSync(resolve(pwaDir, f)), { level: 9 }).byteLength,
      0,
    );
    return { gzipBytes, files };
  } finally {
    await browser.close();
    await server.close();
  }
}

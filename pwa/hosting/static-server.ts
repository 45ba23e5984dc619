/**
 * Serves a built web app (the PWA, the demo ERP, test pages) on loopback with the wallet's
 * security headers. Used by `npm start` and by the end-to-end harness; production hosting must
 * send the same headers (pwa/hosting/headers.ts).
 */
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { relative, resolve } from 'node:path';
import { serve } from '@hono/node-server';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';
import { PWA_RESPONSE_HEADERS } from './headers.ts';

export type StaticServer = { readonly origin: string; readonly port: number; close(): Promise<void> };

export async function startStaticServer(options: {
  root: string;
  port?: number;
  host?: string;
  headers?: Readonly<Record<string, string>>;
  /** Serve index.html for unknown paths without a file extension (client-side routes). */
  spaFallback?: boolean;
}): Promise<StaticServer> {
  const root = resolve(options.root);
  if (!existsSync(resolve(root, 'index.html')))
    throw new Error(`nothing built in ${root} (run npm run build)`);
  const host = options.host ?? '127.0.0.1';
  const headers = options.headers ?? PWA_RESPONSE_HEADERS;
  const app = new Hono();
  app.use('*', async (c, next) => {
    await next();
    for (const [k, v] of Object.entries(headers)) c.header(k, v);
    // The service worker and the page that lists asset hashes must never come from an HTTP cache.
    if (c.req.path === '/sw.js' || c.req.path === '/' || c.req.path.endsWith('.html'))
      c.header('Cache-Control', 'no-cache');
  });
  const rootRel = relative(process.cwd(), root) || '.';
  app.use('*', serveStatic({ root: rootRel }));
  if (options.spaFallback !== false) {
    app.get(
      '*',
      serveStatic({
        root: rootRel,
        rewriteRequestPath: (p) => (/\.[a-z0-9]+$/i.test(p) ? p : '/index.html'),
      }),
    );
  }
  const server = serve({ fetch: app.fetch, port: options.port ?? 0, hostname: host });
  await new Promise<void>((ok, fail) => {
    server.once('listening', ok);
    server.once('error', fail);
  });
  const port = (server.address() as AddressInfo).port;
  return {
    origin: `http://${host}:${port}`,
    port,
    close: () => new Promise((ok) => server.close(() => ok())),
  };
}

/**
 * The demo ERP: a small web app on its own loopback origin that receives KSeF sessions from KSeF
 * Wallet only through docs/erp-integration.md, and proves each one by calling KSeF's
 * `GET /auth/sessions` with the access token.
 *
 * That call is made here, server-side, like a real ERP backend: KSeF (and the sandbox by default)
 * sends no CORS headers, so a page cannot call it (REFERENCE.md §1). The page posts the token in a
 * JSON body — never in a URL — and the server forwards it only to the configured KSeF base URLs,
 * never logs it, and follows no redirect. Independent of the product: nothing here imports it.
 */
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

export type DemoErpOptions = {
  /** 0 (default) picks a free port. */
  readonly port?: number;
  readonly host?: '127.0.0.1' | 'localhost';
  /** The sandbox's API base, e.g. http://127.0.0.1:5181/v2; used for every `custom:*` environment. */
  readonly ksefBaseUrl: string;
  /** Extra environment → base URL entries (TEST/DEMO/PRD are the official ones). */
  readonly environments?: Readonly<Record<string, string>>;
  /** Timeout of the proving call. */
  readonly timeoutMs?: number;
};

export type DemoErp = { readonly origin: string; readonly port: number; close(): Promise<void> };

const OFFICIAL = Object.freeze({
  TEST: 'https://api-test.ksef.mf.gov.pl/v2',
  DEMO: 'https://api-demo.ksef.mf.gov.pl/v2',
  PRD: 'https://api.ksef.mf.gov.pl/v2',
});

const PUBLIC_FILES = Object.freeze({
  '/': ['index.html', 'text/html; charset=utf-8'],
  '/index.html': ['index.html', 'text/html; charset=utf-8'],
  '/app.js': ['app.js', 'text/javascript; charset=utf-8'],
  '/ksef-wallet-handoff.js': ['ksef-wallet-handoff.js', 'text/javascript; charset=utf-8'],
  '/style.css': ['style.css', 'text/css; charset=utf-8'],
} as const);

/** What an ERP should send anyway: no inline script, no framing (clickjacking), no referrer. */
const HEADERS = Object.freeze({
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
});

const JWT = /^[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*$/;
const ENVIRONMENT = /^(TEST|DEMO|PRD|custom:[a-z0-9][a-z0-9-]{0,31})$/;
const MAX_BODY = 16 * 1024;

export async function startDemoErp(options: DemoErpOptions): Promise<DemoErp> {
  const host = options.host ?? '127.0.0.1';
  const publicDir = resolve(import.meta.dirname, 'public');
  const files = new Map(
    Object.entries(PUBLIC_FILES).map(([path, [file, type]]) => [
      path,
      { body: readFileSync(resolve(publicDir, file)), type },
    ]),
  );
  const bases: Record<string, string> = { ...OFFICIAL, ...(options.environments ?? {}) };
  const baseFor = (env: string): string | null =>
    Object.hasOwn(bases, env) ? bases[env]! : env.startsWith('custom:') ? options.ksefBaseUrl : null;

  let allowedHosts: Set<string> = new Set();
  const app = new Hono();
  app.use('*', async (c, next) => {
    // DNS rebinding: answer only to our own host name and port.
    if (!allowedHosts.has(c.req.header('host') ?? '')) return c.text('wrong host', 421);
    await next();
    for (const [k, v] of Object.entries(HEADERS)) c.header(k, v);
  });

  app.post('/api/ksef/sessions', async (c) => {
    if (!(c.req.header('content-type') ?? '').startsWith('application/json'))
      return c.json({ status: 0, error: 'JSON only' }, 415);
    const text = await c.req.text();
    if (text.length > MAX_BODY) return c.json({ status: 0, error: 'too large' }, 413);
    let input: { environment?: unknown; accessToken?: unknown };
    try {
      input = JSON.parse(text) as typeof input;
    } catch {
      return c.json({ status: 0, error: 'not JSON' }, 400);
    }
    const { environment, accessToken } = input;
    if (typeof environment !== 'string' || !ENVIRONMENT.test(environment))
      return c.json({ status: 0, error: 'unknown environment' }, 400);
    if (typeof accessToken !== 'string' || accessToken.length > 8192 || !JWT.test(accessToken))
      return c.json({ status: 0, error: 'not an access token' }, 400);
    const base = baseFor(environment);
    if (base === null) return c.json({ status: 0, error: 'unknown environment' }, 400);
    try {
      const res = await fetch(`${base}/auth/sessions?pageSize=10`, {
        headers: {
          Authorization: `Bearer ${accessToken}`,
          Accept: 'application/json',
          'X-Error-Format': 'problem-details',
        },
        redirect: 'error',
        signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
      });
      const raw = await res.text();
      let body: unknown = null;
      try {
        body = raw ? JSON.parse(raw) : null;
      } catch {
        body = null;
      }
      return c.json({ status: res.status, body });
    } catch (e) {
      return c.json({ status: 0, error: (e as Error).name === 'TimeoutError' ? 'timeout' : 'network' }, 502);
    }
  });

  app.get('*', (c) => {
    const f = files.get(c.req.path);
    if (!f) return c.text('not found', 404);
    return c.body(f.body, 200, { 'Content-Type': f.type });
  });

  const server = serve({ fetch: app.fetch, port: options.port ?? 0, hostname: host });
  await new Promise<void>((ok, fail) => {
    server.once('listening', ok);
    server.once('error', fail);
  });
  const port = (server.address() as AddressInfo).port;
  allowedHosts = new Set([`${host}:${port}`]);
  return {
    origin: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise((ok) => {
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
        server.close(() => ok());
      }),
  };
}

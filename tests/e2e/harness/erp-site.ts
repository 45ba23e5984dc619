/**
 * ERP-like test pages on a loopback origin of their own, integrating exactly as
 * docs/erp-integration.md says: the documented snippet (served from the demo ERP's copy) plus a
 * probe that records, in the page's own world, everything the page receives — on its MessagePort
 * and on `window` — so that a test can prove what reached whom.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';

const SNIPPET = readFileSync(
  resolve(import.meta.dirname, '../../../sandbox/demo-erp/public/ksef-wallet-handoff.js'),
);

/** Runs in the page: connects with the documented snippet and records every message. */
const PROBE = `
(() => {
  const root = document.documentElement;
  const want = root.dataset.want ? JSON.parse(root.dataset.want) : undefined;
  const probe = { port: [], window: [] };
  window.__probe = probe;
  window.addEventListener('message', (e) => {
    probe.window.push({ origin: e.origin, fromSelf: e.source === window, data: JSON.parse(JSON.stringify(e.data ?? null)), ports: e.ports.length });
  });
  const record = (type) => (value) => {
    probe.port.push({ type, value: value === undefined ? null : JSON.parse(JSON.stringify(value)) });
    document.body.dataset.last = type;
  };
  if (root.dataset.connect !== 'no')
    KsefWalletHandoff.connect({
      ...(want ? { want } : {}),
      onReady: record('ready'),
      onStatus: record('status'),
      onSession: record('session'),
      onSessionRefreshed: record('refreshed'),
      onSessionEnded: record('ended'),
      onError: record('error'),
    });
  // Test hook: the page stops its attack (the element with id "attack" is an overlay to remove, or
  // a wrapper whose style goes), for the positive control of each clickjacking test.
  window.__stopAttack = () => {
    const el = document.getElementById('attack');
    if (!el) return;
    if (el.dataset.kind === 'overlay') el.remove();
    else el.removeAttribute('style');
  };
  // Test hook for the "moved just before the click" case: the page slides the login element.
  window.__moveLogin = (px) => {
    const el = document.querySelector('ksef-wallet-login');
    if (el) el.style.marginLeft = px + 'px';
  };
})();
`;

export type ErpPage = {
  /** Markup inside <body>. */
  readonly body: string;
  /** The hello's `want` (JSON in a data attribute), or none. */
  readonly want?: Record<string, unknown>;
  /** Extra CSS in a <style> element. */
  readonly css?: string;
  /** false: the page never says hello (no integration). */
  readonly connect?: boolean;
};

export type ErpSite = {
  readonly origin: string;
  url(name: string): string;
  close(): Promise<void>;
};

export async function startErpSite(pages: Readonly<Record<string, ErpPage>>): Promise<ErpSite> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    if (path === '/handoff.js' || path === '/probe.js') {
      res.writeHead(200, { 'content-type': 'text/javascript', 'cache-control': 'no-store' });
      return res.end(path === '/handoff.js' ? SNIPPET : PROBE);
    }
    const name = decodeURIComponent(path.replace(/^\/page\//, ''));
    const page = path.startsWith('/page/') ? pages[name] : undefined;
    if (!page) {
      res.writeHead(404);
      return res.end('not found');
    }
    const attrs = [
      page.want ? ` data-want='${JSON.stringify(page.want)}'` : '',
      page.connect === false ? ' data-connect="no"' : '',
    ].join('');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(`<!doctype html><html lang="pl"${attrs}><head><meta charset="utf-8"><title>ERP ${name}</title>
<style>body{font-family:sans-serif;margin:24px}${page.css ?? ''}</style>
<script src="/handoff.js"></script><script src="/probe.js" defer></script></head>
<body>${page.body}</body></html>`);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    url: (name) => `${origin}/page/${encodeURIComponent(name)}`,
    close: () =>
      new Promise((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

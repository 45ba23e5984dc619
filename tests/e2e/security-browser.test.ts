/**
 * The threats that live in the browser, in real Chromium with the built extension and PWA, the
 * sandbox behind a recording proxy (which can also rewrite KSeF's answers):
 *
 *  - T1: XSS payloads placed in token descriptions by the sandbox and, through the proxy, in token
 *    authors, certificate names and KSeF error descriptions, are shown as text and never run (no
 *    beacon request, no injected element, no CSP report); Trusted Types sinks throw and eval is
 *    blocked, online and offline (the cached shell keeps its CSP);
 *  - T11: a Cache Storage entry rewritten by a script is refused offline, and repaired online;
 *  - T5, T9: another extension gets no answer to any message; the wallet framed by another origin
 *    or by another extension's page is blocked (frame-ancestors 'none');
 *  - T2: chrome.storage holds only the allowlisted lock state;
 *  - T3: marker secrets entered or received through the UI (passphrase, KSeF token secret, access
 *    and refresh tokens) appear nowhere in console output, request URLs or DOM attributes during
 *    the run, and nowhere in clear on disk in the profile afterwards — with a positive control
 *    (a clear marker the page stores itself must be found by the same scan).
 * Each family records its cases in the security ledger (tests/security/ledger.ts).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page, WebWorker } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { unexpectedStorageEntries } from '../../extension/storage/session-state.ts';
import { startSandbox } from '../../sandbox/server.ts';
import { createFetchTransport } from '../../shared/ksef/fetch-transport.ts';
import { createKsefClient, loginWithTestCertificate } from '../../shared/ksef/index.ts';
import { systemClock } from '../../shared/platform.ts';
import { EXTENSION_ID, PROTOCOL, PROTOCOL_VERSION } from '../../shared/protocol/constants.ts';
import { MESSAGE_KINDS } from '../../shared/protocol/messages.ts';
import { randomNip } from '../integration/client/sandbox-fixture.ts';
import { tally } from '../security/ledger.ts';
import { type LoopbackServer, startLoopbackServer } from '../security/support/background.ts';
import { startMutatingProxy } from '../security/support/mutating-proxy.ts';
import { findLeaks, marker } from '../security/support/secrets.ts';
import { launchBrowser, type TestBrowser, waitForExtensionWorker } from './harness/browser.ts';
import { backgroundWorker, dumpChromeStorage } from './harness/extension-inspect.ts';
import {
  actionOutcome,
  addSandboxEnvironment,
  clickButton,
  clickButtonIn,
  currentOutcome,
  fill,
  setChecked,
  textOf,
} from './harness/wallet-page.ts';

const NIP = randomNip();
// Strong enough for the vault's floor (5 words / 10^14 guesses) and unique: a marker.
const PASSPHRASE = `${marker('pass').toLowerCase()} zielony rower jedzie przez most`;

let sandbox: Awaited<ReturnType<typeof startSandbox>>;
let proxy: Awaited<ReturnType<typeof startMutatingProxy>>;
let beacon: LoopbackServer;
let b: TestBrowser;
let page: Page;
let worker: WebWorker;
let envId: string;
const secrets: string[] = [PASSPHRASE];
const consoleLines: string[] = [];
const requestUrls: string[] = [];
const cspReports: string[] = [];
const dialogs: string[] = [];

/** Markup that embeds `url` the way an attacker might try. */
function framing(tag: string, url: string): string {
  switch (tag) {
    case 'sandboxed':
      return `<iframe sandbox="allow-scripts allow-same-origin allow-forms" src="${url}" width="600" height="400"></iframe>`;
    case 'object':
      return `<object data="${url}" type="text/html" width="600" height="400"></object>`;
    case 'embed':
      return `<embed src="${url}" type="text/html" width="600" height="400">`;
    default:
      return `<iframe src="${url}" width="600" height="400"></iframe>`;
  }
}

/** Every attribute value in the document (open shadow roots included), for the DOM leak check. */
const attributesOf = (p: Page) =>
  p.evaluate(() => {
    const out: string[] = [];
    const walk = (root: Document | ShadowRoot) => {
      for (const el of root.querySelectorAll('*')) {
        for (const a of el.attributes) out.push(`${a.name}=${a.value}`);
        if (el.shadowRoot) walk(el.shadowRoot);
      }
    };
    walk(document);
    return out.join('\n');
  });
const domAttributeSnapshots: string[] = [];
const snapshotAttributes = async () => domAttributeSnapshots.push(await attributesOf(page));

function watch(p: Page) {
  p.on('console', (m) => consoleLines.push(m.text()));
  p.on('request', (r) => requestUrls.push(r.url()));
  p.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
}

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, rateLimits: 'off' });
  proxy = await startMutatingProxy(sandbox.origin);
  // Every token KSeF issues to the wallet becomes a secret the run must not leak.
  proxy.setTap((path, answer) => {
    if (!/\/auth\/token\/(redeem|refresh)$|\/tokens$/.test(path.split('?')[0]!) || answer.status >= 300)
      return;
    try {
      const body = JSON.parse(answer.body) as Record<string, { token?: string } | string | undefined>;
      for (const k of ['accessToken', 'refreshToken'])
        if (typeof body[k] === 'object' && body[k]?.token) secrets.push(body[k].token);
      if (typeof body.token === 'string') secrets.push(body.token);
    } catch {
      // not JSON: nothing to collect
    }
  });
  beacon = await startLoopbackServer((hit, res) => {
    if (hit.url === '/framable') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><title>framable</title><div id="app">a page that lets itself be framed</div>');
      return;
    }
    if (hit.url.startsWith('/frames-the-wallet')) {
      const q = new URL(hit.url, 'http://x').searchParams;
      const target = q.get('control')
        ? `${beacon.origin}/framable`
        : `${inject('pwaOrigin')}${q.get('path') ?? '/'}`;
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(`<!doctype html>${framing(q.get('tag') ?? 'iframe', target)}`);
      return;
    }
    res.writeHead(204);
    res.end();
  });
  b = await launchBrowser({ extensionDir: inject('extensionDir'), keepProfile: true });
  await waitForExtensionWorker(b);
  worker = await backgroundWorker(b);
  worker.on('console', (m) => consoleLines.push(m.text()));
  b.browser.on('targetcreated', async (t) => {
    if (t.type() === 'shared_worker' || t.type() === 'service_worker') {
      const w = await t.worker().catch(() => null);
      w?.on('console', (m) => consoleLines.push(m.text()));
    }
  });
  envId = await addSandboxEnvironment(b, 'Sandbox przez proxy', proxy.baseUrl);
  page = await b.newPage();
  await page.setViewport({ width: 1280, height: 900 });
  watch(page);
  await page.exposeFunction('__cspReport', (v: string) => cspReports.push(v));
  await page.evaluateOnNewDocument(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      void (window as unknown as { __cspReport(v: string): void }).__cspReport(
        `${e.violatedDirective} ${e.blockedURI} ${e.sample}`,
      );
    });
  });
  await page.goto(`${inject('pwaOrigin')}/`);
  await page.waitForSelector('[data-testid="extension-status"][data-state="connected"]');
}, 180_000);

afterAll(async () => {
  await b?.close();
  if (b) rmSync(b.profileDir, { recursive: true, force: true }); // kept for the scan; gone now
  await proxy?.close();
  await sandbox?.close();
  await beacon?.close();
});

describe('secrets through the UI (T3)', () => {
  it('creates the vault, adds a company, logs in and generates a token — the secret shown once', async () => {
    await page.waitForSelector('[data-testid="create-vault"]');
    await fill(page, 'Hasło portfela', PASSPHRASE);
    await fill(page, 'Powtórz hasło', PASSPHRASE);
    await clickButton(page, 'Utwórz portfel');
    await page.waitForSelector('[data-testid="lock-state"][data-state="unlocked"]');
    await snapshotAttributes();
    await clickButton(page, 'Dodaj firmę');
    await page.waitForSelector('[data-testid="company-form"][open]');
    await fill(page, 'Nazwa firmy', 'Firma Bezpieczna', '[data-testid="company-form"]');
    await fill(page, 'NIP', NIP, '[data-testid="company-form"]');
    await page.select('[data-testid="company-form"] select', envId);
    await clickButtonIn(page, '[data-testid="company-form"]', 'Zapisz');
    await page.waitForSelector('[data-testid="company"]');
    await clickButton(page, 'Podpisz certyfikatem testowym');
    expect((await actionOutcome(page, 'general')).error).toBe('');
    await snapshotAttributes();
    await page.locator('::-p-aria([name="Tokeny"][role="tab"])').click();
    await clickButton(page, 'Uprawnienia KSeF');
    await page.waitForSelector('dialog[open] .permissions');
    await setChecked(page, 'Odczyt faktur InvoiceRead', true, 'dialog[open]');
    await clickButtonIn(page, 'dialog[open]', 'Zamknij');
    await fill(page, 'Opis', 'Token do testu bezpieczeństwa');
    await clickButton(page, 'Wygeneruj token KSeF');
    await page.waitForSelector('[data-testid="token-secret"][open]');
    const secret = await textOf(page, '[data-testid="token-secret-value"]');
    expect(secret).toMatch(new RegExp(`\\|nip-${NIP}\\|[0-9a-f]{64}$`));
    secrets.push(secret);
    await snapshotAttributes();
    await clickButton(page, 'Zamknij i ukryj token');
    await page.waitForSelector('[data-testid="wallet-tokens"] tr[data-status="Active"]');
    expect(secrets.length).toBeGreaterThanOrEqual(4); // passphrase, token, access and refresh tokens
  });
});

describe('hostile text from KSeF never runs (T1)', () => {
  const payloads = () => {
    const u = (tag: string) => `${beacon.origin}/xss-${tag}`;
    return [
      `<img src="${u('img')}" onerror="fetch('${u('onerror')}')">`,
      `"><script src="${u('script')}"></script>`,
      `javascript:fetch('${u('js')}')`,
      `<svg onload="fetch('${u('svg')}')"></svg>`,
      `<iframe srcdoc="<script>parent.fetch('${u('srcdoc')}')</script>"></iframe>`,
      `<a href="javascript:fetch('${u('a')}')">kliknij</a>`,
      `<style>@import '${u('css')}';</style>`,
      `<link rel="stylesheet" href="${u('link')}">`,
      `<meta http-equiv="refresh" content="0;url=${u('meta')}">`,
      `<object data="${u('object')}"></object>`,
      `<img srcset="${u('srcset')} 1x">`,
      `&lt;img src=x onerror=alert(1)&gt; <b onmouseover=alert(1)>x</b>`,
      `{{constructor.constructor('fetch("${u('template')}")')()}}`,
      `<base href="${u('base')}/">`,
    ];
  };

  /** What an injection would leave: a beacon request, an element we never render, a CSP report, a dialog. */
  async function injected(): Promise<string[]> {
    const found = await page.evaluate((origin) => {
      const bad: string[] = [];
      for (const el of document.querySelectorAll('*')) {
        for (const a of el.attributes) {
          if (/^on/i.test(a.name)) bad.push(`${el.tagName} ${a.name}`);
          if (/^\s*javascript:/i.test(a.value)) bad.push(`${el.tagName} ${a.name}=javascript:`);
          if (a.value.includes(origin)) bad.push(`${el.tagName} ${a.name} points at the beacon`);
        }
        if (
          ['IFRAME', 'OBJECT', 'EMBED', 'BASE', 'META', 'SVG'].includes(el.tagName.toUpperCase()) &&
          el.closest('main')
        )
          bad.push(`<${el.tagName.toLowerCase()}> in main`);
      }
      for (const s of document.querySelectorAll('script'))
        if (!s.src.startsWith(location.origin)) bad.push('foreign <script>');
      return bad;
    }, beacon.origin);
    return [
      ...found,
      ...beacon.hits.filter((h) => h.url.startsWith('/xss-')).map((h) => `beacon hit ${h.url}`),
      ...cspReports.map((r) => `CSP report: ${r}`),
      ...dialogs.map((d) => `dialog: ${d}`),
    ];
  }

  it('shows token descriptions KSeF stores as text: 14 payloads', async () => {
    const t = tally('T1', 'XSS payloads in KSeF token descriptions (sandbox), rendered by the PWA');
    // Someone else (another tool, a colleague) created tokens with hostile descriptions at KSeF.
    const transport = createFetchTransport({ fetch, resolveBaseUrl: () => sandbox.baseUrl });
    const ksef = createKsefClient({
      transport,
      clock: systemClock,
      subtle: crypto.subtle,
      env: 'custom:sandbox',
      context: { type: 'Nip', value: NIP },
    });
    const session = await loginWithTestCertificate(ksef);
    if (!session.ok) throw new Error(session.error.code);
    for (const p of payloads()) {
      const g = await ksef.tokens.generate(session.value.accessToken, {
        permissions: ['InvoiceRead'],
        description: p,
      });
      if (!g.ok) throw new Error(`${p}: ${g.error.code}`);
    }
    await clickButton(page, 'Pobierz tokeny');
    await page.waitForSelector('[data-testid="ksef-tokens"]');
    await new Promise((r) => setTimeout(r, 500)); // let any injected resource load
    const shown = await textOf(page, '[data-testid="ksef-tokens"]');
    const bad = await injected();
    for (const p of payloads()) {
      const displayed = shown.includes(p.replace(/\s+/g, ' ').trim().slice(0, 20));
      t.add({ leaked: bad.length > 0, note: `${p}: ${bad.join('; ')}` });
      expect(displayed, `shown as text: ${p}`).toBe(true);
    }
    await snapshotAttributes();
    expect(t.record().notes).toEqual([]);
  });

  it('shows token authors, certificate names and KSeF error descriptions rewritten by the proxy as text', async () => {
    const t = tally('T1', 'XSS payloads in KSeF answers (authors, certificate names, error texts)');
    const all = payloads();
    // Token list: the author field of every token carries a payload.
    proxy.setPlan((_i, path) =>
      /\/tokens(\?|$)/.test(path)
        ? {
            label: 'authors',
            apply: (a) => {
              const body = JSON.parse(a.body) as { tokens: { authorIdentifier?: { value: string } }[] };
              body.tokens.forEach((tk, k) => {
                if (tk.authorIdentifier) tk.authorIdentifier.value = all[k % all.length]!;
              });
              return { ...a, body: JSON.stringify(body) };
            },
          }
        : undefined,
    );
    await clickButton(page, 'Pobierz tokeny');
    await page.waitForSelector('[data-testid="ksef-tokens"]');
    await new Promise((r) => setTimeout(r, 1500)); // the list (or its error) renders, resources load
    for (const p of all) t.add({ leaked: (await injected()).length > 0, note: `author ${p}` });
    // The same answer as an error whose description and details are the payloads.
    for (const p of all.slice(0, 6)) {
      proxy.setPlan((_i, path) =>
        /\/tokens(\?|$)/.test(path)
          ? {
              label: 'error',
              apply: () => ({
                status: 400,
                headers: { 'content-type': 'application/problem+json' },
                body: JSON.stringify({
                  title: p,
                  status: 400,
                  detail: p,
                  errors: [{ code: 21405, description: p, details: [p] }],
                }),
              }),
            }
          : undefined,
      );
      await clickButton(page, 'Pobierz tokeny');
      await page.waitForFunction(
        () => document.querySelector('[data-testid="tokens-status"]')?.getAttribute('data-state') === 'idle',
        { timeout: 20_000 },
      );
      await new Promise((r) => setTimeout(r, 300));
      const outcome = await currentOutcome(page, 'tokens');
      expect(outcome.error.length, `an error is shown for ${p}`).toBeGreaterThan(0);
      t.add({ leaked: (await injected()).length > 0, note: `error text ${p}` });
    }
    // KSeF's certificate list: names (the spec's pattern forbids these; a hostile KSeF need not care).
    proxy.setPlan((_i, path) =>
      path.startsWith('/v2/certificates/query')
        ? {
            label: 'certificate names',
            apply: () => ({
              status: 200,
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({
                certificates: all.map((p, k) => ({
                  certificateSerialNumber: `${'0'.repeat(14)}${String(k).padStart(2, '0')}`,
                  name: p,
                  type: 'Authentication',
                  commonName: p,
                  status: 'Active',
                  subjectIdentifier: { type: 'Nip', value: NIP },
                  validFrom: '2026-01-01T00:00:00+00:00',
                  validTo: '2028-01-01T00:00:00+00:00',
                  requestDate: '2026-01-01T00:00:00+00:00',
                })),
                hasMore: false,
              }),
            }),
          }
        : undefined,
    );
    await page.locator('::-p-aria([name="Certyfikaty"][role="tab"])').click();
    await clickButton(page, 'Pobierz listę z KSeF');
    await page.waitForSelector('[data-testid="ksef-certificates"]', { timeout: 20_000 });
    for (const p of all) t.add({ leaked: (await injected()).length > 0, note: `certificate name ${p}` });
    proxy.setPlan(undefined);
    await new Promise((r) => setTimeout(r, 500));
    const bad = await injected();
    await snapshotAttributes();
    const r = t.record();
    expect(bad).toEqual([]);
    expect(r.notes).toEqual([]);
  });

  /**
   * Script sinks, each tried by a function running in the page's main world (puppeteer evaluates a
   * function there without going through eval, so the page's CSP and Trusted Types decide).
   */
  const SINKS: readonly (readonly [string, () => unknown])[] = [
    [
      'innerHTML',
      () => {
        document.createElement('div').innerHTML = '<b>x</b>';
      },
    ],
    [
      'outerHTML',
      () => {
        document.body.appendChild(document.createElement('span')).outerHTML = '<b>x</b>';
      },
    ],
    ['insertAdjacentHTML', () => document.body.insertAdjacentHTML('beforeend', '<b>x</b>')],
    ['document.write', () => document.write('<b>x</b>')],
    [
      'iframe.srcdoc',
      () => {
        document.createElement('iframe').srcdoc = '<b>x</b>';
      },
    ],
    [
      'script.src',
      () => {
        document.createElement('script').src = '/x.js';
      },
    ],
    [
      'script.text',
      () => {
        document.createElement('script').text = 'window.__x=1';
      },
    ],
    ['setAttribute onclick', () => document.createElement('div').setAttribute('onclick', 'window.__x=1')],
    ['createContextualFragment', () => document.createRange().createContextualFragment('<b>x</b>')],
    ['DOMParser', () => new DOMParser().parseFromString('<b>x</b>', 'text/html')],
    ['Worker(string URL)', () => new Worker('/assets/x.js')],
  ];

  async function sinksThatRan(): Promise<string[]> {
    const ran: string[] = [];
    for (const [name, fn] of SINKS) {
      const outcome = await page
        .evaluate(fn)
        .then(() => 'no error')
        .catch((e: Error) => `refused: ${e.message.split('\n')[0]}`);
      const effect = await page.evaluate(() => {
        const w = window as unknown as { __x?: number };
        const ran = w.__x === 1;
        delete w.__x;
        return ran;
      });
      if (!outcome.startsWith('refused') || effect)
        ran.push(`${name}: ${outcome}${effect ? ', code ran' : ''}`);
    }
    return ran;
  }

  /**
   * eval and new Function are refused by the CSP (no 'unsafe-eval'), but code that puppeteer runs
   * through DevTools is exempt from that check, so the header itself is what is checked for them.
   */
  const evalPolicyHolds = (csp: string | undefined) => {
    const directives = new Map(
      (csp ?? '')
        .split(';')
        .map((d) => d.trim().split(/\s+/))
        .filter((d) => d[0])
        .map((d) => [d[0]!, d.slice(1)] as const),
    );
    return (
      JSON.stringify(directives.get('script-src')) === JSON.stringify(["'self'", "'wasm-unsafe-eval'"]) &&
      JSON.stringify(directives.get('default-src')) === JSON.stringify(["'self'"]) &&
      JSON.stringify(directives.get('require-trusted-types-for')) === JSON.stringify(["'script'"])
    );
  };

  it('refuses every Trusted Types sink and eval on the wallet origin, online and offline', async () => {
    const t = tally('T1', 'Trusted Types sinks and eval, online and offline');
    const online = await page.reload({ waitUntil: 'domcontentloaded' });
    t.add({ leaked: !evalPolicyHolds(online?.headers()['content-security-policy']), note: 'online CSP' });
    let ran = await sinksThatRan();
    for (const [name] of SINKS)
      t.add({ leaked: ran.some((r) => r.startsWith(`${name}:`)), note: `online ${name}` });
    expect(ran).toEqual([]);
    // Offline, the shell comes from the service worker's cache — with its CSP header.
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, { timeout: 30_000 });
    await page.setOfflineMode(true);
    try {
      const offline = await page.reload({ waitUntil: 'domcontentloaded' });
      await page.waitForSelector('#app');
      t.add({ leaked: !evalPolicyHolds(offline?.headers()['content-security-policy']), note: 'offline CSP' });
      expect(offline?.fromServiceWorker()).toBe(true);
      ran = await sinksThatRan();
      for (const [name] of SINKS)
        t.add({ leaked: ran.some((r) => r.startsWith(`${name}:`)), note: `offline ${name}` });
      expect(ran).toEqual([]);
    } finally {
      await page.setOfflineMode(false);
    }
    cspReports.length = 0; // the sinks above report violations by design
    expect(t.record().notes).toEqual([]);
  });
});

/** Evaluates in the page, retrying while a navigation replaces its context (a slow reload). */
async function settled<A extends unknown[], R>(
  p: Page,
  fn: (...args: A) => R | Promise<R>,
  ...args: A
): Promise<R> {
  for (let attempt = 0; ; attempt++) {
    try {
      return (await p.evaluate(fn as never, ...(args as unknown as never[]))) as R;
    } catch (e) {
      if (attempt >= 20 || !/context|navigat|Target closed/i.test(String(e))) throw e;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

describe('code integrity of the cached shell (T11)', () => {
  it('refuses a Cache Storage entry a script rewrote, offline — and repairs it online', async () => {
    const t = tally('T11', 'tampered Cache Storage entries in Chromium, offline');
    await page.goto(`${inject('pwaOrigin')}/`);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, { timeout: 30_000 });
    const entries = await page.evaluate(async () => {
      const name = (await caches.keys()).find((k) => k.includes('precache'))!;
      const cache = await caches.open(name);
      return { name, urls: (await cache.keys()).map((r) => r.url) };
    });
    const mainScript = await page.$eval('script[type="module"]', (s) => (s as HTMLScriptElement).src);
    const targets = [
      entries.urls.find((u) => u.split('?')[0] === mainScript)!,
      entries.urls.find((u) => u.includes('index.html'))!,
    ];
    expect(targets.every(Boolean)).toBe(true);
    for (const target of targets) {
      // A script on the wallet origin (T1) poisons the cache.
      await page.evaluate(
        async (name, url) => {
          const cache = await caches.open(name);
          const evil = url.includes('index.html')
            ? '<!doctype html><html data-pwned="1"><script type="module">document.documentElement.dataset.pwned="1"</script></html>'
            : 'document.documentElement.dataset.pwned = "1";';
          await cache.put(
            url,
            new Response(evil, {
              headers: { 'content-type': url.includes('.html') ? 'text/html' : 'text/javascript' },
            }),
          );
        },
        entries.name,
        target,
      );
      await page.setOfflineMode(true);
      let pwned = 'unknown';
      let servedTampered = true;
      try {
        // 'load' comes after the module script was asked for (and refused, and dropped, by the
        // worker) — a fixed sleep was too short on a loaded machine, and a page still navigating
        // cannot be asked anything.
        await page.reload({ waitUntil: 'load', timeout: 30_000 }).catch(() => undefined);
        pwned = await settled(page, () => document.documentElement.dataset.pwned ?? 'no');
        // The reload may take the page's script from the renderer's memory cache without asking
        // the service worker (seen on CI); a request of the file itself always goes through it.
        servedTampered = await settled(
          page,
          async (url) => {
            try {
              return (await (await fetch(url)).text()).includes('pwned');
            } catch {
              return false; // refused, and offline: nothing served
            }
          },
          target,
        );
      } finally {
        await page.setOfflineMode(false);
      }
      const stillCached = await settled(
        page,
        async (name, url) => {
          const r = await (await caches.open(name)).match(url);
          return r ? (await r.text()).includes('pwned') : false;
        },
        entries.name,
        target,
      );
      t.add({
        leaked: pwned === '1' || servedTampered || stillCached,
        note: `${target}: ran ${pwned}, served ${servedTampered}, still cached ${stillCached}`,
      });
      expect(pwned, target).not.toBe('1');
      // Online again: the worker fetches the file anew (with SRI) and the wallet works.
      await page.reload({ waitUntil: 'domcontentloaded' });
      await page.waitForSelector('[data-testid="extension-status"]', { timeout: 30_000 });
    }
    // Positive control: untouched, the shell does start offline.
    await page.setOfflineMode(true);
    try {
      await page.reload({ waitUntil: 'domcontentloaded' });
      await page.waitForSelector('[data-testid="extension-status"]', { timeout: 30_000 });
    } finally {
      await page.setOfflineMode(false);
    }
    t.control();
    expect(t.record().notes).toEqual([]);
  });
});

const FRAMINGS = ['iframe', 'sandboxed', 'object', 'embed'] as const;
/** The start screen, a hand-off approval and Settings (where a passphrase is typed). */
const WALLET_PATHS = ['/', '/#/handoff/AAAAAAAAAAAAAAAAAAAAAA', '/#/settings'] as const;

describe('other extensions and other origins (T5, T9)', () => {
  let foreignId: string;
  let foreignWorker: WebWorker;

  let dir: string;
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'foreign-extension-'));
    writeFileSync(
      join(dir, 'manifest.json'),
      JSON.stringify({
        manifest_version: 3,
        name: 'Obce rozszerzenie',
        version: '1.0',
        background: { service_worker: 'sw.js' },
      }),
    );
    writeFileSync(join(dir, 'sw.js'), 'self.addEventListener("install", () => {});');
    for (const tag of FRAMINGS)
      for (const [k, path] of WALLET_PATHS.entries())
        writeFileSync(
          join(dir, `frame-${tag}-${k}.html`),
          `<!doctype html>${framing(tag, `${inject('pwaOrigin')}${path}`)}`,
        );
    foreignId = await b.browser.installExtension(dir);
    const target = await b.browser.waitForTarget(
      (t) => t.type() === 'service_worker' && t.url().startsWith(`chrome-extension://${foreignId}/`),
    );
    foreignWorker = (await target.worker())!;
  });

  it('gives another extension no answer to any kind of message, nor a port', async () => {
    const t = tally('T5', 'messages and ports from another extension (Chromium)');
    const attempts = MESSAGE_KINDS.flatMap((kind) =>
      [{}, { env: 'custom:sandbox', operation: 'POST /auth/challenge', body: '{}' }].map((payload, k) => ({
        protocol: PROTOCOL,
        v: PROTOCOL_VERSION,
        id: `foreign-${kind.replace(/\W/g, '')}-${k}`.slice(0, 60).padEnd(8, 'x'),
        kind,
        payload,
      })),
    );
    const outcomes = await foreignWorker.evaluate(
      async (extId, json) => {
        const msgs = JSON.parse(json) as unknown[];
        const out: string[] = [];
        for (const msg of msgs)
          out.push(
            await new Promise<string>((resolve) =>
              chrome.runtime.sendMessage(extId, msg, (reply: unknown) =>
                resolve(
                  reply === undefined
                    ? `no answer: ${chrome.runtime.lastError?.message}`
                    : JSON.stringify(reply),
                ),
              ),
            ),
          );
        for (let i = 0; i < 5; i++)
          out.push(
            await new Promise<string>((resolve) => {
              const port = chrome.runtime.connect(extId, { name: 'ksef-wallet/v1' });
              let heard = false;
              port.onMessage.addListener(() => {
                heard = true;
              });
              port.onDisconnect.addListener(() =>
                resolve(heard ? 'port answered' : 'no answer: disconnected'),
              );
              port.postMessage({
                protocol: 'ksef-wallet',
                v: 1,
                id: `port-0000${i}`,
                kind: 'ping',
                payload: {},
              });
              setTimeout(() => resolve(heard ? 'port answered' : 'no answer: open, silent'), 1500);
            }),
          );
        return out;
      },
      EXTENSION_ID,
      JSON.stringify(attempts),
    );
    for (const o of outcomes) t.add({ leaked: !o.startsWith('no answer'), note: o });
    expect(outcomes.length).toBe(attempts.length + 5);
    expect(t.record().notes).toEqual([]);
  });

  it('cannot be framed by another origin or by another extension page: the frame stays empty', async () => {
    const t = tally('T9', 'the wallet framed by a foreign page or extension');
    const urls = FRAMINGS.flatMap((tag) =>
      WALLET_PATHS.flatMap((path, k) => [
        `${beacon.origin}/frames-the-wallet?tag=${tag}&path=${encodeURIComponent(path)}`,
        `chrome-extension://${foreignId}/frame-${tag}-${k}.html`,
      ]),
    );
    /** Whether the embedded document of `url` came up (a frame whose document has #app). */
    const embeddedLoads = async (url: string): Promise<boolean> => {
      const framer = await b.newPage();
      watch(framer);
      await framer.goto(url, { waitUntil: 'load' });
      await new Promise((r) => setTimeout(r, 300));
      let loaded = false;
      for (const f of framer.frames().filter((x) => x !== framer.mainFrame()))
        loaded ||= await f.evaluate(() => document.querySelector('#app') !== null).catch(() => false);
      await framer.close();
      return loaded;
    };
    for (const url of urls) {
      const loaded = await embeddedLoads(url);
      t.add({ leaked: loaded, note: `${url}: the wallet loaded in the frame` });
      expect(loaded, url).toBe(false);
    }
    // Positive control: the same markup does embed a page that allows it, so "empty" means blocked.
    for (const tag of FRAMINGS) {
      expect(await embeddedLoads(`${beacon.origin}/frames-the-wallet?tag=${tag}&control=1`), tag).toBe(true);
      t.control();
    }
    expect(t.record().notes).toEqual([]);
  });
});

describe('what the run left behind (T2, T3)', () => {
  it('kept only the lock state in chrome.storage, with no secret', async () => {
    const t = tally('T2', 'chrome.storage after a UI run (Chromium)');
    const dump = await dumpChromeStorage(worker);
    for (const [area, entries] of Object.entries(dump)) {
      const unexpected = unexpectedStorageEntries(entries);
      for (const key of Object.keys(entries))
        t.add({
          leaked: unexpected.includes(key) || findLeaks(JSON.stringify(entries[key]), secrets).length > 0,
          note: `${area}.${key}`,
        });
    }
    t.add({
      leaked: findLeaks(JSON.stringify(dump), secrets).length > 0,
      note: 'a secret in chrome.storage',
    });
    expect(t.record().notes).toEqual([]);
  });

  it('showed no secret in console output, request URLs or DOM attributes', async () => {
    const t = tally('T3', 'secrets in console output, request URLs and DOM attributes (Chromium)');
    await snapshotAttributes();
    const sources: [string, string[]][] = [
      ['console', consoleLines],
      ['request URLs', [...requestUrls, ...proxy.log.map((l) => l.path)]],
      ['DOM attributes', domAttributeSnapshots],
    ];
    for (const [what, lines] of sources)
      for (const line of lines)
        t.add({ leaked: findLeaks(line, secrets).length > 0, note: `${what}: ${line.slice(0, 100)}` });
    // Positive control: the detector finds a secret where one is.
    expect(findLeaks(`x=${secrets[1]}`, secrets).length).toBeGreaterThan(0);
    t.control();
    expect(t.record().notes).toEqual([]);
    expect(requestUrls.length).toBeGreaterThan(10);
  });

  it('left no secret in clear anywhere in the profile on disk (positive control found)', async () => {
    const t = tally(
      'T3',
      'profile scan after the UI run: passphrase, token secret, access and refresh tokens',
    );
    const control = marker('control');
    // The page stores a clear marker itself, in the same stores the vault uses (IndexedDB) and in
    // localStorage: the scan must find it, or it could not have found anything.
    await page.goto(`${inject('pwaOrigin')}/`);
    await page.evaluate(async (c) => {
      localStorage.setItem('security-control', c);
      await new Promise<void>((resolve, reject) => {
        const req = indexedDB.open('security-control', 1);
        req.onupgradeneeded = () => req.result.createObjectStore('s');
        req.onsuccess = () => {
          const tx = req.result.transaction('s', 'readwrite');
          tx.objectStore('s').put({ control: c }, 'k');
          tx.oncomplete = () => resolve();
          tx.onerror = () => reject(tx.error);
        };
      });
    }, control);
    await b.closeBrowser();
    const found = scanProfile(b.profileDir, [control, ...secrets]);
    expect(found.get(control)?.length ?? 0, 'positive control').toBeGreaterThan(0);
    t.control();
    for (const s of secrets)
      t.add({
        leaked: (found.get(s)?.length ?? 0) > 0,
        note: `…${s.slice(-8)} in ${found.get(s)?.join(', ')}`,
      });
    rmSync(b.profileDir, { recursive: true, force: true });
    expect(t.record().notes).toEqual([]);
  });
});

/** Where in the profile (file paths) each secret occurs: UTF-8, UTF-16LE, hex, Base64 at 3 offsets. */
function scanProfile(dir: string, wanted: readonly string[]): Map<string, string[]> {
  const needles = wanted.map((s) => {
    const utf8 = Buffer.from(s, 'utf8');
    const forms = [
      utf8,
      Buffer.from(s, 'utf16le'),
      Buffer.from(utf8.toString('hex')),
      Buffer.from(utf8.toString('hex').toUpperCase()),
    ];
    for (let shift = 0; shift < 3; shift++) {
      const b64 = Buffer.concat([Buffer.alloc(shift), utf8]).toString('base64');
      // Drop the characters that depend on the unknown bytes before and after.
      forms.push(Buffer.from(b64.slice(Math.ceil((shift * 4) / 3) + 1, -4)));
    }
    return { s, forms: forms.filter((f) => f.length >= 12) };
  });
  const found = new Map<string, string[]>();
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const full = join(d, name);
      let st: ReturnType<typeof statSync>;
      try {
        st = statSync(full);
      } catch {
        continue;
      }
      if (st.isDirectory()) walk(full);
      else if (st.isFile() && st.size < 64 * 1024 * 1024) {
        const bytes = readFileSync(full);
        for (const n of needles)
          if (n.forms.some((f) => bytes.includes(f)))
            found.set(n.s, [...(found.get(n.s) ?? []), full.slice(dir.length)]);
      }
    }
  };
  walk(dir);
  return found;
}

/**
 * The PWA's shell in real Chromium with the built extension, driven as a user would: by keyboard
 * and visible labels. Every screen is screenshotted in Polish and English
 * (tests/artifacts/screenshots/), checked with axe-core (no serious or critical violations), and
 * watched for CSP / Trusted Types violations. After the first visit the service worker serves
 * the shell offline.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchBrowser, type TestBrowser, waitForExtensionWorker } from './harness/browser.ts';

const SHOTS = resolve(import.meta.dirname, '../artifacts/screenshots');
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

type Violation = { id: string; impact: string | null; targets: string[] };

/**
 * Records CSP and Trusted Types violations from the first script of every document on (reloads
 * included) into a Node-side list, and every console error that names Trusted Types.
 */
async function watchCsp(page: Page): Promise<string[]> {
  const seen: string[] = [];
  await page.exposeFunction('__reportCspViolation', (v: string) => {
    seen.push(v);
  });
  await page.evaluateOnNewDocument(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      const report = (window as unknown as { __reportCspViolation(v: string): void }).__reportCspViolation;
      void report(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`);
    });
  });
  page.on('console', (m) => {
    if (m.type() === 'error' && /Trusted|Content Security Policy/i.test(m.text())) seen.push(m.text());
  });
  return seen;
}

/**
 * axe-core runs in an isolated world: it sees the same DOM, but the page's CSP and Trusted Types
 * do not apply to it, and the page's scripts cannot see it.
 */
async function axeSeriousOrWorse(page: Page): Promise<Violation[]> {
  // Frame.isolatedRealm() exists at runtime in puppeteer-core 24.43 (pinned) but not in its typings.
  const realm = (page.mainFrame() as unknown as { isolatedRealm(): Pick<Page, 'evaluate'> }).isolatedRealm();
  await realm.evaluate(AXE_SOURCE);
  const violations = await realm.evaluate(async () => {
    const axe = (
      globalThis as unknown as {
        axe: {
          run(
            ctx: Document,
            o: object,
          ): Promise<{ violations: { id: string; impact: string | null; nodes: { target: string[] }[] }[] }>;
        };
      }
    ).axe;
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      targets: v.nodes.map((n) => n.target.join(' ')),
    }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: resolve(SHOTS, `${name}.png`), fullPage: true });
}

const text = (page: Page, selector: string) => page.$eval(selector, (el) => el.textContent ?? '');

/** Presses Tab until the focused element's text is `label`; fails after `max` presses. */
async function tabTo(page: Page, label: string, max = 30): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => document.activeElement?.textContent?.trim() ?? '');
    if (focused === label) return;
  }
  throw new Error(`no focusable element labelled "${label}" within ${max} Tab presses`);
}

describe('PWA shell with the extension installed', () => {
  let b: TestBrowser;
  let page: Page;
  let csp: string[] = [];
  const origin = inject('pwaOrigin');

  beforeAll(async () => {
    b = await launchBrowser({ extensionDir: inject('extensionDir') });
    await waitForExtensionWorker(b);
    page = await b.newPage();
    await page.setViewport({ width: 1280, height: 800 });
    csp = await watchCsp(page);
    await page.goto(`${origin}/`);
    await page.waitForSelector('[data-testid="extension-status"][data-state="connected"]');
  }, 120_000);

  afterAll(async () => {
    await b?.close();
  });

  it('opens in Polish by default, with the companies panel and what needs attention', async () => {
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('pl');
    expect(await text(page, 'h1')).toBe('KSeF Wallet');
    expect(await text(page, '#companies-heading')).toBe('Firmy');
    expect(await text(page, '#attention-heading')).toBe('Co wymaga uwagi');
    expect(await text(page, '[data-testid="network-state"]')).toBe('Połączono z siecią');
    await shot(page, 'pl-start');
    expect(await axeSeriousOrWorse(page)).toEqual([]);
  });

  it('a first visit starts no key worker and makes no vault database (first-load JS is the page’s alone)', async () => {
    await page.waitForSelector('#companies-heading');
    await new Promise((r) => setTimeout(r, 500)); // anything the start would still do
    const workers = b.browser.targets().filter((t) => t.type() === 'shared_worker');
    expect(workers.map((t) => t.url())).toEqual([]);
    const databases = await page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name));
    expect(databases).not.toContain('ksef-wallet-vault');
    // The positive control (a worker target once a vault is made) is in wallet-walkthrough.test.ts.
  });

  it('reaches Settings by keyboard alone and switches to English there, persisted across a reload', async () => {
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await tabTo(page, 'Ustawienia');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#settings-heading');
    expect(await text(page, '#settings-heading')).toBe('Ustawienia');
    expect(await page.evaluate(() => location.hash)).toBe('#/settings');
    await shot(page, 'pl-settings');
    expect(await axeSeriousOrWorse(page)).toEqual([]);

    await page.focus('#settings-language');
    await page.keyboard.press('ArrowDown');
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    expect(await text(page, '#settings-heading')).toBe('Settings');
    await shot(page, 'en-settings');
    expect(await axeSeriousOrWorse(page)).toEqual([]);

    await page.reload();
    await page.waitForSelector('#settings-heading');
    expect(await text(page, '#settings-heading')).toBe('Settings');
    expect(await text(page, '#companies-heading')).toBe('Companies');
  });

  it('shows the English start screen', async () => {
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await tabTo(page, 'Start');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#attention-heading');
    expect(await text(page, '#attention-heading')).toBe('What needs attention');
    expect(await text(page, '[data-testid="attention"]')).toContain('Nothing needs attention right now.');
    await shot(page, 'en-start');
    expect(await axeSeriousOrWorse(page)).toEqual([]);
  });

  it('offers a skip link as the first Tab stop that moves focus to the content', async () => {
    await page.reload();
    await page.waitForSelector('#attention-heading');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('content');
  });

  it('is installable: a manifest with 192 and 512 px PNG icons that the server delivers', async () => {
    const manifest = await page.evaluate(async () => (await fetch('/manifest.webmanifest')).json());
    const icons = (manifest.icons as { src: string; sizes: string; type: string }[]).filter(
      (i) => i.type === 'image/png',
    );
    expect(icons.map((i) => i.sizes).sort()).toEqual(['192x192', '512x512']);
    for (const icon of icons) {
      const head = await page.evaluate(async (src) => {
        const r = await fetch(src);
        return {
          status: r.status,
          type: r.headers.get('content-type'),
          size: (await r.arrayBuffer()).byteLength,
        };
      }, icon.src);
      expect(head.status).toBe(200);
      expect(head.type).toContain('image/png');
      expect(head.size).toBeGreaterThan(500);
    }
  });

  it('reloads offline after the first visit and shows the shell with an offline state', async () => {
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, { timeout: 20_000 });
    await page.evaluate(() => localStorage.setItem('ksef-wallet.locale', 'pl'));
    await page.setOfflineMode(true);
    try {
      await page.reload();
      await page.waitForSelector('[data-testid="offline-banner"]');
      expect(await text(page, '#companies-heading')).toBe('Firmy');
      expect(await text(page, '[data-testid="network-state"]')).toBe('Offline');
      expect(await text(page, '[data-testid="offline-banner"]')).toContain('Widzisz zapisany stan');
      expect(await text(page, '#attention-heading')).toBe('Co wymaga uwagi');
      await shot(page, 'pl-offline');
      expect(await axeSeriousOrWorse(page)).toEqual([]);
      await page.evaluate(() => localStorage.setItem('ksef-wallet.locale', 'en'));
      await page.reload();
      await page.waitForSelector('[data-testid="offline-banner"]');
      expect(await text(page, '[data-testid="offline-banner"]')).toContain('You see the saved state');
      await shot(page, 'en-offline');
    } finally {
      await page.setOfflineMode(false);
    }
  });

  it('has reported no CSP or Trusted Types violation on any screen', async () => {
    expect(csp).toEqual([]);
  });
});

describe('PWA shell without the extension', () => {
  let b: TestBrowser;
  let page: Page;
  let csp: string[] = [];

  beforeAll(async () => {
    b = await launchBrowser();
    page = await b.newPage();
    await page.setViewport({ width: 1280, height: 800 });
    csp = await watchCsp(page);
    await page.goto(`${inject('pwaOrigin')}/`);
    await page.waitForSelector('[data-testid="extension-missing"]');
  }, 120_000);

  afterAll(async () => {
    await b?.close();
  });

  it('explains why the extension is needed and how to install it, in Polish', async () => {
    const screen = await text(page, '[data-testid="extension-missing"]');
    expect(await text(page, '#ext-missing-heading')).toBe('Zainstaluj rozszerzenie KSeF Wallet');
    expect(screen).toContain('brak nagłówków CORS');
    expect(await page.$$eval('[data-testid="extension-missing"] ol li', (l) => l.length)).toBe(3);
    await shot(page, 'pl-extension-missing');
    expect(await axeSeriousOrWorse(page)).toEqual([]);
  });

  it('checks again on request, by keyboard, and still reports the extension missing', async () => {
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await tabTo(page, 'Sprawdź ponownie');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid="extension-status"][data-state="missing"]');
  });

  it('shows the same screen in English', async () => {
    await page.select('#topbar-language', 'en');
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    expect(await text(page, '#ext-missing-heading')).toBe('Install the KSeF Wallet extension');
    await shot(page, 'en-extension-missing');
    expect(await axeSeriousOrWorse(page)).toEqual([]);
    expect(csp).toEqual([]);
  });

  it('would notice a violation: markup written through innerHTML is blocked and reported', async () => {
    const before = csp.length;
    const outcome = await page.evaluate(() => {
      try {
        document.body.innerHTML = '<b>injected</b>';
        return 'written';
      } catch (e) {
        return (e as Error).name;
      }
    });
    expect(outcome).toBe('TypeError');
    await page.waitForFunction(() => true);
    expect(csp.slice(before).join('\n')).toContain('require-trusted-types-for');
  });
});

/**
 * The extension's real action popup (CDP Extensions.triggerAction) in Chromium: the wallet's
 * companies and credentials from the non-secret snapshot the wallet publishes, readable with the
 * network off and the vault locked, and the one-click login for the active site.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { EXTENSION_ID } from '../../shared/protocol/constants.ts';
import { launchBrowser, type TestBrowser, waitForExtensionWorker } from './harness/browser.ts';
import { type ErpSite, startErpSite } from './harness/erp-site.ts';
import { enableSiteFromPopup, openPopup } from './harness/extension-inspect.ts';

const SCREENSHOTS = resolve(import.meta.dirname, '../artifacts/screenshots');
const DAY = 24 * 60 * 60 * 1000;
const NOW = Date.now();

const SNAPSHOT = {
  v: 1,
  publishedAt: NOW - 5 * 60_000,
  companies: [
    {
      nip: '5250001233',
      name: 'Przykładowa Spółka z o.o.',
      environment: 'TEST',
      lastLoginAt: NOW - 2 * 60 * 60_000,
      credentials: [
        {
          kind: 'ksef-certificate',
          label: 'Certyfikat główny',
          status: 'active',
          isDefault: true,
          validFrom: NOW - 100 * DAY,
          validUntil: NOW + 400 * DAY,
        },
        {
          kind: 'ksef-token',
          label: 'Token dla ERP',
          status: 'active',
          isDefault: true,
          validUntil: NOW + 12 * DAY,
        },
        {
          kind: 'ksef-certificate',
          label: 'Stary certyfikat',
          status: 'active',
          isDefault: false,
          validUntil: NOW - 3 * DAY,
        },
      ],
    },
    {
      nip: '9512345675',
      name: 'Hurtownia Testowa S.A.',
      environment: 'DEMO',
      credentials: [{ kind: 'ksef-token', label: 'Nowy token', status: 'pending', isDefault: false }],
    },
    { nip: '6765432109', name: 'Biuro Rachunkowe Próbne Sp. j.', environment: 'PRD', credentials: [] },
  ],
};

let b: TestBrowser;
let wallet: Page;
let erp: ErpSite;

function walletCall(kind: string, payload: unknown): Promise<{ ok: boolean; error?: { code: string } }> {
  return wallet.evaluate(
    (extId, msg) =>
      new Promise((done) =>
        chrome.runtime.sendMessage(extId, msg, (r: unknown) =>
          done(r ?? { lastError: chrome.runtime.lastError?.message }),
        ),
      ),
    EXTENSION_ID,
    {
      protocol: 'ksef-wallet',
      v: 1,
      id: `p${Math.random().toString(36).slice(2, 14)}`,
      kind,
      payload,
    } as never,
  ) as never;
}

const companies = (popup: Page) =>
  popup.$$eval('[data-testid="company"]', (items) =>
    items.map((li) => ({
      nip: (li as HTMLElement).dataset.nip,
      text: li.textContent,
      tones: [...li.querySelectorAll('[data-testid="credential"]')].map(
        (c) => (c as HTMLElement).dataset.tone,
      ),
    })),
  );

beforeAll(async () => {
  erp = await startErpSite({ erp: { body: '<h1>ERP</h1><ksef-wallet-login></ksef-wallet-login>' } });
  b = await launchBrowser({ extensionDir: inject('extensionDir'), args: ['--lang=pl', '--accept-lang=pl'] });
  await waitForExtensionWorker(b);
  mkdirSync(SCREENSHOTS, { recursive: true });
  wallet = await b.newPage();
  await wallet.goto(`${inject('pwaOrigin')}/`);
}, 120_000);

afterAll(async () => {
  await b?.close();
  await erp?.close();
});

describe('extension popup', () => {
  it('says there is nothing to show before the wallet published a snapshot', async () => {
    const popup = await openPopup(b, wallet);
    expect(await popup.$eval('[data-testid="companies"]', (el) => el.textContent)).toContain(
      'Brak danych o firmach',
    );
    expect(await popup.$eval('[data-testid="lock-state"]', (el) => el.textContent)).toBe(
      'Portfel zablokowany',
    );
    await popup.close();
  });

  it('shows the companies and their credentials from the snapshot, with the network off and the vault locked', async () => {
    expect(await walletCall('wallet.snapshot', { snapshot: SNAPSHOT })).toMatchObject({ ok: true });
    expect(await walletCall('wallet.state', { locked: true })).toMatchObject({ ok: true });

    const popup = await openPopup(b, wallet);
    const fetchFromPopup = () =>
      popup.evaluate(
        async (url) => {
          try {
            await fetch(url, { cache: 'no-store' });
            return 'reached';
          } catch {
            return 'offline';
          }
        },
        `${inject('pwaOrigin')}/`,
      );
    expect(await fetchFromPopup()).toBe('reached'); // the control: online, the same request works
    await popup.setOfflineMode(true);
    await popup.reload();
    await popup.waitForSelector('[data-testid="popup"][data-ready="true"]');
    // The network really is off for the popup: a request to the wallet's server fails.
    expect(await fetchFromPopup()).toBe('offline');

    const list = await companies(popup);
    expect(list.map((c) => c.nip)).toEqual(['5250001233', '9512345675', '6765432109']);
    expect(list[0]!.text).toContain('Przykładowa Spółka z o.o.');
    expect(list[0]!.text).toContain('Certyfikat KSeF „Certyfikat główny” — aktywny');
    expect(list[0]!.text).toContain('domyślny');
    expect(list[0]!.text).toContain('wygasa za 12 dni');
    expect(list[0]!.text).toContain('„Stary certyfikat” — wygasł');
    expect(list[0]!.tones).toEqual(['ok', 'warn', 'bad']);
    expect(list[1]!.text).toContain('Token KSeF „Nowy token” — oczekuje');
    expect(list[2]!.text).toContain('brak poświadczeń');
    expect(await popup.$eval('[data-testid="lock-state"]', (el) => el.textContent)).toBe(
      'Portfel zablokowany',
    );
    await popup.screenshot({ path: resolve(SCREENSHOTS, 'popup-companies-offline-pl.png') });
    await popup.close();
  });

  it('shows until when the vault is unlocked, and nothing more about it', async () => {
    const until = Date.now() + 10 * 60_000;
    expect(await walletCall('wallet.state', { locked: false, unlockedUntil: until })).toMatchObject({
      ok: true,
    });
    const popup = await openPopup(b, wallet);
    const badge = await popup.$eval('[data-testid="lock-state"]', (el) => ({
      text: el.textContent,
      locked: (el as HTMLElement).dataset.locked,
    }));
    expect(badge).toMatchObject({ locked: 'false' });
    expect(badge.text).toMatch(/^Portfel odblokowany do /);
    await popup.close();
    expect(await walletCall('wallet.state', { locked: true })).toMatchObject({ ok: true });
  });

  it('refuses a snapshot that carries something shaped like a secret and keeps the last good one', async () => {
    const leaky = structuredClone(SNAPSHOT);
    leaky.companies[0]!.credentials[1]!.label = 'eyJhbGciOiJIUzI1NiJ9.eyJwZXIiOiJbXSJ9.c2ln';
    expect(await walletCall('wallet.snapshot', { snapshot: leaky })).toMatchObject({
      ok: false,
      error: { code: 'BAD_MESSAGE' },
    });
    const popup = await openPopup(b, wallet);
    expect((await companies(popup))[0]!.text).toContain('Token dla ERP');
    await popup.close();
  });

  it('logs in to KSeF from the popup for the chosen company on the active site', async () => {
    const page = await b.newPage();
    await page.goto(erp.url('erp'));
    await enableSiteFromPopup(b, page);
    await page.waitForFunction(() => document.body.dataset.last === 'ready');

    const popup = await openPopup(b, page);
    await popup.waitForSelector('[data-testid="log-in"]:not([disabled])');
    await popup.select('[data-testid="company-choice"]', 'DEMO|9512345675');
    await popup.screenshot({ path: resolve(SCREENSHOTS, 'popup-site-login-pl.png') });
    const opened = b.browser.waitForTarget((t) => t.url().startsWith(`${inject('pwaOrigin')}/#/handoff/`), {
      timeout: 10_000,
    });
    await popup.click('[data-testid="log-in"]');
    const target = await opened;
    const handoffId = new URL(target.url()).hash.replace('#/handoff/', '');
    const view = await walletCall('handoff.get', { handoffId });
    expect(view).toMatchObject({
      ok: true,
      value: { origin: erp.origin, nip: '9512345675', environment: 'DEMO', trigger: 'popup' },
    });
    // The page's own port hears of it, as for its own button.
    await page.waitForFunction(() => document.body.dataset.last === 'status');
    await (await target.asPage()).close();
    await page.close();
  });
});

describe('extension popup in English', () => {
  it('renders the same status in English for an English browser', async () => {
    const en = await launchBrowser({
      extensionDir: inject('extensionDir'),
      args: ['--lang=en-US', '--accept-lang=en-US'],
    });
    try {
      await waitForExtensionWorker(en);
      const page = await en.newPage();
      await page.goto(`${inject('pwaOrigin')}/`);
      const published = await page.evaluate(
        (extId, msg) =>
          new Promise((done) => chrome.runtime.sendMessage(extId, msg, (r: unknown) => done(r))),
        EXTENSION_ID,
        {
          protocol: 'ksef-wallet',
          v: 1,
          id: 'snapshot-en-0001',
          kind: 'wallet.snapshot',
          payload: { snapshot: SNAPSHOT },
        } as never,
      );
      expect(published).toMatchObject({ ok: true });
      const popup = await openPopup(en, page);
      const text = await popup.$eval('[data-testid="companies"]', (el) => el.textContent);
      expect(text).toContain('KSeF certificate “Certyfikat główny” — active');
      expect(text).toContain('expires in 12 days');
      expect(await popup.$eval('[data-testid="lock-state"]', (el) => el.textContent)).toBe('Wallet locked');
      await popup.screenshot({ path: resolve(SCREENSHOTS, 'popup-companies-en.png') });
    } finally {
      await en.close();
    }
  });
});

/**
 * What must hold when things go wrong, by clicking in Chromium with the built extension and PWA:
 *
 *  * a page closed while KSeF is still activating a new token loses nothing: the next start (after
 *    unlock) resumes the pending work and says so;
 *  * offline, a reload shows the companies' status, certificates, tokens and activity from the
 *    vault's clear metadata, with the KSeF actions disabled and the reason given;
 *  * auto-lock: with the shortest idle time (5 minutes), a vault left idle past it locks at the next
 *    touch and every page reloads to the locked screen. Five real minutes are not waited: the key
 *    worker's clock is moved forward over the DevTools protocol (the product code is unchanged).
 */
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startSandbox } from '../../sandbox/server.ts';
import { randomNip } from '../integration/client/sandbox-fixture.ts';
import { launchBrowser, type TestBrowser, waitForExtensionWorker } from './harness/browser.ts';
import {
  actionOutcome,
  addSandboxEnvironment,
  axeSeriousOrWorse,
  clickButton,
  clickButtonIn,
  fill,
  setChecked,
  shot,
  textOf,
  waitForText,
} from './harness/wallet-page.ts';

const PASSPHRASE = 'niebieski latawiec leci nad polem';
const NIP = randomNip();

let b: TestBrowser;
let sandbox: Awaited<ReturnType<typeof startSandbox>>;
let page: Page;
let companyUrl: string;
const origin = () => inject('pwaOrigin');
const tab = (p: Page, name: string) =>
  p.locator(`::-p-aria([name=${JSON.stringify(name)}][role="tab"])`).click();

async function openPage(url: string): Promise<Page> {
  const p = await b.newPage();
  await p.setViewport({ width: 1280, height: 900 });
  await p.goto(url);
  return p;
}

async function unlock(p: Page): Promise<void> {
  await p.waitForSelector('[data-testid="unlock"]');
  await fill(p, 'Hasło portfela', PASSPHRASE, '[data-testid="unlock"]');
  await clickButtonIn(p, '[data-testid="unlock"]', 'Odblokuj');
  await p.waitForSelector('[data-testid="lock-state"][data-state="unlocked"]');
}

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, rateLimits: 'off' });
  b = await launchBrowser({ extensionDir: inject('extensionDir') });
  await waitForExtensionWorker(b);
  const envId = await addSandboxEnvironment(b, 'Sandbox', sandbox.baseUrl);
  page = await openPage(`${origin()}/`);
  await page.waitForSelector('[data-testid="extension-status"][data-state="connected"]');
  await fill(page, 'Hasło portfela', PASSPHRASE);
  await fill(page, 'Powtórz hasło', PASSPHRASE);
  await clickButton(page, 'Utwórz portfel');
  await page.waitForSelector('[data-testid="lock-state"][data-state="unlocked"]');
  await clickButton(page, 'Dodaj firmę');
  await fill(page, 'Nazwa firmy', 'Biuro Rachunkowe Próbne', '[data-testid="company-form"]');
  await fill(page, 'NIP', NIP, '[data-testid="company-form"]');
  await page.select('[data-testid="company-form"] select', envId);
  await clickButtonIn(page, '[data-testid="company-form"]', 'Zapisz');
  await page.waitForSelector('[data-testid="company"]');
  companyUrl = page.url().replace(/\/general$/, '');
  await clickButton(page, 'Podpisz certyfikatem testowym');
  expect((await actionOutcome(page, 'general')).done).toContain('Zalogowano do KSeF');
}, 120_000);

afterAll(async () => {
  await b?.close();
  await sandbox?.close();
});

describe('nothing lost when the page closes mid-generation', () => {
  it('resumes the activation of a token whose page closed before KSeF activated it', async () => {
    sandbox.control.configure({ tokenActivationDelayMs: 120_000 });
    await page.goto(`${companyUrl}/tokens`);
    await clickButton(page, 'Uprawnienia KSeF');
    await setChecked(page, 'Odczyt faktur InvoiceRead', true, 'dialog[open]');
    await clickButtonIn(page, 'dialog[open]', 'Zamknij');
    await fill(page, 'Opis', 'Token przerwany w połowie');
    await clickButton(page, 'Wygeneruj token KSeF');
    await page.waitForSelector('[data-testid="token-secret"][open]');
    await waitForText(page, '[data-testid="token-activation-status"]', 'Czekanie na aktywację');
    // The only wallet page goes away while KSeF still says Pending.
    await page.close();
    // KSeF activates the token meanwhile (the sandbox's clock moves past the activation delay).
    sandbox.control.configure({ tokenActivationDelayMs: 0 });
    sandbox.control.advanceTime(121_000);

    page = await openPage(`${origin()}/`);
    // The key worker closed with its last page, so the vault starts locked.
    const state = await page.waitForSelector('[data-testid="lock-state"]');
    if ((await state!.evaluate((el) => el.getAttribute('data-state'))) === 'locked') await unlock(page);
    const resumed = await waitForText(page, '[data-testid="resumed"]', 'Aktywowane tokeny: 1');
    expect(resumed).toContain('Dokończono przerwane działania');
    await shot(page, 'pl-start-resumed');
    expect(await axeSeriousOrWorse(page)).toEqual([]);
    await page.goto(`${companyUrl}/tokens`);
    await page.waitForSelector('[data-testid="wallet-tokens"] tr[data-status="Active"]');
  });
});

describe('offline after the first visit', () => {
  it('reloads offline to the saved status, certificates, tokens and activity, with KSeF actions disabled', async () => {
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, { timeout: 20_000 });
    await page.setOfflineMode(true);
    try {
      await page.goto(`${companyUrl}/general`);
      await page.waitForSelector('[data-testid="offline-banner"]');
      await page.waitForSelector('[data-testid="company"]');
      expect(await textOf(page, '[data-testid="companies-panel"]')).toContain(NIP);
      expect(await textOf(page, '[data-testid="actions-blocked"]')).toBe(
        'Wymaga połączenia z KSeF — niedostępne offline.',
      );
      const disabled = await page.$$eval('[role="tabpanel"] button', (bs) =>
        bs
          .filter((x) => /Podpisz|Pobierz żądanie|Zaloguj/.test(x.textContent ?? ''))
          .every((x) => (x as HTMLButtonElement).disabled),
      );
      expect(disabled).toBe(true);
      await shot(page, 'pl-offline-company');
      expect(await axeSeriousOrWorse(page)).toEqual([]);
      await tab(page, 'Tokeny');
      await page.waitForSelector('[data-testid="wallet-tokens"] tr[data-status="Active"]');
      await tab(page, 'Aktywność');
      await page.waitForSelector('[data-testid="activity"] tr[data-kind="token-activated"]');
      await page.select('#topbar-language', 'en');
      await page.waitForFunction(() => document.documentElement.lang === 'en');
      await tab(page, 'General');
      expect(await textOf(page, '[data-testid="actions-blocked"]')).toBe(
        'Needs a connection to KSeF — not available offline.',
      );
      await shot(page, 'en-offline-company');
      await page.select('#topbar-language', 'pl');
    } finally {
      await page.setOfflineMode(false);
    }
  });
});

describe('auto-lock', () => {
  it('locks after the idle time and reloads every page to the locked screen', async () => {
    await page.goto(`${origin()}/#/settings`);
    const state = await page.waitForSelector('[data-testid="lock-state"]');
    if ((await state!.evaluate((el) => el.getAttribute('data-state'))) === 'locked') await unlock(page);
    await page.waitForSelector('#settings-heading');
    const idle = await page.waitForSelector('select[id$="-idle"]');
    await idle!.select('5');
    expect(await waitForText(page, '[data-testid="auto-lock-done"]', '5 min')).toContain('Zapisano');
    const other = await openPage(`${companyUrl}/general`);
    await other.waitForSelector('[data-testid="lock-state"][data-state="unlocked"]');

    // Six minutes pass without input: the key worker's clock moves on.
    const target = await b.browser.waitForTarget(
      (t) => t.type() === 'shared_worker' && t.url().startsWith(origin()),
    );
    const worker = await target.worker();
    await worker!.evaluate(() => {
      const real = Date.now.bind(Date);
      Date.now = () => real() + 6 * 60_000;
    });
    // The user comes back and presses a key: the activity report finds the idle deadline passed,
    // the vault locks, and both pages reload.
    const reloaded = Promise.all([page.waitForNavigation(), other.waitForNavigation()]);
    await other.keyboard.press('Tab');
    await reloaded;
    for (const p of [page, other]) {
      await p.waitForSelector('[data-testid="unlock"]');
      await p.waitForSelector('[data-testid="lock-state"][data-state="locked"]');
    }
    expect(await page.$eval('[data-testid="lock-reason"]', (el) => el.getAttribute('data-reason'))).toBe(
      'idle',
    );
    expect(await textOf(page, '[data-testid="lock-reason"]')).toContain('po bezczynności');
    await shot(page, 'pl-locked');
    expect(await axeSeriousOrWorse(page)).toEqual([]);
    await page.select('#topbar-language', 'en');
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    expect(await textOf(page, '[data-testid="lock-reason"]')).toContain('after inactivity');
    await shot(page, 'en-locked');
    expect(await axeSeriousOrWorse(page)).toEqual([]);
    await page.select('#topbar-language', 'pl');
    await other.close();
  });
});

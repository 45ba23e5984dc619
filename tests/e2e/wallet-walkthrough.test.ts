/**
 * The walkthrough by clicking the real UI in Chromium, with the built extension, the built
 * PWA and a sandbox started here (added as a custom environment in the extension's options):
 * create vault → add company → sign with test certificate → generate token (secret shown once) →
 * set it default → log in with token → enroll certificate → get status → retrieve → set default →
 * log in with certificate → revoke token — then the same screens in English. Every screen is
 * screenshotted in Polish and English and checked with axe-core; the page must report no CSP or
 * Trusted Types violation. What KSeF saw is read from the sandbox's own request log.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ElementHandle, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startSandbox } from '../../sandbox/server.ts';
import { randomNip } from '../integration/client/sandbox-fixture.ts';
import { launchBrowser, type TestBrowser, waitForExtensionWorker } from './harness/browser.ts';
import {
  actionOutcome,
  addSandboxEnvironment,
  allowDownloads,
  axeSeriousOrWorse,
  clickButton,
  clickButtonIn,
  fill,
  focusedFieldLabel,
  setChecked,
  shot,
  tabTo,
  textOf,
  waitForText,
  watchCsp,
} from './harness/wallet-page.ts';

const PASSPHRASE = 'zielony rower jedzie przez stary most';
const BACKUP_PASSPHRASE = 'kopia leży w szufladzie starego biurka';
const NIP = randomNip();

let b: TestBrowser;
let sandbox: Awaited<ReturnType<typeof startSandbox>>;
let page: Page;
let csp: string[];
let envId: string;
let companyId: string;

const tab = (p: Page, name: string) =>
  p.locator(`::-p-aria([name=${JSON.stringify(name)}][role="tab"])`).click();
const ops = () => sandbox.control.requests().map((r) => r.operation);

async function screen(name: string): Promise<void> {
  await shot(page, name);
  expect(await axeSeriousOrWorse(page), name).toEqual([]);
}

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, rateLimits: 'off' });
  b = await launchBrowser({ extensionDir: inject('extensionDir') });
  await waitForExtensionWorker(b);
  envId = await addSandboxEnvironment(b, 'Sandbox lokalny', sandbox.baseUrl);
  page = await b.newPage();
  await page.setViewport({ width: 1280, height: 900 });
  csp = await watchCsp(page);
  await page.goto(`${inject('pwaOrigin')}/`);
  await page.waitForSelector('[data-testid="extension-status"][data-state="connected"]');
}, 120_000);

afterAll(async () => {
  await b?.close();
  await sandbox?.close();
});

describe('the wallet walkthrough, by clicking', () => {
  it('creates the vault with a passphrase the vault itself rates', async () => {
    await page.waitForSelector('[data-testid="create-vault"]');
    await screen('pl-welcome');
    // A first visit starts no key worker (connect-vault.ts startWhenNeeded); creating the vault does.
    const keyWorkers = () => b.browser.targets().filter((t) => t.type() === 'shared_worker').length;
    expect(keyWorkers()).toBe(0);
    await page.select('#topbar-language', 'en');
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    expect(await textOf(page, '[data-testid="create-vault"] h2')).toBe('Welcome to KSeF Wallet');
    await screen('en-welcome');
    await page.select('#topbar-language', 'pl');
    await page.waitForFunction(() => document.documentElement.lang === 'pl');
    await fill(page, 'Hasło portfela', 'haslo123');
    await page.waitForSelector('[data-testid="passphrase-meter"]');
    await clickButton(page, 'Utwórz portfel');
    // Two different entries first: the page says so before the vault is asked.
    expect(await waitForText(page, '[data-testid="create-vault-error"]', 'Hasła się różnią')).toBeTruthy();
    await fill(page, 'Powtórz hasło', 'haslo123');
    await clickButton(page, 'Utwórz portfel');
    expect(await waitForText(page, '[data-testid="create-vault-error"]', 'za słabe')).toBeTruthy();
    await fill(page, 'Hasło portfela', PASSPHRASE);
    await fill(page, 'Powtórz hasło', PASSPHRASE);
    await page.waitForSelector('[data-testid="passphrase-meter"][data-score="4"]');
    await clickButton(page, 'Utwórz portfel');
    await page.waitForSelector('[data-testid="lock-state"][data-state="unlocked"]');
    expect(keyWorkers()).toBe(1);
    await screen('pl-start-empty');
  });

  it('adds a company with a checked NIP on the sandbox environment', async () => {
    await clickButton(page, 'Dodaj firmę');
    await page.waitForSelector('[data-testid="company-form"][open]');
    await fill(page, 'Nazwa firmy', 'Przykładowa Spółka z o.o.', '[data-testid="company-form"]');
    await fill(page, 'NIP', `${NIP.slice(0, 9)}${(Number(NIP[9]) + 1) % 10}`, '[data-testid="company-form"]');
    expect(
      await waitForText(page, '[data-testid="company-form"]', 'suma kontrolna się nie zgadza'),
    ).toBeTruthy();
    await fill(page, 'NIP', NIP, '[data-testid="company-form"]');
    await waitForText(page, '[data-testid="company-form"]', 'Suma kontrolna NIP się zgadza');
    await page.select('[data-testid="company-form"] select', envId);
    await screen('pl-company-form');
    await clickButtonIn(page, '[data-testid="company-form"]', 'Zapisz');
    await page.waitForSelector('[data-testid="company"]');
    companyId = (await page.$eval('[data-testid="company"]', (el) => el.getAttribute('data-company'))) ?? '';
    expect(await textOf(page, '#company-heading')).toBe('Przykładowa Spółka z o.o.');
    expect(await textOf(page, '[data-testid="companies-panel"]')).toContain(NIP);
    expect(await textOf(page, '[data-testid="companies-panel"]')).toContain('Brak poświadczeń');
  });

  it('signs with the test certificate and gets a first session', async () => {
    sandbox.control.clearRequests();
    await clickButton(page, 'Podpisz certyfikatem testowym');
    const r = await actionOutcome(page, 'general');
    expect(r.error).toBe('');
    expect(r.done).toContain('Zalogowano do KSeF (certyfikat testowy)');
    expect(ops()).toEqual([
      'POST /auth/challenge',
      'POST /auth/xades-signature',
      'GET /auth/{referenceNumber}',
      'POST /auth/token/redeem',
    ]);
    await page.waitForSelector('[data-testid="current-session"][data-method="test-certificate"]');
    expect(await textOf(page, '[data-testid="companies-panel"]')).toContain('Sesja aktywna');
    await screen('pl-company-general');
  });

  it('generates a token with the permissions dialog, shows the secret once, and activates it', async () => {
    await tab(page, 'Tokeny');
    await page.waitForSelector('[data-testid="token-sunset"]', { hidden: true });
    await clickButton(page, 'Uprawnienia KSeF');
    await page.waitForSelector('dialog[open] .permissions');
    await screen('pl-permissions-dialog');
    await setChecked(page, 'Odczyt faktur InvoiceRead', true, 'dialog[open]');
    await setChecked(page, 'Wystawianie faktur InvoiceWrite', true, 'dialog[open]');
    await clickButtonIn(page, 'dialog[open]', 'Zamknij');
    expect(await textOf(page, '[data-testid="chosen-permissions"]')).toBe(
      'Wybrane: Odczyt faktur, Wystawianie faktur',
    );
    await fill(page, 'Opis', 'ERP wysyłka faktur');
    sandbox.control.clearRequests();
    await clickButton(page, 'Wygeneruj token KSeF');
    await page.waitForSelector('[data-testid="token-secret"][open]');
    const secret = await textOf(page, '[data-testid="token-secret-value"]');
    expect(secret).toMatch(new RegExp(`\\|nip-${NIP}\\|[0-9a-f]{64}$`));
    // Never in an attribute: only the text node holds it.
    expect(await page.evaluate((s) => document.documentElement.outerHTML.split(s).length - 1, secret)).toBe(
      1,
    );
    expect(await textOf(page, '[data-testid="token-secret"]')).toContain('token traktuj jak dane dostępowe');
    // The artifact must not carry the secret (SECURITY.md §3.12): masked before the screenshot.
    await page.$eval('[data-testid="token-secret-value"]', (el) => {
      el.textContent = '••••••••••••••••••••••••••••••••';
    });
    await screen('pl-token-secret');
    await clickButton(page, 'Zamknij i ukryj token');
    await waitForText(page, '[data-testid="token-activation-done"]', 'jest aktywny');
    expect(ops()).toContain('POST /tokens');
    await page.waitForSelector('[data-testid="wallet-tokens"] tr[data-status="Active"]');
    await clickButton(page, 'Ustaw „ERP wysyłka faktur” jako domyślny');
    await page.waitForSelector('[data-testid="default-token"]');
    // Relies on a token now: the sunset count-down and the path to a certificate appear.
    // (Worded on any date: before 31 Dec 2026 it counts the days, after it says they are over.)
    await waitForText(page, '[data-testid="token-sunset"]', 'Przejdź na certyfikat KSeF');
    expect(await textOf(page, '[data-testid="token-sunset"]')).toMatch(/według obecnych przepisów/i);
    await screen('pl-company-tokens');
  });

  it('logs in with the default KSeF token', async () => {
    await tab(page, 'Podstawowe');
    await clickButton(page, 'Zaloguj tokenem KSeF');
    const r = await actionOutcome(page, 'general');
    expect(r.error).toBe('');
    expect(r.done).toContain('Zalogowano do KSeF (token KSeF)');
  });

  it('enrolls a KSeF certificate step by step: enrollment, Get status, Retrieve, Default', async () => {
    await tab(page, 'Certyfikaty');
    await fill(page, 'Nazwa', 'Logowanie ERP');
    await setChecked(page, 'Sprawdzaj status i pobierz certyfikat automatycznie', false);
    sandbox.control.clearRequests();
    await clickButton(page, 'Złóż wniosek o certyfikat');
    let r = await actionOutcome(page, 'certificates');
    expect(r.error).toBe('');
    expect(r.done).toContain('Wniosek złożony');
    expect(ops()).toEqual([
      'GET /certificates/limits',
      'GET /certificates/enrollments/data',
      'POST /certificates/enrollments',
    ]);
    await screen('pl-company-certificates-enrolling');
    await clickButtonIn(
      page,
      '[data-testid="wallet-certificates"] tr[data-state="enrolling"]',
      'Sprawdź status',
    );
    r = await actionOutcome(page, 'certificates');
    expect(r.done).toMatch(/numerze seryjnym [0-9A-F]{16}/);
    await clickButtonIn(
      page,
      '[data-testid="wallet-certificates"] tr[data-state="enrolling"]',
      'Pobierz certyfikat',
    );
    r = await actionOutcome(page, 'certificates');
    expect(r.done).toContain('zapisany w portfelu razem z kluczem');
    await clickButton(page, 'Ustaw „Logowanie ERP” jako domyślny');
    await page.waitForSelector('[data-testid="default-certificate"]');
    await clickButton(page, 'Pobierz listę z KSeF');
    await page.waitForSelector('[data-testid="ksef-certificates"] tr[data-status="Active"]');
    await clickButton(page, 'Pobierz certyfikaty kluczy publicznych');
    await page.waitForSelector('[data-testid="public-key-certificates"]');
    expect(await textOf(page, '[data-testid="public-key-certificates"]')).toContain(
      'szyfrowanie tokenów KSeF',
    );
    await screen('pl-company-certificates');
  });

  it('logs in with the default KSeF certificate', async () => {
    await tab(page, 'Podstawowe');
    sandbox.control.clearRequests();
    await clickButton(page, 'Zaloguj certyfikatem KSeF');
    const r = await actionOutcome(page, 'general');
    expect(r.error).toBe('');
    expect(r.done).toContain('Zalogowano do KSeF (certyfikat KSeF)');
    expect(ops()).toContain('POST /auth/xades-signature');
    // With a default certificate the company no longer relies on a token.
    await page.waitForSelector('[data-testid="token-sunset"]', { hidden: true });
  });

  it('revokes the token after the passphrase is re-entered', async () => {
    await tab(page, 'Tokeny');
    await clickButtonIn(page, '[data-testid="wallet-tokens"] tr[data-status="Active"]', 'Dezaktywuj');
    await page.waitForSelector('[data-testid="passphrase-dialog"][open]');
    await fill(
      page,
      'Hasło portfela (potwierdzenie)',
      'nie to hasło wcale',
      '[data-testid="passphrase-dialog"][open]',
    );
    await clickButtonIn(page, '[data-testid="passphrase-dialog"][open]', 'Dezaktywuj');
    await waitForText(page, '[data-testid="passphrase-dialog"][open] [role="alert"]', 'Nieprawidłowe hasło');
    await fill(page, 'Hasło portfela (potwierdzenie)', PASSPHRASE, '[data-testid="passphrase-dialog"][open]');
    sandbox.control.clearRequests();
    await clickButtonIn(page, '[data-testid="passphrase-dialog"][open]', 'Dezaktywuj');
    const r = await actionOutcome(page, 'tokens');
    expect(r.error).toBe('');
    expect(r.done).toMatch(/Unieważni/);
    expect(ops()).toContain('DELETE /tokens/{referenceNumber}');
    await page.waitForSelector('[data-testid="wallet-tokens"] tr[data-status^="Revok"]');
    await clickButton(page, 'Pobierz tokeny');
    await page.waitForSelector('[data-testid="ksef-tokens"] tr[data-status^="Revok"]');
  });

  it('lists the sessions from KSeF with the current one marked, and the activity log', async () => {
    await tab(page, 'Sesje');
    await clickButton(page, 'Odśwież');
    await page.waitForSelector('[data-testid="ksef-sessions"] tr[data-current="true"]');
    expect(await page.$$eval('[data-testid="wallet-sessions"] tbody tr', (r) => r.length)).toBe(3);
    await screen('pl-company-sessions');
    await tab(page, 'Aktywność');
    await page.waitForSelector('[data-testid="activity"] tr[data-kind="enrollment-completed"]');
    await clickButton(page, 'Sprawdź spójność dziennika');
    expect((await actionOutcome(page, 'activity')).done).toContain('Dziennik jest spójny');
    await screen('pl-company-activity');
  });

  it('adds a second company and logs it in by keyboard alone, dialog focus included', async () => {
    await page.goto(`${inject('pwaOrigin')}/#/`);
    await page.waitForSelector('#attention-heading');
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await tabTo(page, 'Dodaj firmę');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid="company-form"][open]');
    // The modal takes the focus to its first field; Tab walks its fields in order.
    expect(await focusedFieldLabel(page)).toBe('Nazwa firmy');
    await page.keyboard.type('Druga Firma Klawiaturowa');
    await page.keyboard.press('Tab');
    expect(await focusedFieldLabel(page)).toBe('NIP');
    const nip = randomNip();
    await page.keyboard.type(nip);
    await page.keyboard.press('Tab');
    expect(await focusedFieldLabel(page)).toBe('Środowisko');
    // The sandbox is the fourth option (TEST, DEMO, PRD, then the extension's own).
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowDown');
    expect(
      await page.$eval('[data-testid="company-form"] select', (s) => (s as HTMLSelectElement).value),
    ).toBe(envId);
    // Enter on a select does not submit: Tab on to "Zapisz", as a keyboard user would.
    await tabTo(page, 'Zapisz', 5);
    await page.keyboard.press('Enter');
    await page.waitForFunction(
      (n) => document.querySelector('#company-heading')?.textContent === n,
      {},
      'Druga Firma Klawiaturowa',
    );
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await tabTo(page, 'Podpisz certyfikatem testowym');
    await page.keyboard.press('Enter');
    expect((await actionOutcome(page, 'general')).done).toContain('Zalogowano do KSeF (certyfikat testowy)');
    // Tabs by arrow keys: one Tab stop for the tab list.
    await page.focus('[role="tab"][aria-selected="true"]');
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(() => location.hash.endsWith('/certificates'));
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Certyfikaty');
  });

  it('shows the start screen and Settings', async () => {
    await page.goto(`${inject('pwaOrigin')}/#/`);
    await page.waitForSelector('#attention-heading');
    await screen('pl-start');
    await page.goto(`${inject('pwaOrigin')}/#/settings`);
    await page.waitForSelector('#settings-heading');
    await screen('pl-settings-unlocked');
  });

  it('exports a backup under its own passphrase and previews it back into the vault', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ksef-wallet-backup-'));
    try {
      await allowDownloads(page, dir);
      const form = '[data-testid="settings"]';
      await fill(page, 'Hasło portfela (potwierdzenie)', PASSPHRASE, form);
      await fill(page, 'Hasło kopii zapasowej', BACKUP_PASSPHRASE, form);
      const repeats = await page.$$(`${form} input[type="password"]`);
      // The export form's third password field repeats the backup passphrase.
      await repeats[5]!.type(BACKUP_PASSPHRASE);
      await clickButton(page, 'Eksportuj kopię zapasową');
      const exported = await waitForText(page, '[data-testid="backup-export-done"]', 'Zapisano kopię');
      expect(exported).toMatch(/firm 2, certyfikatów 1 \(kluczy poza kopią: 0\), tokenów 1/);
      let file = '';
      for (let i = 0; i < 100 && !file; i++) {
        file = readdirSync(dir).find((f) => !f.endsWith('.crdownload')) ?? '';
        if (!file) await new Promise((ok) => setTimeout(ok, 50));
      }
      expect(file).not.toBe('');
      const backup = readFileSync(join(dir, file));
      // Encrypted under the backup key: no NIP, no name, no token text in the file.
      expect(backup.includes(Buffer.from(NIP))).toBe(false);
      expect(backup.includes(Buffer.from('Przykładowa'))).toBe(false);
      const input = (await page.$(`${form} input[type="file"]`)) as ElementHandle<HTMLInputElement>;
      await input.uploadFile(join(dir, file));
      const passes = await page.$$(`${form} input[type="password"]`);
      await passes.at(-1)!.type(BACKUP_PASSPHRASE);
      await clickButton(page, 'Sprawdź kopię');
      expect(await waitForText(page, '[data-testid="backup-import-done"]', 'W kopii:')).toMatch(
        /bez zmian \d+/,
      );
      await clickButton(page, 'Importuj');
      expect(await waitForText(page, '[data-testid="backup-import-done"]', 'Zaimportowano')).toContain(
        'dodano 0',
      );
      await screen('pl-settings-backup');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('shows every screen in English, with the English labels of the issue', async () => {
    await page.select('#topbar-language', 'en');
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    await screen('en-settings-unlocked');
    await page.goto(`${inject('pwaOrigin')}/#/`);
    await page.waitForSelector('#attention-heading');
    await screen('en-start');
    const base = `${inject('pwaOrigin')}/#/company/${companyId}`;
    for (const [t, labels] of [
      [
        'general',
        [
          'Download authorization request',
          'Sign with test certificate',
          'Log in with KSeF certificate',
          'Log in with KSeF token',
        ],
      ],
      ['certificates', ['Certificate enrollment', 'Get public key certificates']],
      ['tokens', ['Generate KSeF token', 'KSeF permissions', 'Get tokens']],
      ['sessions', ['Refresh']],
      ['activity', ['Check the log']],
    ] as const) {
      await page.goto(`${base}/${t}`);
      await page.waitForSelector('[role="tabpanel"]');
      const text = await textOf(page, 'main');
      for (const l of labels) expect(text, `${t}: ${l}`).toContain(l);
      await screen(`en-company-${t}`);
      if (t === 'tokens') {
        await clickButton(page, 'KSeF permissions');
        await page.waitForSelector('dialog[open] .permissions');
        await screen('en-permissions-dialog');
        await clickButtonIn(page, 'dialog[open]', 'Close');
      }
    }
    await clickButton(page, 'Add company');
    await page.waitForSelector('[data-testid="company-form"][open]');
    await screen('en-company-form');
    await clickButtonIn(page, '[data-testid="company-form"]', 'Cancel');
    await page.select('#topbar-language', 'pl');
    await page.waitForFunction(() => document.documentElement.lang === 'pl');
  });

  it('has reported no CSP or Trusted Types violation on any screen', () => {
    expect(csp).toEqual([]);
  });
});

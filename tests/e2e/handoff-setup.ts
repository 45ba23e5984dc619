/**
 * The wallet a hand-off test starts from, set up the way a user does it — by clicking the real PWA
 * (create the vault, add the company on the sandbox environment, a first session with the test
 * certificate, a KSeF token with the chosen permissions made the default credential) — and the
 * user's steps in the hand-off window the extension opens.
 */
import type { Page } from 'puppeteer-core';
import type { TestBrowser } from './harness/browser.ts';
import { pagesAt } from './harness/extension-inspect.ts';
import {
  actionOutcome,
  clickButton,
  clickButtonIn,
  fill,
  setChecked,
  waitForText,
} from './harness/wallet-page.ts';

export const PASSPHRASE = 'zielony rower jedzie przez stary most';

const PERMISSION_LABELS = Object.freeze({
  InvoiceRead: 'Odczyt faktur InvoiceRead',
  InvoiceWrite: 'Wystawianie faktur InvoiceWrite',
  CredentialsManage: 'Zarządzanie uprawnieniami CredentialsManage',
});
export type Permission = keyof typeof PERMISSION_LABELS;

const tab = (p: Page, name: string) =>
  p.locator(`::-p-aria([name=${JSON.stringify(name)}][role="tab"])`).click();

export async function createVault(page: Page): Promise<void> {
  await page.waitForSelector('[data-testid="create-vault"]');
  await fill(page, 'Hasło portfela', PASSPHRASE);
  await fill(page, 'Powtórz hasło', PASSPHRASE);
  await page.waitForSelector('[data-testid="passphrase-meter"][data-score="4"]');
  await clickButton(page, 'Utwórz portfel');
  await page.waitForSelector('[data-testid="lock-state"][data-state="unlocked"]');
}

/** Adds a company and gives it a default KSeF token with these permissions. */
export async function addCompanyWithToken(
  page: Page,
  company: { name: string; nip: string; envId: string; permissions: readonly Permission[] },
): Promise<void> {
  await page.goto(`${new URL(page.url()).origin}/#/`);
  await clickButton(page, 'Dodaj firmę');
  await page.waitForSelector('[data-testid="company-form"][open]');
  await fill(page, 'Nazwa firmy', company.name, '[data-testid="company-form"]');
  await fill(page, 'NIP', company.nip, '[data-testid="company-form"]');
  await waitForText(page, '[data-testid="company-form"]', 'Suma kontrolna NIP się zgadza');
  await page.select('[data-testid="company-form"] select', company.envId);
  await clickButtonIn(page, '[data-testid="company-form"]', 'Zapisz');
  await page.waitForFunction(
    (name) => document.querySelector('#company-heading')?.textContent?.trim() === name,
    {},
    company.name,
  );

  await clickButton(page, 'Podpisz certyfikatem testowym');
  const login = await actionOutcome(page, 'general');
  if (login.error) throw new Error(`test certificate login: ${login.error}`);

  await tab(page, 'Tokeny');
  await clickButton(page, 'Uprawnienia KSeF');
  await page.waitForSelector('dialog[open] .permissions');
  for (const p of company.permissions) await setChecked(page, PERMISSION_LABELS[p], true, 'dialog[open]');
  await clickButtonIn(page, 'dialog[open]', 'Zamknij');
  const description = `ERP ${company.permissions.join(' ')}`;
  await fill(page, 'Opis', description);
  await clickButton(page, 'Wygeneruj token KSeF');
  if (company.permissions.some((p) => p.startsWith('Credentials'))) {
    // SECURITY.md §4: a Credentials* token needs the passphrase re-entered.
    await page.waitForSelector('[data-testid="passphrase-dialog"][open]');
    await fill(page, 'Hasło portfela (potwierdzenie)', PASSPHRASE, '[data-testid="passphrase-dialog"]');
    await clickButtonIn(page, '[data-testid="passphrase-dialog"]', 'Wygeneruj token KSeF');
  }
  await page.waitForSelector('[data-testid="token-secret"][open]');
  await clickButton(page, 'Zamknij i ukryj token');
  await waitForText(page, '[data-testid="token-activation-done"]', 'jest aktywny');
  await clickButton(page, `Ustaw „${description}” jako domyślny`);
  await page.waitForSelector('[data-testid="default-token"]');
}

/** Locks the vault from the wallet tab (every wallet page reloads). */
export async function lockFromWallet(page: Page): Promise<void> {
  await page.bringToFront();
  await clickButton(page, 'Zablokuj');
  await page.waitForSelector('[data-testid="lock-state"][data-state="locked"]', { timeout: 30_000 });
}

/** The hand-off window the extension opened, once its document is the wallet's. */
export async function handoffWindow(
  b: TestBrowser,
  pwaOrigin: string,
): Promise<{ page: Page; handoffId: string }> {
  const target = await b.browser.waitForTarget((t) => t.url().startsWith(`${pwaOrigin}/#/handoff/`), {
    timeout: 15_000,
  });
  const page = await target.asPage();
  await page.waitForSelector('[data-testid="handoff-screen"]', { timeout: 20_000 });
  return { page, handoffId: new URL(target.url()).hash.replace('#/handoff/', '') };
}

export const handoffStep = (page: Page) =>
  page.$eval('[data-testid="handoff-screen"]', (el) => (el as HTMLElement).dataset.step);

export async function waitForStep(page: Page, step: string, timeout = 30_000): Promise<void> {
  try {
    await page.waitForSelector(`[data-testid="handoff-screen"][data-step="${step}"]`, { timeout });
  } catch (e) {
    // Say what the window showed instead: the step and its text (no secrets are ever rendered).
    const shown = await page
      .evaluate(() => {
        const el = document.querySelector('[data-testid="handoff-screen"]') as HTMLElement | null;
        return `${el?.dataset.step ?? '?'}: ${(el?.textContent ?? '').replace(/\s+/g, ' ').slice(0, 600)}`;
      })
      .catch(() => 'the window is gone');
    throw new Error(`the hand-off window did not reach "${step}" (${shown})`, { cause: e });
  }
}

/** Unlocks in the hand-off window. */
export async function unlockInWindow(page: Page, passphrase = PASSPHRASE): Promise<void> {
  await waitForStep(page, 'unlock');
  await page.type('#handoff-passphrase', passphrase);
  await page.click('[data-testid="unlock"]');
}

/** Approves in the hand-off window: passphrase re-entered, then one of the two grants. */
export async function approveInWindow(
  page: Page,
  grant: 'access-only' | 'with-refresh',
  options: { confirmCredentials?: boolean; erpAddresses?: string } = {},
): Promise<void> {
  await waitForStep(page, 'approve');
  if (options.confirmCredentials) await page.click('[data-testid="confirm-credentials"]');
  if (options.erpAddresses) await page.type('#handoff-egress', options.erpAddresses);
  await page.type('#handoff-approve-passphrase', PASSPHRASE);
  await page.click(`[data-testid="approve-${grant}"]`);
}

export const handoffWindowsOpen = (b: TestBrowser, pwaOrigin: string) =>
  pagesAt(b, `${pwaOrigin}/#/handoff/`);

/**
 * Waits until the hand-off windows of earlier requests are gone (the extension closes an answered
 * one 1.5 s after the answer), so that the next window a test waits for is the new one.
 */
export async function noHandoffWindows(b: TestBrowser, pwaOrigin: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while ((await handoffWindowsOpen(b, pwaOrigin)).length > 0) {
    if (Date.now() > end) throw new Error('an earlier hand-off window stayed open');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * The signed-request login by clicking, with a signature made outside the wallet as a user would:
 * "Pobierz żądanie autoryzacyjne" saves the file through the browser's own download, xmlsec1 signs
 * it with an openssl-made seal certificate for the company NIP, and the signed file goes back
 * through the file picker. A wrong file first — changed after signing, then signed for another
 * company — gets its precise error and reaches KSeF not at all; the right file logs in with the
 * automatic status polling, and with it off, "Get status" and "Redeem access token" by hand.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ElementHandle, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startSandbox } from '../../sandbox/server.ts';
import { randomNip } from '../integration/client/sandbox-fixture.ts';
import { createExternalSigner, type ExternalSigner } from '../integration/client/xmlsec-signer.ts';
import { launchBrowser, type TestBrowser, waitForExtensionWorker } from './harness/browser.ts';
import {
  actionOutcome,
  addSandboxEnvironment,
  allowDownloads,
  axeSeriousOrWorse,
  clickButton,
  clickButtonIn,
  currentOutcome,
  fill,
  setChecked,
  shot,
  textOf,
  waitForText,
} from './harness/wallet-page.ts';

const PASSPHRASE = 'czerwony tramwaj skręca w wąską ulicę';
const NIP = randomNip();

let b: TestBrowser;
let sandbox: Awaited<ReturnType<typeof startSandbox>>;
let page: Page;
let signer: ExternalSigner;
let foreignSigner: ExternalSigner;
let downloads: string;
let work: string;
const ops = () => sandbox.control.requests().map((r) => r.operation);

/** Clicks "Pobierz żądanie autoryzacyjne" and returns the saved file's text once it is complete. */
async function downloadRequest(): Promise<{ name: string; xml: string }> {
  for (const f of readdirSync(downloads)) rmSync(join(downloads, f));
  await clickButton(page, 'Pobierz żądanie autoryzacyjne');
  const r = await actionOutcome(page, 'general');
  expect(r.error).toBe('');
  for (let i = 0; i < 100; i++) {
    const done = readdirSync(downloads).filter((f) => f.endsWith('.xml'));
    if (done.length === 1) return { name: done[0]!, xml: readFileSync(join(downloads, done[0]!), 'utf8') };
    await new Promise((ok) => setTimeout(ok, 50));
  }
  throw new Error('the authorization request was not saved');
}

async function pick(xml: string, name = 'signed.xml'): Promise<void> {
  const path = join(work, name);
  writeFileSync(path, xml);
  const input = (await page.waitForSelector(
    'input[type="file"]:not([disabled])',
  )) as ElementHandle<HTMLInputElement>;
  await input.uploadFile(path);
}

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, rateLimits: 'off' });
  signer = createExternalSigner({ kind: 'seal', nip: NIP });
  foreignSigner = createExternalSigner({ kind: 'seal', nip: randomNip() });
  downloads = mkdtempSync(join(tmpdir(), 'ksef-wallet-downloads-'));
  work = mkdtempSync(join(tmpdir(), 'ksef-wallet-signed-'));
  b = await launchBrowser({ extensionDir: inject('extensionDir') });
  await waitForExtensionWorker(b);
  const envId = await addSandboxEnvironment(b, 'Sandbox', sandbox.baseUrl);
  page = await b.newPage();
  await page.setViewport({ width: 1280, height: 900 });
  await allowDownloads(page, downloads);
  await page.goto(`${inject('pwaOrigin')}/`);
  await page.waitForSelector('[data-testid="extension-status"][data-state="connected"]');
  await fill(page, 'Hasło portfela', PASSPHRASE);
  await fill(page, 'Powtórz hasło', PASSPHRASE);
  await clickButton(page, 'Utwórz portfel');
  await page.waitForSelector('[data-testid="lock-state"][data-state="unlocked"]');
  await clickButton(page, 'Dodaj firmę');
  await fill(page, 'Nazwa firmy', 'Hurtownia Podpisów S.A.', '[data-testid="company-form"]');
  await fill(page, 'NIP', NIP, '[data-testid="company-form"]');
  await page.select('[data-testid="company-form"] select', envId);
  await clickButtonIn(page, '[data-testid="company-form"]', 'Zapisz');
  await page.waitForSelector('[data-testid="company"]');
}, 120_000);

afterAll(async () => {
  await b?.close();
  await sandbox?.close();
  signer?.cleanup();
  foreignSigner?.cleanup();
  for (const d of [downloads, work]) if (d) rmSync(d, { recursive: true, force: true });
});

describe('signed authorization request, signed by xmlsec1', () => {
  it('saves the unsigned request with a visible challenge countdown', async () => {
    const { name, xml } = await downloadRequest();
    expect(name).toMatch(new RegExp(`^AuthTokenRequest-${NIP}-\\d{8}-CR-[0-9A-F-]+\\.xml$`));
    expect(xml).toContain(`<Nip>${NIP}</Nip>`);
    expect(xml).not.toContain('Signature');
    expect(await waitForText(page, '[data-testid="challenge-countdown"]', 'Wyzwanie ważne jeszcze')).toMatch(
      /(9|10):\d\d/,
    );
    await shot(page, 'pl-signed-request-downloaded');
    expect(await axeSeriousOrWorse(page)).toEqual([]);
  });

  it('names a file changed after signing, and one signed for another company, and sends neither', async () => {
    const { xml } = await downloadRequest();
    sandbox.control.clearRequests();
    const tampered = signer.sign(xml, {
      alterAfterSigning: (x) => x.replace('certificateSubject', 'certificateFingerprint'),
    });
    await pick(tampered, 'tampered.xml');
    expect(
      await waitForText(page, '[data-testid="signed-file-error"]', 'Plik zmieniono po podpisaniu'),
    ).toBeTruthy();
    await shot(page, 'pl-signed-request-wrong-file');
    expect(await axeSeriousOrWorse(page)).toEqual([]);
    await pick(xml, 'unsigned.xml');
    expect(
      await waitForText(page, '[data-testid="signed-file-error"]', 'nie zawiera podpisu XAdES'),
    ).toBeTruthy();
    expect(ops()).toEqual([]);
  });

  it('logs in with the right file, polling the status automatically', async () => {
    const { xml } = await downloadRequest();
    sandbox.control.clearRequests();
    await pick(signer.sign(xml));
    await page.waitForFunction(
      () =>
        document.querySelector('[data-testid="general-done"]')?.textContent?.includes('Zalogowano do KSeF'),
      { timeout: 60_000 },
    );
    expect(await textOf(page, '[data-testid="general-done"]')).toContain('podpisane żądanie');
    expect(ops()).toEqual([
      'POST /auth/xades-signature',
      'GET /auth/{referenceNumber}',
      'POST /auth/token/redeem',
    ]);
    await page.waitForSelector('[data-testid="auth-requests"] tr');
    await page.waitForSelector('[data-testid="current-session"][data-method="signed-request"]');
  });

  it('with automatic polling off, offers "Get status" and then "Redeem access token" once', async () => {
    await setChecked(page, 'Sprawdzaj automatycznie', false);
    const { xml } = await downloadRequest();
    const before = await currentOutcome(page, 'general');
    await pick(signer.sign(xml));
    const submitted = await actionOutcome(page, 'general', { changedFrom: before });
    expect(submitted.done).toContain('KSeF przyjął żądanie');
    const ref = submitted.done.match(/\d{8}-AU-[0-9A-F-]+/)?.[0] ?? '';
    const row = `[data-testid="auth-requests"] tr[data-ref="${ref}"]`;
    await page.waitForSelector(row);
    await clickButtonIn(page, row, 'Sprawdź status');
    const status = await actionOutcome(page, 'general', { changedFrom: submitted });
    expect(status.done).toContain('200');
    await clickButtonIn(page, row, 'Odbierz token dostępowy');
    expect((await actionOutcome(page, 'general', { changedFrom: status })).done).toContain(
      'Zalogowano do KSeF (podpisane żądanie)',
    );
    await page.waitForFunction(
      (s) =>
        (document.querySelector(`${s} button:last-child`) as HTMLButtonElement | null)?.disabled === true,
      {},
      row,
    );
    await shot(page, 'pl-signed-request-manual');
    expect(await axeSeriousOrWorse(page)).toEqual([]);
  });

  it('refuses a request signed for another company (its certificate names another NIP) at KSeF, with KSeF’s words', async () => {
    await setChecked(page, 'Sprawdzaj automatycznie', true);
    const { xml } = await downloadRequest();
    const before = await currentOutcome(page, 'general');
    await pick(foreignSigner.sign(xml), 'foreign.xml');
    const r = await actionOutcome(page, 'general', { changedFrom: before });
    // The file is well formed and signed; only KSeF knows the signer may not act for this NIP.
    expect(r.error).not.toBe('');
    await page.select('#topbar-language', 'en');
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    await shot(page, 'en-signed-request-refused');
    expect(await axeSeriousOrWorse(page)).toEqual([]);
    await page.select('#topbar-language', 'pl');
  });
});

/**
 * The session hand-off end to end in real Chromium with the real wallet: the built PWA (vault in
 * its key worker, the hand-off window, Settings), the built extension, the local KSeF sandbox
 * (added as a custom environment in the extension's options) and two ERP origins — the demo ERP
 * (integrated only through docs/erp-integration.md, it proves each session with its own server
 * call to KSeF) and a probe site that records everything its page receives. The wallet is set up
 * by clicking (vault, companies, KSeF tokens as default credentials); every hand-off is a real
 * KSeF login made by the wallet's key worker.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page, WebWorker } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { unexpectedStorageEntries } from '../../extension/storage/session-state.ts';
import { type DemoErp, startDemoErp } from '../../sandbox/demo-erp/server.ts';
import { type Sandbox, startSandbox } from '../../sandbox/server.ts';
import { createFetchTransport } from '../../shared/ksef/fetch-transport.ts';
import { createKsefClient } from '../../shared/ksef/ksef-client.ts';
import { systemClock } from '../../shared/platform.ts';
import { randomNip } from '../integration/client/sandbox-fixture.ts';
import {
  addCompanyWithToken,
  approveInWindow,
  createVault,
  handoffWindow,
  handoffWindowsOpen,
  lockFromWallet,
  noHandoffWindows,
  PASSPHRASE,
  unlockInWindow,
  waitForStep,
} from './handoff-setup.ts';
import { type LeakWatch, tokenMark, watchForLeaks } from './handoff-watch.ts';
import { launchBrowser, type TestBrowser, waitForExtensionWorker } from './harness/browser.ts';
import { type ErpSite, startErpSite } from './harness/erp-site.ts';
import {
  backgroundWorker,
  clickLoginUntil,
  dumpChromeStorage,
  enableSiteFromPopup,
  openPopup,
  readExtensionTable,
  sleep,
} from './harness/extension-inspect.ts';
import {
  addSandboxEnvironment,
  axeSeriousOrWorse,
  clickButtonIn,
  fill,
  shot,
} from './harness/wallet-page.ts';

const SCREENSHOTS = resolve(import.meta.dirname, '../artifacts/screenshots');
const NIP = randomNip();
const NIP_ADMIN = randomNip();
const COMPANY = 'Przykładowa Spółka z o.o.';
const COMPANY_ADMIN = 'Biuro Administracji Sp. z o.o.';
/** The sandbox as the user names it in the extension's options ("sandbox" → custom:sandbox). */
const ENV = 'custom:sandbox';

let b: TestBrowser;
let worker: WebWorker;
let sandbox: Sandbox;
let demo: DemoErp;
let probe: ErpSite;
let other: ErpSite;
let pwaOrigin: string;
let env: string;
let wallet: Page;
let erpPage: Page;
let watch: LeakWatch;
/** Every token an ERP page received during the run (for the leak checks at the end). */
const tokens = new Set<string>();

const ksef = (nip: string) =>
  createKsefClient({
    transport: createFetchTransport({ fetch, resolveBaseUrl: (e) => (e === env ? sandbox.baseUrl : null) }),
    clock: systemClock,
    subtle: globalThis.crypto.subtle,
    env: env as 'custom:sandbox',
    context: { type: 'Nip', value: nip },
  });

/** A user's click on the demo ERP's armed button, repeated on a slow machine until the page hears back. */
async function clickDemo(page: Page) {
  await noHandoffWindows(b, pwaOrigin);
  const before = await page.$eval('[data-testid="wallet-status"]', (el) => el.textContent ?? '');
  const heard = await readExtensionTable(worker, 'activity').then((rows) => rows.length);
  await clickLoginUntil(page, async () => {
    const now = await page.$eval('[data-testid="wallet-status"]', (el) => el.textContent ?? '');
    // A silent hand-off can finish between two looks; the extension's log has it then.
    const requested = (await readExtensionTable(worker, 'activity'))
      .slice(heard)
      .some((r) => r.event === 'requested');
    return now !== before || requested || (await handoffWindowsOpen(b, pwaOrigin)).length > 0;
  }).catch(async (e) => {
    const log = (await readExtensionTable(worker, 'activity'))
      .slice(heard)
      .map((r) => `${r.event}:${r.code ?? ''}`);
    throw new Error(`${(e as Error).message}; page says "${before}", extension log since: ${log.join(', ')}`);
  });
}

type ProbeMessage = { type: string; value: Record<string, unknown> | null };
const probeMessages = (page: Page) =>
  page.evaluate(() => (window as unknown as { __probe: { port: ProbeMessage[] } }).__probe.port) as Promise<
    ProbeMessage[]
  >;

async function clickProbe(page: Page) {
  await noHandoffWindows(b, pwaOrigin);
  const before = (await probeMessages(page)).length;
  await clickLoginUntil(page, async () => {
    return (await probeMessages(page)).length > before || (await handoffWindowsOpen(b, pwaOrigin)).length > 0;
  });
}

async function untilProbe(page: Page, type: string, after = 0): Promise<ProbeMessage> {
  for (let i = 0; i < 300; i++) {
    const found = (await probeMessages(page)).slice(after).find((m) => m.type === type);
    if (found) return found;
    await sleep(100);
  }
  throw new Error(`the probe page never received ${type}`);
}

/** Records every step the hand-off window shows (its data-step attribute), for "did it ask?". */
async function recordSteps(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __steps: string[] };
    w.__steps = [];
    const el = document.querySelector('[data-testid="handoff-screen"]')!;
    const note = () => w.__steps.push((el as HTMLElement).dataset.step ?? '');
    note();
    new MutationObserver(note).observe(el, { attributes: true, attributeFilter: ['data-step'] });
  });
}

async function settingsSection(): Promise<void> {
  await wallet.bringToFront();
  await wallet.goto(`${pwaOrigin}/#/settings`);
  await wallet.waitForSelector('[data-testid="erp-sites"] [data-testid="refusals"]', { timeout: 20_000 });
}

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, rateLimits: 'off' });
  demo = await startDemoErp({ ksefBaseUrl: sandbox.baseUrl });
  probe = await startErpSite({
    refresh: {
      body: '<h1>ERP z odświeżaniem</h1><ksef-wallet-login></ksef-wallet-login>',
      want: { nip: NIP, environment: ENV, refresh: true },
    },
    admin: {
      body: '<h1>ERP administracja</h1><ksef-wallet-login></ksef-wallet-login>',
      want: { nip: NIP_ADMIN, environment: ENV },
    },
  });
  other = await startErpSite({ listener: { body: '<p>inna strona</p>', connect: false } });
  pwaOrigin = inject('pwaOrigin');
  b = await launchBrowser({ extensionDir: inject('extensionDir'), args: ['--lang=pl', '--accept-lang=pl'] });
  await waitForExtensionWorker(b);
  worker = await backgroundWorker(b);
  watch = watchForLeaks(b.browser);
  mkdirSync(SCREENSHOTS, { recursive: true });
  env = await addSandboxEnvironment(b, 'sandbox', sandbox.baseUrl);
  expect(env).toBe(ENV);

  // The user sets the wallet up: a vault, two companies, each with a KSeF token as its default.
  wallet = await b.newPage();
  await wallet.setViewport({ width: 1280, height: 900 });
  await wallet.goto(`${pwaOrigin}/`);
  await wallet.waitForSelector('[data-testid="extension-status"][data-state="connected"]');
  await createVault(wallet);
  await addCompanyWithToken(wallet, {
    name: COMPANY,
    nip: NIP,
    envId: env,
    permissions: ['InvoiceRead', 'InvoiceWrite'],
  });
  await addCompanyWithToken(wallet, {
    name: COMPANY_ADMIN,
    nip: NIP_ADMIN,
    envId: env,
    permissions: ['InvoiceRead', 'CredentialsManage'],
  });

  erpPage = await b.newPage();
  // The demo ERP sends each session to its own server in a request body: the test sees the tokens there.
  erpPage.on('request', (r) => {
    const body = r.postData();
    if (r.url().endsWith('/api/ksef/sessions') && body) tokens.add(JSON.parse(body).accessToken);
  });
  await erpPage.goto(`${demo.origin}/?nip=${NIP}&environment=${env}`);
  await enableSiteFromPopup(b, erpPage);
  await erpPage.waitForFunction(
    () => document.querySelector('[data-testid="wallet-status"]')?.getAttribute('data-state') === 'ready',
  );
}, 240_000);

afterAll(async () => {
  watch?.stop();
  await b?.close();
  await demo?.close();
  await probe?.close();
  await other?.close();
  await sandbox?.close();
});

describe('session hand-off to the demo ERP with the real wallet', () => {
  it('first click: the wallet window unlocks, shows the exact origin, company, environment and permissions; "access token only" gives the demo ERP a working session', async () => {
    await lockFromWallet(wallet);
    const listener = await b.newPage();
    await listener.goto(other.url('listener'));
    await erpPage.bringToFront();
    await clickDemo(erpPage);
    const { page: win } = await handoffWindow(b, pwaOrigin);
    await erpPage.waitForFunction(
      () =>
        document.querySelector('[data-testid="wallet-status"]')?.getAttribute('data-state') ===
        'waiting-for-user',
    );
    await waitForStep(win, 'unlock');
    expect(await win.$eval('[data-testid="handoff-origin"]', (el) => el.textContent)).toBe(demo.origin);
    await win.screenshot({ path: resolve(SCREENSHOTS, 'handoff-unlock-pl.png'), fullPage: true });
    expect(await axeSeriousOrWorse(win), 'unlock step').toEqual([]);
    await unlockInWindow(win);
    await waitForStep(win, 'approve', 60_000);

    const facts = await win.evaluate(() => ({
      origin: document.querySelector('[data-testid="handoff-origin"]')?.textContent,
      company: document.querySelector('[data-testid="handoff-company"]')?.textContent,
      nip: document.querySelector('[data-testid="handoff-nip"]')?.textContent,
      environment: document.querySelector('[data-testid="handoff-environment"]')?.textContent,
      permissions: Array.from(document.querySelectorAll('[data-permission]'), (li) =>
        li.getAttribute('data-permission'),
      ),
      warning: document.querySelector('[data-testid="handoff-credential-warning"]') !== null,
      refreshOffered: document.querySelector('[data-testid="approve-with-refresh"]') !== null,
    }));
    expect(facts).toEqual({
      origin: demo.origin,
      company: COMPANY,
      nip: NIP,
      environment: env,
      permissions: ['InvoiceRead', 'InvoiceWrite'],
      warning: false,
      refreshOffered: false, // the page did not ask for one
    });
    await win.screenshot({ path: resolve(SCREENSHOTS, 'handoff-approval-pl.png'), fullPage: true });
    expect(await axeSeriousOrWorse(win), 'approval step').toEqual([]);
    await win.select('#handoff-language', 'en');
    await win.waitForFunction(
      () =>
        document.querySelector('[data-testid="approve-access-only"]')?.textContent === 'Access token only',
    );
    await win.screenshot({ path: resolve(SCREENSHOTS, 'handoff-approval-en.png'), fullPage: true });
    await win.select('#handoff-language', 'pl');

    const closed = new Promise<void>((done) => win.once('close', () => done()));
    await approveInWindow(win, 'access-only');
    await closed; // the extension closes the window it opened, after the answer

    await erpPage.waitForSelector('[data-testid="session"]:not([hidden])', { timeout: 30_000 });
    await erpPage.waitForSelector('[data-testid="session-proof"][data-state="ok"]', { timeout: 30_000 });
    const reference = await erpPage.$eval(
      '[data-testid="session"]',
      (el) => (el as HTMLElement).dataset.referenceNumber,
    );
    const current = await erpPage.$eval(
      '[data-testid="session-proof"] tr[data-current="true"]',
      (tr) => (tr as HTMLElement).dataset.referenceNumber,
    );
    expect(current).toBe(reference);
    await erpPage.screenshot({ path: resolve(SCREENSHOTS, 'demo-erp-session-pl.png'), fullPage: true });

    // Nobody else heard of it: another origin's tab got no message, and no token is in the ERP's DOM.
    expect(
      await listener.evaluate(() => (window as unknown as { __probe: { window: unknown[] } }).__probe.window),
    ).toEqual([]);
    for (const t of tokens) expect(await erpPage.content()).not.toContain(tokenMark(t));
    await listener.close();
  });

  it('the popup shows the snapshot the wallet published after the unlock, with the network off', async () => {
    const popup = await openPopup(b, erpPage);
    await popup.setOfflineMode(true);
    await popup.reload();
    await popup.waitForSelector('[data-testid="popup"][data-ready="true"]');
    const companies = await popup.$$eval('[data-testid="company"]', (els) =>
      els.map((el) => ({ nip: el.getAttribute('data-nip'), text: el.textContent ?? '' })),
    );
    expect(companies.map((c) => c.nip).sort()).toEqual([NIP, NIP_ADMIN].sort());
    expect(companies.find((c) => c.nip === NIP)?.text).toContain(COMPANY);
    expect(
      await popup.$$eval(`[data-testid="company"][data-nip="${NIP}"] [data-testid="credential"]`, (els) =>
        els.map((el) => el.getAttribute('data-status')),
      ),
    ).toContain('active');
    await popup.close();
  });

  it('a second click with the wallet unlocked hands off silently: no window opens', async () => {
    await wallet.bringToFront();
    await wallet.waitForSelector('[data-testid="lock-state"][data-state="unlocked"]');
    await erpPage.bringToFront();
    const before = await erpPage.$eval(
      '[data-testid="session"]',
      (el) => (el as HTMLElement).dataset.referenceNumber,
    );
    await clickDemo(erpPage);
    await erpPage.waitForFunction(
      (ref) => {
        const s = document.querySelector('[data-testid="session"]') as HTMLElement | null;
        return s && !s.hidden && s.dataset.referenceNumber !== ref;
      },
      { timeout: 30_000 },
      before,
    );
    await erpPage.waitForSelector('[data-testid="session-proof"][data-state="ok"]', { timeout: 30_000 });
    expect(await handoffWindowsOpen(b, pwaOrigin)).toEqual([]);
  });

  it('delivers nothing when the ERP page navigates between the click and the delivery, and the wallet revokes that session at KSeF', async () => {
    sandbox.control.configure({ authDelayMs: 2500 });
    sandbox.control.clearRequests();
    try {
      await erpPage.bringToFront();
      await clickDemo(erpPage);
      await erpPage.waitForFunction(
        () =>
          document.querySelector('[data-testid="wallet-status"]')?.getAttribute('data-state') ===
          'logging-in',
      );
      await erpPage.reload();
      await erpPage.waitForFunction(
        () => document.querySelector('[data-testid="wallet-status"]')?.getAttribute('data-state') === 'ready',
      );
      const revoked = async () =>
        sandbox.control
          .requests()
          .some((r) => r.operation === 'DELETE /auth/sessions/{referenceNumber}' && r.status === 204);
      for (let i = 0; i < 150 && !(await revoked()); i++) await sleep(100);
      expect(await revoked()).toBe(true);
      expect(await erpPage.$eval('[data-testid="session"]', (el) => (el as HTMLElement).hidden)).toBe(true);
      const notDelivered = (await readExtensionTable(worker, 'activity')).filter(
        (r) => r.event === 'not-delivered',
      );
      expect(notDelivered).toHaveLength(1);
      const handed = (await readExtensionTable(worker, 'handedSessions')).map((r) => r.referenceNumber);
      expect(handed).not.toContain(notDelivered[0]!.referenceNumber);
    } finally {
      sandbox.control.configure({ authDelayMs: 0 });
    }
  });

  it('with an approval but a locked vault, the window only unlocks, then hands off without asking', async () => {
    await lockFromWallet(wallet);
    await erpPage.bringToFront();
    await clickDemo(erpPage);
    const { page: win } = await handoffWindow(b, pwaOrigin);
    await waitForStep(win, 'unlock');
    await recordSteps(win);
    const closed = new Promise<void>((done) => win.once('close', () => done()));
    await unlockInWindow(win);
    await waitForStep(win, 'done', 60_000);
    const steps = await win.evaluate(() => (window as unknown as { __steps: string[] }).__steps);
    expect(steps).not.toContain('approve');
    expect(steps.at(-1)).toBe('done');
    await closed;
    await erpPage.waitForSelector('[data-testid="session-proof"][data-state="ok"]', { timeout: 30_000 });
  });

  it('"with refresh token": the page that asked gets a refresh token, after the passphrase is re-entered', async () => {
    const page = await b.newPage();
    await page.goto(probe.url('refresh'));
    await enableSiteFromPopup(b, page);
    await untilProbe(page, 'ready');
    await clickProbe(page);
    const { page: win } = await handoffWindow(b, pwaOrigin);
    await waitForStep(win, 'approve', 60_000);
    expect(await win.$('[data-testid="approve-with-refresh"]')).not.toBeNull();
    await approveInWindow(win, 'with-refresh');
    const got = await untilProbe(page, 'session');
    const session = got.value as { refreshToken?: string; accessToken: string; referenceNumber: string };
    expect(session.refreshToken).toMatch(/^eyJ/);
    tokens.add(session.accessToken);
    tokens.add(session.refreshToken!);
    expect((await ksef(NIP).auth.refresh(session.refreshToken!)).ok).toBe(true);
  });

  it('the popup’s "Log in to KSeF" is one click while the wallet is unlocked: the page gets a new session, no window opens', async () => {
    const page = (await b.browser.pages()).find((p) => p.url() === probe.url('refresh'))!;
    await noHandoffWindows(b, pwaOrigin);
    const before = (await probeMessages(page)).length;
    const popup = await openPopup(b, page);
    const key = await popup.$$eval(
      '[data-testid="company-choice"] option',
      (options, nip) => options.map((o) => (o as HTMLOptionElement).value).find((v) => v.includes(nip)),
      NIP,
    );
    await popup.select('[data-testid="company-choice"]', key!);
    await popup.waitForSelector('[data-testid="log-in"]:not([disabled])');
    await popup.click('[data-testid="log-in"]');
    const got = await untilProbe(page, 'session', before);
    const session = got.value as { accessToken: string; refreshToken?: string };
    tokens.add(session.accessToken);
    if (session.refreshToken) tokens.add(session.refreshToken);
    expect(await handoffWindowsOpen(b, pwaOrigin)).toEqual([]);
    await popup.close().catch(() => {});
  });

  it('a session carrying CredentialsManage is not handed off without the explicit extra confirmation', async () => {
    const page = await b.newPage();
    await page.goto(probe.url('admin'));
    await untilProbe(page, 'ready');
    await clickProbe(page);
    const { page: win } = await handoffWindow(b, pwaOrigin);
    await waitForStep(win, 'approve', 60_000);
    expect(
      await win.$$eval('[data-permission]', (els) => els.map((el) => el.getAttribute('data-permission'))),
    ).toContain('CredentialsManage');
    await win.waitForSelector('[data-testid="handoff-credential-warning"]');
    await win.screenshot({
      path: resolve(SCREENSHOTS, 'handoff-approval-credentials-pl.png'),
      fullPage: true,
    });
    // Without the confirmation the approval cannot be given.
    await win.type('#handoff-approve-passphrase', PASSPHRASE);
    expect(
      await win.$eval('[data-testid="approve-access-only"]', (el) => (el as HTMLButtonElement).disabled),
    ).toBe(true);
    await win.click('[data-testid="approve-access-only"]');
    await sleep(300);
    expect(await win.$eval('[data-testid="handoff-screen"]', (el) => (el as HTMLElement).dataset.step)).toBe(
      'approve',
    );
    expect((await probeMessages(page)).some((m) => m.type === 'session')).toBe(false);
    await win.click('[data-testid="confirm-credentials"]');
    await win.click('[data-testid="approve-access-only"]');
    const got = await untilProbe(page, 'session');
    tokens.add((got.value as { accessToken: string }).accessToken);
    const approvals = await readExtensionTable(worker, 'approvals');
    expect(approvals.find((a) => a.nip === NIP_ADMIN)).toMatchObject({
      origin: probe.origin,
      credentialsConfirmed: true,
    });
  });

  it('revoking in Settings ends the pages’ sessions, revokes them at KSeF (a refresh fails with 21301/425), and nothing stays pending — also when KSeF could not be reached at first', async () => {
    const refreshPage = (await b.browser.pages()).find((p) => p.url() === probe.url('refresh'))!;
    // The page holds two sessions of this approval (the window's and the popup's).
    const sessions = (await probeMessages(refreshPage))
      .filter((m) => m.type === 'session')
      .map((m) => m.value as { refreshToken: string; referenceNumber: string });
    expect(sessions).toHaveLength(2);
    await settingsSection();
    const listed = await wallet.$$eval('[data-testid="approval"]', (els) =>
      els.map((el) => `${el.getAttribute('data-origin')} ${el.getAttribute('data-nip')}`),
    );
    expect(listed.sort()).toEqual(
      [`${demo.origin} ${NIP}`, `${probe.origin} ${NIP}`, `${probe.origin} ${NIP_ADMIN}`].sort(),
    );
    await shot(wallet, 'handoff-settings-sites-pl');
    expect(await axeSeriousOrWorse(wallet), 'settings').toEqual([]);
    await wallet.select('#topbar-language', 'en');
    await wallet.waitForFunction(
      () =>
        document.querySelector('#erp-sites-heading')?.textContent ===
        'ERP sites with access to KSeF sessions',
    );
    await shot(wallet, 'handoff-settings-sites-en');
    await wallet.select('#topbar-language', 'pl');

    // "Offline": KSeF's DELETE answers never arrive, so the revocation waits.
    sandbox.control.injectFault({
      kind: 'drop-before',
      operation: 'DELETE /auth/sessions/{referenceNumber}',
      times: 50,
    });
    sandbox.control.injectFault({
      kind: 'drop-before',
      operation: 'DELETE /auth/sessions/current',
      times: 50,
    });
    const item = `[data-testid="approval"][data-origin="${probe.origin}"][data-nip="${NIP}"]`;
    await clickButtonIn(wallet, item, 'Cofnij zgodę');
    // A wrong passphrase changes nothing.
    await fill(wallet, 'Hasło portfela (potwierdza cofnięcie)', 'nie to hasło', item);
    await clickButtonIn(wallet, item, 'Cofnij zgodę i unieważnij sesje');
    await wallet.waitForFunction(
      (sel) => document.querySelector(sel)?.textContent?.includes('Nieprawidłowe hasło'),
      {},
      item,
    );
    await fill(wallet, 'Hasło portfela (potwierdza cofnięcie)', PASSPHRASE, item);
    await clickButtonIn(wallet, item, 'Cofnij zgodę i unieważnij sesje');
    await wallet.waitForSelector('[data-testid="pending-revocations"][data-count="2"]', { timeout: 60_000 });
    // The page heard at once that its sessions ended.
    await untilProbe(refreshPage, 'ended');
    await sleep(300);
    const ended = (await probeMessages(refreshPage)).filter((m) => m.type === 'ended').map((m) => m.value);
    expect(ended).toEqual(
      expect.arrayContaining(
        sessions.map((x) => ({ referenceNumber: x.referenceNumber, reason: 'revoked' })),
      ),
    );

    // Back "online": "Revoke now" (or the wallet's own retry, which may win the race) revokes it.
    sandbox.control.clearFaults();
    await wallet.click('[data-testid="pending-retry"]').catch(() => {});
    await wallet.waitForSelector('[data-testid="pending-revocations"][data-count="0"]', { timeout: 60_000 });
    for (const x of sessions) {
      const refresh = await ksef(NIP).auth.refresh(x.refreshToken);
      expect(refresh).toMatchObject({ ok: false, error: { ksef: { code: 21301 } } });
      expect(JSON.stringify(refresh)).toContain('(425)');
    }

    // The demo ERP's approval: revoked too; its open session ends. (Sessions its earlier
    // documents held were ended for them at the lock and already revoked by the wallet's sweep
    // after the unlock; the live ones go now.)
    const live = (await readExtensionTable(worker, 'handedSessions')).filter(
      (s) => s.origin === demo.origin && s.revocation === 'none',
    );
    expect(live.length).toBeGreaterThan(0);
    const demoItem = `[data-testid="approval"][data-origin="${demo.origin}"]`;
    await clickButtonIn(wallet, demoItem, 'Cofnij zgodę');
    await fill(wallet, 'Hasło portfela (potwierdza cofnięcie)', PASSPHRASE, demoItem);
    await clickButtonIn(wallet, demoItem, 'Cofnij zgodę i unieważnij sesje');
    await wallet.waitForSelector(demoItem, { hidden: true, timeout: 60_000 });
    await wallet.waitForFunction(
      () =>
        document.querySelector('[data-testid="erp-sites-message"]')?.textContent?.includes('Zgoda cofnięta'),
      { timeout: 60_000 },
    );
    expect(await wallet.$eval('[data-testid="erp-sites-message"]', (el) => el.textContent)).toBe(
      `Zgoda cofnięta. Unieważniono w KSeF sesji: ${live.length}.`,
    );
    await wallet.waitForSelector('[data-testid="pending-revocations"][data-count="0"]');
    await erpPage.waitForFunction(
      () => document.querySelector('[data-testid="wallet-status"]')?.getAttribute('data-state') === 'ended',
    );
    const stored = await readExtensionTable(worker, 'handedSessions');
    expect(stored.filter((s) => s.origin === demo.origin).map((s) => s.revocation)).not.toContain('pending');
    expect(stored.filter((s) => s.origin === demo.origin).map((s) => s.revocation)).not.toContain('none');
  });

  it('a refusal gives the page "refused" and 24 h without prompts; lifting it in Settings lets the site ask again', async () => {
    await erpPage.bringToFront();
    await clickDemo(erpPage);
    const { page: win } = await handoffWindow(b, pwaOrigin);
    await waitForStep(win, 'approve', 60_000);
    const closed = new Promise<void>((done) => win.once('close', () => done()));
    await win.click('[data-testid="refuse"]');
    await closed;
    await erpPage.waitForFunction(() =>
      document.querySelector('[data-testid="wallet-status"]')?.textContent?.includes('refused'),
    );
    // Quiet: the next click opens no window.
    const blockedBefore = (await readExtensionTable(worker, 'activity')).filter(
      (r) => r.event === 'blocked',
    ).length;
    await clickLoginUntil(
      erpPage,
      async () =>
        (await readExtensionTable(worker, 'activity')).filter((r) => r.event === 'blocked').length >
        blockedBefore,
    );
    await sleep(500);
    expect(await handoffWindowsOpen(b, pwaOrigin)).toEqual([]);

    await settingsSection();
    await wallet.waitForSelector(`[data-testid="refusal"][data-origin="${demo.origin}"]`);
    await clickButtonIn(wallet, `[data-testid="refusal"][data-origin="${demo.origin}"]`, 'Znieś odmowę');
    await wallet.waitForSelector(`[data-testid="refusal"][data-origin="${demo.origin}"]`, { hidden: true });
    await erpPage.bringToFront();
    await clickDemo(erpPage);
    const again = await handoffWindow(b, pwaOrigin);
    await waitForStep(again.page, 'approve', 60_000);
    await again.page.click('[data-testid="refuse"]');
  });

  it('every hand-off is in the wallet’s activity log', async () => {
    await settingsSection();
    const events = await wallet.$$eval('[data-testid="handoff-activity"] tr', (rows) =>
      rows.map((r) => `${r.getAttribute('data-source')}:${r.getAttribute('data-event')}`),
    );
    for (const e of [
      'extension:evRequested',
      'extension:evWindowOpened',
      'extension:evWalletAsked',
      'extension:evApproved',
      'extension:evDelivered',
      'extension:evNotDelivered',
      'extension:evRefused',
      'extension:evBlocked',
      'extension:evRevoked',
      'wallet:evLogin',
      'wallet:evApprovalGranted',
      'wallet:evApprovalRevoked',
    ])
      expect(events, e).toContain(e);
  });

  it('leaves no token in chrome.storage, the extension database, any URL, console line or DOM attribute', async () => {
    expect(tokens.size).toBeGreaterThanOrEqual(4);
    const dump = await dumpChromeStorage(worker);
    expect(dump.local).toEqual({});
    expect(dump.sync).toEqual({});
    expect(unexpectedStorageEntries(dump.session ?? {})).toEqual([]);
    const tables = [
      'erpSites',
      'approvals',
      'refusals',
      'handedSessions',
      'pendingHandoffs',
      'activity',
      'snapshot',
    ];
    const stored = JSON.stringify(await Promise.all(tables.map((t) => readExtensionTable(worker, t))));
    const attributes = (await watch.domAttributes()).join('\n');
    const consoleText = watch.consoleLines.join('\n');
    const urls = watch.urls.join('\n');
    for (const t of tokens) {
      const mark = tokenMark(t);
      expect(stored).not.toContain(mark);
      expect(attributes).not.toContain(mark);
      expect(consoleText).not.toContain(mark);
      expect(urls).not.toContain(mark);
    }
    expect(urls).toContain(`${pwaOrigin}/#/handoff/`); // the watch saw the hand-off windows
    expect(stored).toMatch(/"referenceNumber":"\d{8}-AU-/);
  });
});

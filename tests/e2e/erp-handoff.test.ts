/**
 * The session hand-off end to end in real Chromium: the built extension, the local KSeF sandbox,
 * the demo ERP (integrated only through docs/erp-integration.md) and the wallet's origin.
 *
 * The wallet's own hand-off screens (unlock, approve, mint from the vault) are built later; until
 * then this file plays the wallet's side of docs/wallet-extension-protocol.md from a real page of
 * the wallet's origin (the built PWA), through the real externally_connectable channel, with real
 * KSeF sessions that the test obtains from the sandbox with the KSeF client (TEST certificate
 * login). Everything on the extension's and the ERP's side is the product.
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
import { loginWithTestCertificate } from '../../shared/ksef/login-with-test-certificate.ts';
import { systemClock } from '../../shared/platform.ts';
import { EXTENSION_ID } from '../../shared/protocol/constants.ts';
import { WALLET_PORT_NAME } from '../../shared/protocol/wallet-push.ts';
import { launchBrowser, type TestBrowser, waitForExtensionWorker } from './harness/browser.ts';
import { type ErpSite, startErpSite } from './harness/erp-site.ts';
import {
  backgroundWorker,
  clickLoginUntil,
  dumpChromeStorage,
  enableSiteFromPopup,
  pagesAt,
  readExtensionTable,
  sleep,
} from './harness/extension-inspect.ts';

const SCREENSHOTS = resolve(import.meta.dirname, '../artifacts/screenshots');
const ENV = 'custom:sandbox';
const NIP = '5250001233'; // seeded: Przykładowa Spółka z o.o.

let b: TestBrowser;
let worker: WebWorker;
let sandbox: Sandbox;
let demo: DemoErp;
let other: ErpSite;
let pwaOrigin: string;
let erpPage: Page;
let walletTab: Page;
const handed: { referenceNumber: string; accessToken: string; refreshToken: string }[] = [];
/** Reference numbers of the sessions that reached an ERP page. */
const delivered: string[] = [];

const transport = () =>
  createFetchTransport({ fetch, resolveBaseUrl: (env) => (env === ENV ? sandbox.baseUrl : null) });
const ksef = () =>
  createKsefClient({
    transport: transport(),
    clock: systemClock,
    subtle: globalThis.crypto.subtle,
    env: ENV,
    context: { type: 'Nip', value: NIP },
  });

/** A fresh KSeF session for the company, as the wallet would mint one (here: TEST certificate login). */
async function mintSession() {
  const login = await loginWithTestCertificate(ksef(), { context: { type: 'Nip', value: NIP } });
  if (!login.ok) throw new Error(`sandbox login failed: ${login.error.code}`);
  const per = JSON.parse(
    JSON.parse(Buffer.from(login.value.accessToken.split('.')[1]!, 'base64url').toString()).per,
  ) as string[];
  handed.push(login.value);
  return {
    environment: ENV,
    nip: NIP,
    referenceNumber: login.value.referenceNumber,
    accessToken: login.value.accessToken,
    accessTokenValidUntil: login.value.accessTokenValidUntil,
    permissions: per,
  };
}

/** One message from a wallet-origin page to the extension (docs/wallet-extension-protocol.md). */
async function walletCall(
  page: Page,
  kind: string,
  payload: unknown,
): Promise<{ ok: boolean; value?: never; error?: { code: string } }> {
  // A freshly opened wallet window may not have committed its document yet (slow, loaded CI
  // machines): chrome.runtime appears on the wallet's origin only once it has.
  await page.waitForFunction(() => typeof chrome !== 'undefined' && !!chrome.runtime?.sendMessage, {
    timeout: 10_000,
  });
  return page.evaluate(
    (extId, msg) =>
      new Promise((done) =>
        chrome.runtime.sendMessage(extId, msg, (reply: unknown) =>
          done(reply ?? { lastError: chrome.runtime.lastError?.message }),
        ),
      ),
    EXTENSION_ID,
    {
      protocol: 'ksef-wallet',
      v: 1,
      id: `w${Math.random().toString(36).slice(2, 14)}`,
      kind,
      payload,
    } as never,
  ) as never;
}

/**
 * The armed button's click, as a user makes it (puppeteer mouse events are trusted), repeated on a
 * slow machine until the page hears back (status or error) or a wallet window opens.
 */
async function clickLogin(page: Page) {
  const heard = await page.$$eval('[data-testid="wallet-status"]', (els) => els[0]?.textContent ?? '');
  await clickLoginUntil(page, async () => {
    const now = await page.$$eval('[data-testid="wallet-status"]', (els) => els[0]?.textContent ?? '');
    return now !== heard || (await pagesAt(b, `${pwaOrigin}/#/handoff/`)).length > 0;
  });
}

const status = (page: Page) =>
  page.$eval('[data-testid="wallet-status"]', (el) => (el as HTMLElement).dataset.state);

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
  demo = await startDemoErp({ ksefBaseUrl: sandbox.baseUrl });
  other = await startErpSite({ listener: { body: '<p>inna strona</p>', connect: false } });
  pwaOrigin = inject('pwaOrigin');
  b = await launchBrowser({ extensionDir: inject('extensionDir'), args: ['--lang=pl', '--accept-lang=pl'] });
  await waitForExtensionWorker(b);
  worker = await backgroundWorker(b);
  mkdirSync(SCREENSHOTS, { recursive: true });
  erpPage = await b.newPage();
  await erpPage.goto(`${demo.origin}/?nip=${NIP}&environment=${ENV}`);
  await enableSiteFromPopup(b, erpPage);
  await erpPage.waitForFunction(
    () => document.querySelector('[data-testid="wallet-status"]')?.getAttribute('data-state') === 'ready',
  );
}, 180_000);

afterAll(async () => {
  await b?.close();
  await demo?.close();
  await other?.close();
  await sandbox?.close();
});

describe('session hand-off to the demo ERP', () => {
  it('first hand-off: a wallet window asks, the user approves, the demo ERP receives a working KSeF session', async () => {
    const listener = await b.newPage();
    await listener.goto(other.url('listener'));
    await erpPage.bringToFront();

    const opened = b.browser.waitForTarget((t) => t.url().startsWith(`${pwaOrigin}/#/handoff/`), {
      timeout: 10_000,
    });
    await clickLogin(erpPage);
    const walletTarget = await opened;
    const wallet = await walletTarget.asPage();
    // The target's URL, not the page's: the page may not have committed its first URL yet.
    const handoffId = new URL(walletTarget.url()).hash.replace('#/handoff/', '');
    await erpPage.waitForFunction(
      () =>
        document.querySelector('[data-testid="wallet-status"]')?.getAttribute('data-state') ===
        'waiting-for-user',
    );

    const view = await walletCall(wallet, 'handoff.get', { handoffId });
    expect(view).toMatchObject({
      ok: true,
      value: {
        origin: demo.origin,
        nip: NIP,
        environment: ENV,
        wantRefresh: false,
        trigger: 'button',
        approval: null,
      },
    });

    // An owner's session carries CredentialsManage: the wallet showed it and the user confirmed it (T7).
    const session = await mintSession();
    expect(session.permissions).toContain('CredentialsManage');
    const closed = new Promise<void>((done) => wallet.once('close', () => done()));
    const done = await walletCall(wallet, 'handoff.complete', {
      handoffId,
      outcome: 'session',
      session,
      decision: { grant: 'access-only', credentialsConfirmed: true },
    });
    expect(done).toMatchObject({ ok: true, value: { delivered: true } });
    delivered.push(session.referenceNumber);
    await closed; // the extension closes the window it opened

    await erpPage.waitForSelector(
      `[data-testid="session"][data-reference-number="${session.referenceNumber}"]`,
    );
    await erpPage.waitForSelector('[data-testid="session-proof"][data-state="ok"]', { timeout: 20_000 });
    const listed = await erpPage.$eval(
      '[data-testid="session-proof"] tr[data-current="true"]',
      (tr) => (tr as HTMLElement).dataset.referenceNumber,
    );
    expect(listed).toBe(session.referenceNumber);
    await erpPage.screenshot({ path: resolve(SCREENSHOTS, 'demo-erp-session-pl.png'), fullPage: true });

    // Nobody else heard of it: another origin's tab got no message, and no token is on the page's DOM.
    expect(
      await listener.evaluate(() => (window as unknown as { __probe: { window: unknown[] } }).__probe.window),
    ).toEqual([]);
    expect(await erpPage.content()).not.toContain(session.accessToken);
    await listener.close();
  });

  it('a second click needs no approval: an unlocked wallet window mints silently, no window opens', async () => {
    walletTab = await b.newPage();
    await walletTab.goto(`${pwaOrigin}/`);
    // The wallet keeps a Port open and reports its lock state — only the state and its expiry.
    await walletTab.evaluate(
      (extId, name, until) => {
        const w = window as unknown as { __pushes: unknown[]; __port: chrome.runtime.Port };
        w.__pushes = [];
        w.__port = chrome.runtime.connect(extId, { name });
        w.__port.onMessage.addListener((m: unknown) => w.__pushes.push(m));
        w.__port.postMessage({
          protocol: 'ksef-wallet',
          v: 1,
          id: 'state-00000001',
          kind: 'wallet.state',
          payload: { locked: false, unlockedUntil: until },
        });
      },
      EXTENSION_ID,
      WALLET_PORT_NAME,
      Date.now() + 15 * 60_000,
    );
    await walletTab.waitForFunction(() =>
      (window as unknown as { __pushes: { id?: string }[] }).__pushes.some((p) => p.id === 'state-00000001'),
    );
    await erpPage.bringToFront();
    await clickLogin(erpPage);

    const mint = (await walletTab
      .waitForFunction(
        () =>
          (window as unknown as { __pushes: { push?: string }[] }).__pushes.find(
            (p) => p.push === 'handoff.mint',
          ),
        { timeout: 10_000, polling: 100 }, // a background tab runs no animation frames
      )
      .then((h) => h.jsonValue())) as { payload: Record<string, unknown> };
    expect(mint.payload).toMatchObject({
      origin: demo.origin,
      nip: NIP,
      environment: ENV,
      grant: 'access-only',
      credentialsConfirmed: true,
    });
    await erpPage.waitForFunction(
      () =>
        document.querySelector('[data-testid="wallet-status"]')?.getAttribute('data-state') === 'logging-in',
    );

    const session = await mintSession();
    expect(
      await walletCall(walletTab, 'handoff.complete', {
        handoffId: mint.payload.handoffId,
        outcome: 'session',
        session,
      }),
    ).toMatchObject({
      ok: true,
      value: { delivered: true },
    });
    delivered.push(session.referenceNumber);
    await erpPage.waitForSelector(
      `[data-testid="session"][data-reference-number="${session.referenceNumber}"]`,
    );
    await erpPage.waitForSelector('[data-testid="session-proof"][data-state="ok"]', { timeout: 20_000 });
    expect(await pagesAt(b, `${pwaOrigin}/#/handoff/`)).toEqual([]);
  });

  it('delivers nothing when the ERP page navigates between the click and the delivery', async () => {
    await walletTab.evaluate(() => ((window as unknown as { __pushes: unknown[] }).__pushes.length = 0));
    await erpPage.bringToFront();
    await clickLogin(erpPage);
    const mint = (await walletTab
      .waitForFunction(
        () =>
          (window as unknown as { __pushes: { push?: string }[] }).__pushes.find(
            (p) => p.push === 'handoff.mint',
          ),
        { timeout: 10_000, polling: 100 },
      )
      .then((h) => h.jsonValue())) as { payload: { handoffId: string } };
    await erpPage.reload();
    await erpPage.waitForFunction(
      () => document.querySelector('[data-testid="wallet-status"]')?.getAttribute('data-state') === 'ready',
    );

    const session = await mintSession();
    expect(
      await walletCall(walletTab, 'handoff.complete', {
        handoffId: mint.payload.handoffId,
        outcome: 'session',
        session,
      }),
    ).toMatchObject({
      ok: true,
      value: { delivered: false },
    });
    await sleep(500);
    expect(await status(erpPage)).toBe('ready');
    expect(await erpPage.$eval('[data-testid="session"]', (el) => (el as HTMLElement).hidden)).toBe(true);
    const records = await readExtensionTable(worker, 'handedSessions');
    expect(records.map((r) => r.referenceNumber)).not.toContain(session.referenceNumber);
    // Nobody got it, so the wallet revokes it at KSeF.
    expect((await ksef().sessions.revoke(session.accessToken, session.referenceNumber)).ok).toBe(true);
  });

  it('a locked vault opens the wallet window even with an approval; it unlocks and hands off without asking again', async () => {
    await walletTab.evaluate(() =>
      (window as unknown as { __port: chrome.runtime.Port }).__port.postMessage({
        protocol: 'ksef-wallet',
        v: 1,
        id: 'state-00000002',
        kind: 'wallet.state',
        payload: { locked: true },
      }),
    );
    await sleep(200);
    await erpPage.bringToFront();
    const opened = b.browser.waitForTarget((t) => t.url().startsWith(`${pwaOrigin}/#/handoff/`), {
      timeout: 10_000,
    });
    await clickLogin(erpPage);
    const walletTarget = await opened;
    const wallet = await walletTarget.asPage();
    // The target's URL, not the page's: the page may not have committed its first URL yet.
    const handoffId = new URL(walletTarget.url()).hash.replace('#/handoff/', '');
    // The approval stands: the window only unlocks, then mints.
    expect(await walletCall(wallet, 'handoff.get', { handoffId })).toMatchObject({
      ok: true,
      value: { approval: { origin: demo.origin, nip: NIP, environment: ENV, grant: 'access-only' } },
    });
    const session = await mintSession();
    expect(
      await walletCall(wallet, 'handoff.complete', { handoffId, outcome: 'session', session }),
    ).toMatchObject({ ok: true, value: { delivered: true } });
    delivered.push(session.referenceNumber);
    await erpPage.waitForSelector(
      `[data-testid="session"][data-reference-number="${session.referenceNumber}"]`,
    );
  });

  it('keeps no token in chrome.storage or in the extension database', async () => {
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
    for (const s of handed) {
      expect(stored).not.toContain(s.accessToken.split('.')[2]);
      expect(stored).not.toContain(s.refreshToken.split('.')[2]);
    }
    expect(stored).toContain(handed[0]!.referenceNumber);
  });

  it('revoking the approval ends the session in the page, hands the references to the wallet for KSeF, and the next click asks again', async () => {
    // The reloaded page gets a session of its own first (silently: the approval still stands and
    // the wallet is unlocked again).
    await walletTab.evaluate(
      (until) => {
        const w = window as unknown as { __pushes: unknown[]; __port: chrome.runtime.Port };
        w.__pushes.length = 0;
        w.__port.postMessage({
          protocol: 'ksef-wallet',
          v: 1,
          id: 'state-00000003',
          kind: 'wallet.state',
          payload: { locked: false, unlockedUntil: until },
        });
      },
      Date.now() + 15 * 60_000,
    );
    await sleep(200);
    await erpPage.bringToFront();
    await clickLogin(erpPage);
    const mint = (await walletTab
      .waitForFunction(
        () =>
          (window as unknown as { __pushes: { push?: string }[] }).__pushes.find(
            (p) => p.push === 'handoff.mint',
          ),
        { timeout: 10_000, polling: 100 },
      )
      .then((h) => h.jsonValue())) as { payload: { handoffId: string } };
    const latest = await mintSession();
    await walletCall(walletTab, 'handoff.complete', {
      handoffId: mint.payload.handoffId,
      outcome: 'session',
      session: latest,
    });
    await erpPage.waitForSelector(
      `[data-testid="session"][data-reference-number="${latest.referenceNumber}"]`,
    );

    const revoked = (await walletCall(walletTab, 'approvals.revoke', {
      origin: demo.origin,
      nip: NIP,
      environment: ENV,
    })) as unknown as {
      ok: boolean;
      value: { sessions: { referenceNumber: string }[] };
    };
    expect(revoked.ok).toBe(true);
    expect(revoked.value.sessions.map((s) => s.referenceNumber).sort()).toEqual(
      // Every session delivered under the approval; not the one that never reached a page.
      [...delivered, latest.referenceNumber].sort(),
    );
    // The document that holds the latest session hears that it ended (earlier documents are gone).
    await erpPage.waitForFunction(
      () => document.querySelector('[data-testid="wallet-status"]')?.getAttribute('data-state') === 'ended',
    );

    // The wallet revokes each at KSeF; their refresh tokens stop working (T7: 21301 with status 425).
    for (const ref of revoked.value.sessions.map((s) => s.referenceNumber)) {
      const s = handed.find((h) => h.referenceNumber === ref)!;
      expect((await ksef().sessions.revoke(s.accessToken, ref)).ok).toBe(true);
      const refresh = await ksef().auth.refresh(s.refreshToken);
      expect(refresh).toMatchObject({ ok: false, error: { ksef: { code: 21301 } } });
    }
    expect(
      await walletCall(walletTab, 'sessions.revoked', {
        referenceNumbers: revoked.value.sessions.map((s) => s.referenceNumber),
      }),
    ).toMatchObject({ ok: true, value: { updated: delivered.length + 1 } });

    // No approval any more: the next click opens a wallet window again; a refusal quiets the site.
    await erpPage.bringToFront();
    const opened = b.browser.waitForTarget((t) => t.url().startsWith(`${pwaOrigin}/#/handoff/`), {
      timeout: 10_000,
    });
    await clickLogin(erpPage);
    const walletTarget = await opened;
    const wallet = await walletTarget.asPage();
    // The target's URL, not the page's: the page may not have committed its first URL yet.
    const handoffId = new URL(walletTarget.url()).hash.replace('#/handoff/', '');
    expect(await walletCall(wallet, 'handoff.get', { handoffId })).toMatchObject({
      ok: true,
      value: { approval: null },
    });
    expect(await walletCall(wallet, 'handoff.complete', { handoffId, outcome: 'refused' })).toMatchObject({
      ok: true,
    });
    await erpPage.waitForFunction(() =>
      document.querySelector('[data-testid="wallet-status"]')?.textContent?.includes('refused'),
    );

    // The same text comes back ("refused"), so the click counts as heard once the background blocked it.
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
    expect(await pagesAt(b, `${pwaOrigin}/#/handoff/`)).toEqual([]);
    expect(await erpPage.$eval('[data-testid="wallet-status"]', (el) => el.textContent)).toContain('refused');
    const events = (await readExtensionTable(worker, 'activity')).map((r) => r.event);
    expect(events.at(-1)).toBe('blocked');
  });
});

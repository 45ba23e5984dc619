/**
 * Refreshes for an ERP page that holds no refresh token, in real Chromium with the real wallet and
 * real time (docs/wallet-extension-protocol.md §5.4, SECURITY.md §4 "refresh ≤ 2 min before exp"):
 * the sandbox issues access tokens of 5 min 10 s — just over the 5 minutes a hand-off needs — so
 * the wallet's refresh comes about 3 minutes after the hand-off. One page stays open and gets
 * `session-refreshed` about two minutes before its token expires; a second page of the same site is
 * closed before that, so its session gets no refresh and is revoked at KSeF; a lock ends the open
 * page's session (`session-ended`, `wallet-locked`). This file waits for real time (~3.5 min).
 */
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../sandbox/server.ts';
import { randomNip } from '../integration/client/sandbox-fixture.ts';
import {
  addCompanyWithToken,
  approveInWindow,
  createVault,
  handoffWindow,
  lockFromWallet,
  noHandoffWindows,
} from './handoff-setup.ts';
import { launchBrowser, type TestBrowser, waitForExtensionWorker } from './harness/browser.ts';
import { type ErpSite, startErpSite } from './harness/erp-site.ts';
import { clickLoginUntil, enableSiteFromPopup, sleep } from './harness/extension-inspect.ts';
import { addSandboxEnvironment } from './harness/wallet-page.ts';

const NIP = randomNip();
const ENV = 'custom:sandbox';
/** Just over the 5 minutes a hand-off must have left (SECURITY.md §4). */
const ACCESS_TTL_S = 310;

let b: TestBrowser;
let sandbox: Sandbox;
let site: ErpSite;
let pwaOrigin: string;
let wallet: Page;

type ProbeMessage = { type: string; value: Record<string, unknown> | null; at?: number };
const messages = (page: Page) =>
  page.evaluate(() => (window as unknown as { __probe: { port: ProbeMessage[] } }).__probe.port) as Promise<
    ProbeMessage[]
  >;

async function until(page: Page, type: string, timeoutMs: number): Promise<ProbeMessage> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const found = (await messages(page)).find((m) => m.type === type);
    if (found) return found;
    await sleep(250);
  }
  throw new Error(`the page did not receive ${type} within ${timeoutMs} ms`);
}

async function click(page: Page) {
  await noHandoffWindows(b, pwaOrigin);
  const before = (await messages(page)).length;
  await page.bringToFront();
  await clickLoginUntil(
    page,
    async () =>
      (await messages(page)).length > before ||
      (await b.browser.targets()).some((t) => t.url().startsWith(`${pwaOrigin}/#/handoff/`)),
  );
}

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, rateLimits: 'off', accessTokenTtlSeconds: ACCESS_TTL_S });
  site = await startErpSite({
    erp: {
      body: '<h1>ERP</h1><ksef-wallet-login></ksef-wallet-login>',
      want: { nip: NIP, environment: ENV },
    },
  });
  pwaOrigin = inject('pwaOrigin');
  b = await launchBrowser({ extensionDir: inject('extensionDir'), args: ['--lang=pl', '--accept-lang=pl'] });
  await waitForExtensionWorker(b);
  expect(await addSandboxEnvironment(b, 'sandbox', sandbox.baseUrl)).toBe(ENV);
  wallet = await b.newPage();
  await wallet.goto(`${pwaOrigin}/`);
  await wallet.waitForSelector('[data-testid="extension-status"][data-state="connected"]');
  await createVault(wallet);
  await addCompanyWithToken(wallet, {
    name: 'Firma Odświeżana',
    nip: NIP,
    envId: ENV,
    permissions: ['InvoiceRead'],
  });
}, 240_000);

afterAll(async () => {
  await b?.close();
  await site?.close();
  await sandbox?.close();
});

describe('refreshes for an ERP page without a refresh token', () => {
  it(
    'arrive about two minutes before expiry while the page is open and the wallet unlocked; a closed page gets none and its session is revoked; a lock ends the session',
    async () => {
      const open = await b.newPage();
      await open.goto(site.url('erp'));
      await enableSiteFromPopup(b, open);
      await until(open, 'ready', 10_000);
      await click(open);
      const { page: win } = await handoffWindow(b, pwaOrigin);
      await approveInWindow(win, 'access-only');
      const first = (await until(open, 'session', 30_000)).value as {
        referenceNumber: string;
        accessToken: string;
        accessTokenValidUntil: string;
      };
      expect(first).not.toHaveProperty('refreshToken');

      // A second page of the same site gets its own session silently, and is closed at once.
      const closing = await b.newPage();
      await closing.goto(site.url('erp'));
      await until(closing, 'ready', 10_000);
      await click(closing);
      const second = (await until(closing, 'session', 30_000)).value as { referenceNumber: string };
      await closing.close();

      // The open page's refresh: within the last two minutes of its token, with a new token.
      const expiry = Date.parse(first.accessTokenValidUntil);
      const refreshed = (await until(open, 'refreshed', expiry - Date.now() + 10_000)).value as {
        referenceNumber: string;
        accessToken: string;
        accessTokenValidUntil: string;
      };
      const leftAtRefresh = expiry - Date.now();
      expect(leftAtRefresh).toBeLessThanOrEqual(120_000);
      expect(leftAtRefresh).toBeGreaterThan(60_000);
      expect(refreshed.referenceNumber).toBe(first.referenceNumber);
      expect(refreshed.accessToken).not.toBe(first.accessToken);
      expect(Date.parse(refreshed.accessTokenValidUntil)).toBeGreaterThan(expiry);

      // The closed page's session got no refresh: the wallet revoked it at KSeF instead.
      const revokedAtKsef = () =>
        sandbox.control
          .requests()
          .some((r) => r.operation === 'DELETE /auth/sessions/{referenceNumber}' && r.status === 204);
      for (let i = 0; i < 120 && !revokedAtKsef(); i++) await sleep(250);
      expect(revokedAtKsef()).toBe(true);
      expect(second.referenceNumber).not.toBe(first.referenceNumber);

      // A lock ends the open page's session: no more refreshes from a locked wallet.
      await lockFromWallet(wallet);
      const ended = (await until(open, 'ended', 15_000)).value;
      expect(ended).toEqual({ referenceNumber: first.referenceNumber, reason: 'wallet-locked' });
      expect((await messages(open)).filter((m) => m.type === 'refreshed')).toHaveLength(1);
    },
    6 * 60_000,
  );
});

/**
 * Several tabs, one vault: every tab of the PWA talks to the same shared key worker, so an unlock
 * in one serves all, writes from two tabs at once all land (and the activity chain stays intact),
 * and a lock in one locks all — each page is told and reloads, and the key worker is gone. Also
 * SECURITY.md T1: the page's main thread never handles a key (no Web Crypto key call at all).
 */
import { rmSync } from 'node:fs';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nipChecksumDigit } from '../../shared/domain/nip.ts';
import {
  launchOnProfile,
  newProfileDir,
  openVaultPage,
  serveVaultPage,
  type VaultPageServer,
  waitForNoKeyWorker,
} from '../browser/vault/serve-vault-page.ts';
import { FAST_KDF, NIP, PASSPHRASE, REF, tokenSecret } from '../browser/vault/vault-suite.ts';

const NAME = 'ksef-wallet-vault:test-tabs';
let server: VaultPageServer;
let browser: Browser;
const profile = newProfileDir();

const call = <T>(page: Page, method: string, arg?: unknown) =>
  page.evaluate((m, a) => window.vaultPage.call(m as never, a), method, arg as never) as Promise<T>;
type R<T> = { ok: boolean; value: T; error?: { reason: string } };
async function tab(): Promise<Page> {
  const page = await openVaultPage(browser, server.origin);
  await page.evaluate((n) => window.vaultPage.open(n), NAME);
  return page;
}
/** Valid NIPs: nine digits and their checksum digit. */
function nips(count: number, seed: number): string[] {
  const out: string[] = [];
  for (let n = seed; out.length < count; n++) {
    const first = String(123_000_000 + n);
    const d = nipChecksumDigit(first);
    if (d !== null && /^[1-9]((\d[1-9])|([1-9]\d))/.test(first)) out.push(`${first}${d}`);
  }
  return out;
}

beforeAll(async () => {
  server = await serveVaultPage();
  browser = await launchOnProfile(profile);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  rmSync(profile, { recursive: true, force: true });
});

describe('two tabs share one vault', () => {
  let a: Page;
  let b: Page;

  it('an unlock in one tab serves the other; writes from both at once all land, the log chain intact', async () => {
    a = await tab();
    b = await tab();
    expect((await call<R<unknown>>(a, 'create', { passphrase: PASSPHRASE, kdf: FAST_KDF })).ok).toBe(true);
    expect((await call<{ state: string }>(b, 'status')).state).toBe('unlocked');
    expect(browser.targets().filter((t) => t.type() === 'shared_worker')).toHaveLength(1);
    const [fromA, fromB] = [nips(8, 100), nips(8, 5000)];
    const addAll = (page: Page, list: string[], who: string) =>
      page.evaluate(
        (l, w) =>
          Promise.all(
            l.map((nip, i) =>
              window.vaultPage.call('addCompany', { name: `${w} ${i}`, nip, environment: 'TEST' }),
            ),
          ),
        list,
        who,
      );
    const results = (
      await Promise.all([addAll(a, fromA, 'Firma A'), addAll(b, fromB, 'Firma B')])
    ).flat() as R<unknown>[];
    expect(JSON.stringify(results.filter((r) => !r.ok))).toBe('[]');
    const seenByA = await call<{ nip: string }[]>(a, 'listCompanies');
    const seenByB = await call<{ nip: string }[]>(b, 'listCompanies');
    expect(seenByA.map((c) => c.nip).sort()).toEqual([...fromA, ...fromB].sort());
    expect(seenByB).toEqual(seenByA);
    // A write from B is readable as a secret from A.
    const company = seenByA[0] as unknown as { id: string };
    const begun = await call<R<{ pendingId: string }>>(b, 'beginTokenGeneration', {
      companyId: company.id,
      description: 'Z karty B',
      permissions: ['InvoiceRead'],
    });
    const token = await call<R<{ id: string }>>(b, 'recordTokenGenerated', {
      pendingId: begun.value.pendingId,
      referenceNumber: REF(1),
      secret: tokenSecret(REF(1)),
    });
    const secret = await call<R<string>>(a, 'revealTokenSecret', {
      tokenId: token.value.id,
      passphrase: PASSPHRASE,
    });
    expect(secret.value).toBe(tokenSecret(REF(1)));
    const log = await call<R<{ state: string; entries: number }>>(a, 'verifyActivity');
    expect(log.value.state).toBe('intact');
    expect(log.value.entries).toBeGreaterThanOrEqual(19);
  });

  it('a lock in one tab locks all: each page is told, the key worker ends, reloaded pages find it locked', async () => {
    expect((await call<{ state: string }>(a, 'lock', 'user')).state).toBe('locked');
    await b.waitForFunction(
      () => window.vaultPage.events().some((e) => (e as { type: string }).type === 'locked-hook'),
      {
        timeout: 10_000,
      },
    );
    await waitForNoKeyWorker(browser);
    // What the PWA does on `locked`: reload.
    for (const page of [a, b]) {
      await page.reload();
      await page.waitForFunction(() => typeof window.vaultPage === 'object');
      await page.evaluate((n) => window.vaultPage.open(n), NAME);
      expect((await call<{ state: string }>(page, 'status')).state).toBe('locked');
    }
    expect((await call<{ nip: string }[]>(b, 'listCompanies')).length).toBe(16);
  });

  it('the main thread never calls a Web Crypto key operation, and no key reaches it (T1)', async () => {
    const page = await openVaultPage(browser, server.origin);
    await page.evaluate(() => window.vaultPage.instrumentSubtle());
    await page.evaluate((n) => window.vaultPage.open(n), NAME);
    const r = await page.evaluate(
      async (p, nip) => {
        const vp = window.vaultPage;
        const out: unknown[] = [];
        out.push(await vp.call('unlock', p));
        const companies = (await vp.call('listCompanies')) as { id: string; nip: string }[];
        const c = companies.find((x) => x.nip === nip) ?? companies[0]!;
        out.push(
          await vp.call('prepareEnrollment', {
            companyId: c.id,
            certificateName: 'Klucz w workerze',
            certificateType: 'Authentication',
            algorithm: 'ECDSA-P256',
            enrollmentData: { commonName: 'Firma', countryName: 'PL' },
          }),
        );
        out.push(await vp.call('status'));
        const isKey = (x: unknown): boolean =>
          x instanceof CryptoKey || (typeof x === 'object' && x !== null && Object.values(x).some(isKey));
        return {
          oks: out.map((x) => (x as { ok?: boolean }).ok ?? true),
          keys: out.some(isKey),
          calls: (window as unknown as { __subtleCalls: string[] }).__subtleCalls,
        };
      },
      PASSPHRASE,
      NIP,
    );
    expect(r.oks).toEqual([true, true, true]);
    expect(r.keys).toBe(false);
    expect(r.calls).toEqual([]);
    // The instrumentation is not blind: a key call made on the main thread is recorded.
    const control = await page.evaluate(async () => {
      await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt']);
      return (window as unknown as { __subtleCalls: string[] }).__subtleCalls;
    });
    expect(control).toEqual(['generateKey']);
    await page.close();
  });
});

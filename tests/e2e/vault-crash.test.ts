/**
 * Crash tests (ARCHITECTURE.md "Nothing lost", SECURITY.md T12): the tab is closed, or the whole
 * browser is killed, between each step of token generation and of certificate enrollment — and
 * once in the middle of the step that stores the token secret. After a restart on the same
 * profile, `pendingWork()` names what to resume and nothing KSeF showed once is lost.
 */
import { rmSync } from 'node:fs';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  killBrowser,
  launchOnProfile,
  newProfileDir,
  openVaultPage,
  serveVaultPage,
  type VaultPageServer,
  waitForNoKeyWorker,
} from '../browser/vault/serve-vault-page.ts';
import {
  ENROLLMENT_DATA,
  FAST_KDF,
  NIP,
  PASSPHRASE,
  REF,
  tokenSecret,
} from '../browser/vault/vault-suite.ts';

const NAME = 'ksef-wallet-vault:test-crash';
let server: VaultPageServer;
const profiles: string[] = [];

type R<T> = { ok: true; value: T } | { ok: false; error: { reason: string } };
const call = <T>(page: Page, method: string, arg?: unknown) =>
  page.evaluate((m, a) => window.vaultPage.call(m as never, a), method, arg as never) as Promise<T>;
/** `call<T>` names the value type; the page actually returns a Result of it. */
async function must<T>(p: Promise<T>): Promise<T> {
  const r = (await p) as unknown as R<T>;
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
}
async function connected(browser: Browser): Promise<Page> {
  const page = await openVaultPage(browser, server.origin);
  await page.evaluate((n) => window.vaultPage.open(n), NAME);
  return page;
}
type Pending = {
  kind: string;
  stage: string;
  nonce: string;
  tokenId?: string;
  referenceNumber?: string;
  certificateId?: string;
  hasCsr: boolean;
};

beforeAll(async () => {
  server = await serveVaultPage();
});
afterAll(async () => {
  await server?.close();
  for (const p of profiles) rmSync(p, { recursive: true, force: true });
});

async function freshVault() {
  const profile = newProfileDir();
  profiles.push(profile);
  let browser = await launchOnProfile(profile);
  const page = await connected(browser);
  await must(call(page, 'create', { passphrase: PASSPHRASE, kdf: FAST_KDF }));
  const company = await must(
    call<{ id: string }>(page, 'addCompany', { name: 'Awaria Sp. z o.o.', nip: NIP, environment: 'TEST' }),
  );
  /** Closes the tab (the key worker ends with its last page) and opens a new one. */
  const closeTab = async (p: Page) => {
    await p.close();
    await waitForNoKeyWorker(browser);
    return connected(browser);
  };
  /** Kills the browser process and starts it again on the same profile. */
  const crash = async () => {
    await killBrowser(browser);
    browser = await launchOnProfile(profile);
    return connected(browser);
  };
  return { page, company, closeTab, crash, close: () => browser.close() };
}

describe('crash between the steps of token generation and enrollment', () => {
  it('token generation: a closed tab after each step loses nothing and pendingWork says what to resume', async () => {
    const v = await freshVault();
    try {
      const begun = await must(
        call<{ pendingId: string; nonce: string }>(v.page, 'beginTokenGeneration', {
          companyId: v.company.id,
          description: 'Token po awarii',
          permissions: ['InvoiceRead'],
        }),
      );
      let page = await v.closeTab(v.page);
      expect((await call<{ state: string }>(page, 'status')).state).toBe('locked');
      const p1 = await call<Pending[]>(page, 'pendingWork');
      expect(p1.map((p) => [p.kind, p.stage, p.nonce])).toEqual([['token', 'intent', begun.nonce]]);
      await must(call(page, 'unlock', PASSPHRASE));
      await must(
        call(page, 'recordTokenGenerated', {
          pendingId: begun.pendingId,
          referenceNumber: REF(1),
          secret: tokenSecret(REF(1)),
        }),
      );
      page = await v.closeTab(page);
      const p2 = await call<Pending[]>(page, 'pendingWork');
      expect(p2.map((p) => [p.stage, p.referenceNumber])).toEqual([['generated', REF(1)]]);
      await must(call(page, 'unlock', PASSPHRASE));
      expect(
        await must(
          call<string>(page, 'revealTokenSecret', { tokenId: p2[0]!.tokenId, passphrase: PASSPHRASE }),
        ),
      ).toBe(tokenSecret(REF(1)));
      await must(call(page, 'completeTokenActivation', { pendingId: begun.pendingId, status: 'Active' }));
      page = await v.closeTab(page);
      expect(await call<Pending[]>(page, 'pendingWork')).toEqual([]);
      const tokens = await call<{ status: string; referenceNumber: string }[]>(page, 'listTokens');
      expect(tokens.map((t) => [t.referenceNumber, t.status])).toEqual([[REF(1), 'Active']]);
    } finally {
      await v.close();
    }
  });

  it('token generation: a browser killed in the middle of storing the secret leaves either the intent or the stored secret, never half', async () => {
    const v = await freshVault();
    try {
      let page = v.page;
      for (let i = 1; i <= 3; i++) {
        const begun = await must(
          call<{ pendingId: string }>(page, 'beginTokenGeneration', {
            companyId: v.company.id,
            description: `Token ${i}`,
            permissions: ['InvoiceRead'],
          }),
        );
        // Fire the write and kill the browser a moment later (0, 15, 30 ms): the transaction is atomic.
        await page.evaluate((a) => window.vaultPage.fire('recordTokenGenerated', a), {
          pendingId: begun.pendingId,
          referenceNumber: REF(10 + i),
          secret: tokenSecret(REF(10 + i)),
        } as never);
        await new Promise((r) => setTimeout(r, (i - 1) * 15));
        page = await v.crash();
        const pending = (await call<(Pending & { id: string })[]>(page, 'pendingWork')).find(
          (p) => p.id === begun.pendingId,
        );
        const tokens = await call<{ id: string; referenceNumber: string }[]>(page, 'listTokens');
        const token = tokens.find((t) => t.referenceNumber === REF(10 + i));
        expect(pending, 'the pending row survives').toBeDefined();
        if (pending!.stage === 'intent') {
          expect(token, 'no token row without its pending step').toBeUndefined();
        } else {
          expect(pending!.stage).toBe('generated');
          expect(token?.id).toBe(pending!.tokenId);
          await must(call(page, 'unlock', PASSPHRASE));
          expect(
            await must(
              call<string>(page, 'revealTokenSecret', { tokenId: token!.id, passphrase: PASSPHRASE }),
            ),
          ).toBe(tokenSecret(REF(10 + i)));
        }
        if ((await call<{ state: string }>(page, 'status')).state !== 'unlocked')
          await must(call(page, 'unlock', PASSPHRASE));
      }
    } finally {
      await v.close();
    }
  });

  it('enrollment: a browser killed after each step keeps the wrapped key, the CSR and the reference', async () => {
    const v = await freshVault();
    try {
      const prep = await must(
        call<{ pendingId: string; certificateId: string; certificateName: string }>(
          v.page,
          'prepareEnrollment',
          {
            companyId: v.company.id,
            certificateName: 'Certyfikat po awarii',
            certificateType: 'Authentication',
            algorithm: 'ECDSA-P256',
            enrollmentData: ENROLLMENT_DATA,
          },
        ),
      );
      let page = await v.crash();
      const p1 = await call<Pending[]>(page, 'pendingWork');
      expect(p1.map((p) => [p.kind, p.stage, p.certificateId, p.hasCsr])).toEqual([
        ['enrollment', 'key-ready', prep.certificateId, true],
      ]);
      const certs = await call<
        { id: string; hasPrivateKey: boolean; name: string; publicKeySpki: Uint8Array }[]
      >(page, 'listCertificates');
      expect(certs.map((c) => [c.id, c.hasPrivateKey, c.name])).toEqual([
        [prep.certificateId, true, prep.certificateName],
      ]);
      await must(call(page, 'unlock', PASSPHRASE));
      await must(
        call(page, 'recordEnrollmentSubmitted', { pendingId: prep.pendingId, referenceNumber: REF(2, 'EH') }),
      );
      page = await v.crash();
      const p2 = await call<Pending[]>(page, 'pendingWork');
      expect(p2.map((p) => [p.stage, p.referenceNumber])).toEqual([['submitted', REF(2, 'EH')]]);
      await must(call(page, 'unlock', PASSPHRASE));
      const spki = Array.from(Object.values(certs[0]!.publicKeySpki as unknown as Record<string, number>));
      const der = await page.evaluate((s) => window.vaultPage.issue(s), spki);
      await must(
        call(page, 'completeEnrollment', { pendingId: prep.pendingId, certificateDer: { __bytes: der } }),
      );
      page = await v.crash();
      expect(await call<Pending[]>(page, 'pendingWork')).toEqual([]);
      const done = await call<{ state: string; hasPrivateKey: boolean; hasCertificate: boolean }[]>(
        page,
        'listCertificates',
      );
      expect(done.map((c) => [c.state, c.hasPrivateKey, c.hasCertificate])).toEqual([['active', true, true]]);
    } finally {
      await v.close();
    }
  });
});

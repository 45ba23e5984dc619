/**
 * Migration in real Chromium IndexedDB: the page writes a database exactly as schema version 1
 * did (tests/fixtures/vault/v1-database.json), then the real key worker opens it with the current
 * schema, upgrades it, and every secret still opens through the RPC.
 */
import { readFileSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  launchOnProfile,
  newProfileDir,
  openVaultPage,
  serveVaultPage,
  type VaultPageServer,
} from '../browser/vault/serve-vault-page.ts';
import type { VersionOneFixture } from '../fixtures/vault/fixture-codec.ts';

const fixture = JSON.parse(
  readFileSync(resolve(import.meta.dirname, '../fixtures/vault/v1-database.json'), 'utf8'),
) as VersionOneFixture;
const NAME = 'ksef-wallet-vault:test-migration';
let server: VaultPageServer;
let browser: Browser;
let page: Page;
const profile = newProfileDir();
const call = <T>(method: string, arg?: unknown) =>
  page.evaluate((m, a) => window.vaultPage.call(m as never, a), method, arg as never) as Promise<T>;

beforeAll(async () => {
  server = await serveVaultPage();
  browser = await launchOnProfile(profile);
  page = await openVaultPage(browser, server.origin);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  rmSync(profile, { recursive: true, force: true });
});

describe('migration from schema version 1 in Chromium', () => {
  it('the key worker upgrades a database written by version 1 and everything still opens', async () => {
    const written = await page.evaluate(
      (n, t) => window.vaultPage.writeVersion1(n, t),
      NAME,
      fixture.tables as never,
    );
    expect(written % 100).toBe(1); // written with schema version 1 only
    await page.evaluate((n) => window.vaultPage.open(n), NAME);
    const status = await call<{ state: string; schemaVersion: number }>('status');
    expect([status.state, status.schemaVersion]).toEqual(['locked', 2]);
    const [token] = await call<{ id: string; isDefault: number }[]>('listTokens');
    const [cert] =
      await call<{ isDefault: number; excludeFromBackup: number; hasPrivateKey: boolean }[]>(
        'listCertificates',
      );
    expect([token?.isDefault, cert?.isDefault, cert?.excludeFromBackup, cert?.hasPrivateKey]).toEqual([
      1,
      1,
      0,
      true,
    ]);
    expect((await call<{ ok: boolean }>('unlock', fixture.passphrase)).ok).toBe(true);
    const secret = await call<{ ok: boolean; value: string }>('revealTokenSecret', {
      tokenId: token!.id,
      passphrase: fixture.passphrase,
    });
    expect(secret.value).toBe(fixture.tokenSecret);
    const log = await call<{ ok: boolean; value: { state: string } }>('verifyActivity');
    expect(log.value.state).toBe('intact');
  });
});

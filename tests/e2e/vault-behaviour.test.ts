/**
 * The vault's behaviour suite in real Chromium: real IndexedDB, the real shared key worker started
 * through the Trusted Types policy under the PWA's CSP, the page talking to it only through the RPC
 * facade. One vitest test per case of tests/browser/vault/vault-suite.ts (the same cases run on
 * fake-indexeddb in tests/unit/vault/vault-suite.test.ts).
 */

import { rmSync } from 'node:fs';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  launchOnProfile,
  newProfileDir,
  openVaultPage,
  serveVaultPage,
  type VaultPageServer,
} from '../browser/vault/serve-vault-page.ts';
import { VAULT_CASES } from '../browser/vault/vault-suite.ts';

let server: VaultPageServer;
let browser: Browser;
let page: Page;
const profile = newProfileDir();

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

describe('vault in Chromium (real IndexedDB, shared key worker, RPC facade)', () => {
  it('runs under the PWA CSP: the key worker starts only through the Trusted Types policy', async () => {
    const blocked = await page.evaluate(() => {
      try {
        new SharedWorker('/assets/whatever.js');
        return false;
      } catch (e) {
        return (e as Error).name === 'TypeError';
      }
    });
    expect(blocked).toBe(true);
  });

  VAULT_CASES.forEach((c, i) => {
    it(c.name, async () => {
      const outcome = await page.evaluate(
        (name, id) => window.vaultPage.runCase(name, id),
        c.name,
        `case-${i}`,
      );
      expect(outcome.error ?? '').toBe('');
      expect(outcome.ok).toBe(true);
    });
  });
});

/**
 * Node side of the vault e2e tests: builds the vault test page (real pwa/vault code, real shared
 * key worker) into a temporary folder, serves it on a loopback port with the PWA's production
 * headers (CSP with Trusted Types, COOP, …), and launches Chromium on a given profile folder (so a
 * test can kill the browser and start it again on the same profile).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { type StaticServer, startStaticServer } from '../../../pwa/hosting/static-server.ts';
import { CHROME_PATH } from '../../e2e/harness/browser.ts';

const root = resolve(import.meta.dirname, '../../..');

export type VaultPageServer = { readonly origin: string; close(): Promise<void> };

export async function serveVaultPage(): Promise<VaultPageServer> {
  const dir = mkdtempSync(join(tmpdir(), 'ksef-vault-page-'));
  execFileSync('npx', ['vite', 'build', '--config', 'tests/browser/vault/vite.config.ts', '--outDir', dir], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const server: StaticServer = await startStaticServer({ root: dir, spaFallback: false });
  return {
    origin: server.origin,
    close: async () => {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function launchOnProfile(profileDir: string): Promise<Browser> {
  return puppeteer.launch({
    executablePath: CHROME_PATH,
    headless: true,
    pipe: true,
    userDataDir: profileDir,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-quic',
      '--disable-component-update',
      '--disable-background-networking',
      '--disable-sync',
      '--no-first-run',
      '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1',
    ],
  });
}

export function newProfileDir(): string {
  return mkdtempSync(join(tmpdir(), 'ksef-wallet-vault-profile-'));
}

/** Opens the test page and waits until its API is there. */
export async function openVaultPage(browser: Browser, origin: string): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(`${origin}/index.html`);
  await page.waitForFunction(() => typeof window.vaultPage === 'object', { timeout: 20_000 });
  return page;
}

/** Waits until no shared worker of the vault runs any more (its keys are gone with it). */
export async function waitForNoKeyWorker(browser: Browser, timeoutMs = 15_000): Promise<void> {
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutMs) {
    if (!browser.targets().some((t) => t.type() === 'shared_worker')) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the key worker did not end');
}

/** Kills the browser process at once (no clean shutdown), like a crash or a power cut of the app. */
export async function killBrowser(browser: Browser): Promise<void> {
  const proc = browser.process();
  proc?.kill('SIGKILL');
  if (proc && proc.exitCode === null) await new Promise((r) => proc.once('exit', r));
}

/**
 * Launches Debian Chromium headless with our built extension and a fresh profile (one per test
 * file), on a closed network where only loopback resolves (TOOLING.md). `close()` ends the browser
 * and every child process and removes the profile.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';

export const CHROME_PATH = process.env.CHROME_PATH ?? '/usr/bin/chromium';

export type TestBrowser = {
  readonly browser: Browser;
  readonly extensionId: string;
  readonly profileDir: string;
  newPage(): Promise<Page>;
  /** Closes the browser but keeps the profile on disk (for profile scans); close() removes it. */
  closeBrowser(): Promise<void>;
  close(): Promise<void>;
};

export async function launchBrowser(
  options: {
    extensionDir?: string;
    keepProfile?: boolean /** Extra Chromium flags, e.g. `--lang=pl`. */;
    args?: readonly string[];
  } = {},
): Promise<TestBrowser> {
  const profileDir = mkdtempSync(join(tmpdir(), 'ksef-wallet-profile-'));
  const browser = await puppeteer.launch({
    executablePath: CHROME_PATH,
    headless: true,
    pipe: true,
    enableExtensions: Boolean(options.extensionDir),
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
      ...(options.args ?? []),
    ],
  });
  const extensionId = options.extensionDir ? await browser.installExtension(options.extensionDir) : '';
  let closed = false;
  const closeBrowser = async () => {
    if (closed) return;
    closed = true;
    const proc = browser.process();
    await browser.close().catch(() => {});
    if (proc && proc.exitCode === null) proc.kill('SIGKILL');
  };
  return {
    browser,
    extensionId,
    profileDir,
    newPage: () => browser.newPage(),
    closeBrowser,
    close: async () => {
      await closeBrowser();
      if (!options.keepProfile) rmSync(profileDir, { recursive: true, force: true });
    },
  };
}

/** Waits until the extension's service worker runs, so the first message is not lost. */
export async function waitForExtensionWorker(b: TestBrowser): Promise<void> {
  await b.browser.waitForTarget(
    (t) => t.type() === 'service_worker' && t.url().startsWith(`chrome-extension://${b.extensionId}/`),
    { timeout: 20_000 },
  );
}

/**
 * Vault and crypto figures from real Chromium (headless Debian Chromium, puppeteer-core, the
 * launch flags of tests/e2e/harness/browser.ts, a fresh profile): the bench page (bench-page.ts)
 * is built with vite and served on loopback with the PWA's production headers (CSP with Trusted
 * Types and 'wasm-unsafe-eval'), so the key worker runs exactly as in the wallet.
 *
 *   unlock        — a locked vault at the product's default Argon2id parameters, after a reload
 *                   (a fresh key worker), the `unlock` call alone; p50/p95 over the runs.
 *   open-and-list — after a reload with no key worker running: start it, status, list companies,
 *                   tokens and certificates of an accounting office (1,000 companies, 5,000
 *                   credentials), imported once through the vault's own backup import.
 *   list again    — the same lists from a running key worker.
 *   kdf           — Argon2id + HKDF through the crypto core on the page thread (how much of an
 *                   unlock is the KDF).
 *   crypto        — crypto-ops.ts on Chromium's Web Crypto.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'puppeteer-core';
import { startStaticServer } from '../../pwa/hosting/static-server.ts';
import { launchBrowser, type TestBrowser } from '../../tests/e2e/harness/browser.ts';
import type { CryptoOpResult } from '../crypto/crypto-ops.ts';
import { type Summary, summarize } from '../stats.ts';

const root = resolve(import.meta.dirname, '../..');

export const ACCOUNTING_OFFICE = Object.freeze({ companies: 1000, tokens: 2500, certificates: 2500 });

export type VaultBenchOptions = {
  readonly runs: number;
  readonly warmups: number;
  readonly cryptoRuns: number;
  readonly log?: (line: string) => void;
};

export type VaultBenchResult = {
  readonly chromium: string;
  readonly kdf: { readonly memoryKiB: number; readonly iterations: number; readonly parallelism: number };
  readonly unlockMs: Summary;
  readonly kdfOnPageMs: Summary;
  /** The same at t = 6: how far the iterations could rise while unlock p95 stays ≤ 1 s. */
  readonly kdfT6OnPageMs: Summary;
  readonly accountingOffice: {
    readonly companies: number;
    readonly tokens: number;
    readonly certificates: number;
    readonly backupBytes: number;
    /** Building the file in the page (setup, not a product figure). */
    readonly buildMs: number;
    /** The vault's `importBackup` of it: one transaction, secrets resealed, keys rewrapped. */
    readonly importMs: number;
  };
  readonly openAndListMs: Summary;
  /** Of which: the key worker's start and its first answer. */
  readonly openStatusMs: Summary;
  readonly listAgainMs: Summary;
  readonly crypto: readonly CryptoOpResult[];
};

// Test-only secrets of a throw-away vault in a temporary profile.
const PASSPHRASE = 'kwitnąca jabłoń nad cichym stawem o świcie';
const BACKUP_PASSPHRASE = 'stary młyn przy drodze do zielonej doliny';

async function waitForNoKeyWorker(b: TestBrowser, timeoutMs = 15_000): Promise<void> {
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutMs) {
    if (!b.browser.targets().some((t) => t.type() === 'shared_worker')) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the key worker did not end');
}

export async function runVaultBench(options: VaultBenchOptions): Promise<VaultBenchResult> {
  const log = options.log ?? (() => {});
  const dir = mkdtempSync(join(tmpdir(), 'ksef-bench-page-'));
  let server: Awaited<ReturnType<typeof startStaticServer>> | undefined;
  let browser: TestBrowser | undefined;
  try {
    execFileSync('npx', ['vite', 'build', '--config', 'bench/browser/vite.config.ts', '--outDir', dir], {
      cwd: root,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    server = await startStaticServer({ root: dir, spaFallback: false });
    browser = await launchBrowser();
    const b = browser;
    let page: Page = await b.newPage();
    const url = `${server.origin}/index.html`;
    const open = async () => {
      await page.goto(url);
      await page.waitForFunction(() => typeof window.benchPage === 'object', { timeout: 20_000 });
    };
    // A fresh tab each run: closing the page ends its key worker, the next call starts a new one.
    // (Not `goto` to another page: Chromium keeps that document in the back/forward cache, and with
    // it a key worker that is closing itself — a reconnect then hangs; see the bench report.)
    const freshTab = async () => {
      await page.close();
      page = await b.newPage();
      await waitForNoKeyWorker(b);
      await open();
    };
    await open();
    const chromium = await b.browser.version();

    log('chromium: crypto operations');
    const crypto = await page.evaluate(
      (runs, warmups) => window.benchPage.crypto(runs, warmups),
      options.cryptoRuns,
      3,
    );
    log('chromium: Argon2id on the page thread');
    const kdfOnPage = await page.evaluate((n) => window.benchPage.kdf(n), options.warmups + options.runs);
    const kdfT6OnPage = await page.evaluate(
      (n) => window.benchPage.kdf(n, 6),
      options.warmups + options.runs,
    );

    log('chromium: vault with an accounting office (1,000 companies, 5,000 credentials)');
    const created = await page.evaluate((p) => window.benchPage.create(p), PASSPHRASE);
    const kdf = created.kdf;
    if (!kdf) throw new Error('the vault reports no KDF parameters');
    const built = await page.evaluate((spec) => window.benchPage.buildBackup(spec), {
      ...ACCOUNTING_OFFICE,
      backupPassphrase: BACKUP_PASSPHRASE,
    });
    const imported = await page.evaluate((p) => window.benchPage.importBackup(p), BACKUP_PASSPHRASE);
    const expected = ACCOUNTING_OFFICE.companies + ACCOUNTING_OFFICE.tokens + ACCOUNTING_OFFICE.certificates;
    if (imported.added !== expected)
      throw new Error(`the import added ${imported.added} records, expected ${expected}`);
    await page.evaluate(() => window.benchPage.lock());

    log('chromium: unlock runs');
    const unlock: number[] = [];
    for (let i = 0; i < options.warmups + options.runs; i++) {
      await freshTab();
      const r = await page.evaluate((p) => window.benchPage.unlock(p), PASSPHRASE);
      if (i >= options.warmups) unlock.push(r.ms);
      await page.evaluate(() => window.benchPage.lock());
    }

    log('chromium: open-and-list runs');
    const openAndList: number[] = [];
    const openStatus: number[] = [];
    for (let i = 0; i < options.warmups + options.runs; i++) {
      await freshTab();
      const r = await page.evaluate(() => window.benchPage.openAndList());
      if (
        r.companies !== ACCOUNTING_OFFICE.companies ||
        r.tokens !== ACCOUNTING_OFFICE.tokens ||
        r.certificates !== ACCOUNTING_OFFICE.certificates
      )
        throw new Error(`open-and-list saw ${r.companies}/${r.tokens}/${r.certificates} records`);
      if (i >= options.warmups) {
        openAndList.push(r.ms);
        openStatus.push(r.statusMs);
      }
    }
    const listAgain: number[] = [];
    for (let i = 0; i < options.warmups + options.runs; i++) {
      const r = await page.evaluate(() => window.benchPage.listAgain());
      if (i >= options.warmups) listAgain.push(r.ms);
    }

    return {
      chromium,
      kdf: { memoryKiB: kdf.memoryKiB, iterations: kdf.iterations, parallelism: kdf.parallelism },
      unlockMs: summarize(unlock),
      kdfOnPageMs: summarize(kdfOnPage.slice(options.warmups)),
      kdfT6OnPageMs: summarize(kdfT6OnPage.slice(options.warmups)),
      accountingOffice: {
        companies: built.companies,
        tokens: built.tokens,
        certificates: built.certificates,
        backupBytes: built.bytes,
        buildMs: Math.round(built.ms),
        importMs: Math.round(imported.ms),
      },
      openAndListMs: summarize(openAndList),
      openStatusMs: summarize(openStatus),
      listAgainMs: summarize(listAgain),
      crypto,
    };
  } finally {
    await browser?.close();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The one-click hand-off (issue 10, SECURITY.md §4): from the trusted click on the demo ERP's
 * "Zaloguj do KSeF" button to the session arriving in the demo ERP, with the vault unlocked, in
 * real Chromium — the built extension and PWA (bound to a free loopback port, as the e2e harness
 * builds them), the sandbox with KSeF's rate limits at per-request latency L, and the demo ERP
 * (sandbox/demo-erp), which knows the wallet only through docs/erp-integration.md.
 *
 * Set-up, not measured (at L = 0): the wallet is set up by clicking, as a user does
 * (tests/e2e/handoff-setup.ts: vault, company, a KSeF token as its default credential); each ERP
 * origin is enabled in the popup and approved once in the wallet window (that first click opens
 * the window: it is the set-up, not the one-click path).
 *
 * Per measured run, at L: the previous ERP tab is closed and a new one loads the demo ERP (a new
 * document, so a new content script and button), the button arms (800 ms fully visible), a real
 * click (CDP mouse, page.mouse) — and the page itself times click → session (page-timing.ts).
 * Interleaved in the same rounds, order alternating as in the login bench: a KSeF token login by
 * the product's client from Node at the same L, so the hand-off is also read as "the protocol
 * login plus the wallet's own path" (extension, PWA relay, key worker, delivery).
 *
 * Budgets (SECURITY.md §4, extension/handoff/budgets.ts) are the product's and stay as they are:
 * 10 sessions per ERP origin per hour, so each origin takes its approval click plus at most 9
 * runs and the bench uses as many demo ERP origins (ports) as the runs need; 30 logins per company
 * per hour over every origin, so at most two origins share a company.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'puppeteer-core';
import { startStaticServer } from '../../pwa/hosting/static-server.ts';
import { type DemoErp, startDemoErp } from '../../sandbox/demo-erp/server.ts';
import type { RequestLogEntry } from '../../sandbox/runtime.ts';
import { startSandbox } from '../../sandbox/server.ts';
import { createFetchTransport } from '../../shared/ksef/fetch-transport.ts';
import { createKsefClient } from '../../shared/ksef/ksef-client.ts';
import { loginWithKsefToken } from '../../shared/ksef/login-with-ksef-token.ts';
import { systemClock } from '../../shared/platform.ts';
import {
  addCompanyWithToken,
  approveInWindow,
  createVault,
  handoffWindow,
  handoffWindowsOpen,
  noHandoffWindows,
} from '../../tests/e2e/handoff-setup.ts';
import { launchBrowser, type TestBrowser, waitForExtensionWorker } from '../../tests/e2e/harness/browser.ts';
import {
  ARMED_AFTER_MS,
  clickLoginUntil,
  enableSiteFromPopup,
  loginButtonCentre,
  sleep,
} from '../../tests/e2e/harness/extension-inspect.ts';
import { freePort } from '../../tests/e2e/harness/free-port.ts';
import { addSandboxEnvironment } from '../../tests/e2e/harness/wallet-page.ts';
import { obtainKsefToken } from '../login/credentials.ts';
import { benchNips } from '../login/login-bench.ts';
import { ratio, type Summary, summarize } from '../stats.ts';
import { companyOfOrigin, originOfRun, RUNS_PER_ORIGIN, spreadOverBudgets } from './budget-spread.ts';
import { installPageProbe, type PageObservations, timingOf } from './page-timing.ts';

const root = resolve(import.meta.dirname, '../..');

export type HandoffBenchOptions = {
  readonly latencyMs: number;
  /** The issue's limit at this L (targets.ts), for the ratio in the report. */
  readonly limitMs: number;
  readonly runs: number;
  readonly warmups: number;
  readonly log?: (line: string) => void;
};

export type HandoffBenchResult = {
  readonly chromium: string;
  readonly latencyMs: number;
  readonly runs: number;
  readonly warmups: number;
  /** Demo ERP origins (ports) and wallet companies the runs were spread over (budgets). */
  readonly erpOrigins: number;
  readonly companies: number;
  /** Measured or warm-up runs per origin after its approval click. */
  readonly runsPerOrigin: number;
  /** Click → session shown in the demo ERP, on the page's clock. */
  readonly handoffMs: Summary | null;
  /** Of which: click → the page heard the extension took the request (status "logging-in"). */
  readonly acceptedMs: Summary | null;
  /** Click → the demo ERP's own server call to KSeF confirmed the session as current. */
  readonly provedMs: Summary | null;
  /** The product's KSeF token login from Node at the same L, in the same rounds. */
  readonly tokenLoginMs: Summary | null;
  /** KSeF requests the sandbox saw between the click and the session (the wallet's login). */
  readonly requests: Summary | null;
  /** hand-off median − token login median: what the wallet's own path adds to the protocol. */
  readonly overheadMs: number | null;
  /** hand-off median ÷ token login median. */
  readonly handoffToLogin: number | null;
  /** hand-off median ÷ the issue's limit (≤ 1 meets it). */
  readonly handoffToLimit: number | null;
  readonly limitMs: number;
  /** Clicks that came before the button was armed and did nothing (clicked again). */
  readonly unarmedClicks: number;
  /** Runs in which the demo ERP's own check did not confirm the session. */
  readonly proofFailures: number;
  readonly failures: number;
  readonly errors: readonly string[];
  /** 429 answers of the sandbox during the measured and warm-up rounds (hand-offs and logins). */
  readonly rateLimited: number;
  /**
   * The machine's 1-minute load average as the rounds began and ended: Chromium's processes (the
   * ERP tab, the wallet tab, the key worker, the extension) share two cores with whatever else runs.
   */
  readonly loadAverage: { readonly before: number; readonly after: number };
};

/** The login's KSeF operations (REFERENCE §5.4): what a hand-off costs at KSeF. */
const LOGIN_OPERATIONS: ReadonlySet<string> = new Set([
  'GET /security/public-key-certificates',
  'POST /auth/challenge',
  'POST /auth/ksef-token',
  'GET /auth/{referenceNumber}',
  'POST /auth/token/redeem',
]);

const round2 = (x: number) => Math.round(x * 100) / 100;
const ENV_LABEL = 'sandbox';
const NODE_ENV = 'custom:bench' as const;

type HandoffSample = {
  readonly ms?: number;
  readonly acceptedMs?: number;
  readonly provedMs?: number;
  readonly proofOk: boolean;
  readonly requests: number;
  readonly unarmedClicks: number;
  readonly error?: string;
};

/** The PWA and the extension as `npm run build` makes them, the extension bound to `pwaOrigin`. */
function buildWallet(out: string, pwaOrigin: string): { pwaDir: string; extensionDir: string } {
  const env = {
    ...process.env,
    WALLET_FLAVOUR: 'development',
    WALLET_PWA_ORIGIN: pwaOrigin,
    WALLET_DEV_SANDBOX_URL: '',
    WALLET_PWA_OUT: join(out, 'pwa'),
    WALLET_EXTENSION_OUT: join(out, 'extension'),
  };
  for (const args of [
    ['vite', 'build', '--config', 'pwa/vite.config.ts', '--logLevel', 'error'],
    ['wxt', 'build'],
  ])
    try {
      execFileSync('npx', args, { cwd: root, env, stdio: 'pipe' });
    } catch (e) {
      const { stdout, stderr } = e as { stdout?: Buffer; stderr?: Buffer };
      console.error(`${stdout ?? ''}${stderr ?? ''}`);
      throw new Error(`bench: \`npx ${args.join(' ')}\` failed`);
    }
  return { pwaDir: join(out, 'pwa'), extensionDir: join(out, 'extension/chrome-mv3') };
}

/**
 * `npm run bench` runs under tsx, whose esbuild keeps function names by wrapping named inner
 * functions in `__name(…)`; the shared e2e helpers (written for vitest, which does not) hand such
 * functions to page.evaluate / waitForFunction, where `__name` does not exist and every poll throws
 * until its timeout. An identity `__name` in each page we drive, before its scripts, fixes that;
 * it is installed over CDP, outside the page's CSP, and the product never calls it.
 */
const KEEP_NAMES_HELPER = 'globalThis.__name ??= (fn) => fn;';
async function driveFromTsx(page: Page): Promise<Page> {
  await page.evaluateOnNewDocument(KEEP_NAMES_HELPER);
  return page;
}

const observations = (page: Page) =>
  page.evaluate(
    () => (window as unknown as { __handoffBench: PageObservations }).__handoffBench,
  ) as Promise<PageObservations>;

const walletStatus = (page: Page) =>
  page.$eval('[data-testid="wallet-status"]', (el) => ({
    state: el.getAttribute('data-state') ?? '',
    text: (el.textContent ?? '').replace(/\s+/g, ' ').trim(),
  }));

export async function runHandoffBench(options: HandoffBenchOptions): Promise<HandoffBenchResult> {
  const log = options.log ?? (() => {});
  const total = options.warmups + options.runs;
  const spread = spreadOverBudgets(total);
  const out = mkdtempSync(join(tmpdir(), 'ksef-bench-handoff-'));
  const closers: (() => Promise<void>)[] = [];
  try {
    const port = await freePort();
    log('handoff: building the PWA and the extension for a loopback wallet origin');
    const built = buildWallet(out, `http://127.0.0.1:${port}`);
    const pwa = await startStaticServer({ root: built.pwaDir, port });
    closers.push(() => pwa.close());
    const sandbox = await startSandbox({ port: 0, rateLimits: 'ksef', latencyMs: 0 });
    closers.push(() => sandbox.close());
    const demos: DemoErp[] = [];
    for (let i = 0; i < spread.origins; i++) {
      const demo = await startDemoErp({ ksefBaseUrl: sandbox.baseUrl });
      closers.push(() => demo.close());
      demos.push(demo);
    }
    const b: TestBrowser = await launchBrowser({
      extensionDir: built.extensionDir,
      // The set-up clicks find the wallet's controls by their Polish names.
      args: ['--lang=pl', '--accept-lang=pl'],
    });
    closers.push(() => b.close());
    await waitForExtensionWorker(b);
    const chromium = await b.browser.version();

    // Every 429 counts, set-up excluded: the log is drained before the first round.
    let rateLimited = 0;
    const drain = (): RequestLogEntry[] => {
      const entries = [...sandbox.control.requests()];
      sandbox.control.clearRequests();
      return entries;
    };

    const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
    log(
      `handoff: setting up the wallet by clicking (${plural(spread.companies, 'company', 'companies')}, ` +
        `${plural(spread.origins, 'ERP site', 'ERP sites')})`,
    );
    const env = await addSandboxEnvironment(b, ENV_LABEL, sandbox.baseUrl);
    const wallet = await driveFromTsx(await b.newPage());
    await wallet.goto(`${pwa.origin}/`);
    await wallet.waitForSelector('[data-testid="extension-status"][data-state="connected"]', {
      timeout: 30_000,
    });
    await createVault(wallet);
    const nips = benchNips();
    const companies: string[] = [];
    for (let i = 0; i < spread.companies; i++) {
      const nip = nips.next().value as string;
      await addCompanyWithToken(wallet, {
        name: `Firma testowa ${i + 1} Sp. z o.o.`,
        nip,
        envId: env,
        permissions: ['InvoiceRead', 'InvoiceWrite'],
      });
      companies.push(nip);
    }
    const sites = demos.map((demo, i) => ({
      demo,
      url: `${demo.origin}/?nip=${companies[companyOfOrigin(i)]}&environment=${env}`,
    }));

    let erp = await driveFromTsx(await b.newPage());
    for (const site of sites) {
      await erp.goto(site.url);
      await enableSiteFromPopup(b, erp);
      await erp.waitForFunction(
        () => document.querySelector('[data-testid="wallet-status"]')?.getAttribute('data-state') === 'ready',
        { timeout: 20_000 },
      );
      await clickLoginUntil(erp, async () => (await handoffWindowsOpen(b, pwa.origin)).length > 0);
      const { page: win } = await handoffWindow(b, pwa.origin);
      const closed = new Promise<void>((done) => win.once('close', () => done()));
      await approveInWindow(win, 'access-only');
      await closed;
      await erp.waitForSelector('[data-testid="session-proof"][data-state="ok"]', { timeout: 30_000 });
    }
    await noHandoffWindows(b, pwa.origin);

    // The comparison: the product's token login from Node, its own company and token.
    const client = createKsefClient({
      transport: createFetchTransport({
        fetch,
        resolveBaseUrl: (e) => (e === NODE_ENV ? sandbox.baseUrl : null),
      }),
      clock: systemClock,
      subtle: globalThis.crypto.subtle,
      env: NODE_ENV,
      context: { type: 'Nip', value: nips.next().value as string },
    });
    const credential = await obtainKsefToken(client);

    sandbox.control.configure({ latencyMs: options.latencyMs });
    drain();

    const handoffOnce = async (url: string): Promise<HandoffSample> => {
      // A new document in a new tab: the closed tab's events are handled by the extension while
      // this one loads and arms, long before the click.
      await erp.close();
      erp = await driveFromTsx(await b.newPage());
      await erp.evaluateOnNewDocument(installPageProbe);
      await erp.goto(url);
      await erp.bringToFront();
      await erp.waitForFunction(
        () => document.querySelector('[data-testid="wallet-status"]')?.getAttribute('data-state') === 'ready',
        { timeout: 20_000 },
      );
      await erp.waitForSelector('[data-ksef-wallet="login-button"]');
      const before = drain();
      rateLimited += before.filter((e) => e.status === 429).length;
      let clicks = 0;
      for (; clicks < 3; clicks++) {
        await sleep(ARMED_AFTER_MS);
        const { x, y } = await loginButtonCentre(erp);
        await erp.mouse.click(x, y);
        const acted = await erp
          .waitForFunction(
            () =>
              (window as unknown as { __handoffBench: PageObservations }).__handoffBench.statuses.some(
                (s) => s.state !== 'ready',
              ),
            // Mutation polling: no timer in the page while it is being timed. A click before the
            // button armed never acts, so waiting longer only costs time when it is needed.
            { timeout: 3_000, polling: 'mutation' },
          )
          .then(() => true)
          .catch(() => false);
        if (acted) break;
      }
      await erp
        .waitForFunction(
          () => {
            const o = (window as unknown as { __handoffBench: PageObservations }).__handoffBench;
            const stop = o.statuses.some((s) => s.state === 'error' || s.state === 'waiting-for-user');
            return stop || o.provedAt !== null;
          },
          { timeout: 45_000, polling: 'mutation' },
        )
        .catch(() => {});
      const timing = timingOf(await observations(erp));
      const during = drain();
      rateLimited += during.filter((e) => e.status === 429).length;
      const requests = during.filter((e) => e.operation !== null && LOGIN_OPERATIONS.has(e.operation)).length;
      if (!timing.ok) {
        const status = await walletStatus(erp).catch(() => ({ state: '?', text: '' }));
        // A window opened means the run is not the one-click path; close it so the next can run.
        for (const p of await b.browser.pages())
          if (p.url().startsWith(`${pwa.origin}/#/handoff/`)) await p.close().catch(() => {});
        return {
          proofOk: false,
          requests,
          unarmedClicks: clicks,
          error: `${timing.error}${status.state === 'error' ? ` (${status.text.slice(0, 80)})` : ''}`,
        };
      }
      return {
        ms: timing.handoffMs,
        ...(timing.acceptedMs !== null ? { acceptedMs: timing.acceptedMs } : {}),
        ...(timing.provedMs !== null ? { provedMs: timing.provedMs } : {}),
        proofOk: timing.proofState === 'ok',
        requests,
        unarmedClicks: timing.unarmedClicks,
      };
    };

    const loginOnce = async (): Promise<{ ms?: number; error?: string }> => {
      drain().forEach((e) => {
        if (e.status === 429) rateLimited++;
      });
      const t0 = performance.now();
      const r = await loginWithKsefToken(client, { token: credential.token });
      const ms = performance.now() - t0;
      rateLimited += drain().filter((e) => e.status === 429).length;
      return r.ok ? { ms } : { error: `LOGIN_${r.error.code}` };
    };

    log(
      `handoff: ${options.warmups} warm-up and ${options.runs} measured rounds at L = ${options.latencyMs} ms`,
    );
    const loadBefore = loadavg()[0]!;
    const handoffs: HandoffSample[] = [];
    const logins: { ms?: number; error?: string }[] = [];
    for (let round = 0; round < total; round++) {
      const site = sites[originOfRun(round)]!;
      const pair: (() => Promise<void>)[] = [
        async () => {
          const s = await handoffOnce(site.url);
          if (round >= options.warmups) handoffs.push(s);
        },
        async () => {
          const s = await loginOnce();
          if (round >= options.warmups) logins.push(s);
        },
      ];
      if (round % 2 === 1) pair.reverse();
      for (const step of pair) await step();
    }

    const good = handoffs.filter((s) => s.ms !== undefined);
    const goodLogins = logins.filter((s) => s.ms !== undefined);
    const handoffMs = good.length ? summarize(good.map((s) => s.ms!)) : null;
    const accepted = good.filter((s) => s.acceptedMs !== undefined);
    const proved = good.filter((s) => s.proofOk && s.provedMs !== undefined);
    const tokenLoginMs = goodLogins.length ? summarize(goodLogins.map((s) => s.ms!)) : null;
    const errors = [...handoffs, ...logins].flatMap((s) => (s.error ? [s.error] : []));
    const result: HandoffBenchResult = {
      chromium,
      latencyMs: options.latencyMs,
      runs: options.runs,
      warmups: options.warmups,
      erpOrigins: spread.origins,
      companies: spread.companies,
      runsPerOrigin: RUNS_PER_ORIGIN,
      handoffMs,
      acceptedMs: accepted.length ? summarize(accepted.map((s) => s.acceptedMs!)) : null,
      provedMs: proved.length ? summarize(proved.map((s) => s.provedMs!)) : null,
      tokenLoginMs,
      requests: good.length ? summarize(good.map((s) => s.requests)) : null,
      overheadMs:
        handoffMs && tokenLoginMs ? Math.round((handoffMs.median - tokenLoginMs.median) * 10) / 10 : null,
      handoffToLogin: handoffMs && tokenLoginMs ? ratio(handoffMs.median, tokenLoginMs.median) : null,
      handoffToLimit: handoffMs ? ratio(handoffMs.median, options.limitMs) : null,
      limitMs: options.limitMs,
      unarmedClicks: handoffs.reduce((n, s) => n + s.unarmedClicks, 0),
      proofFailures: good.length - proved.length,
      failures: errors.length,
      errors: [...new Set(errors)],
      rateLimited,
      loadAverage: { before: round2(loadBefore), after: round2(loadavg()[0]!) },
    };
    log(
      `handoff: ${handoffMs?.median ?? '—'} ms (p95 ${handoffMs?.p95 ?? '—'}), token login from Node ` +
        `${tokenLoginMs?.median ?? '—'} ms, ${result.failures} failed, 429: ${rateLimited}`,
    );
    return result;
  } finally {
    for (const close of closers.reverse()) await close().catch(() => {});
    rmSync(out, { recursive: true, force: true });
  }
}

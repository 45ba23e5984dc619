/**
 * `npm run bench`: every benchmark in one run on one machine, side by side, then a report, the
 * summary line `bench: N of M targets met` and bench/results.json (which the README's Performance
 * section is generated from: `npm run readme`). No timing is asserted in tests; the targets of
 * issue 10 are checked and reported here (targets.ts).
 *
 *   npm run bench                       everything, writes bench/results.json
 *   npm run bench -- --only=login,size  a subset (printed, results.json left alone)
 *   sections: size, handoff, vault, login, crypto
 *   BENCH_RUNS=15 BENCH_WARMUPS=3       more repetitions per cell (default 9 after 2 warm-ups)
 *
 * Sections run one after another, never in parallel: on two cores a build or a Chromium next to a
 * login measurement would be part of its figure.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { observeFirstLoad } from './browser/first-load.ts';
import { runVaultBench } from './browser/vault-bench.ts';
import { runCryptoBench } from './crypto/crypto-ops.ts';
import { runHandoffBench } from './handoff/handoff-bench.ts';
import { runLoginBench } from './login/login-bench.ts';
import { type BenchResults, RESULTS_FORMAT, renderPerformance } from './results.ts';
import { measureSizes } from './size.ts';
import { checkTarget, LOGIN_LIMITS, OTHER_LIMITS, summaryLine, type Target } from './targets.ts';

const root = resolve(import.meta.dirname, '..');
const KIB = 1024;
const SECTIONS = ['size', 'handoff', 'vault', 'login', 'crypto'] as const;
type Section = (typeof SECTIONS)[number];

/** The L of the targets, and the cells measured around it. */
const TARGET_LATENCY_MS = 50;
const LATENCIES_MS = [0, TARGET_LATENCY_MS];
const AUTH_DELAYS_MS = [0, 300];

function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 100) throw new Error(`${name} must be an integer 1–100`);
  return n;
}

function selectedSections(): Section[] {
  const arg = process.argv.slice(2).find((a) => a.startsWith('--only='));
  if (!arg) return [...SECTIONS];
  const names = arg.slice('--only='.length).split(',').filter(Boolean);
  for (const n of names)
    if (!(SECTIONS as readonly string[]).includes(n))
      throw new Error(`unknown section ${n}; choose from ${SECTIONS.join(', ')}`);
  return names as Section[];
}

const log = (line: string) => console.log(`· ${line}`);

/** A build's output only when it fails (WXT's progress spinner would garble the report). */
function build(args: string[], env: NodeJS.ProcessEnv): void {
  try {
    execFileSync('npx', args, { cwd: root, env, stdio: 'pipe' });
  } catch (e) {
    const { stdout, stderr } = e as { stdout?: Buffer; stderr?: Buffer };
    console.error(`${stdout ?? ''}${stderr ?? ''}`);
    throw new Error(`bench: \`npx ${args.join(' ')}\` failed`);
  }
}

async function main() {
  const started = Date.now();
  const runs = positiveInt('BENCH_RUNS', 9);
  const warmups = positiveInt('BENCH_WARMUPS', 2);
  const only = selectedSections();
  const full = only.length === SECTIONS.length;
  const targets: Target[] = [];
  const sections: { -readonly [K in keyof BenchResults['sections']]: BenchResults['sections'][K] } = {
    handoff: { status: 'not-measured', reason: 'not selected in this run (--only).' },
  };

  if (only.includes('size')) {
    log('size: building the PWA and the extension as `npm run build` does');
    const out = mkdtempSync(join(tmpdir(), 'ksef-bench-build-'));
    try {
      const env = {
        ...process.env,
        WALLET_PWA_OUT: join(out, 'pwa'),
        WALLET_EXTENSION_OUT: join(out, 'ext'),
      };
      build(['vite', 'build', '--config', 'pwa/vite.config.ts', '--logLevel', 'error'], env);
      build(['wxt', 'build'], env);
      const sizes = measureSizes(join(out, 'pwa'), join(out, 'ext/chrome-mv3'));
      log('size: first load of the PWA in Chromium');
      const observed = await observeFirstLoad(join(out, 'pwa'));
      sections.size = {
        ...sizes,
        pwaFirstLoadObservedGzipBytes: observed.gzipBytes,
        pwaFirstLoadObservedFiles: observed.files,
      };
      // The larger of what index.html names and what Chromium fetched: a start-up import counts too.
      const firstLoad = Math.max(sizes.pwaFirstLoadGzipBytes, observed.gzipBytes);
      targets.push(
        checkTarget({
          id: 'size-pwa-first-load',
          name: 'PWA first-load JS (gzip)',
          value: firstLoad / KIB,
          unit: 'KiB',
          compare: '<=',
          limit: OTHER_LIMITS.pwaFirstLoadKiB,
        }),
        checkTarget({
          id: 'size-content-script',
          name: 'content script in ERP pages (gzip)',
          value: sizes.contentScriptGzipBytes === null ? null : sizes.contentScriptGzipBytes / KIB,
          unit: 'KiB',
          compare: '<=',
          limit: OTHER_LIMITS.contentScriptKiB,
          ...(sizes.contentScriptGzipBytes === null ? { note: 'no content script found in the build' } : {}),
        }),
      );
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }

  // ── One-click hand-off ───────────────────────────────────────────────────────────────────────
  // Issue 10: from the trusted click on the ERP button to the session arriving in the demo ERP,
  // vault unlocked, in Chromium; target ≤ 4 × L + 300 ms at L = 50 ms. The sandbox (KSeF's rate
  // limits, latency L) with its demo ERP, the built extension and PWA, an unlocked vault with an
  // approval for each ERP origin; per run a fresh ERP page, a real click after the 800 ms arming,
  // timed in the page until it shows the session (bench/handoff/handoff-bench.ts).
  if (only.includes('handoff')) {
    log('handoff: the built wallet and extension in Chromium, the demo ERP, the sandbox at L = 50 ms');
    const limit = OTHER_LIMITS.handoffMs(TARGET_LATENCY_MS);
    const h = await runHandoffBench({ latencyMs: TARGET_LATENCY_MS, limitMs: limit, runs, warmups, log });
    sections.handoff = { status: 'measured', ...h };
    // A run that failed or met a 429 leaves no figure worth a target (as a failed login cell).
    const clean = h.failures === 0 && h.rateLimited === 0;
    targets.push(
      checkTarget({
        id: 'handoff',
        name: `one-click hand-off, vault unlocked, L = ${TARGET_LATENCY_MS} ms`,
        value: clean ? h.handoffMs?.median : null,
        unit: 'ms',
        statistic: 'median',
        compare: '<=',
        limit,
        ...(clean
          ? {}
          : {
              note: `${h.failures} failed runs (${h.errors.join(', ') || 'none'}), ${h.rateLimited} answers 429`,
            }),
      }),
    );
  }

  if (only.includes('vault') || only.includes('crypto')) {
    log('chromium: building the bench page (the real vault and key worker)');
    const v = await runVaultBench({ runs: Math.max(10, runs), warmups, cryptoRuns: 3 * runs, log });
    const { crypto: chromiumCrypto, ...vault } = v;
    sections.vault = vault;
    log('crypto: Node');
    const nodeCrypto = await runCryptoBench({
      subtle: globalThis.crypto.subtle,
      now: () => performance.now(),
      runs: 3 * runs,
      warmups: 3,
    });
    sections.crypto = { node: nodeCrypto, chromium: chromiumCrypto };
    const kdfStrongEnough = vault.kdf.memoryKiB >= OTHER_LIMITS.unlockMinMemoryKiB;
    targets.push(
      checkTarget({
        id: 'vault-unlock-p95',
        name: `vault unlock, Argon2id ${vault.kdf.memoryKiB / 1024} MiB t=${vault.kdf.iterations} p=${vault.kdf.parallelism}`,
        value: kdfStrongEnough ? vault.unlockMs.p95 : null,
        unit: 'ms',
        statistic: 'p95',
        compare: '<=',
        limit: OTHER_LIMITS.unlockP95Ms,
        ...(kdfStrongEnough ? {} : { note: 'the vault used less than 64 MiB: the figure does not count' }),
      }),
      checkTarget({
        id: 'vault-open-and-list',
        name: 'open and list 1,000 companies + 5,000 credentials',
        value: vault.openAndListMs.median,
        unit: 'ms',
        statistic: 'median',
        compare: '<=',
        limit: OTHER_LIMITS.openAndListMs,
      }),
    );
  }

  if (only.includes('login')) {
    log('login: sandbox with KSeF rate limits, our flows and the fixed-1-second reference');
    const login = await runLoginBench({
      latenciesMs: LATENCIES_MS,
      authDelaysMs: AUTH_DELAYS_MS,
      runs,
      warmups,
      log,
    });
    sections.login = login;
    const cell = (method: string, delay: number) =>
      login.cells.find(
        (c) => c.method === method && c.latencyMs === TARGET_LATENCY_MS && c.authDelayMs === delay,
      );
    // A cell with a failed login has no figure worth a target.
    const wall = (c: ReturnType<typeof cell>) =>
      c && c.ours.failures === 0 && c.reference.failures === 0 ? c.ours.wallMs?.median : null;
    const L = TARGET_LATENCY_MS;
    const D = AUTH_DELAYS_MS[1]!;
    for (const [method, label, atOnce] of [
      ['ksef-token', 'KSeF token', LOGIN_LIMITS.tokenAtOnceMs(L)],
      ['ksef-certificate-rsa', 'KSeF certificate RSA-2048', LOGIN_LIMITS.certificateAtOnceMs(L)],
    ] as const) {
      const now = cell(method, 0);
      const delayed = cell(method, D);
      targets.push(
        checkTarget({
          id: `login-${method}-at-once`,
          name: `login, ${label}, L = ${L} ms, completes at once`,
          value: wall(now),
          unit: 'ms',
          statistic: 'median',
          compare: '<=',
          limit: atOnce,
        }),
        checkTarget({
          id: `login-${method}-delayed`,
          name: `login, ${label}, L = ${L} ms, D = ${D} ms`,
          value: wall(delayed),
          unit: 'ms',
          statistic: 'median',
          compare: '<=',
          limit: LOGIN_LIMITS.withDelayMs(L, D),
        }),
        checkTarget({
          id: `login-${method}-speedup`,
          name: `login, ${label}, D = ${D} ms: fixed-1 s polling ÷ ours`,
          value: wall(delayed) == null ? null : (delayed?.speedup ?? null),
          unit: '×',
          compare: '>=',
          limit: LOGIN_LIMITS.minSpeedupOverFixedPolling,
        }),
      );
    }
    targets.push(
      checkTarget({
        id: 'login-rate-limited',
        name: "429 answers during the login benchmark (KSeF's limits)",
        value: login.rateLimitedTotal,
        unit: '',
        compare: '<=',
        limit: 0,
      }),
    );
  }

  // Report order: login, hand-off, vault, size (the order of the issue), whatever ran first.
  const rank = (t: Target) => ['login', 'handoff', 'vault', 'size'].findIndex((p) => t.id.startsWith(p));
  targets.sort((a, b) => rank(a) - rank(b));

  const results: BenchResults = {
    format: RESULTS_FORMAT,
    generatedAt: new Date().toISOString(),
    durationSeconds: Math.round((Date.now() - started) / 1000),
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model.trim() ?? 'unknown', node: process.version },
    settings: { runs, warmups },
    targets,
    sections,
  };
  console.log(`\n${renderPerformance(results)}\n`);
  if (full) {
    writeFileSync(resolve(root, 'bench/results.json'), `${JSON.stringify(results, null, 2)}\n`);
    console.log('bench/results.json written (`npm run readme` puts it into README.md)');
  } else {
    console.log(`only ${only.join(', ')}: bench/results.json left as it was`);
  }
  console.log(summaryLine(targets));
}

await main();

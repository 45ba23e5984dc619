/**
 * The shape of bench/results.json (written by `npm run bench`, read by `npm run readme`) and the
 * markdown both print it as. Pure: no Node APIs, so tests/unit/bench can render a fixed object.
 */
import type { CryptoOpResult } from './crypto/crypto-ops.ts';
import type { HandoffBenchResult } from './handoff/handoff-bench.ts';
import type { LoginBenchResult, LoginCell } from './login/login-bench.ts';
import type { Summary } from './stats.ts';
import { LOGIN_LIMITS, summaryLine, type Target } from './targets.ts';

export const RESULTS_FORMAT = 'ksef-wallet-bench/2';

export type BenchResults = {
  readonly format: typeof RESULTS_FORMAT;
  readonly generatedAt: string;
  readonly durationSeconds: number;
  readonly machine: { readonly cpus: number; readonly cpuModel: string; readonly node: string };
  readonly settings: { readonly runs: number; readonly warmups: number };
  readonly targets: readonly Target[];
  readonly sections: {
    readonly login?: LoginBenchResult;
    readonly handoff:
      | ({ readonly status: 'measured' } & HandoffBenchResult)
      | { readonly status: 'not-measured'; readonly reason: string };
    readonly vault?: {
      readonly chromium: string;
      readonly kdf: { readonly memoryKiB: number; readonly iterations: number; readonly parallelism: number };
      readonly unlockMs: Summary;
      readonly kdfOnPageMs: Summary;
      readonly kdfT6OnPageMs?: Summary;
      readonly accountingOffice: {
        readonly companies: number;
        readonly tokens: number;
        readonly certificates: number;
        readonly backupBytes: number;
        readonly buildMs: number;
        readonly importMs: number;
      };
      readonly openAndListMs: Summary;
      /** Of which: starting the key worker and its first answer (status). */
      readonly openStatusMs?: Summary;
      readonly listAgainMs: Summary;
    };
    readonly crypto?: {
      readonly node: readonly CryptoOpResult[];
      readonly chromium: readonly CryptoOpResult[];
    };
    readonly size?: {
      readonly pwaFirstLoadGzipBytes: number;
      readonly pwaFirstLoadObservedGzipBytes: number | null;
      readonly pwaFirstLoadObservedFiles: readonly string[];
      readonly pwaTotalJsGzipBytes: number;
      readonly contentScriptGzipBytes: number | null;
      readonly contentScripts: readonly string[];
      readonly extensionJsGzipBytes: number;
      readonly files: Readonly<Record<string, number>>;
    };
  };
};

const KIB = 1024;
const kib = (bytes: number | null | undefined) => (bytes == null ? '—' : `${(bytes / KIB).toFixed(1)} KiB`);
const ms = (x: number | null | undefined) => (x == null ? '—' : `${Math.round(x)} ms`);
const medP95 = (s: Summary | null | undefined) => (s ? `${ms(s.median)} (p95 ${ms(s.p95)})` : '—');
const times = (x: number | null) => (x === null ? '—' : `${x.toFixed(2)}×`);

/** `300 ms`, `2.17×`, `0` — a unit word gets a space, a sign does not, no unit nothing. */
const withUnit = (x: number, unit: string) =>
  unit === '' ? `${x}` : unit === '×' ? `${x}×` : `${x} ${unit}`;

function figure(t: Target): string {
  if (t.value === null) return 'not measured';
  return `${withUnit(t.value, t.unit)}${t.statistic ? ` (${t.statistic})` : ''}`;
}

/** The limit a login cell is held to (issue 10), shown in every row of the login table. */
export function loginLimitOf(c: Pick<LoginCell, 'method' | 'latencyMs' | 'authDelayMs'>): number {
  if (c.authDelayMs > 0) return LOGIN_LIMITS.withDelayMs(c.latencyMs, c.authDelayMs);
  return c.method === 'ksef-token'
    ? LOGIN_LIMITS.tokenAtOnceMs(c.latencyMs)
    : LOGIN_LIMITS.certificateAtOnceMs(c.latencyMs);
}

export function renderTargets(targets: readonly Target[]): string[] {
  return [
    '| target | figure | limit | |',
    '| --- | --- | --- | --- |',
    ...targets.map(
      (t) =>
        `| ${t.name} | ${figure(t)} | ${t.compare === '<=' ? '≤' : '≥'} ${withUnit(t.limit, t.unit)} | ${
          t.met ? 'met' : t.value === null ? '**not measured**' : '**missed**'
        } |`,
    ),
  ];
}

export function renderLogin(l: LoginBenchResult): string[] {
  const side = (c: LoginCell['ours']) =>
    c.failures > 0
      ? `${medP95(c.wallMs)}, **${c.failures} failed** (${c.errors.join(', ')})`
      : medP95(c.wallMs);
  const requests = (c: LoginCell) =>
    `${c.ours.requests ? c.ours.requests.median : '—'} / ${c.reference.requests ? c.reference.requests.median : '—'}`;
  return [
    `Sandbox over HTTP with KSeF's rate limits; ${l.runs} measured rounds per cell after ${l.warmups} warm-up ` +
      `rounds, ours and the fixed-${l.reference.intervalMs / 1000}-second reference interleaved (order alternating). ` +
      `Wall time from the first request to the access token in hand, median (p95). 429 answers: ${l.rateLimitedTotal}.`,
    '',
    '| L | D | method | ours | fixed 1 s (official clients) | requests ours / ref. | limit | ours ÷ 4L | ref. ÷ ours |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...l.cells.map(
      (c) =>
        `| ${c.latencyMs} ms | ${c.authDelayMs} ms | ${c.label} | ${side(c.ours)} | ${side(c.reference)} | ${requests(c)} | ` +
        `≤ ${loginLimitOf(c)} ms | ${times(c.oursToFloor)} | ${times(c.speedup)} |`,
    ),
  ];
}

export function renderHandoff(
  h: Extract<BenchResults['sections']['handoff'], { status: 'measured' }>,
): string[] {
  const count = (n: number, one: string, many: string) => `${n.toLocaleString('en')} ${n === 1 ? one : many}`;
  const requests = h.requests ? `${h.requests.median} (p95 ${h.requests.p95})` : '—';
  return [
    `${h.chromium}, headless, with the built extension and PWA; the vault unlocked in a wallet tab, the demo ERP ` +
      `on ${count(h.erpOrigins, 'loopback origin', 'loopback origins')} (each approved once in the wallet window, ` +
      `then at most ${h.runsPerOrigin} runs: the product's ${h.runsPerOrigin + 1} sessions per site per hour) for ` +
      `${count(h.companies, 'company', 'companies')}; the sandbox with KSeF's rate limits at L = ${h.latencyMs} ms. ` +
      'Per run a new ERP tab, the button armed (800 ms fully visible), a real mouse click; timed in the ERP page ' +
      "from the click's timestamp to the session shown. " +
      `${h.runs} runs after ${h.warmups} warm-ups, interleaved with the product's KSeF token login from Node at the ` +
      `same L (order alternating). Failed runs: ${h.failures}${h.errors.length ? ` (${h.errors.join(', ')})` : ''}; ` +
      `429 answers: ${h.rateLimited}. The machine's 1-minute load average was ${h.loadAverage.before} as the ` +
      `rounds began and ${h.loadAverage.after} as they ended (other work on the machine competes with Chromium's processes).`,
    '',
    '| measure | median | p95 |',
    '| --- | --- | --- |',
    `| click → session in the demo ERP | ${ms(h.handoffMs?.median)} | ${ms(h.handoffMs?.p95)} |`,
    `| … of which: click → the extension took the request (page status "logging-in") | ${ms(h.acceptedMs?.median)} | ${ms(h.acceptedMs?.p95)} |`,
    `| click → the demo ERP's own check at KSeF (GET /auth/sessions) confirms it | ${ms(h.provedMs?.median)} | ${ms(h.provedMs?.p95)} |`,
    `| KSeF token login from Node, same L, same rounds | ${ms(h.tokenLoginMs?.median)} | ${ms(h.tokenLoginMs?.p95)} |`,
    '',
    `Hand-off ÷ token login: ${times(h.handoffToLogin)}; the wallet's own path (content script, extension, ` +
      `PWA relay, key worker, delivery) adds ${ms(h.overheadMs)} to the protocol login. Hand-off ÷ limit ` +
      `(4 × L + 300 = ${h.limitMs} ms): ${times(h.handoffToLimit)}. KSeF requests per hand-off: ${requests}.` +
      (h.unarmedClicks > 0 ? ` Clicks before the button armed (clicked again): ${h.unarmedClicks}.` : '') +
      (h.proofFailures > 0 ? ` Sessions the demo ERP's own check did not confirm: ${h.proofFailures}.` : ''),
  ];
}

export function renderVault(v: NonNullable<BenchResults['sections']['vault']>): string[] {
  const o = v.accountingOffice;
  return [
    `${v.chromium}, headless, the real key worker under the PWA's CSP. Argon2id ${v.kdf.memoryKiB / 1024} MiB, ` +
      `t = ${v.kdf.iterations}, p = ${v.kdf.parallelism} (the product's default). Accounting office: ` +
      `${o.companies.toLocaleString('en')} companies, ${o.tokens.toLocaleString('en')} KSeF tokens, ` +
      `${o.certificates.toLocaleString('en')} KSeF certificates, imported once with the vault's backup import ` +
      `(${kib(o.backupBytes)} file, import ${ms(o.importMs)}).`,
    '',
    '| measure | median | p95 |',
    '| --- | --- | --- |',
    `| unlock (locked vault, fresh key worker) | ${ms(v.unlockMs.median)} | ${ms(v.unlockMs.p95)} |`,
    `| Argon2id + HKDF alone, page thread | ${ms(v.kdfOnPageMs.median)} | ${ms(v.kdfOnPageMs.p95)} |`,
    ...(v.kdfT6OnPageMs
      ? [
          `| the same at t = 6 (SECURITY.md §4 headroom) | ${ms(v.kdfT6OnPageMs.median)} | ${ms(v.kdfT6OnPageMs.p95)} |`,
        ]
      : []),
    `| open and list (start the key worker, status, companies, tokens, certificates) | ${ms(v.openAndListMs.median)} | ${ms(v.openAndListMs.p95)} |`,
    ...(v.openStatusMs
      ? [
          `| … of which: key worker start and status | ${ms(v.openStatusMs.median)} | ${ms(v.openStatusMs.p95)} |`,
        ]
      : []),
    `| list again (key worker running) | ${ms(v.listAgainMs.median)} | ${ms(v.listAgainMs.p95)} |`,
  ];
}

export function renderCrypto(c: NonNullable<BenchResults['sections']['crypto']>): string[] {
  const byId = new Map(c.chromium.map((x) => [x.id, x] as const));
  return [
    'Per operation through the crypto core with non-extractable keys, median (p95).',
    '',
    '| operation | Node | Chromium |',
    '| --- | --- | --- |',
    ...c.node.map((n) => `| ${n.name} | ${medP95Precise(n.ms)} | ${medP95Precise(byId.get(n.id)?.ms)} |`),
  ];
}

const precise = (x: number) => (x < 10 ? `${x.toFixed(1)} ms` : `${Math.round(x)} ms`);
const medP95Precise = (s: Summary | undefined) => (s ? `${precise(s.median)} (${precise(s.p95)})` : '—');

export function renderSize(s: NonNullable<BenchResults['sections']['size']>): string[] {
  return [
    '| bundle (gzip -9) | size |',
    '| --- | --- |',
    `| PWA first load, from index.html | ${kib(s.pwaFirstLoadGzipBytes)} |`,
    `| PWA first load, as Chromium fetched it | ${kib(s.pwaFirstLoadObservedGzipBytes)} |`,
    `| PWA, all JS (lazy chunks included) | ${kib(s.pwaTotalJsGzipBytes)} |`,
    `| content script in ERP pages (${s.contentScripts.join(', ') || 'none found'}) | ${kib(s.contentScriptGzipBytes)} |`,
    `| whole extension JS | ${kib(s.extensionJsGzipBytes)} |`,
  ];
}

/** The README "Performance" section (and the console report of `npm run bench`). */
export function renderPerformance(b: BenchResults): string {
  const s = b.sections;
  return [
    '## Performance',
    '',
    `Measured by \`npm run bench\` on ${b.machine.cpus} × ${b.machine.cpuModel}, Node ${b.machine.node}, ` +
      `${b.generatedAt.slice(0, 10)} (${Math.round(b.durationSeconds)} s). Login and vault figures: median of ` +
      `${b.settings.runs} runs after ${b.settings.warmups} warm-up runs unless a p95 is named; the machine is ` +
      'shared, so read the ratios before the milliseconds. Generated from `bench/results.json` by `npm run readme`.',
    '',
    `**${summaryLine(b.targets)}**`,
    '',
    ...renderTargets(b.targets),
    ...(s.login
      ? [
          '',
          '### Login (L = added latency per request, D = server-side verification delay)',
          '',
          ...renderLogin(s.login),
        ]
      : []),
    '',
    '### One-click hand-off',
    '',
    ...(s.handoff.status === 'measured'
      ? renderHandoff(s.handoff)
      : [`Not measured yet: ${s.handoff.reason}`]),
    ...(s.vault ? ['', '### Vault', '', ...renderVault(s.vault)] : []),
    ...(s.crypto ? ['', '### Crypto', '', ...renderCrypto(s.crypto)] : []),
    ...(s.size ? ['', '### Size', '', ...renderSize(s.size)] : []),
  ].join('\n');
}

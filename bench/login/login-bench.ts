/**
 * Login latency against the real sandbox over HTTP (issue 10): for every per-request latency L and
 * server-side verification delay D, each login method is timed with the product's flow and with
 * the fixed-1-second reference (fixed-interval-login.ts), interleaved in the same run so that both
 * meet the same machine noise. Pairs alternate their order (ours first, then the reference first)
 * so that neither always runs on a warmer or cooler machine; warm-up rounds are thrown away (they
 * fill the public-key cache and JIT the code paths).
 *
 * The sandbox runs with KSeF's rate limits (`rateLimits: 'ksef'`): a 429 during a login is counted
 * and must stay at 0. Requests per login are read from the sandbox's own request log.
 *
 * Each (cell, method) gets its own company (NIP) with its own credential, because the product's
 * login budget (30 logins per company per hour, SECURITY.md §4) would otherwise stop the bench —
 * as it should stop any real client that logs one company in fifty times in a few minutes.
 */
import { startSandbox } from '../../sandbox/server.ts';
import type { SigningAlgorithm } from '../../shared/crypto/index.ts';
import { isValidNip, nipChecksumDigit } from '../../shared/domain/nip.ts';
import { createFetchTransport } from '../../shared/ksef/fetch-transport.ts';
import { createKsefClient, type KsefClient } from '../../shared/ksef/ksef-client.ts';
import { loginWithKsefCertificate } from '../../shared/ksef/login-with-ksef-certificate.ts';
import { loginWithKsefToken } from '../../shared/ksef/login-with-ksef-token.ts';
import { systemClock } from '../../shared/platform.ts';
import { ratio, type Summary, summarize } from '../stats.ts';
import { type BenchCredential, obtainKsefCertificate, obtainKsefToken } from './credentials.ts';
import { loginWithFixedIntervalPolling, OFFICIAL_CLIENT_POLLING } from './fixed-interval-login.ts';

export const LOGIN_METHODS = Object.freeze([
  { id: 'ksef-token', label: 'KSeF token' },
  { id: 'ksef-certificate-rsa', label: 'KSeF certificate (RSA-2048)', algorithm: 'RSA-2048' },
  { id: 'ksef-certificate-p256', label: 'KSeF certificate (P-256)', algorithm: 'ECDSA-P256' },
] as const satisfies readonly { id: string; label: string; algorithm?: SigningAlgorithm }[]);
export type LoginMethodId = (typeof LOGIN_METHODS)[number]['id'];

export type LoginBenchOptions = {
  readonly latenciesMs: readonly number[];
  readonly authDelaysMs: readonly number[];
  readonly runs: number;
  readonly warmups: number;
  readonly log?: (line: string) => void;
};

export type SideResult = {
  readonly wallMs: Summary | null;
  /** Requests per login, from the sandbox log. */
  readonly requests: Summary | null;
  readonly failures: number;
  readonly errors: readonly string[];
  readonly rateLimited: number;
};

export type LoginCell = {
  readonly method: LoginMethodId;
  readonly label: string;
  readonly latencyMs: number;
  readonly authDelayMs: number;
  /** The protocol floor: challenge, submit, one status, redeem — four round trips of L. */
  readonly floorMs: number;
  readonly ours: SideResult;
  readonly reference: SideResult;
  /** ours median / floor (null at L = 0). */
  readonly oursToFloor: number | null;
  /** reference median / ours median: how many times faster ours is. */
  readonly speedup: number | null;
};

export type LoginBenchResult = {
  readonly sandbox: { readonly rateLimits: 'ksef'; readonly singleUseChallenges: true };
  readonly reference: { readonly intervalMs: number; readonly timeoutMs: number };
  readonly runs: number;
  readonly warmups: number;
  readonly cells: readonly LoginCell[];
  /** Every 429 the sandbox answered during the measured and warm-up logins. */
  readonly rateLimitedTotal: number;
};

type Sample = { ms: number; requests: number; rateLimited: number; error?: string };

const ENV = 'custom:bench' as const;

/** Distinct valid NIPs, deterministic (the same companies in every run). */
export function* benchNips(): Generator<string> {
  for (let i = 0; ; i++) {
    const nine = String(710_000_000 + ((i * 7919) % 89_000_000));
    const nip = `${nine}${nipChecksumDigit(nine) ?? ''}`;
    if (isValidNip(nip)) yield nip;
  }
}

export async function runLoginBench(options: LoginBenchOptions): Promise<LoginBenchResult> {
  const log = options.log ?? (() => {});
  const sandbox = await startSandbox({ port: 0, rateLimits: 'ksef', singleUseChallenges: true });
  try {
    const transport = createFetchTransport({
      fetch,
      resolveBaseUrl: (env) => (env === ENV ? sandbox.baseUrl : null),
    });
    const subtle = globalThis.crypto.subtle;
    const clientFor = (nip: string): KsefClient =>
      createKsefClient({
        transport,
        clock: systemClock,
        subtle,
        env: ENV,
        context: { type: 'Nip', value: nip },
      });

    // Setup at L = 0, D = 0: it is not measured.
    sandbox.control.configure({ latencyMs: 0, authDelayMs: 0 });
    type Slot = { client: KsefClient; credential: BenchCredential };
    const slots = new Map<string, Slot>();
    const nips = benchNips();
    for (const latencyMs of options.latenciesMs)
      for (const authDelayMs of options.authDelaysMs)
        for (const m of LOGIN_METHODS) {
          const client = clientFor(nips.next().value as string);
          const credential =
            'algorithm' in m
              ? await obtainKsefCertificate(client, m.algorithm)
              : await obtainKsefToken(client);
          slots.set(`${latencyMs}/${authDelayMs}/${m.id}`, { client, credential });
        }
    log(`login: ${slots.size} companies with credentials ready`);

    const timeOne = async (
      run: () => Promise<{ ok: boolean; error?: { code: string } }>,
    ): Promise<Sample> => {
      sandbox.control.clearRequests();
      const t0 = performance.now();
      const r = await run();
      const ms = performance.now() - t0;
      const requests = sandbox.control.requests();
      return {
        ms,
        requests: requests.length,
        rateLimited: requests.filter((e) => e.status === 429).length,
        ...(r.ok ? {} : { error: r.error?.code ?? 'UNKNOWN' }),
      };
    };
    const ours = (s: Slot) =>
      s.credential.kind === 'ksefToken'
        ? loginWithKsefToken(s.client, { token: s.credential.token })
        : loginWithKsefCertificate(s.client, {
            privateKey: s.credential.privateKey,
            certificateDer: s.credential.certificateDer,
          });
    const reference = (s: Slot) =>
      loginWithFixedIntervalPolling(
        s.client,
        s.credential.kind === 'ksefToken'
          ? { method: 'ksefToken', token: s.credential.token }
          : {
              method: 'ksefCertificate',
              privateKey: s.credential.privateKey,
              certificateDer: s.credential.certificateDer,
            },
      );

    const cells: LoginCell[] = [];
    let rateLimitedTotal = 0;
    for (const latencyMs of options.latenciesMs)
      for (const authDelayMs of options.authDelaysMs) {
        sandbox.control.configure({ latencyMs, authDelayMs });
        const samples = new Map<LoginMethodId, { ours: Sample[]; reference: Sample[] }>(
          LOGIN_METHODS.map((m) => [m.id, { ours: [], reference: [] }]),
        );
        for (let round = 0; round < options.warmups + options.runs; round++) {
          for (const m of LOGIN_METHODS) {
            const slot = slots.get(`${latencyMs}/${authDelayMs}/${m.id}`)!;
            // A B, then B A: each side runs first in half of the rounds.
            const pair =
              round % 2 === 0
                ? ([
                    ['ours', () => ours(slot)],
                    ['reference', () => reference(slot)],
                  ] as const)
                : ([
                    ['reference', () => reference(slot)],
                    ['ours', () => ours(slot)],
                  ] as const);
            for (const [side, run] of pair) {
              const sample = await timeOne(run);
              rateLimitedTotal += sample.rateLimited;
              if (round >= options.warmups) samples.get(m.id)![side].push(sample);
            }
          }
        }
        for (const m of LOGIN_METHODS) {
          const s = samples.get(m.id)!;
          const cell = cellOf(m.id, m.label, latencyMs, authDelayMs, s.ours, s.reference);
          cells.push(cell);
          log(
            `login: L=${latencyMs} D=${authDelayMs} ${m.label}: ours ${cell.ours.wallMs?.median ?? '—'} ms, ` +
              `fixed 1 s ${cell.reference.wallMs?.median ?? '—'} ms`,
          );
        }
      }
    return {
      sandbox: { rateLimits: 'ksef', singleUseChallenges: true },
      reference: { ...OFFICIAL_CLIENT_POLLING },
      runs: options.runs,
      warmups: options.warmups,
      cells,
      rateLimitedTotal,
    };
  } finally {
    await sandbox.close();
  }
}

function sideOf(samples: readonly Sample[]): SideResult {
  const good = samples.filter((s) => s.error === undefined);
  return {
    wallMs: good.length > 0 ? summarize(good.map((s) => s.ms)) : null,
    requests: good.length > 0 ? summarize(good.map((s) => s.requests)) : null,
    failures: samples.length - good.length,
    errors: [...new Set(samples.flatMap((s) => (s.error ? [s.error] : [])))],
    rateLimited: samples.reduce((n, s) => n + s.rateLimited, 0),
  };
}

export function cellOf(
  method: LoginMethodId,
  label: string,
  latencyMs: number,
  authDelayMs: number,
  ours: readonly Sample[],
  reference: readonly Sample[],
): LoginCell {
  const o = sideOf(ours);
  const r = sideOf(reference);
  const floorMs = 4 * latencyMs;
  return {
    method,
    label,
    latencyMs,
    authDelayMs,
    floorMs,
    ours: o,
    reference: r,
    oursToFloor: o.wallMs ? ratio(o.wallMs.median, floorMs) : null,
    speedup: o.wallMs && r.wallMs ? ratio(r.wallMs.median, o.wallMs.median) : null,
  };
}

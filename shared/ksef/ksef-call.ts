/**
 * One KSeF request through the injected Transport, with KSeF's rules built in (CLIENT-NOTES §2, §3):
 *
 *  - `X-Error-Format: problem-details` on every request; both error formats read into one shape.
 *  - 429: the Retry-After is recorded in the shared gate for this environment + context, waited out
 *    and the request re-sent (a 429 was not processed, so this is safe for any request) — bounded,
 *    and a wait longer than the policy allows returns RATE_LIMITED with `retryAfterMs` instead.
 *  - Every request first waits for the gate, so parallel flows respect a block one of them received.
 *  - 5xx and network errors: only requests marked `idempotent` are re-sent, with jittered back-off.
 *    Submissions and redeem are `once`: a lost answer is reported (NETWORK / TIMEOUT /
 *    KSEF_UNAVAILABLE) and the flow decides — a new challenge, never a blind re-POST.
 *  - 2xx bodies are validated with the operation's schema: BAD_RESPONSE names the field.
 *
 * No secret reaches an error: bearer tokens go only into the Authorization header, and errors carry
 * KSeF's texts and our codes.
 */
import * as v from 'valibot';
import type { Clock, Transport } from '../platform.ts';
import { fail, ok, type Result, type WalletError, walletError } from '../result.ts';
import type { JsonRequestBody } from './api-types.ts';
import { type RetryPolicy, retryDelayMs } from './backoff.ts';
import type { KsefOperationId } from './generated/operations.ts';
import { parseKsefError } from './ksef-error.ts';
import type { RateLimitGate } from './rate-limit-gate.ts';
import { parseRetryAfter } from './retry-after.ts';
import type { EnvironmentId, KsefRequest } from './transport-types.ts';

export type KsefCall<Op extends KsefOperationId, T> = {
  readonly operation: Op;
  readonly pathParams?: Readonly<Record<string, string>>;
  readonly query?: Readonly<Record<string, string | number | boolean>>;
  /** Operation, access or refresh token; goes into the Authorization header only. */
  readonly bearer?: string;
  readonly json?: JsonRequestBody<Op>;
  /** A signed XML document, sent byte for byte as given (REFERENCE §6.3 point 1). */
  readonly xml?: string;
  /** Extra allowlisted headers (x-continuation-token, x-ksef-feature). */
  readonly headers?: Readonly<Record<string, string>>;
  /** `idempotent`: re-sent after 5xx / network errors. `once`: never re-sent (except after a 429). */
  readonly retry: 'idempotent' | 'once';
  /** Validates the 2xx body; without it the body is ignored (204 answers). */
  readonly schema?: v.GenericSchema<unknown, T>;
  readonly signal?: AbortSignal;
};

export type KsefReply<T> = {
  readonly value: T;
  readonly status: number;
  /** `X-System-Warning` entries (REFERENCE §2.7), e.g. "[sig-001]: …" for a soft XAdES problem. */
  readonly warnings: readonly string[];
  readonly headers: Readonly<Record<string, string>>;
};

export type CallerDeps = {
  readonly transport: Transport;
  readonly clock: Clock;
  readonly random: () => number;
  readonly env: EnvironmentId;
  readonly gate: RateLimitGate;
  /** Rate-limit scope: environment + context (KSeF counts per context and client IP). */
  readonly scope: string;
  readonly retry: RetryPolicy;
};

const aborted = (): Result<never> => fail('ABORTED');

/** Sleeps on the injected clock; false when the signal aborted meanwhile. */
export async function pause(clock: Clock, ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return false;
  if (ms <= 0) return true;
  try {
    await clock.sleep(ms, signal);
    return !signal?.aborted;
  } catch {
    return false;
  }
}

function headersOf<Op extends KsefOperationId, T>(call: KsefCall<Op, T>): Record<string, string> {
  const h: Record<string, string> = {
    accept: 'application/json',
    'x-error-format': 'problem-details',
    ...(call.headers ?? {}),
  };
  if (call.bearer !== undefined) h.authorization = `Bearer ${call.bearer}`;
  if (call.xml !== undefined) h['content-type'] = 'application/xml';
  else if (call.json !== undefined) h['content-type'] = 'application/json';
  return h;
}

const warningsOf = (headers: Readonly<Record<string, string>>): string[] =>
  (headers['x-system-warning'] ?? '')
    .split(' | ')
    .map((w) => w.trim().slice(0, 500))
    .filter((w) => w.length > 0)
    .slice(0, 20);

function validated<T>(schema: v.GenericSchema<unknown, T>, body: string): Result<T> {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return fail('BAD_RESPONSE', { detail: 'the answer is not JSON' });
  }
  const parsed = v.safeParse(schema, json);
  if (parsed.success) return ok(parsed.output);
  const issue = parsed.issues[0];
  const path = issue ? (v.getDotPath(issue) ?? '(root)') : '(root)';
  // Field and expectation only: valibot's message quotes the received value, which could be a token.
  const expected = issue?.expected ? ` (expected ${issue.expected})` : '';
  return fail('BAD_RESPONSE', {
    detail: `${path}: invalid ${issue?.type ?? 'value'}${expected}`.slice(0, 300),
  });
}

/** Sends one call with the retry and rate-limit rules above. */
export async function sendKsef<Op extends KsefOperationId, T>(
  deps: CallerDeps,
  call: KsefCall<Op, T>,
): Promise<Result<KsefReply<T>>> {
  const { clock, gate, scope, retry } = deps;
  const req: KsefRequest = {
    env: deps.env,
    operation: call.operation,
    ...(call.pathParams ? { pathParams: call.pathParams } : {}),
    ...(call.query ? { query: call.query } : {}),
    headers: headersOf(call),
    ...(call.xml !== undefined
      ? { body: call.xml }
      : call.json !== undefined
        ? { body: JSON.stringify(call.json) }
        : {}),
  };
  let retries = 0;
  let rateLimitRetries = 0;
  let lastRateLimit: WalletError | undefined;
  for (;;) {
    // Honour a block that this or another flow of the same scope was given.
    const wait = gate.blockedUntil(scope) - clock.now();
    if (wait > 0) {
      if (wait > retry.maxRateLimitWaitMs)
        return { ok: false, error: lastRateLimit ?? walletError('RATE_LIMITED', { retryAfterMs: wait }) };
      if (!(await pause(clock, wait, call.signal))) return aborted();
    }
    if (call.signal?.aborted) return aborted();

    const sent = await deps.transport.send(req, call.signal);
    if (!sent.ok) {
      if (call.signal?.aborted || sent.error.code === 'ABORTED') return aborted();
      const transient = sent.error.code === 'NETWORK' || sent.error.code === 'TIMEOUT';
      if (transient && call.retry === 'idempotent' && retries < retry.maxRetries) {
        if (!(await pause(clock, retryDelayMs(retry, retries++, deps.random), call.signal))) return aborted();
        continue;
      }
      return sent;
    }
    const res = sent.value;
    if (res.status >= 200 && res.status < 300) {
      const warnings = warningsOf(res.headers);
      if (!call.schema)
        return ok({ value: undefined as T, status: res.status, warnings, headers: res.headers });
      const value = validated(call.schema, res.body);
      if (!value.ok) return value;
      return ok({ value: value.value, status: res.status, warnings, headers: res.headers });
    }
    const ksef = parseKsefError(res);
    if (res.status === 429) {
      const afterMs = parseRetryAfter(res.headers['retry-after'], clock.now(), retry.defaultRetryAfterMs);
      gate.block(scope, clock.now() + afterMs);
      lastRateLimit = walletError('RATE_LIMITED', { ksef, retryAfterMs: afterMs });
      if (rateLimitRetries >= retry.maxRateLimitRetries || afterMs > retry.maxRateLimitWaitMs)
        return { ok: false, error: lastRateLimit };
      rateLimitRetries++;
      continue;
    }
    if (res.status >= 500) {
      if (call.retry === 'idempotent' && retries < retry.maxRetries) {
        if (!(await pause(clock, retryDelayMs(retry, retries++, deps.random), call.signal))) return aborted();
        continue;
      }
      return fail('KSEF_UNAVAILABLE', { ksef });
    }
    return fail('KSEF_REJECTED', { ksef });
  }
}

/** True for the answers after which a `once` request may or may not have been carried out. */
export const isLostAnswer = (e: WalletError): boolean =>
  e.code === 'NETWORK' || e.code === 'TIMEOUT' || e.code === 'KSEF_UNAVAILABLE';

/**
 * Timing rules of the client, in one place: how often asynchronous statuses are polled and how
 * failed idempotent requests are retried. All waiting goes through the injected Clock; jitter takes
 * the injected random source, so tests run the schedules instantly and deterministically.
 *
 * Auth status (`GET /auth/{ref}`, 60 req/s per IP, REFERENCE §2.6) — CLIENT-NOTES §1 "do better":
 *   poll #1 at once after the 202 (KSeF-issued certificates and TEST usually finish immediately:
 *   then a login is exactly challenge + submit + status + redeem), then 50 ms growing ×1.3 —
 *   50, 65, 85, 110, 143, 186, 241, 314, 408, 530, 689, 896 ms … — capped at 3 s on TEST/sandbox and
 *   5 s on DEMO/PRD. Poll times 0, 50, 115, 200, 310, 453, 639, 880 … ms: a verification that takes
 *   D is seen at most ~0.3·D late (≤ 150 ms for D up to ~500 ms), the first second has 8 polls — so
 *   even five logins in parallel (the bulk budget, SECURITY.md §4) stay below KSeF's 60/s — and a
 *   2-minute wait costs about 50 requests instead of the official clients' 120 (they poll every 1 s
 *   and see a 300 ms verification only after a second). Budget: 2 minutes on TEST/sandbox (like the
 *   C# client), 5 minutes on DEMO/PRD where OCSP/CRL checks of qualified certificates keep the
 *   status at 100 longer (§5.2).
 *
 * Token activation and certificate enrollment (`GET /tokens/{ref}`,
 * `GET /certificates/enrollments/{ref}`: group "other", 10/s, 30/min, 120/h per context + IP):
 *   poll #1 at once, then 250 ms doubling to a 5 s cap — at most 16 requests in the first minute and
 *   12 a minute after that, leaving room in the 30/min window for the user's own actions. Budget:
 *   60 s for tokens (the C# tests wait 60 s), 2 minutes for enrollments.
 *
 * Retries of idempotent requests on 5xx / network errors (CLIENT-NOTES §2): 3 retries at
 * 200, 400, 800 ms (capped at 2 s), each multiplied by a jitter factor in [0.5, 1.5) so that tabs or
 * flows that failed together do not retry together.
 */
import { isTestEnvironment } from './environments.ts';
import type { EnvironmentId } from './transport-types.ts';

export type PollPolicy = {
  /** Delay before the second poll (the first one is immediate). */
  readonly initialDelayMs: number;
  readonly factor: number;
  readonly maxDelayMs: number;
  /** Give up (STILL_IN_PROGRESS) once this much time has passed since polling began. */
  readonly budgetMs: number;
};

export type RetryPolicy = {
  /** Retries of an idempotent request after a 5xx or a network error. */
  readonly maxRetries: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Re-sends after a 429 (any request: a 429 was not processed). */
  readonly maxRateLimitRetries: number;
  /** A Retry-After longer than this is not waited out: the caller gets RATE_LIMITED at once. */
  readonly maxRateLimitWaitMs: number;
  /** Wait when a 429 carries no readable Retry-After. */
  readonly defaultRetryAfterMs: number;
};

export const AUTH_POLL_TEST: PollPolicy = Object.freeze({
  initialDelayMs: 50,
  factor: 1.3,
  maxDelayMs: 3000,
  budgetMs: 120_000,
});
export const AUTH_POLL_PRODUCTION: PollPolicy = Object.freeze({
  initialDelayMs: 50,
  factor: 1.3,
  maxDelayMs: 5000,
  budgetMs: 300_000,
});
export const TOKEN_ACTIVATION_POLL: PollPolicy = Object.freeze({
  initialDelayMs: 250,
  factor: 2,
  maxDelayMs: 5000,
  budgetMs: 60_000,
});
export const ENROLLMENT_POLL: PollPolicy = Object.freeze({
  initialDelayMs: 250,
  factor: 2,
  maxDelayMs: 5000,
  budgetMs: 120_000,
});
export const DEFAULT_RETRY: RetryPolicy = Object.freeze({
  maxRetries: 3,
  baseDelayMs: 200,
  maxDelayMs: 2000,
  maxRateLimitRetries: 3,
  maxRateLimitWaitMs: 60_000,
  defaultRetryAfterMs: 1000,
});

export const authPollPolicy = (env: EnvironmentId): PollPolicy =>
  isTestEnvironment(env) ? AUTH_POLL_TEST : AUTH_POLL_PRODUCTION;

/** Delay before poll number `index` (0-based): 0 for the first, then geometric up to the cap. */
export function pollDelayMs(policy: PollPolicy, index: number): number {
  if (index <= 0) return 0;
  return Math.round(Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.factor ** (index - 1)));
}

/** Delay before retry number `attempt` (0-based) of an idempotent request, with jitter. */
export function retryDelayMs(policy: RetryPolicy, attempt: number, random: () => number): number {
  const base = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.round(base * (0.5 + random()));
}

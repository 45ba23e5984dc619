/**
 * Keeps a session's access token fresh while the session is in use (REFERENCE §3.6, §5.1 step 4;
 * SECURITY.md §4 "refresh ≤ 2 min before exp"): on the injected clock it wakes up two minutes before
 * the access token expires (or at half its lifetime, if that is shorter), calls
 * `POST /auth/token/refresh` with the refresh token and swaps in the new access token. The refresh
 * token itself is not rotated (§3.6) and ends the keeper when it expires.
 *
 * Ends (SESSION_ENDED) when the session can no longer be refreshed: 21301 — with status 425 in its
 * detail after a revocation ("Status uwierzytelnienia (425) nie pozwala na odświeżenie tokenu
 * dostępowego."), 21304, 21308, a 401, or the refresh token's own expiry. Transient failures (network,
 * 5xx after the call layer's retries, 429) are retried with back-off until the access token would be
 * gone. Cancel with `stop()` or the signal; nothing runs after that.
 */
import type { Result, WalletError } from '../result.ts';
import { fail, ok, walletError } from '../result.ts';
import { pause } from './ksef-call.ts';
import type { KsefClient } from './ksef-client.ts';
import { parseKsefDateTime } from './response-schemas.ts';

export type SessionTokens = {
  readonly accessToken: string;
  readonly accessTokenValidUntil: string;
  readonly refreshToken: string;
  readonly refreshTokenValidUntil: string;
};

export type AccessToken = { readonly accessToken: string; readonly accessTokenValidUntil: string };

export type SessionKeeper = {
  /** A usable access token: the current one, or a freshly refreshed one when it is about to expire. */
  accessToken(): Promise<Result<string>>;
  current(): AccessToken;
  stop(): void;
  /** Settles when the keeper stops: ok after `stop()`/abort, SESSION_ENDED when the session ended. */
  readonly done: Promise<Result<void>>;
};

export const SESSION_KEEPER = Object.freeze({
  /** SECURITY.md §4: refresh no more than two minutes before `exp`. */
  LEAD_MS: 120_000,
  /** An access token with less than this left is refreshed before it is handed out. */
  MIN_LEFT_MS: 5_000,
  /** Back-off ceiling between failed refresh attempts. */
  MAX_RETRY_DELAY_MS: 30_000,
  /** Two refreshes are at least this far apart, even if KSeF hands out a token that is already
   * short-lived (refreshes within one second can even return the same token, #385). */
  MIN_REFRESH_INTERVAL_MS: 1_000,
});

const ENDING_CODES: ReadonlySet<number> = new Set([21301, 21304, 21308]);

/** Whether a refresh error means the session is over (not worth another try). */
export function sessionEndedBy(e: WalletError): WalletError | undefined {
  const ended =
    e.code === 'KSEF_REJECTED' &&
    ((e.ksef?.code !== undefined && ENDING_CODES.has(e.ksef.code)) || e.ksef?.httpStatus === 401);
  if (!ended) return undefined;
  const revoked = (e.ksef?.details ?? []).some((d) => d.includes('(425)'));
  return walletError('SESSION_ENDED', {
    detail: revoked ? 'the session was revoked (status 425)' : 'KSeF no longer refreshes this session',
    ...(e.ksef ? { ksef: e.ksef } : {}),
  });
}

export function keepSession(
  client: KsefClient,
  tokens: SessionTokens,
  options: {
    readonly signal?: AbortSignal;
    readonly leadMs?: number;
    readonly onRefresh?: (token: AccessToken) => void;
    readonly onEnd?: (error: WalletError) => void;
  } = {},
): SessionKeeper {
  const clock = client.clock;
  const stopper = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stopper.signal]) : stopper.signal;
  const refreshUntil = parseKsefDateTime(tokens.refreshTokenValidUntil);
  let current: AccessToken = {
    accessToken: tokens.accessToken,
    accessTokenValidUntil: tokens.accessTokenValidUntil,
  };
  let obtainedAt = clock.now();
  let inFlight: Promise<Result<string>> | undefined;
  let ended: WalletError | undefined;

  const expiresAt = () => parseKsefDateTime(current.accessTokenValidUntil);
  const refreshAt = () => {
    const lifetime = Math.max(0, expiresAt() - obtainedAt);
    return expiresAt() - Math.min(options.leadMs ?? SESSION_KEEPER.LEAD_MS, lifetime / 2);
  };

  const end = (e: WalletError) => {
    if (ended) return;
    ended = e;
    stopper.abort();
    options.onEnd?.(e);
  };

  /** One refresh at a time: concurrent callers share it. */
  function refresh(): Promise<Result<string>> {
    if (ended) return Promise.resolve({ ok: false, error: ended });
    if (!inFlight) {
      inFlight = (async (): Promise<Result<string>> => {
        if (!(clock.now() < refreshUntil)) {
          const e = walletError('SESSION_ENDED', { detail: 'the refresh token has expired' });
          end(e);
          return { ok: false, error: e };
        }
        const r = await client.auth.refresh(tokens.refreshToken, signal);
        if (r.ok) {
          current = {
            accessToken: r.value.accessToken.token,
            accessTokenValidUntil: r.value.accessToken.validUntil,
          };
          obtainedAt = clock.now();
          options.onRefresh?.(current);
          return ok(current.accessToken);
        }
        const over = sessionEndedBy(r.error);
        if (over) {
          end(over);
          return { ok: false, error: over };
        }
        return r;
      })().finally(() => {
        inFlight = undefined;
      });
    }
    return inFlight;
  }

  const done = (async (): Promise<Result<void>> => {
    let failures = 0;
    while (!signal.aborted) {
      const wait =
        failures === 0
          ? Math.max(
              refreshAt() - clock.now(),
              obtainedAt + SESSION_KEEPER.MIN_REFRESH_INTERVAL_MS - clock.now(),
            )
          : 0;
      if (!(await pause(clock, wait, signal))) break;
      const r = await refresh();
      if (r.ok) {
        failures = 0;
        continue;
      }
      if (ended) break;
      if (r.error.code === 'ABORTED') break;
      // Transient: try again with back-off, unless even the refresh token is gone by then.
      const backoff = Math.min(SESSION_KEEPER.MAX_RETRY_DELAY_MS, 1000 * 2 ** failures++);
      const delay = Math.min(
        SESSION_KEEPER.MAX_RETRY_DELAY_MS,
        r.error.retryAfterMs ?? Math.round(backoff * (0.5 + client.random())),
      );
      if (!(await pause(clock, delay, signal))) break;
    }
    return ended ? { ok: false, error: ended } : ok(undefined);
  })();

  return {
    async accessToken() {
      if (ended) return { ok: false, error: ended };
      if (signal.aborted) return fail('ABORTED');
      if (expiresAt() - clock.now() > SESSION_KEEPER.MIN_LEFT_MS) return ok(current.accessToken);
      return refresh();
    },
    current: () => current,
    stop: () => stopper.abort(),
    done,
  };
}

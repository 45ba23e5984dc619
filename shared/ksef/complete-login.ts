/**
 * The common tail of every login (REFERENCE §5.1): poll `GET /auth/{ref}` until the status is not
 * 100, then redeem exactly once. Every status other than 100 is final with its KSeF meaning
 * (CLIENT-NOTES §1 — the C# client keeps polling 500/550 until its timeout):
 *
 *   200       → redeem (unless the flow was cancelled meanwhile: a cancelled flow never redeems)
 *   480       → AUTH_BLOCKED, and automatic logins for this company stop (SECURITY.md T12)
 *   any other → AUTH_FAILED with the status in `ksef.code` and KSeF's description and details
 *               (415 no permissions, 425 revoked, 450 token, 460 certificate, 470 deceased,
 *               500 unknown, 550 cancelled by the system — the flows restart that one once)
 */
import { fail, type Result, walletError } from '../result.ts';
import type { KsefClient } from './ksef-client.ts';
import { companyKey } from './ksef-client.ts';
import type { LoginOptions, LoginResult, PendingLogin } from './login-types.ts';
import { pollUntil } from './poll-until.ts';
import { redeemAccessToken } from './redeem-access-token.ts';
import type { AuthStatus } from './response-schemas.ts';

export const AUTH_STATUS = Object.freeze({ IN_PROGRESS: 100, SUCCESS: 200, BLOCKED: 480, CANCELLED: 550 });

/** The error a final auth status other than 200 becomes. */
export function authStatusError(status: AuthStatus['status']) {
  const ksef = {
    httpStatus: 200,
    code: status.code,
    description: status.description,
    ...(status.details && status.details.length > 0 ? { details: status.details } : {}),
  };
  return walletError(status.code === AUTH_STATUS.BLOCKED ? 'AUTH_BLOCKED' : 'AUTH_FAILED', { ksef });
}

export async function completeLogin(
  client: KsefClient,
  pending: PendingLogin,
  options: LoginOptions & { readonly attempt?: number } = {},
): Promise<Result<LoginResult>> {
  const attempt = options.attempt ?? 1;
  const left = () =>
    pending.challengeExpiresAtMs === undefined
      ? {}
      : { challengeLeftMs: Math.max(0, pending.challengeExpiresAtMs - client.clock.now()) };
  const report = (phase: 'polling' | 'redeeming' | 'done', polls: number, statusCode?: number) =>
    options.onProgress?.({
      phase,
      attempt,
      polls,
      referenceNumber: pending.referenceNumber,
      ...left(),
      ...(statusCode === undefined ? {} : { statusCode }),
    });

  report('polling', 0);
  const polled = await pollUntil(
    client.clock,
    { ...client.polling.auth, ...(options.polling ?? {}) },
    () => client.auth.status(pending, options.signal),
    (s) => s.status.code !== AUTH_STATUS.IN_PROGRESS,
    {
      ...(options.signal ? { signal: options.signal } : {}),
      onPoll: (s, polls) => report('polling', polls, s.status.code),
    },
  );
  if (!polled.ok) {
    if (polled.error.code === 'STILL_IN_PROGRESS')
      return fail('STILL_IN_PROGRESS', {
        detail: `${polled.error.detail ?? ''}; ${pending.referenceNumber} can still be checked with "Get status"`,
      });
    return polled;
  }
  const { value: status, polls } = polled.value;
  if (status.status.code !== AUTH_STATUS.SUCCESS) {
    if (status.status.code === AUTH_STATUS.BLOCKED)
      await client.loginLimiter.stop(companyKey(client.env, client.context));
    return { ok: false, error: authStatusError(status.status) };
  }
  // Redeem is one-shot; a flow cancelled while the last poll was in flight stops here.
  if (options.signal?.aborted) return fail('ABORTED');
  report('redeeming', polls, status.status.code);
  const result = await redeemAccessToken(client, pending, {
    status,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (result.ok) report('done', polls, status.status.code);
  return result;
}

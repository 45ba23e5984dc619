/**
 * The manual "Get status" button of a pending login (ERP help page; REFERENCE §3.4, §4): one
 * `GET /auth/{ref}`, read into what the user can do next. Final statuses other than 200 carry the same
 * error as the automatic flow (AUTH_FAILED / AUTH_BLOCKED with KSeF's description and details).
 */
import { ok, type Result, type WalletError } from '../result.ts';
import { AUTH_STATUS, authStatusError } from './complete-login.ts';
import { companyKey, type KsefClient } from './ksef-client.ts';
import type { PendingLogin } from './login-types.ts';
import type { AuthStatus } from './response-schemas.ts';

export type AuthStatusView = {
  /** inProgress: ask again later · ready: redeem now · redeemed: tokens already taken · failed: see error */
  readonly outcome: 'inProgress' | 'ready' | 'redeemed' | 'failed';
  readonly status: AuthStatus['status'];
  readonly error?: WalletError;
  readonly raw: AuthStatus;
};

export async function getAuthStatus(
  client: KsefClient,
  pending: Pick<PendingLogin, 'referenceNumber' | 'authenticationToken'>,
  signal?: AbortSignal,
): Promise<Result<AuthStatusView>> {
  const r = await client.auth.status(pending, signal);
  if (!r.ok) return r;
  const { status } = r.value;
  if (status.code === AUTH_STATUS.IN_PROGRESS) return ok({ outcome: 'inProgress', status, raw: r.value });
  if (status.code === AUTH_STATUS.SUCCESS)
    return ok({ outcome: r.value.isTokenRedeemed ? 'redeemed' : 'ready', status, raw: r.value });
  if (status.code === AUTH_STATUS.BLOCKED)
    await client.loginLimiter.stop(companyKey(client.env, client.context));
  return ok({ outcome: 'failed', status, error: authStatusError(status), raw: r.value });
}

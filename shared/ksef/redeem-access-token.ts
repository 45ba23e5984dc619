/**
 * Redeem — the one-shot step of every login (REFERENCE §3.5: "only once per authentication"; a
 * second call gives 21301). Also the ERP help page's manual "Redeem access token" button.
 *
 * If the answer is lost (network error, timeout, 5xx), the tokens may or may not have been issued;
 * `GET /auth/{ref}` tells which (`isTokenRedeemed`), and either way the only way forward is a new
 * login — never a second redeem (CLIENT-NOTES §2). The error says precisely which case it was.
 */
import { fail, ok, type Result } from '../result.ts';
import { isLostAnswer } from './ksef-call.ts';
import type { KsefClient } from './ksef-client.ts';
import type { LoginResult, PendingLogin } from './login-types.ts';
import type { AuthStatus } from './response-schemas.ts';

export async function redeemAccessToken(
  client: KsefClient,
  pending: PendingLogin,
  options: { readonly signal?: AbortSignal; readonly status?: AuthStatus } = {},
): Promise<Result<LoginResult>> {
  if (options.signal?.aborted) return fail('ABORTED');
  const r = await client.auth.redeem(pending.authenticationToken, options.signal);
  if (r.ok) {
    const info = options.status?.authenticationMethodInfo;
    return ok({
      accessToken: r.value.accessToken.token,
      accessTokenValidUntil: r.value.accessToken.validUntil,
      refreshToken: r.value.refreshToken.token,
      refreshTokenValidUntil: r.value.refreshToken.validUntil,
      referenceNumber: pending.referenceNumber,
      method: pending.method,
      ...(info ? { authenticationMethodInfo: info } : {}),
      ...(pending.clientIp === undefined ? {} : { clientIp: pending.clientIp }),
    });
  }
  if (!isLostAnswer(r.error)) return r;
  // The status check is a GET; it cannot issue anything, so it is safe even now.
  const status = await client.auth.status(pending);
  if (status.ok && status.value.isTokenRedeemed === true) {
    return fail('REDEEM_LOST', {
      detail: `KSeF issued the tokens of ${pending.referenceNumber} but the answer was lost; start a new login`,
    });
  }
  return fail('REDEEM_LOST', {
    detail: status.ok
      ? `the tokens of ${pending.referenceNumber} were not issued and redeem is not repeated; start a new login`
      : `no answer to redeem or to the status check of ${pending.referenceNumber}; start a new login`,
  });
}

/**
 * `POST /auth/token/redeem` and `POST /auth/token/refresh` (REFERENCE §3.5, §3.6). Redeem works
 * once, and only on status 200; the refresh token is fixed at redeem + refreshTokenTtlSeconds, is
 * never rotated and never extended; each refresh returns an access token with the permissions the
 * subject holds now. Error details are KSeF's wording: the spec's "uwierzytelniania" for redeem,
 * the live "uwierzytelnienia" for refresh (the C# E2E test expects it after a revoked session).
 */
import { badRequest, type KsefFailure } from '../http/ksef-errors.ts';
import type { Runtime } from '../runtime.ts';
import type { AuthOperation } from '../state/model.ts';
import {
  issueAccessToken,
  settleOperation,
  settleTokenStatus,
  tokenSessionPermissions,
} from './auth-operations.ts';
import { isDeceased, permissionsIn } from './permissions.ts';
import { isoTime } from './time.ts';

type Outcome<T> = { ok: true; value: T } | { ok: false; failure: KsefFailure };

export const notFound = (referenceNumber: string): KsefFailure =>
  badRequest(
    21304,
    `Operacja uwierzytelniania o numerze referencyjnym ${referenceNumber} nie została znaleziona.`,
  );

function revokedKsefToken(rt: Runtime, op: AuthOperation): boolean {
  if (!op.ksefTokenRef) return false;
  const token = rt.state.ksefTokens[op.ksefTokenRef];
  if (!token) return true;
  settleTokenStatus(rt, token);
  return token.status !== 'Active';
}

export async function redeemTokens(rt: Runtime, op: AuthOperation) {
  settleOperation(rt, op);
  const fail = (failure: KsefFailure): Outcome<never> => ({ ok: false, failure });
  if (op.redeemedAt !== null) {
    return fail(
      badRequest(21301, `Tokeny dla operacji uwierzytelniania ${op.referenceNumber} zostały już pobrane.`),
    );
  }
  if (op.status.code !== 200) {
    return fail(
      badRequest(21301, `Status uwierzytelniania (${op.status.code}) nie pozwala na pobranie tokenów.`),
    );
  }
  if (revokedKsefToken(rt, op)) return fail(badRequest(21301, 'Token KSeF został unieważniony.'));
  if (isDeceased(rt.state, op.subject)) return fail(badRequest(21308));
  const now = rt.now();
  op.redeemedAt = now;
  op.refreshTokenValidUntil = now + rt.settings.refreshTokenTtlSeconds * 1000;
  rt.store.changed();
  const accessToken = await issueAccessToken(rt, op, op.permissions);
  const refreshToken = await rt.jwt.issue(
    'refresh',
    { referenceNumber: op.referenceNumber },
    now,
    rt.settings.refreshTokenTtlSeconds,
  );
  const accessValidUntil = now + rt.settings.accessTokenTtlSeconds * 1000;
  return {
    ok: true as const,
    value: {
      accessToken: { token: accessToken, validUntil: isoTime(accessValidUntil) },
      refreshToken: { token: refreshToken, validUntil: isoTime(op.refreshTokenValidUntil) },
    },
  };
}

export async function refreshAccessToken(rt: Runtime, op: AuthOperation) {
  settleOperation(rt, op);
  const fail = (failure: KsefFailure): Outcome<never> => ({ ok: false, failure });
  if (op.status.code !== 200 || op.redeemedAt === null) {
    return fail(
      badRequest(
        21301,
        `Status uwierzytelnienia (${op.status.code}) nie pozwala na odświeżenie tokenu dostępowego.`,
      ),
    );
  }
  if (revokedKsefToken(rt, op)) return fail(badRequest(21301, 'Token KSeF został unieważniony.'));
  if (isDeceased(rt.state, op.subject)) return fail(badRequest(21308));
  const now = rt.now();
  const token = op.ksefTokenRef ? rt.state.ksefTokens[op.ksefTokenRef] : undefined;
  const permissions = !op.subject
    ? []
    : token
      ? tokenSessionPermissions(rt, token.permissions, token.author, token.context)
      : permissionsIn(rt.state, op.subject, op.context);
  op.lastTokenRefreshDate = now;
  rt.store.changed();
  const accessToken = await issueAccessToken(rt, op, permissions);
  return {
    ok: true as const,
    value: {
      accessToken: {
        token: accessToken,
        validUntil: isoTime(now + rt.settings.accessTokenTtlSeconds * 1000),
      },
    },
  };
}

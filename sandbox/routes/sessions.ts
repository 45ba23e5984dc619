/**
 * Active authentication sessions (REFERENCE §3.7): listed per (subject, context) of the caller,
 * newest first, with `isCurrent` and `x-continuation-token` paging; revoked by the current token
 * (access or refresh) or by reference. Revocation stops the refresh token (21301 / status 425);
 * access tokens already issued keep working until `exp`.
 */
import { Hono } from 'hono';
import { activeSessions, revokeSession, settleOperation } from '../domain/auth-operations.ts';
import { notFound } from '../domain/session-tokens.ts';
import { isoTime } from '../domain/time.ts';
import { authenticate } from '../http/bearer.ts';
import { decodeContinuation, page } from '../http/continuation.ts';
import type { SandboxEnv } from '../http/env.ts';
import { badRequest, ksefError } from '../http/ksef-errors.ts';
import { checkPathParams, readQuery } from '../http/request.ts';
import { operationByKey } from '../http/spec.ts';

const OPS = {
  list: operationByKey('GET /auth/sessions'),
  revoke: operationByKey('DELETE /auth/sessions/{referenceNumber}'),
};

export const sessionRoutes = new Hono<SandboxEnv>();

sessionRoutes.get('/auth/sessions', async (c) => {
  const who = await authenticate(c, ['access']);
  if (!who.ok) return who.response;
  const query = readQuery<{ pageSize?: number }>(c, OPS.list);
  if (!query.ok) return query.response;
  const from = decodeContinuation(c.req.header('x-continuation-token'));
  if (!from.ok) return ksefError(c, badRequest(21418));
  const rt = c.var.rt;
  const sessions = activeSessions(rt, who.caller.operation);
  const { slice, continuationToken } = page(sessions, from.offset, query.value.pageSize ?? 10);
  return c.json(
    {
      continuationToken,
      items: slice.map((op) => ({
        startDate: isoTime(op.startDate),
        authenticationMethod: op.authenticationMethod,
        authenticationMethodInfo: op.methodInfo,
        status: op.status,
        isTokenRedeemed: op.redeemedAt !== null,
        ...(op.lastTokenRefreshDate !== null
          ? { lastTokenRefreshDate: isoTime(op.lastTokenRefreshDate) }
          : {}),
        ...(op.refreshTokenValidUntil !== null
          ? { refreshTokenValidUntil: isoTime(op.refreshTokenValidUntil) }
          : {}),
        referenceNumber: op.referenceNumber,
        isCurrent: op.referenceNumber === who.caller.operation.referenceNumber,
      })),
    },
    200,
  );
});

sessionRoutes.delete('/auth/sessions/current', async (c) => {
  const who = await authenticate(c, ['access', 'refresh']);
  if (!who.ok) return who.response;
  revokeSession(c.var.rt, settleOperation(c.var.rt, who.caller.operation));
  return c.body(null, 204);
});

sessionRoutes.delete('/auth/sessions/:referenceNumber', async (c) => {
  const who = await authenticate(c, ['access']);
  if (!who.ok) return who.response;
  const params = checkPathParams(c, OPS.revoke);
  if (!params.ok) return params.response;
  const ref = params.value.referenceNumber!;
  const target = activeSessions(c.var.rt, who.caller.operation).find((op) => op.referenceNumber === ref);
  if (!target) return ksefError(c, notFound(ref));
  revokeSession(c.var.rt, target);
  return c.body(null, 204);
});

/**
 * Active sessions at KSeF (REFERENCE §3.7) as the Sessions tab shows them: the list from
 * `GET /auth/sessions` with the calling session marked current and, beside each, the wallet's own
 * record (which method, which ERP origin received it). "Refresh" gets a new access token with the
 * sealed refresh token; "Revoke" ends a session at KSeF — its refresh token stops working at once,
 * an access token already issued lives until its `exp` (so the worker drops it from memory too).
 */
import type { FlowResult, KsefSessionRow, SessionSummary } from './flow-api.ts';
import { clientFor, type FlowCall, type FlowDeps, findCompany, flowFail } from './flow-context.ts';
import { accessFor, companyAccess, summary } from './session-access.ts';

export async function listKsefSessionsFlow(
  deps: FlowDeps,
  companyId: string,
  call: FlowCall,
): Promise<FlowResult<readonly KsefSessionRow[]>> {
  const access = await companyAccess(deps, companyId, call);
  if (!access.ok) return access;
  const { client, accessToken, session } = access.value;
  call.progress({ step: 'listing' });
  const list = await client.sessions.listAll(accessToken, { signal: call.signal });
  if (!list.ok) return list;
  const mine = new Map((await deps.vault.listSessions(companyId)).map((s) => [s.referenceNumber, s]));
  call.progress({ step: 'done' });
  return {
    ok: true,
    value: list.value.map((s) => {
      const held = mine.get(s.referenceNumber);
      return {
        referenceNumber: s.referenceNumber,
        startDate: s.startDate,
        statusCode: s.status.code,
        statusDescription: s.status.description,
        ...(s.authenticationMethodInfo?.displayName
          ? { method: s.authenticationMethodInfo.displayName }
          : {}),
        // KSeF marks the session of the calling token; the worker knows which one that was too.
        isCurrent: s.isCurrent === true || s.referenceNumber === session.referenceNumber,
        ...(s.refreshTokenValidUntil ? { refreshTokenValidUntil: s.refreshTokenValidUntil } : {}),
        ...(s.lastTokenRefreshDate ? { lastTokenRefreshDate: s.lastTokenRefreshDate } : {}),
        ...(held ? { sessionId: held.id } : {}),
        ...(held?.handedTo ? { handedTo: held.handedTo } : {}),
      };
    }),
  };
}

export async function refreshSessionFlow(
  deps: FlowDeps,
  sessionId: string,
  call: FlowCall,
): Promise<FlowResult<SessionSummary>> {
  const session = (await deps.vault.listSessions()).find((s) => s.id === sessionId);
  if (!session) return flowFail('INVALID_INPUT', 'UNKNOWN_REQUEST', 'unknown session');
  if (session.state !== 'active') return flowFail('SESSION_ENDED', 'NO_SESSION');
  const company = await findCompany(deps, session.companyId);
  if (!company.ok) return company;
  const client = clientFor(deps, company.value, call);
  const r = await accessFor(deps, company.value, client, call, { sessionId });
  if (!r.ok) return r;
  call.progress({ step: 'done', referenceNumber: session.referenceNumber });
  return { ok: true, value: summary(r.value.session) };
}

export async function revokeSessionFlow(
  deps: FlowDeps,
  input: { companyId: string; referenceNumber: string },
  call: FlowCall,
): Promise<FlowResult<{ readonly revoked: true }>> {
  const company = await findCompany(deps, input.companyId);
  if (!company.ok) return company;
  const client = clientFor(deps, company.value, call);
  const held = (await deps.vault.listSessions(input.companyId)).find(
    (s) => s.referenceNumber === input.referenceNumber && s.state === 'active',
  );
  call.progress({ step: 'revoking', referenceNumber: input.referenceNumber });
  const access = await accessFor(deps, company.value, client, call);
  let revoked: FlowResult<void>;
  if (access.ok && access.value.session.referenceNumber !== input.referenceNumber) {
    revoked = await client.sessions.revoke(access.value.accessToken, input.referenceNumber, call.signal);
  } else if (held?.hasRefreshToken) {
    // Our own session (or the only one left): `DELETE /auth/sessions/current` with its refresh
    // token works even after the access token expired.
    const refreshToken = await deps.vault.flows.refreshToken(held.id);
    if (!refreshToken.ok) return refreshToken;
    revoked = await client.sessions.revokeCurrent(refreshToken.value, call.signal);
  } else if (access.ok) {
    revoked = await client.sessions.revokeCurrent(access.value.accessToken, call.signal);
  } else return access;
  if (!revoked.ok) return revoked;
  if (held) {
    const ended = await deps.vault.endSession({ sessionId: held.id, state: 'revoked' });
    if (!ended.ok) return ended;
  }
  call.progress({ step: 'done', referenceNumber: input.referenceNumber });
  return { ok: true, value: { revoked: true } };
}

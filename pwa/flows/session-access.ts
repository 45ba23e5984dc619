/**
 * Sessions inside the key worker: recording a finished login (refresh token sealed in the vault,
 * access token in memory only) and finding an access token for the next operation of a company.
 *
 * An operation takes the company's most recent active session the wallet started for itself (never
 * one handed to an ERP), preferring sessions logged in with a signature: only those may enroll
 * certificates and revoke them (KSeF 25001/25002), and they see every token of the context. A
 * token within a minute of its expiry — or one lost at a lock — is refreshed first with the sealed
 * refresh token (REFERENCE §3.6; the refresh token is not rotated). A session KSeF no longer
 * refreshes (21301 with status 425 after a revocation, 21304, 401, or its refresh token expired)
 * is marked ended and the next one is tried.
 */
import { type KsefClient, parseKsefDateTime, sessionEndedBy } from '../../shared/ksef/index.ts';
import type { LoginMethod, LoginResult } from '../../shared/ksef/login-types.ts';
import type { CompanyRow, SessionMethod } from '../vault/records.ts';
import type { SessionView } from '../vault/vault-api.ts';
import type { FlowResult, SessionSummary } from './flow-api.ts';
import { clientFor, type FlowCall, type FlowDeps, findCompany, flowFail } from './flow-context.ts';

/** An access token with less than this left is refreshed before use. */
export const ACCESS_MIN_LEFT_MS = 60_000;

export const SIGNATURE_METHODS: ReadonlySet<SessionMethod> = new Set([
  'signed-request',
  'test-certificate',
  'ksef-certificate',
]);

const METHOD: Readonly<Record<LoginMethod, SessionMethod>> = Object.freeze({
  signedRequest: 'signed-request',
  ksefCertificate: 'ksef-certificate',
  ksefToken: 'ksef-token',
  testCertificate: 'test-certificate',
});

export type AccessNeed = {
  /** Only a session logged in with a signature will do (enrollment, certificate revocation). */
  readonly signature?: boolean;
  /** Refresh even if the access token is still fresh (the "Refresh" button). */
  readonly sessionId?: string;
};

export type Access = { readonly session: SessionView; readonly accessToken: string };

/** What an operation on one company at KSeF starts from: its row, a client for this call, an access token. */
export type CompanyAccess = Access & { readonly company: CompanyRow; readonly client: KsefClient };

const parseMs = (iso: string | undefined): number => {
  if (!iso) return Number.NaN;
  const ms = parseKsefDateTime(iso);
  return Number.isFinite(ms) ? ms : Number.NaN;
};

export function summary(s: SessionView, authenticationMethod?: string): SessionSummary {
  return {
    sessionId: s.id,
    companyId: s.companyId,
    referenceNumber: s.referenceNumber,
    method: s.method,
    ...(s.credentialId ? { credentialId: s.credentialId } : {}),
    ...(s.accessValidUntil ? { accessValidUntil: s.accessValidUntil } : {}),
    ...(s.refreshValidUntil ? { refreshValidUntil: s.refreshValidUntil } : {}),
    ...(authenticationMethod ? { authenticationMethod } : {}),
  };
}

/** Writes a finished login: the session row with its sealed refresh token, the access token in memory. */
export async function recordLogin(
  deps: FlowDeps,
  company: CompanyRow,
  login: LoginResult,
  credentialId?: string,
  handedTo?: string,
): Promise<FlowResult<{ session: SessionView; summary: SessionSummary }>> {
  const recorded = await deps.vault.recordSession({
    companyId: company.id,
    referenceNumber: login.referenceNumber,
    method: METHOD[login.method],
    ...(credentialId ? { credentialId } : {}),
    accessValidUntil: login.accessTokenValidUntil,
    refreshValidUntil: login.refreshTokenValidUntil,
    refreshToken: login.refreshToken,
    ...(handedTo ? { handedTo } : {}),
  });
  if (!recorded.ok) return recorded;
  deps.vault.accessTokens.set(
    recorded.value.id,
    login.accessToken,
    parseMs(login.accessTokenValidUntil) || deps.clock.now(),
  );
  return {
    ok: true,
    value: {
      session: recorded.value,
      summary: summary(recorded.value, login.authenticationMethodInfo?.displayName),
    },
  };
}

/** Refreshes one session's access token with its sealed refresh token. */
export async function refreshAccess(
  deps: FlowDeps,
  client: KsefClient,
  session: SessionView,
  call: FlowCall,
): Promise<FlowResult<Access>> {
  const now = deps.clock.now();
  if (!session.hasRefreshToken || !(parseMs(session.refreshValidUntil) > now)) {
    if (session.state === 'active') await deps.vault.endSession({ sessionId: session.id, state: 'ended' });
    return flowFail('SESSION_ENDED', 'NO_SESSION', 'the refresh token has expired');
  }
  const refreshToken = await deps.vault.flows.refreshToken(session.id);
  if (!refreshToken.ok) return refreshToken;
  call.progress({ step: 'refreshing', referenceNumber: session.referenceNumber });
  const r = await client.auth.refresh(refreshToken.value, call.signal);
  if (!r.ok) {
    const ended = sessionEndedBy(r.error);
    if (ended) {
      await deps.vault.endSession({ sessionId: session.id, state: 'ended' });
      return { ok: false, error: ended };
    }
    return r;
  }
  const { token, validUntil } = r.value.accessToken;
  deps.vault.accessTokens.set(session.id, token, parseMs(validUntil) || now);
  const updated = await deps.vault.flows.sessionRefreshed({
    sessionId: session.id,
    accessValidUntil: validUntil,
  });
  if (!updated.ok) return updated;
  return { ok: true, value: { session: { ...session, accessValidUntil: validUntil }, accessToken: token } };
}

/** The company's sessions an operation may use, best first. */
async function candidates(deps: FlowDeps, company: CompanyRow, need: AccessNeed): Promise<SessionView[]> {
  const all = (await deps.vault.listSessions(company.id)).filter(
    (s) => s.state === 'active' && s.handedTo === undefined,
  );
  const usable = need.signature ? all.filter((s) => SIGNATURE_METHODS.has(s.method)) : all;
  // listSessions is newest first; a stable sort keeps that order within each group.
  return [...usable].sort(
    (a, b) => Number(SIGNATURE_METHODS.has(b.method)) - Number(SIGNATURE_METHODS.has(a.method)),
  );
}

/** An access token for the company's next operation, refreshed if it is about to expire. */
export async function accessFor(
  deps: FlowDeps,
  company: CompanyRow,
  client: KsefClient,
  call: FlowCall,
  need: AccessNeed = {},
): Promise<FlowResult<Access>> {
  call.progress({ step: 'session' });
  const list = await candidates(deps, company, need);
  let lastError: FlowResult<Access> | undefined;
  for (const session of list) {
    if (need.sessionId && session.id !== need.sessionId) continue;
    const token = deps.vault.accessTokens.get(session.id);
    const left = parseMs(session.accessValidUntil) - deps.clock.now();
    if (token && !need.sessionId && left > ACCESS_MIN_LEFT_MS)
      return { ok: true, value: { session, accessToken: token } };
    const refreshed = await refreshAccess(deps, client, session, call);
    if (refreshed.ok) return refreshed;
    // A session that ended gives way to the next one; anything else (offline, 429) stops here.
    if (refreshed.error.code !== 'SESSION_ENDED') return refreshed;
    lastError = refreshed;
  }
  if (need.sessionId && lastError) return lastError;
  if (need.signature && (await candidates(deps, company, {})).length > 0)
    return flowFail(
      'NOT_ALLOWED',
      'NEEDS_SIGNATURE_SESSION',
      'log in with a signature or a KSeF certificate',
    );
  return flowFail('NOT_ALLOWED', 'NO_SESSION', 'log in first');
}

/**
 * The company named by a page, a KSeF client relayed through this call and an access token for
 * its next operation (`accessFor`). The flows that confirm a re-entered passphrase do so between
 * finding the company and the first KSeF request, so they call `findCompany` and `accessFor` themselves.
 */
export async function companyAccess(
  deps: FlowDeps,
  companyId: string,
  call: FlowCall,
  need: AccessNeed = {},
): Promise<FlowResult<CompanyAccess>> {
  const company = await findCompany(deps, companyId);
  if (!company.ok) return company;
  const client = clientFor(deps, company.value, call);
  const access = await accessFor(deps, company.value, client, call, need);
  if (!access.ok) return access;
  return { ok: true, value: { ...access.value, company: company.value, client } };
}

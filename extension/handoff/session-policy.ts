/**
 * What a session must satisfy before it may go to an ERP page (SECURITY.md T7, §4). The wallet
 * checks the same rules before minting; the extension checks them again because it is the last
 * component before the untrusted page.
 */
import {
  carriesCredentialPermissions,
  type Grant,
  type HandedSession,
} from '../../shared/protocol/handoff-fields.ts';
import { fail, ok, type Result } from '../../shared/result.ts';

const MINUTE = 60 * 1000;

export const SESSION_CAPS = Object.freeze({
  /** Never hand off (or pass on a refresh) with less than 5 minutes of access token left. */
  MIN_ACCESS_REMAINING_MS: 5 * MINUTE,
  /**
   * A hand-off lasts at most 10 hours: the wallet stops refreshing for the ERP and revokes the
   * session at KSeF then (which also ends an ERP's refresh token, well inside the 24 h rule).
   */
  HANDOFF_MAX_MS: 10 * 60 * MINUTE,
});

export type SessionCheckInput = {
  readonly now: number;
  readonly session: HandedSession;
  readonly grant: Grant;
  readonly credentialsConfirmed: boolean;
  /** Whether the page asked for a refresh token. */
  readonly wantRefresh: boolean;
};

export function checkSessionForHandoff(input: SessionCheckInput): Result<{ readonly withRefresh: boolean }> {
  const { session } = input;
  const hasRefresh = session.refreshToken !== undefined || session.refreshTokenValidUntil !== undefined;
  if (hasRefresh) {
    // A refresh token outlives the page's access token by days: only where the user approved it
    // for this origin and company, and only when the page asked for it.
    if (input.grant !== 'with-refresh' || !input.wantRefresh)
      return fail('NOT_ALLOWED', { detail: 'refresh token not approved for this site' });
    if (session.refreshToken === undefined || session.refreshTokenValidUntil === undefined)
      return fail('BAD_PARAMS', { detail: 'refresh token without its expiry' });
  }
  const permissions = [...session.permissions, ...(readPermissionsClaim(session.accessToken) ?? [])];
  if (carriesCredentialPermissions(permissions) && !input.credentialsConfirmed)
    return fail('NEEDS_CONFIRMATION', { detail: 'the session can manage credentials' });
  const validUntil = Date.parse(session.accessTokenValidUntil);
  if (!Number.isFinite(validUntil) || validUntil - input.now < SESSION_CAPS.MIN_ACCESS_REMAINING_MS)
    return fail('SESSION_TOO_SHORT', { detail: 'less than 5 minutes left' });
  return ok({ withRefresh: hasRefresh });
}

/** A refreshed access token passed on later must also have at least 5 minutes left. */
export function checkRefreshedToken(now: number, accessTokenValidUntil: string): boolean {
  const validUntil = Date.parse(accessTokenValidUntil);
  return Number.isFinite(validUntil) && validUntil - now >= SESSION_CAPS.MIN_ACCESS_REMAINING_MS;
}

/**
 * The permissions in an access token's `per` claim, read without verifying the token (we are not
 * its audience; KSeF is). REFERENCE.md §2.1: observed tokens carry `per` as a JSON string holding
 * an array; the spec's examples use other claim names, so an absent or odd claim yields null and
 * only the wallet's declared list counts. Used to catch a wallet that under-declares.
 */
export function readPermissionsClaim(jwt: string): string[] | null {
  const payload = jwt.split('.')[1];
  if (!payload || payload.length > 8192) return null;
  try {
    const b64 = payload.replace(/-/g, '+').replace(/_/g, '/');
    const json = JSON.parse(
      new TextDecoder().decode(
        Uint8Array.from(atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4)), (c) => c.charCodeAt(0)),
      ),
    ) as Record<string, unknown>;
    for (const name of ['per', 'permissions']) {
      let claim = json[name];
      if (typeof claim === 'string') claim = JSON.parse(claim);
      if (Array.isArray(claim)) return claim.filter((p): p is string => typeof p === 'string');
    }
    return null;
  } catch {
    return null;
  }
}

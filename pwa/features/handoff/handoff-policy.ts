/**
 * The wallet's own rules for sessions it hands to ERP pages (SECURITY.md T7 and §4). The extension
 * checks the same rules again before delivering (extension/handoff/session-policy.ts) because it is
 * the last component before the untrusted page; the wallet checks them first so that it never mints
 * or sends what would be refused, and so that the user sees why in the wallet.
 */
import { carriesCredentialPermissions } from '../../../shared/protocol/handoff-fields.ts';

const MINUTE = 60_000;

export const HANDOFF_RULES = Object.freeze({
  /** SECURITY.md §4: never hand off (or pass on a refreshed token) with less than 5 minutes left. */
  MIN_ACCESS_LEFT_MS: 5 * MINUTE,
  /**
   * A session minted for the approval dialog is handed over only while it keeps this much: a user
   * who takes long to decide gets a fresh session instead (the ERP sees ≥ 5 minutes either way).
   */
  FRESH_ENOUGH_MS: 6 * MINUTE,
  /** SECURITY.md §4: refresh no more than 2 minutes before the access token expires. */
  REFRESH_LEAD_MS: 2 * MINUTE,
  /** SECURITY.md §4: a hand-off lasts 10 hours; then the wallet revokes it at KSeF. */
  HANDOFF_MAX_MS: 10 * 60 * MINUTE,
});

/** Whether a session carrying these permissions needs the user's extra confirmation (T7). */
export const needsCredentialConfirmation = (permissions: readonly string[]): boolean =>
  carriesCredentialPermissions(permissions);

/** Milliseconds of access token left at `now`, from KSeF's ISO `validUntil`; NaN-safe (0). */
export function accessLeftMs(accessTokenValidUntil: string, now: number): number {
  const until = Date.parse(accessTokenValidUntil);
  return Number.isFinite(until) ? until - now : 0;
}

/** A session may go to an ERP page now (at least 5 minutes left). */
export const longEnoughToHand = (accessTokenValidUntil: string, now: number): boolean =>
  accessLeftMs(accessTokenValidUntil, now) >= HANDOFF_RULES.MIN_ACCESS_LEFT_MS;

/**
 * When to refresh an access token for an ERP that has no refresh token: two minutes before it
 * expires, but never before the moment it arrived (a very short token is refreshed at once).
 */
export function refreshDueAt(accessTokenValidUntil: string, now: number): number {
  const until = Date.parse(accessTokenValidUntil);
  if (!Number.isFinite(until)) return now;
  return Math.max(now, until - HANDOFF_RULES.REFRESH_LEAD_MS);
}

/**
 * Login budgets for hand-offs (SECURITY.md §4, T12): a page must not be able to cause a 429 storm
 * or a KSeF block (480) for the firm, nor nag the user with prompts. Pure: the caller passes the
 * clock reading and the records, so the rules are tested with a fake clock.
 */
import type { EnvironmentId } from '../../shared/ksef/transport-types.ts';
import { fail, ok, type Result } from '../../shared/result.ts';
import type { PendingHandoffRow, RefusalRow } from '../storage/extension-db.ts';

const HOUR = 60 * 60 * 1000;

export const HANDOFF_BUDGETS = Object.freeze({
  /** One hand-off in flight per origin: the next click waits until the first one is answered. */
  IN_FLIGHT_PER_ORIGIN: 1,
  /** One approval prompt (wallet window) open per origin. */
  PENDING_APPROVALS_PER_ORIGIN: 1,
  SESSIONS_PER_ORIGIN_PER_HOUR: 10,
  /** Counted over every origin: all of them log in to KSeF as the same company. */
  LOGINS_PER_COMPANY_PER_HOUR: 30,
  WINDOW_MS: HOUR,
  QUIET_AFTER_REFUSAL_MS: 24 * HOUR,
});

/** A moment at which the wallet was asked for a session (each may become a KSeF login). */
export type Dispatch = {
  readonly at: number;
  readonly origin: string;
  readonly nip?: string;
  readonly environment?: EnvironmentId;
};

export type BudgetInput = {
  readonly now: number;
  readonly origin: string;
  readonly nip?: string;
  readonly environment?: EnvironmentId;
  /** A popup click is the user in trusted UI: it is not held back by an earlier refusal. */
  readonly trigger: 'button' | 'popup';
  /** Pending hand-offs of this origin. */
  readonly pending: readonly PendingHandoffRow[];
  /** Dispatches of the last hour, every origin. */
  readonly dispatches: readonly Dispatch[];
  /** Refusals recorded for this origin. */
  readonly refusals: readonly RefusalRow[];
};

export function checkHandoffBudget(input: BudgetInput): Result<void> {
  const { now, origin } = input;
  const live = input.pending.filter((p) => p.origin === origin && p.expiresAt > now);
  const awaitingUser = live.filter((p) => p.stage === 'window');
  if (awaitingUser.length >= HANDOFF_BUDGETS.PENDING_APPROVALS_PER_ORIGIN)
    return fail('HANDOFF_BUSY', { detail: 'an approval for this site is waiting in the wallet' });
  if (live.length >= HANDOFF_BUDGETS.IN_FLIGHT_PER_ORIGIN)
    return fail('HANDOFF_BUSY', { detail: 'a hand-off for this site is in progress' });

  if (input.trigger === 'button') {
    const quiet = input.refusals.find(
      (r) =>
        r.origin === origin &&
        r.refusedAt + HANDOFF_BUDGETS.QUIET_AFTER_REFUSAL_MS > now &&
        (r.nip === '*' || (r.nip === input.nip && r.environment === input.environment)),
    );
    if (quiet)
      return fail('HANDOFF_REFUSED', {
        detail: 'refused in the wallet less than 24 h ago',
        retryAfterMs: quiet.refusedAt + HANDOFF_BUDGETS.QUIET_AFTER_REFUSAL_MS - now,
      });
  }

  const since = now - HANDOFF_BUDGETS.WINDOW_MS;
  const recent = input.dispatches.filter((d) => d.at > since && d.at <= now);
  const ofOrigin = recent.filter((d) => d.origin === origin);
  if (ofOrigin.length >= HANDOFF_BUDGETS.SESSIONS_PER_ORIGIN_PER_HOUR)
    return fail('HANDOFF_BUDGET', {
      detail: `at most ${HANDOFF_BUDGETS.SESSIONS_PER_ORIGIN_PER_HOUR} sessions per site per hour`,
      retryAfterMs: retryAfter(ofOrigin, HANDOFF_BUDGETS.SESSIONS_PER_ORIGIN_PER_HOUR, now),
    });
  if (input.nip !== undefined && input.environment !== undefined) {
    const ofCompany = recent.filter((d) => d.nip === input.nip && d.environment === input.environment);
    if (ofCompany.length >= HANDOFF_BUDGETS.LOGINS_PER_COMPANY_PER_HOUR)
      return fail('HANDOFF_BUDGET', {
        detail: `at most ${HANDOFF_BUDGETS.LOGINS_PER_COMPANY_PER_HOUR} logins per company per hour`,
        retryAfterMs: retryAfter(ofCompany, HANDOFF_BUDGETS.LOGINS_PER_COMPANY_PER_HOUR, now),
      });
  }
  return ok(undefined);
}

/** When the window has room again: the moment the oldest dispatch that still counts leaves it. */
function retryAfter(inWindow: readonly Dispatch[], limit: number, now: number): number {
  const sorted = inWindow.map((d) => d.at).sort((a, b) => b - a);
  const oldestCounting = sorted[limit - 1] ?? now;
  return Math.max(1000, oldestCounting + HANDOFF_BUDGETS.WINDOW_MS - now);
}

/**
 * Refreshes for ERP pages that hold no refresh token (docs/wallet-extension-protocol.md §5.4,
 * SECURITY.md T7 "refresh pushed only while the tab is open and the vault unlocked"): about two
 * minutes before a handed access token expires, the wallet refreshes it with the refresh token it
 * keeps and passes it on (`handoff.notify` "refreshed"). It stops for a session when
 *
 *  * the extension answers `stopRefreshing` (the document is gone, the approval was revoked, the
 *    10 h cap passed, no wallet window reports itself unlocked);
 *  * the vault locks — the page hears `ended` (`wallet-locked`);
 *  * the 10 h cap is reached — `ended` (`limit`); the extension then lists the session for
 *    revocation at KSeF;
 *  * KSeF no longer refreshes it — `ended` (`revoked` after a revocation, else `expired`).
 *
 * Sessions it stopped are remembered (`EndedSessions`) and revoked at KSeF by the sweep. Only one
 * wallet window runs the refresher at a time (the caller holds a Web Lock), so an ERP page gets
 * one refresh, not one per open wallet window.
 */
import type { HandedSessionView, SessionEndReason } from '../../../shared/protocol/handoff-messages.ts';
import type { EndedSessions } from './ended-sessions.ts';
import { accessLeftMs, refreshDueAt } from './handoff-policy.ts';
import type { HandoffVault } from './handoff-vault.ts';
import type { ExtensionCall } from './handoff-window.ts';

export const REFRESHER_TIMING = Object.freeze({
  /** Re-read the extension's list at least this often (new hand-offs, revocations). */
  MAX_SLEEP_MS: 30_000,
  MIN_SLEEP_MS: 1_000,
  /** After a failed refresh (offline, 429): try again soon, the token still has up to 2 minutes. */
  RETRY_MS: 10_000,
});

export type RefresherDeps = {
  readonly call: ExtensionCall;
  readonly vault: HandoffVault;
  readonly ended: EndedSessions;
  readonly now: () => number;
  readonly randomId: () => string;
};

export type RefresherTick = {
  /** When to look again. */
  readonly nextInMs: number;
  readonly refreshed: readonly string[];
  readonly ended: readonly {
    readonly referenceNumber: string;
    readonly reason: SessionEndReason | 'page-gone';
  }[];
};

export type HandedSessionRefresher = {
  /** One pass: refresh what is due, end what must end. */
  tick(): Promise<RefresherTick>;
  /**
   * The vault locked: every session this refresher kept alive ends for its page now. Synchronous
   * sends — the page reloads right after a lock (SECURITY.md §3.8).
   */
  locked(): void;
};

export function createHandedSessionRefresher(deps: RefresherDeps): HandedSessionRefresher {
  /** The sessions of the last pass that this refresher is responsible for. */
  let tracked: HandedSessionView[] = [];

  const end = async (referenceNumber: string, reason: SessionEndReason) => {
    deps.ended.add(referenceNumber, deps.now());
    await deps.call('handoff.notify', { referenceNumber, notice: 'ended', reason });
  };

  async function tick(): Promise<RefresherTick> {
    const refreshed: string[] = [];
    const endedNow: { referenceNumber: string; reason: SessionEndReason | 'page-gone' }[] = [];
    let unlocked = false;
    try {
      unlocked = (await deps.vault.status()).state === 'unlocked';
    } catch {
      unlocked = false;
    }
    if (!unlocked) {
      tracked = [];
      return { nextInMs: REFRESHER_TIMING.MAX_SLEEP_MS, refreshed, ended: endedNow };
    }
    const listed = await deps.call('approvals.list', {});
    if (!listed.ok) return { nextInMs: REFRESHER_TIMING.MAX_SLEEP_MS, refreshed, ended: endedNow };
    // Sessions handed with a refresh token are the ERP's to refresh.
    tracked = listed.value.approvals
      .flatMap((a) => a.sessions)
      .filter((s) => !s.withRefresh && s.revocation === 'none' && !deps.ended.has(s.referenceNumber));

    // Past the 10 h cap the extension lists a session for revocation instead; its page still
    // hears why its refreshes stopped (once).
    for (const s of listed.value.pendingRevocations) {
      if (deps.now() < s.endsAt || deps.ended.has(s.referenceNumber)) continue;
      await end(s.referenceNumber, 'limit');
      endedNow.push({ referenceNumber: s.referenceNumber, reason: 'limit' });
    }

    let next: number = REFRESHER_TIMING.MAX_SLEEP_MS;
    for (const s of tracked) {
      const now = deps.now();
      if (now >= s.endsAt) {
        await end(s.referenceNumber, 'limit');
        endedNow.push({ referenceNumber: s.referenceNumber, reason: 'limit' });
        continue;
      }
      if (accessLeftMs(s.accessTokenValidUntil, now) <= 0) {
        // Missed (no wallet window was open): the page's token is gone; do not revive it.
        await end(s.referenceNumber, 'expired');
        endedNow.push({ referenceNumber: s.referenceNumber, reason: 'expired' });
        continue;
      }
      const due = refreshDueAt(s.accessTokenValidUntil, now);
      if (due > now) {
        next = Math.min(next, due - now, s.endsAt - now);
        continue;
      }
      const r = await deps.vault.refreshHandedSession({
        operationId: deps.randomId(),
        referenceNumber: s.referenceNumber,
      });
      if (!r.ok) {
        if (r.error.code === 'SESSION_ENDED') {
          const reason = /\(425\)|revoked/i.test(r.error.detail ?? '') ? 'revoked' : 'expired';
          await end(s.referenceNumber, reason);
          endedNow.push({ referenceNumber: s.referenceNumber, reason });
        } else {
          next = Math.min(next, REFRESHER_TIMING.RETRY_MS);
        }
        continue;
      }
      const notified = await deps.call('handoff.notify', {
        referenceNumber: s.referenceNumber,
        notice: 'refreshed',
        accessToken: r.value.accessToken,
        accessTokenValidUntil: r.value.accessTokenValidUntil,
      });
      if (notified.ok && notified.value.delivered) refreshed.push(s.referenceNumber);
      if (!notified.ok || notified.value.stopRefreshing) {
        // The extension stopped it (page gone, approval revoked, cap): no more refreshes; the
        // session is revoked at KSeF by the sweep.
        deps.ended.add(s.referenceNumber, deps.now());
        endedNow.push({ referenceNumber: s.referenceNumber, reason: 'page-gone' });
        continue;
      }
      next = Math.min(
        next,
        Math.max(0, refreshDueAt(r.value.accessTokenValidUntil, deps.now()) - deps.now()),
      );
    }
    return {
      nextInMs: Math.max(REFRESHER_TIMING.MIN_SLEEP_MS, Math.min(next, REFRESHER_TIMING.MAX_SLEEP_MS)),
      refreshed,
      ended: endedNow,
    };
  }

  return {
    tick,
    locked() {
      const now = deps.now();
      for (const s of tracked) {
        deps.ended.add(s.referenceNumber, now);
        void deps.call('handoff.notify', {
          referenceNumber: s.referenceNumber,
          notice: 'ended',
          reason: 'wallet-locked',
        });
      }
      tracked = [];
    },
  };
}

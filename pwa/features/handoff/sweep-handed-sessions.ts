/**
 * Revokes at KSeF every handed session that must not live on, and tells the extension
 * (`sessions.revoked`), so that nothing is lost when the wallet was locked or offline
 * (docs/wallet-extension-protocol.md §6, SECURITY.md T7):
 *
 *  * the extension's `pendingRevocations`: sessions of revoked approvals and sessions past the
 *    10 h cap;
 *  * sessions the wallet itself ended for the page (at a lock, the page gone) — `EndedSessions`;
 *  * sessions the wallet minted for a hand-off that never reached a page (the window was closed
 *    during the dialog, the worker stopped between mint and answer): the vault knows them
 *    (`handedTo`), the extension does not. Only once they are older than a hand-off can wait, so
 *    that a session being delivered right now is not caught.
 *
 * Runs at start, after an unlock, on `approvals.changed` and from a timer; needs the vault unlocked
 * (the session credentials are in it). What fails stays pending for the next run.
 */
import type { HandedSessionView } from '../../../shared/protocol/handoff-messages.ts';
import type { EndedSessions } from './ended-sessions.ts';
import type { HandoffVault } from './handoff-vault.ts';
import type { ExtensionCall } from './handoff-window.ts';

/** A wallet window has 5 minutes to answer a hand-off; a silent mint 90 s. Older unknown ones are orphans. */
export const ORPHAN_AFTER_MS = 10 * 60_000;
const CHUNK = 500;

export type SweepDeps = {
  readonly call: ExtensionCall;
  readonly vault: HandoffVault;
  readonly ended: EndedSessions;
  readonly now: () => number;
  readonly randomId: () => string;
};

export type SweepReport = {
  readonly revoked: readonly string[];
  readonly failed: number;
  /** Nothing was tried: the vault is locked or the extension did not answer. */
  readonly skipped?: 'locked' | 'extension';
};

export async function sweepHandedSessions(deps: SweepDeps): Promise<SweepReport> {
  let state: string;
  try {
    state = (await deps.vault.status()).state;
  } catch {
    return { revoked: [], failed: 0, skipped: 'locked' };
  }
  if (state !== 'unlocked') return { revoked: [], failed: 0, skipped: 'locked' };
  const listed = await deps.call('approvals.list', {});
  if (!listed.ok) return { revoked: [], failed: 0, skipped: 'extension' };

  const live: HandedSessionView[] = listed.value.approvals.flatMap((a) => [...a.sessions]);
  const known = new Set([...live, ...listed.value.pendingRevocations].map((s) => s.referenceNumber));
  const toRevoke = new Set(listed.value.pendingRevocations.map((s) => s.referenceNumber));
  for (const s of live) if (deps.ended.has(s.referenceNumber)) toRevoke.add(s.referenceNumber);

  const now = deps.now();
  const orphans = (await deps.vault.listSessions()).filter(
    (s) =>
      s.state === 'active' &&
      s.handedTo !== undefined &&
      !known.has(s.referenceNumber) &&
      now - s.startedAt > ORPHAN_AFTER_MS,
  );
  for (const s of orphans) toRevoke.add(s.referenceNumber);
  if (toRevoke.size === 0) return { revoked: [], failed: 0 };

  const refs = [...toRevoke];
  const revoked: string[] = [];
  let failed = 0;
  for (let i = 0; i < refs.length; i += CHUNK) {
    const chunk = refs.slice(i, i + CHUNK);
    const r = await deps.vault.revokeHandedSessions({
      operationId: deps.randomId(),
      referenceNumbers: chunk,
    });
    if (!r.ok) {
      failed += chunk.length;
      continue;
    }
    revoked.push(...r.value.revoked);
    failed += r.value.failed.length;
  }
  // The extension forgets only what it handed; orphans it never knew need no confirmation.
  const confirm = revoked.filter((ref) => known.has(ref));
  for (let i = 0; i < confirm.length; i += CHUNK)
    await deps.call('sessions.revoked', { referenceNumbers: confirm.slice(i, i + CHUNK) });
  deps.ended.remove(revoked);
  return { revoked, failed };
}

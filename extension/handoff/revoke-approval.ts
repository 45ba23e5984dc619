/**
 * Revoking an approval in the wallet's settings: the extension forgets it, stops every pending
 * request it covered, tells the ERP documents that their sessions ended, and returns every session
 * handed under it. The wallet — which holds the session credentials, the extension never does —
 * then revokes each at KSeF (`DELETE /auth/sessions/{referenceNumber}`) and confirms with
 * `sessions.revoked`; until then they stay listed as pending revocations (SECURITY.md T7).
 */
import { contentEnvelope } from '../../shared/protocol/content-messages.ts';
import type { HandoffReplies } from '../../shared/protocol/handoff-messages.ts';
import type { Payloads } from '../../shared/protocol/messages.ts';
import { ok, type Result } from '../../shared/result.ts';
import { endPending } from './expire-handoffs.ts';
import { broadcast, type HandoffContext, recordActivity } from './handoff-context.ts';
import { sessionView } from './list-approvals.ts';

export async function revokeApproval(
  ctx: HandoffContext,
  payload: Payloads['approvals.revoke'],
): Promise<Result<HandoffReplies['approvals.revoke']>> {
  const { origin, nip, environment } = payload;
  const key: [string, string, string] = [origin, nip, environment];
  const had = await ctx.db.approvals.get(key);
  await ctx.db.approvals.delete(key);
  await ctx.db.refusals.delete(key);

  const pendings = await ctx.db.pendingHandoffs.where('origin').equals(origin).toArray();
  for (const p of pendings)
    if (p.nip === undefined || (p.nip === nip && p.environment === environment))
      await endPending(ctx, p, 'revoked');

  const sessions = await ctx.db.handedSessions.where('[origin+nip+environment]').equals(key).toArray();
  for (const s of sessions.filter((x) => x.revocation === 'none')) {
    await ctx.db.handedSessions.update(s.referenceNumber, { revocation: 'pending' });
    await ctx.platform.sendToDocument(
      s.tabId,
      s.documentId,
      contentEnvelope({ kind: 'cs.ended', referenceNumber: s.referenceNumber, reason: 'revoked' }),
    );
  }
  if (had) await recordActivity(ctx, { event: 'revoked', origin, nip, environment });
  broadcast(ctx, 'approvals.changed', {});
  const toRevoke = await ctx.db.handedSessions.where('[origin+nip+environment]').equals(key).toArray();
  return ok({ sessions: toRevoke.filter((s) => s.revocation === 'pending').map(sessionView) });
}

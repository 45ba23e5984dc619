/**
 * Later news about a handed session, from the wallet to the ERP document that received it:
 * "session refreshed" (a new access token the wallet obtained with the refresh token it keeps)
 * and "session ended". Refreshes reach the page only while its document is open, within the
 * 10 h cap, and not after the approval was revoked (SECURITY.md T7).
 */
import { contentEnvelope } from '../../shared/protocol/content-messages.ts';
import type { HandoffReplies } from '../../shared/protocol/handoff-messages.ts';
import type { Payloads } from '../../shared/protocol/messages.ts';
import { fail, ok, type Result } from '../../shared/result.ts';
import { isDelivered } from './complete-handoff.ts';
import { type HandoffContext, recordActivity } from './handoff-context.ts';
import { checkRefreshedToken } from './session-policy.ts';

export async function notifySession(
  ctx: HandoffContext,
  payload: Payloads['handoff.notify'],
): Promise<Result<HandoffReplies['handoff.notify']>> {
  const now = ctx.platform.now();
  const row = await ctx.db.handedSessions.get(payload.referenceNumber);
  if (!row) return fail('HANDOFF_NOT_FOUND');
  const about = {
    origin: row.origin,
    nip: row.nip,
    environment: row.environment,
    handoffId: row.handoffId,
    referenceNumber: row.referenceNumber,
  };

  if (payload.notice === 'refreshed') {
    if (row.revocation !== 'none' || now >= row.endsAt) return ok({ delivered: false, stopRefreshing: true });
    // Refreshes reach the ERP only while the vault is unlocked (T7): a wallet that reported
    // itself locked (or an OS screen lock) stops them.
    if (ctx.wallets.summary(now).locked) return ok({ delivered: false, stopRefreshing: true });
    if (!checkRefreshedToken(now, payload.accessTokenValidUntil))
      return fail('SESSION_TOO_SHORT', { detail: 'less than 5 minutes left' });
    const answer = await ctx.platform.sendToDocument(
      row.tabId,
      row.documentId,
      contentEnvelope({
        kind: 'cs.refreshed',
        referenceNumber: row.referenceNumber,
        accessToken: payload.accessToken,
        accessTokenValidUntil: payload.accessTokenValidUntil,
      }),
    );
    const delivered = isDelivered(answer);
    if (delivered)
      await ctx.db.handedSessions.update(row.referenceNumber, {
        accessTokenValidUntil: payload.accessTokenValidUntil,
      });
    await recordActivity(ctx, { event: delivered ? 'refreshed' : 'not-delivered', ...about });
    // The document is gone: nobody needs further refreshes.
    return ok({ delivered, stopRefreshing: !delivered });
  }

  const answer = await ctx.platform.sendToDocument(
    row.tabId,
    row.documentId,
    contentEnvelope({ kind: 'cs.ended', referenceNumber: row.referenceNumber, reason: payload.reason }),
  );
  await recordActivity(ctx, { event: 'ended', ...about, code: payload.reason });
  return ok({ delivered: isDelivered(answer), stopRefreshing: true });
}

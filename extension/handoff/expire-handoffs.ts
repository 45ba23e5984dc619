/**
 * Hand-off requests that outlived their time end with `timeout` for the page. Called at the start
 * of every hand-off use case and from a timer while the worker runs: a service worker may be
 * stopped at any time, so expiry cannot rely on a timer alone.
 */
import { walletError } from '../../shared/result.ts';
import type { PendingHandoffRow } from '../storage/extension-db.ts';
import {
  activityOf,
  broadcast,
  deliverFailure,
  finishPending,
  type HandoffContext,
  recordActivity,
} from './handoff-context.ts';

export async function expireHandoffs(ctx: HandoffContext): Promise<number> {
  const now = ctx.platform.now();
  for (const [id, intent] of ctx.intents) if (intent.expiresAt < now) ctx.intents.delete(id);
  const expired = await ctx.db.pendingHandoffs.filter((p) => p.expiresAt <= now).toArray();
  for (const p of expired) await endPending(ctx, p, 'timeout');
  return expired.length;
}

/** Ends one pending request without a session and tells the page and the wallet. */
export async function endPending(
  ctx: HandoffContext,
  p: PendingHandoffRow,
  reason: 'timeout' | 'document-gone' | 'window-closed' | 'revoked',
): Promise<void> {
  // Delete first: a second event for the same request (window closed while timing out) finds nothing.
  const still = await ctx.db.pendingHandoffs.get(p.handoffId);
  if (!still) return;
  await finishPending(ctx, reason === 'window-closed' ? { ...still, windowId: undefined } : still);
  const code =
    reason === 'timeout' ? 'TIMEOUT' : reason === 'revoked' ? 'NOT_ALLOWED' : ('HANDOFF_CANCELLED' as const);
  if (reason !== 'document-gone') await deliverFailure(ctx, still, walletError(code));
  broadcast(ctx, 'handoff.cancelled', { handoffId: still.handoffId, reason });
  await recordActivity(ctx, activityOf(still, reason === 'timeout' ? 'expired' : 'cancelled', { code }));
}

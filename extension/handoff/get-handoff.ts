/**
 * The wallet window opened at `#/handoff/<handoffId>` asks what it is about: which exact origin,
 * which company (if the page named one), whether a refresh token was asked for, and the approval
 * that already covers it. The id in the URL is not a secret: only the wallet's origin may ask.
 */
import type { HandoffReplies } from '../../shared/protocol/handoff-messages.ts';
import type { Payloads } from '../../shared/protocol/messages.ts';
import { fail, ok, type Result } from '../../shared/result.ts';
import { expireHandoffs } from './expire-handoffs.ts';
import type { HandoffContext } from './handoff-context.ts';

export async function getHandoff(
  ctx: HandoffContext,
  payload: Payloads['handoff.get'],
): Promise<Result<HandoffReplies['handoff.get']>> {
  await expireHandoffs(ctx);
  const p = await ctx.db.pendingHandoffs.get(payload.handoffId);
  if (!p) return fail('HANDOFF_NOT_FOUND');
  const a =
    p.nip !== undefined && p.environment !== undefined
      ? await ctx.db.approvals.get([p.origin, p.nip, p.environment])
      : undefined;
  return ok({
    handoffId: p.handoffId,
    origin: p.origin,
    ...(p.nip !== undefined ? { nip: p.nip } : {}),
    ...(p.environment !== undefined ? { environment: p.environment } : {}),
    wantRefresh: p.wantRefresh,
    trigger: p.trigger,
    requestedAt: p.requestedAt,
    expiresAt: p.expiresAt,
    approval: a
      ? {
          origin: a.origin,
          nip: a.nip,
          environment: a.environment,
          grant: a.grant,
          credentialsConfirmed: a.credentialsConfirmed,
          decidedAt: a.decidedAt,
          ...(a.lastUsedAt !== undefined ? { lastUsedAt: a.lastUsedAt } : {}),
        }
      : null,
  });
}

/** The user lifts the 24 h quiet period of an origin in the wallet's settings. */
import type { HandoffReplies } from '../../shared/protocol/handoff-messages.ts';
import type { Payloads } from '../../shared/protocol/messages.ts';
import { ok, type Result } from '../../shared/result.ts';
import { broadcast, type HandoffContext } from './handoff-context.ts';

export async function clearRefusals(
  ctx: HandoffContext,
  payload: Payloads['refusals.clear'],
): Promise<Result<HandoffReplies['refusals.clear']>> {
  const cleared = await ctx.db.refusals.where('origin').equals(payload.origin).delete();
  if (cleared) broadcast(ctx, 'approvals.changed', {});
  return ok({ cleared });
}

/** The extension's hand-off activity (no tokens), newest first, for the wallet's activity log. */
import type { HandoffReplies } from '../../shared/protocol/handoff-messages.ts';
import type { Payloads } from '../../shared/protocol/messages.ts';
import { ok, type Result } from '../../shared/result.ts';
import type { HandoffContext } from './handoff-context.ts';

export async function listActivity(
  ctx: HandoffContext,
  payload: Payloads['activity.list'],
): Promise<Result<HandoffReplies['activity.list']>> {
  const rows = await ctx.db.activity
    .where('at')
    .aboveOrEqual(payload.since ?? 0)
    .reverse()
    .limit(payload.limit ?? 200)
    .toArray();
  return ok({ entries: rows.map((r) => ({ ...r, id: r.id ?? 0 })) });
}

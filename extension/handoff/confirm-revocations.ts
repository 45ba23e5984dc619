/** The wallet revoked these handed sessions at KSeF: they leave the "pending revocation" list. */
import type { HandoffReplies } from '../../shared/protocol/handoff-messages.ts';
import type { Payloads } from '../../shared/protocol/messages.ts';
import { ok, type Result } from '../../shared/result.ts';
import type { HandoffContext } from './handoff-context.ts';

export async function confirmRevocations(
  ctx: HandoffContext,
  payload: Payloads['sessions.revoked'],
): Promise<Result<HandoffReplies['sessions.revoked']>> {
  let updated = 0;
  for (const ref of payload.referenceNumbers) {
    const row = await ctx.db.handedSessions.get(ref);
    if (!row || row.revocation === 'done') continue;
    await ctx.db.handedSessions.update(ref, { revocation: 'done' });
    updated += 1;
  }
  return ok({ updated });
}

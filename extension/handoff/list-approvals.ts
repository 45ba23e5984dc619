/**
 * Approvals, refusals and handed sessions, for the wallet's settings ("sites that may receive KSeF
 * sessions"). Sessions past their 10 h cap move to "pending revocation" here, so the wallet
 * revokes them at KSeF the next time it looks (SECURITY.md T7).
 */
import type { HandedSessionView, HandoffReplies } from '../../shared/protocol/handoff-messages.ts';
import { ok, type Result } from '../../shared/result.ts';
import type { HandedSessionRow } from '../storage/extension-db.ts';
import { HANDOFF_BUDGETS } from './budgets.ts';
import type { HandoffContext } from './handoff-context.ts';

export async function listApprovals(ctx: HandoffContext): Promise<Result<HandoffReplies['approvals.list']>> {
  const now = ctx.platform.now();
  const pastCap = await ctx.db.handedSessions
    .filter((s) => s.revocation === 'none' && s.endsAt <= now)
    .toArray();
  for (const s of pastCap) await ctx.db.handedSessions.update(s.referenceNumber, { revocation: 'pending' });

  const sessions = await ctx.db.handedSessions.toArray();
  const approvals = (await ctx.db.approvals.toArray()).map((a) => ({
    origin: a.origin,
    nip: a.nip,
    environment: a.environment,
    grant: a.grant,
    credentialsConfirmed: a.credentialsConfirmed,
    decidedAt: a.decidedAt,
    ...(a.lastUsedAt !== undefined ? { lastUsedAt: a.lastUsedAt } : {}),
    sessions: sessions
      .filter((s) => s.origin === a.origin && s.nip === a.nip && s.environment === a.environment)
      .filter((s) => s.revocation === 'none')
      .map(sessionView),
  }));

  // Quiet periods that ended are forgotten.
  const refusalRows = await ctx.db.refusals.toArray();
  const over = refusalRows.filter((r) => r.refusedAt + HANDOFF_BUDGETS.QUIET_AFTER_REFUSAL_MS <= now);
  if (over.length) await ctx.db.refusals.bulkDelete(over.map((r) => [r.origin, r.nip, r.environment]));
  const refusals = refusalRows
    .filter((r) => r.refusedAt + HANDOFF_BUDGETS.QUIET_AFTER_REFUSAL_MS > now)
    .map((r) => ({ ...r, quietUntil: r.refusedAt + HANDOFF_BUDGETS.QUIET_AFTER_REFUSAL_MS }));

  return ok({
    approvals,
    refusals,
    pendingRevocations: sessions.filter((s) => s.revocation === 'pending').map(sessionView),
  });
}

export const sessionView = (s: HandedSessionRow): HandedSessionView => ({
  referenceNumber: s.referenceNumber,
  origin: s.origin,
  nip: s.nip,
  environment: s.environment,
  handedAt: s.handedAt,
  accessTokenValidUntil: s.accessTokenValidUntil,
  withRefresh: s.withRefresh,
  endsAt: s.endsAt,
  revocation: s.revocation,
});

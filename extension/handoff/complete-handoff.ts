/**
 * The wallet's answer to a hand-off request: a fresh session, a refusal, a cancel, a failure, or
 * "needs the user" (open a wallet window). A session is checked once more here (approval, refresh
 * grant, Credentials* confirmation, time left — SECURITY.md T7) and delivered only to the exact
 * document that asked (T5). The extension keeps the reference number, never a token.
 */

import { contentEnvelope } from '../../shared/protocol/content-messages.ts';
import type { PageSession } from '../../shared/protocol/erp-page-protocol.ts';
import type { HandedSession } from '../../shared/protocol/handoff-fields.ts';
import type { HandoffReplies } from '../../shared/protocol/handoff-messages.ts';
import type { Payloads } from '../../shared/protocol/messages.ts';
import { fail, ok, type Result, walletError } from '../../shared/result.ts';
import type { ApprovalRow, PendingHandoffRow } from '../storage/extension-db.ts';
import { attributeDispatch } from './dispatch-log.ts';
import { expireHandoffs } from './expire-handoffs.ts';
import {
  activityOf,
  broadcast,
  deliverFailure,
  finishPending,
  type HandoffContext,
  recordActivity,
} from './handoff-context.ts';
import { openWindowFor } from './request-handoff.ts';
import { checkSessionForHandoff, SESSION_CAPS } from './session-policy.ts';

type Complete = Payloads['handoff.complete'];

export async function completeHandoff(
  ctx: HandoffContext,
  payload: Complete,
): Promise<Result<HandoffReplies['handoff.complete']>> {
  await expireHandoffs(ctx);
  const pending = await ctx.db.pendingHandoffs.get(payload.handoffId);
  if (!pending) return fail('HANDOFF_NOT_FOUND');
  const now = ctx.platform.now();

  switch (payload.outcome) {
    case 'needs-user': {
      if (pending.stage === 'window') return ok({ delivered: false });
      if (!(await openWindowFor(ctx, pending))) {
        await deliverFailure(ctx, pending, walletError('INTERNAL'));
        return ok({ delivered: false });
      }
      await ctx.platform.sendToDocument(
        pending.tabId,
        pending.documentId,
        contentEnvelope({ kind: 'cs.progress', handoffId: pending.handoffId, state: 'waiting-for-user' }),
      );
      return ok({ delivered: false });
    }
    case 'refused': {
      // Refused before a company was known: the whole origin is quiet.
      const known = pending.nip !== undefined && pending.environment !== undefined;
      await ctx.db.refusals.put({
        origin: pending.origin,
        nip: known ? pending.nip! : '*',
        environment: known ? pending.environment! : '*',
        refusedAt: now,
      });
      await endWithout(ctx, pending, 'HANDOFF_REFUSED', 'refused');
      broadcast(ctx, 'approvals.changed', {});
      return ok({ delivered: false });
    }
    case 'cancelled':
      await endWithout(ctx, pending, 'HANDOFF_CANCELLED', 'cancelled');
      return ok({ delivered: false });
    case 'failed':
      await endWithout(ctx, pending, payload.error.code, 'failed', payload.error.retryAfterMs);
      return ok({ delivered: false });
    case 'session':
      return deliverSession(ctx, pending, payload.session, payload.decision);
  }
}

async function deliverSession(
  ctx: HandoffContext,
  pending: PendingHandoffRow,
  session: HandedSession,
  decision: { grant: ApprovalRow['grant']; credentialsConfirmed: boolean } | undefined,
): Promise<Result<HandoffReplies['handoff.complete']>> {
  const now = ctx.platform.now();
  // The wallet logged in to KSeF as this company, whatever happens next: a request that named no
  // company now counts against this one's budget.
  await attributeDispatch(ctx, pending.handoffId, session.nip, session.environment);
  const refuse = async (error: ReturnType<typeof walletError>) => {
    await endWithout(ctx, pending, error.code, 'failed');
    return { ok: false as const, error };
  };
  // The company is the one the page (or the popup) asked for; the wallet may only fill it in.
  if (
    (pending.nip !== undefined && session.nip !== pending.nip) ||
    (pending.environment !== undefined && session.environment !== pending.environment)
  )
    return refuse(walletError('BAD_PARAMS', { detail: 'session for another company' }));

  const approval = await ctx.db.approvals.get([pending.origin, session.nip, session.environment]);
  // A new decision is taken only in a wallet window we opened for this request.
  if (decision && pending.stage !== 'window')
    return refuse(walletError('NOT_ALLOWED', { detail: 'decision outside a wallet window' }));
  if (!approval && !decision) return refuse(walletError('NOT_ALLOWED', { detail: 'no approval' }));
  const grant = decision?.grant ?? approval!.grant;
  const credentialsConfirmed = decision?.credentialsConfirmed ?? approval!.credentialsConfirmed;

  // A refresh token outlives the click by days: it goes out only while the vault is unlocked.
  if (session.refreshToken !== undefined && ctx.wallets.summary(now).locked)
    return refuse(walletError('VAULT_LOCKED', { detail: 'refresh tokens only while the vault is unlocked' }));
  const checked = checkSessionForHandoff({
    now,
    session,
    grant,
    credentialsConfirmed,
    wantRefresh: pending.wantRefresh,
  });
  if (!checked.ok) return refuse(checked.error);

  if (decision) {
    await ctx.db.approvals.put({
      origin: pending.origin,
      nip: session.nip,
      environment: session.environment,
      grant,
      credentialsConfirmed,
      decidedAt: now,
    });
    await ctx.db.refusals.delete([pending.origin, session.nip, session.environment]);
    await recordActivity(
      ctx,
      activityOf(pending, 'approved', { nip: session.nip, environment: session.environment }),
    );
    broadcast(ctx, 'approvals.changed', {});
  }

  const pageSession: PageSession = {
    environment: session.environment,
    nip: session.nip,
    referenceNumber: session.referenceNumber,
    accessToken: session.accessToken,
    accessTokenValidUntil: session.accessTokenValidUntil,
    ...(checked.value.withRefresh
      ? { refreshToken: session.refreshToken!, refreshTokenValidUntil: session.refreshTokenValidUntil! }
      : {}),
  };
  const answer = await ctx.platform.sendToDocument(
    pending.tabId,
    pending.documentId,
    contentEnvelope({ kind: 'cs.deliver', handoffId: pending.handoffId, session: pageSession }),
  );
  const delivered = isDelivered(answer);
  await finishPending(ctx, pending, 'answered');
  const company = {
    nip: session.nip,
    environment: session.environment,
    referenceNumber: session.referenceNumber,
  };
  if (!delivered) {
    // The document navigated or closed: nobody got the session; the wallet revokes it at KSeF.
    await recordActivity(ctx, activityOf(pending, 'not-delivered', company));
    return ok({ delivered: false });
  }
  await ctx.db.handedSessions.put({
    referenceNumber: session.referenceNumber,
    handoffId: pending.handoffId,
    origin: pending.origin,
    nip: session.nip,
    environment: session.environment,
    tabId: pending.tabId,
    documentId: pending.documentId,
    handedAt: now,
    accessTokenValidUntil: session.accessTokenValidUntil,
    withRefresh: checked.value.withRefresh,
    endsAt: now + SESSION_CAPS.HANDOFF_MAX_MS,
    revocation: 'none',
  });
  await ctx.db.approvals.update([pending.origin, session.nip, session.environment], { lastUsedAt: now });
  await recordActivity(ctx, activityOf(pending, 'delivered', company));
  return ok({ delivered: true });
}

/** The content script answers a delivery with `{ delivered: true }` once it posted to the page's port. */
export const isDelivered = (answer: unknown): boolean =>
  typeof answer === 'object' && answer !== null && (answer as { delivered?: unknown }).delivered === true;

async function endWithout(
  ctx: HandoffContext,
  pending: PendingHandoffRow,
  code: Parameters<typeof walletError>[0],
  event: 'refused' | 'cancelled' | 'failed',
  retryAfterMs?: number,
): Promise<void> {
  await finishPending(ctx, pending, 'answered');
  await deliverFailure(ctx, pending, walletError(code, retryAfterMs !== undefined ? { retryAfterMs } : {}));
  await recordActivity(ctx, activityOf(pending, event, { code }));
}

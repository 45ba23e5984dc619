/**
 * A click on "Log in to KSeF" in an ERP page (or the popup's one-click login) asks for a fresh
 * KSeF session. Only our content script in a top frame may ask (the router's allowlist), and the
 * sender's browser-stamped origin, tab and document decide everything: the payload only narrows
 * which company (SECURITY.md T5, T7).
 */
import type { EnvironmentId } from '../../shared/ksef/transport-types.ts';
import type { HandoffReplies } from '../../shared/protocol/handoff-messages.ts';
import type { Payloads } from '../../shared/protocol/messages.ts';
import { fail, ok, type Result } from '../../shared/result.ts';
import type { PendingHandoffRow } from '../storage/extension-db.ts';
import { checkHandoffBudget } from './budgets.ts';
import { recentDispatches, recordDispatch } from './dispatch-log.ts';
import { expireHandoffs } from './expire-handoffs.ts';
import {
  activityOf,
  type HandoffContext,
  pushTo,
  recordActivity,
  recordBlockedClick,
  walletUrl,
} from './handoff-context.ts';

export const HANDOFF_TIMEOUTS = Object.freeze({
  /** The wallet is unlocked and the origin approved: minting takes a KSeF login (seconds). */
  SILENT_MS: 90_000,
  /** The user unlocks and decides in a wallet window. */
  WINDOW_MS: 5 * 60_000,
  /** A popup intent is echoed by the content script at once. */
  INTENT_MS: 10_000,
});

export type ContentScriptSender = {
  readonly origin: string;
  readonly tabId: number;
  readonly frameId: number;
  readonly documentId?: string;
};

export async function requestHandoff(
  ctx: HandoffContext,
  payload: Payloads['handoff.request'],
  from: ContentScriptSender,
): Promise<Result<HandoffReplies['handoff.request']>> {
  const now = ctx.platform.now();
  // Delivery goes to this exact document; a sender without a documentId cannot be answered safely.
  if (from.frameId !== 0 || from.documentId === undefined)
    return fail('SENDER_REJECTED', { detail: 'top-frame document required' });
  const { origin } = from;
  if (!(await ctx.db.erpSites.get(origin))) return fail('SITE_NOT_ENABLED');
  await expireHandoffs(ctx);

  let nip = payload.nip;
  let environment = payload.environment;
  if (payload.trigger === 'popup') {
    // The popup chose the company; the content script only echoes the one-time intent.
    const intent = payload.intentId ? ctx.intents.get(payload.intentId) : undefined;
    if (payload.intentId) ctx.intents.delete(payload.intentId);
    if (!intent || intent.tabId !== from.tabId || intent.expiresAt < now)
      return fail('NOT_ALLOWED', { detail: 'no popup intent for this tab' });
    nip = intent.nip;
    environment = intent.environment as EnvironmentId;
  } else if (payload.intentId !== undefined) {
    return fail('BAD_PARAMS', { detail: 'intent without popup trigger' });
  }

  // A page that names no company gets the one approval this origin has, if exactly one matches.
  const approvalsOfOrigin = await ctx.db.approvals.where('origin').equals(origin).toArray();
  if (nip === undefined || environment === undefined) {
    const matching = approvalsOfOrigin.filter(
      (a) =>
        (nip === undefined || a.nip === nip) && (environment === undefined || a.environment === environment),
    );
    if (matching.length === 1) {
      nip = matching[0]!.nip;
      environment = matching[0]!.environment;
    }
  }

  const budget = checkHandoffBudget({
    now,
    origin,
    trigger: payload.trigger,
    ...(nip !== undefined ? { nip } : {}),
    ...(environment !== undefined ? { environment } : {}),
    pending: await ctx.db.pendingHandoffs.where('origin').equals(origin).toArray(),
    dispatches: await recentDispatches(ctx, now),
    refusals: await ctx.db.refusals.where('origin').equals(origin).toArray(),
  });
  if (!budget.ok) {
    await recordBlockedClick(ctx, {
      origin,
      code: budget.error.code,
      ...(nip !== undefined ? { nip } : {}),
      ...(environment !== undefined ? { environment } : {}),
    });
    return budget;
  }

  const approval =
    nip !== undefined && environment !== undefined
      ? approvalsOfOrigin.find((a) => a.nip === nip && a.environment === environment)
      : undefined;
  const wallet = approval ? ctx.wallets.pickUnlocked(now) : null;
  const pending: PendingHandoffRow = {
    handoffId: ctx.platform.randomId(),
    origin,
    tabId: from.tabId,
    documentId: from.documentId,
    ...(nip !== undefined ? { nip } : {}),
    ...(environment !== undefined ? { environment } : {}),
    wantRefresh: payload.wantRefresh,
    trigger: payload.trigger,
    requestedAt: now,
    expiresAt: now + (wallet ? HANDOFF_TIMEOUTS.SILENT_MS : HANDOFF_TIMEOUTS.WINDOW_MS),
    stage: wallet ? 'wallet' : 'window',
  };
  await recordActivity(ctx, activityOf(pending, 'requested'));

  if (approval && wallet && nip !== undefined && environment !== undefined) {
    // One click: an unlocked wallet window mints without showing anything.
    await ctx.db.pendingHandoffs.put({ ...pending, walletTabId: wallet.tabId });
    const pushed = pushTo(ctx, wallet.tabId, 'handoff.mint', {
      handoffId: pending.handoffId,
      origin,
      nip,
      environment,
      wantRefresh: pending.wantRefresh,
      grant: approval.grant,
      credentialsConfirmed: approval.credentialsConfirmed,
      expiresAt: pending.expiresAt,
    });
    if (pushed) {
      await recordDispatch(ctx, pending);
      await recordActivity(ctx, activityOf(pending, 'wallet-asked'));
      return ok({ handoffId: pending.handoffId, stage: 'wallet' });
    }
  }
  // Locked, no wallet window, or no approval yet: the user unlocks and decides in a wallet window —
  // never inside the ERP page (SECURITY.md T8).
  const opened = await openWindowFor(ctx, {
    ...pending,
    stage: 'window',
    expiresAt: now + HANDOFF_TIMEOUTS.WINDOW_MS,
  });
  if (!opened) return fail('INTERNAL', { detail: 'could not open the wallet window' });
  return ok({ handoffId: pending.handoffId, stage: 'window' });
}

/**
 * Opens the wallet window for a pending hand-off and records it (the user gets the full 5 minutes
 * from now); false when no window opened.
 */
export async function openWindowFor(ctx: HandoffContext, pending: PendingHandoffRow): Promise<boolean> {
  const row: PendingHandoffRow = {
    ...pending,
    stage: 'window',
    expiresAt: ctx.platform.now() + HANDOFF_TIMEOUTS.WINDOW_MS,
  };
  await ctx.db.pendingHandoffs.put(row);
  const windowId = await ctx.platform.openWalletWindow(walletUrl(ctx, pending.handoffId));
  if (windowId === null) {
    await ctx.db.pendingHandoffs.delete(pending.handoffId);
    await recordActivity(ctx, activityOf(row, 'failed', { code: 'INTERNAL' }));
    return false;
  }
  await ctx.db.pendingHandoffs.update(pending.handoffId, { windowId });
  await recordDispatch(ctx, row);
  await recordActivity(ctx, activityOf(row, 'window-opened'));
  return true;
}

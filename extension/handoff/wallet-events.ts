/**
 * What the background learns about the wallet and the browser: the wallet's lock state (only the
 * state and its expiry — SECURITY.md T2), its status snapshot, the OS screen lock, and windows and
 * tabs that went away (which end the hand-offs waiting on them).
 */
import type { HandoffReplies } from '../../shared/protocol/handoff-messages.ts';
import type { Payloads } from '../../shared/protocol/messages.ts';
import { fail, ok, type Result } from '../../shared/result.ts';
import { endPending } from './expire-handoffs.ts';
import { broadcast, type HandoffContext } from './handoff-context.ts';
import { openWindowFor } from './request-handoff.ts';

export function walletState(
  ctx: HandoffContext,
  tabId: number | undefined,
  payload: Payloads['wallet.state'],
): Result<HandoffReplies['wallet.state']> {
  if (tabId === undefined) return fail('SENDER_REJECTED', { detail: 'wallet state from a tab only' });
  const now = ctx.platform.now();
  const unlocked = !payload.locked && payload.unlockedUntil !== undefined && payload.unlockedUntil > now;
  ctx.wallets.setState(
    tabId,
    unlocked ? { locked: false, unlockedUntil: payload.unlockedUntil! } : { locked: true },
    now,
  );
  return ok({ received: true });
}

export async function storeSnapshot(
  ctx: HandoffContext,
  payload: Payloads['wallet.snapshot'],
): Promise<Result<HandoffReplies['wallet.snapshot']>> {
  const storedAt = ctx.platform.now();
  await ctx.db.snapshot.put({ id: 'current', snapshot: payload.snapshot, storedAt });
  return ok({ storedAt });
}

/** chrome.idle reported 'locked': every wallet window locks (SECURITY.md §3.8). */
export function osLocked(ctx: HandoffContext): void {
  ctx.wallets.lockAll(ctx.platform.now());
  broadcast(ctx, 'os.locked', {});
}

/** The user closed the wallet window we opened for a hand-off without answering. */
export async function windowClosed(ctx: HandoffContext, windowId: number): Promise<void> {
  const pendings = await ctx.db.pendingHandoffs.filter((p) => p.windowId === windowId).toArray();
  for (const p of pendings) await endPending(ctx, p, 'window-closed');
}

/** A tab closed: its hand-offs end; if it was a wallet window asked to mint, a wallet window takes over. */
export async function tabRemoved(ctx: HandoffContext, tabId: number): Promise<void> {
  ctx.wallets.tabRemoved(tabId, ctx.platform.now());
  for (const p of await ctx.db.pendingHandoffs.toArray())
    if (p.tabId === tabId) await endPending(ctx, p, 'document-gone');
  await walletGone(ctx, tabId);
}

/**
 * The wallet window asked to mint went away before answering (closed, or its Port closed: a lock
 * reloads the wallet's pages). The user finishes in a wallet window instead of waiting for a timeout.
 */
export async function walletGone(ctx: HandoffContext, walletTabId: number): Promise<void> {
  for (const p of await ctx.db.pendingHandoffs.toArray())
    if (p.stage === 'wallet' && p.walletTabId === walletTabId) await openWindowFor(ctx, p);
}

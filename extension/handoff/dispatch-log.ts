/**
 * The dispatches the budgets count (SECURITY.md §4, T12): one row per hand-off the wallet was
 * asked to serve, silently or in a window, in a store of their own. They used to be read from the
 * activity log, which keeps only its newest rows: a page refused a few thousand times within an
 * hour pushed that hour's dispatches out and got a fresh budget. Rows here are removed only once
 * they are older than the budget window, which also bounds the store (at most 10 per origin and
 * 30 per company an hour get in).
 */
import type { EnvironmentId } from '../../shared/ksef/transport-types.ts';
import type { PendingHandoffRow } from '../storage/extension-db.ts';
import { type Dispatch, HANDOFF_BUDGETS } from './budgets.ts';
import type { HandoffContext } from './handoff-context.ts';

/**
 * Records that the wallet was asked to serve this hand-off. Once per hand-off: a silent attempt
 * that ends in a wallet window is one possible login, counted from the first ask.
 */
export async function recordDispatch(ctx: HandoffContext, p: PendingHandoffRow): Promise<void> {
  const now = ctx.platform.now();
  await ctx.db.transaction('rw', ctx.db.dispatches, async () => {
    // Only what can no longer count goes: a row inside the window is never removed.
    await ctx.db.dispatches
      .where('at')
      .below(now - HANDOFF_BUDGETS.WINDOW_MS)
      .delete();
    if (await ctx.db.dispatches.get(p.handoffId)) return;
    await ctx.db.dispatches.add({
      handoffId: p.handoffId,
      at: now,
      origin: p.origin,
      ...(p.nip !== undefined ? { nip: p.nip } : {}),
      ...(p.environment !== undefined ? { environment: p.environment } : {}),
    });
  });
}

/**
 * A page that named no company had its hand-off approved in the wallet window for one: the login
 * made for it counts against that company's budget from then on.
 */
export async function attributeDispatch(
  ctx: HandoffContext,
  handoffId: string,
  nip: string,
  environment: EnvironmentId,
): Promise<void> {
  await ctx.db.transaction('rw', ctx.db.dispatches, async () => {
    const row = await ctx.db.dispatches.get(handoffId);
    if (row && (row.nip === undefined || row.environment === undefined))
      await ctx.db.dispatches.put({ ...row, nip, environment });
  });
}

/** The dispatches of the last budget window, every origin (an index range, not a table scan). */
export async function recentDispatches(ctx: HandoffContext, now: number): Promise<Dispatch[]> {
  const rows = await ctx.db.dispatches
    .where('at')
    .above(now - HANDOFF_BUDGETS.WINDOW_MS)
    .toArray();
  return rows.map((r) => ({
    at: r.at,
    origin: r.origin,
    ...(r.nip !== undefined ? { nip: r.nip } : {}),
    ...(r.environment !== undefined ? { environment: r.environment } : {}),
  }));
}

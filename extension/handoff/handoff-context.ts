/**
 * What the hand-off use cases need from their platform, injected (STYLE.md §5) so that the same
 * code runs in the service worker and in Node tests (fake-indexeddb, a fake clock, recorded tabs).
 */
import type { EnvironmentId } from '../../shared/ksef/transport-types.ts';
import { type ContentEnvelope, contentEnvelope } from '../../shared/protocol/content-messages.ts';
import { pageErrorFor } from '../../shared/protocol/erp-page-protocol.ts';
import type { ActivityEvent } from '../../shared/protocol/handoff-messages.ts';
import { makePush, type PushKind, type PushPayloads } from '../../shared/protocol/wallet-push.ts';
import type { WalletError } from '../../shared/result.ts';
import type { ActivityRow, ExtensionDb, PendingHandoffRow } from '../storage/extension-db.ts';
import type { WalletConnections } from './wallet-connections.ts';

export type HandoffPlatform = {
  now(): number;
  /** 128 random bits, URL-safe. */
  randomId(): string;
  /**
   * `tabs.sendMessage(tabId, message, { documentId })`: delivered only to that exact document, so a
   * navigation between the click and the delivery delivers nothing (SECURITY.md T5). Resolves to
   * the content script's answer, or undefined when no such document listens any more.
   */
  sendToDocument(tabId: number, documentId: string, message: ContentEnvelope): Promise<unknown>;
  /** `tabs.sendMessage(tabId, message, { frameId: 0 })`, for the popup's questions to the page. */
  sendToTopFrame(tabId: number, message: ContentEnvelope): Promise<unknown>;
  /** The origin of a tab's top document, or null (no access, not http(s)). */
  tabOrigin(tabId: number): Promise<string | null>;
  /** `windows.create` of a PWA URL (a hand-off id in its hash, never a secret); the window id or null. */
  openWalletWindow(url: string): Promise<number | null>;
  /** Closes a wallet window we opened, now or after `afterMs` (so that its own answer gets its reply). */
  closeWindow(windowId: number, afterMs?: number): Promise<void>;
};

export type HandoffContext = {
  readonly db: ExtensionDb;
  readonly platform: HandoffPlatform;
  readonly wallets: WalletConnections;
  readonly pwaOrigin: string;
  /** Popup intents: a one-time id the content script must echo (memory only: they live seconds). */
  readonly intents: Map<string, { tabId: number; nip: string; environment: string; expiresAt: number }>;
};

/** The activity log keeps its newest rows; the budgets do not read it (dispatch-log.ts). */
export const KEEP_ACTIVITY = 2000;
/** Refused clicks of one origin and code are logged once per this period, with a count. */
export const BLOCKED_LOG_PERIOD_MS = 60_000;

export async function recordActivity(
  ctx: HandoffContext,
  row: Omit<ActivityRow, 'id' | 'at'>,
): Promise<void> {
  const id = await ctx.db.activity.add({ at: ctx.platform.now(), ...row });
  // Ids only grow and only trimming deletes, so "id more than KEEP_ACTIVITY behind the newest" is
  // the old end: a key-range delete that is empty almost every time, never a count or a scan.
  if (typeof id === 'number' && id > KEEP_ACTIVITY)
    await ctx.db.activity
      .where('id')
      .belowOrEqual(id - KEEP_ACTIVITY)
      .delete();
}

/**
 * A click the budgets refused. One row per origin, code and minute, with a count: a page can send
 * `handoff.request` at will (a compromised ERP renderer, T5), and one row per refusal would flood
 * the log and push every other entry out of it (SECURITY.md T12).
 */
export async function recordBlockedClick(
  ctx: HandoffContext,
  row: { origin: string; code: string; nip?: string; environment?: EnvironmentId },
): Promise<void> {
  const now = ctx.platform.now();
  await ctx.db.transaction('rw', ctx.db.activity, async () => {
    const last = await ctx.db.activity
      .where('[origin+event+code]')
      .equals([row.origin, 'blocked', row.code])
      .last();
    if (last?.id !== undefined && now >= last.at && now - last.at < BLOCKED_LOG_PERIOD_MS) {
      // Clicks naming different companies in one minute: the row names none rather than a wrong one.
      const sameCompany = last.nip === row.nip && last.environment === row.environment;
      const { nip: _nip, environment: _environment, ...rest } = last;
      await ctx.db.activity.put({
        ...(sameCompany ? last : rest),
        count: (last.count ?? 1) + 1,
        lastAt: now,
      });
      return;
    }
    await recordActivity(ctx, { event: 'blocked', ...row, count: 1 });
  });
}

export function activityOf(p: PendingHandoffRow, event: ActivityEvent, extra: Partial<ActivityRow> = {}) {
  return {
    event,
    origin: p.origin,
    handoffId: p.handoffId,
    ...(p.nip !== undefined ? { nip: p.nip } : {}),
    ...(p.environment !== undefined ? { environment: p.environment } : {}),
    ...extra,
  };
}

/** Tells the ERP document that its request ended without a session. Best effort: it may be gone. */
export async function deliverFailure(
  ctx: HandoffContext,
  p: PendingHandoffRow,
  error: WalletError,
): Promise<void> {
  const retryAfterSeconds =
    error.retryAfterMs !== undefined ? Math.max(1, Math.ceil(error.retryAfterMs / 1000)) : undefined;
  await ctx.platform.sendToDocument(
    p.tabId,
    p.documentId,
    contentEnvelope({
      kind: 'cs.failed',
      handoffId: p.handoffId,
      code: pageErrorFor(error.code),
      ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
    }),
  );
}

/**
 * A wallet window that answered is closed a moment later, not at once: closing it before the reply
 * reaches it would lose `{ delivered }`, which tells the wallet whether to revoke the session.
 */
export const ANSWERED_WINDOW_CLOSE_MS = 1500;

/** Ends a pending hand-off: the record goes, the wallet window (if we opened one) closes. */
export async function finishPending(
  ctx: HandoffContext,
  p: PendingHandoffRow,
  how: 'now' | 'answered' = 'now',
): Promise<void> {
  await ctx.db.pendingHandoffs.delete(p.handoffId);
  if (p.windowId !== undefined)
    await ctx.platform.closeWindow(p.windowId, how === 'answered' ? ANSWERED_WINDOW_CLOSE_MS : 0);
}

export function pushTo<K extends PushKind>(
  ctx: HandoffContext,
  tabId: number,
  kind: K,
  payload: PushPayloads[K],
): boolean {
  return ctx.wallets.push(tabId, makePush(kind, payload, ctx.platform.randomId()));
}

export function broadcast<K extends PushKind>(
  ctx: HandoffContext,
  kind: K,
  payload: PushPayloads[K],
): number {
  return ctx.wallets.broadcast(makePush(kind, payload, ctx.platform.randomId()));
}

export const walletUrl = (ctx: HandoffContext, handoffId: string) =>
  `${ctx.pwaOrigin}/#/handoff/${handoffId}`;

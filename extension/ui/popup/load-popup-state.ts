/**
 * Everything the popup shows, read locally: the status snapshot and the approvals from the
 * extension's IndexedDB, the lock state from storage.session, the active tab, and — for an enabled
 * site — whether its page said hello. No network: the popup works offline and while locked.
 */
import { browser } from 'wxt/browser';
import { type ContentStatusReply, contentEnvelope } from '../../../shared/protocol/content-messages.ts';
import { parseErpOrigin } from '../../../shared/protocol/erp-origin.ts';
import { BUILD } from '../../config/build-config.ts';
import type { ApprovalRow, ExtensionDb, SnapshotRow } from '../../storage/extension-db.ts';
import { createSessionState, type SessionState } from '../../storage/session-state.ts';

export type ActiveTab = {
  readonly tabId: number;
  /** The exact origin when the tab shows a page on which the button can be enabled, else null. */
  readonly origin: string | null;
  readonly enabled: boolean;
  readonly approvals: readonly ApprovalRow[];
  /** The content script's answer: did the page say hello? null when it does not run there. */
  readonly page: ContentStatusReply | null;
};

export type PopupState = {
  readonly snapshot: SnapshotRow | null;
  readonly lock: SessionState['walletLock'] | null;
  readonly tab: ActiveTab | null;
};

export const ERP_ORIGIN_POLICY = Object.freeze({ allowLoopback: BUILD.flavour === 'development' });

export async function loadPopupState(db: ExtensionDb): Promise<PopupState> {
  const [snapshot, lock, tab] = await Promise.all([
    db.snapshot.get('current').catch(() => undefined),
    createSessionState(browser.storage.session)
      .read('walletLock')
      .catch(() => null),
    activeTab(db),
  ]);
  return { snapshot: snapshot ?? null, lock, tab };
}

async function activeTab(db: ExtensionDb): Promise<ActiveTab | null> {
  const [tab] = await browser.tabs.query({ active: true, lastFocusedWindow: true }).catch(() => []);
  if (tab?.id === undefined) return null;
  let origin: string | null = null;
  try {
    // activeTab (the user opened the popup on this tab) or the site's host permission shows the URL.
    origin = tab.url ? parseErpOrigin(new URL(tab.url).origin, ERP_ORIGIN_POLICY) : null;
  } catch {
    origin = null;
  }
  if (origin === BUILD.pwaOrigin) origin = null;
  if (origin === null) return { tabId: tab.id, origin, enabled: false, approvals: [], page: null };
  const enabled = (await db.erpSites.get(origin)) !== undefined;
  const approvals = await db.approvals.where('origin').equals(origin).toArray();
  const page = enabled ? await pageStatus(tab.id) : null;
  return { tabId: tab.id, origin, enabled, approvals, page };
}

async function pageStatus(tabId: number): Promise<ContentStatusReply | null> {
  try {
    const r = (await browser.tabs.sendMessage(tabId, contentEnvelope({ kind: 'cs.status' }), {
      frameId: 0,
    })) as Partial<ContentStatusReply> | undefined;
    return typeof r?.ready === 'boolean' ? { ready: r.ready, want: r.want ?? null } : null;
  } catch {
    return null;
  }
}

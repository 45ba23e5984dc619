/**
 * A background for hand-off tests: the real router, handlers, use cases and Dexie schema, with the
 * browser replaced by recorders (fake-indexeddb, a fake clock, tabs whose current document the
 * test controls, windows that open and close, wallet Ports that record pushes).
 */
import { IDBKeyRange, indexedDB } from 'fake-indexeddb';
import type { ErpSiteContext } from '../../../extension/erp-sites/erp-site-context.ts';
import type { HandoffContext } from '../../../extension/handoff/handoff-context.ts';
import { createHandoffHandlers } from '../../../extension/handoff/handoff-handlers.ts';
import { createWalletConnections, type LockSummary } from '../../../extension/handoff/wallet-connections.ts';
import type { SenderClass } from '../../../extension/router/classify-sender.ts';
import { route } from '../../../extension/router/route.ts';
import { ExtensionDb } from '../../../extension/storage/extension-db.ts';
import type { ContentEnvelope } from '../../../shared/protocol/content-messages.ts';
import { makeEnvelope, type Reply } from '../../../shared/protocol/envelope.ts';
import type { HandedSession } from '../../../shared/protocol/handoff-fields.ts';
import type { MessageKind, Payloads } from '../../../shared/protocol/messages.ts';

export const PWA_ORIGIN = 'http://127.0.0.1:5180';
export const ERP = 'https://erp.example';
export const NIP = '5265877635';
export const NIP2 = '5213000000';
export const T0 = Date.UTC(2026, 4, 14, 10, 0, 0);
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;

let dbCounter = 0;
let idCounter = 0;

export type Sent = { tabId: number; documentId?: string; frameId?: number; message: ContentEnvelope };

export function createBackground() {
  const clock = { now: T0 };
  const db = new ExtensionDb(`test-extension-${++dbCounter}`, { indexedDB, IDBKeyRange });
  /** The current top document of each tab; the content script there answers deliveries. */
  const documents = new Map<number, { origin: string; documentId: string; ready: boolean }>();
  const sent: Sent[] = [];
  const windows: { id: number; url: string; open: boolean }[] = [];
  const pushes: { tabId: number; message: unknown }[] = [];
  const lockSummaries: LockSummary[] = [];
  const registrations: { id: string; matches: string[] }[] = [];
  const executed: { tabId: number; files: string[] }[] = [];
  const granted = new Set<string>(['https://erp.example:443/*', 'https://other.example:443/*']);

  const contentScriptAnswer = (tabId: number, message: ContentEnvelope): unknown => {
    const doc = documents.get(tabId);
    if (!doc) return undefined;
    switch (message.kind) {
      case 'cs.deliver':
      case 'cs.refreshed':
      case 'cs.ended':
        return { delivered: doc.ready };
      case 'cs.popup-login':
        return { accepted: doc.ready };
      default:
        return undefined;
    }
  };

  const wallets = createWalletConnections((s) => lockSummaries.push(s));
  const ctx: HandoffContext = {
    db,
    wallets,
    pwaOrigin: PWA_ORIGIN,
    intents: new Map(),
    platform: {
      now: () => clock.now,
      randomId: () => `id-${String(++idCounter).padStart(20, '0')}`,
      sendToDocument: async (tabId, documentId, message) => {
        sent.push({ tabId, documentId, message });
        // tabs.sendMessage with documentId reaches nobody once the tab shows another document.
        return documents.get(tabId)?.documentId === documentId
          ? contentScriptAnswer(tabId, message)
          : undefined;
      },
      sendToTopFrame: async (tabId, message) => {
        sent.push({ tabId, frameId: 0, message });
        return contentScriptAnswer(tabId, message);
      },
      tabOrigin: async (tabId) => documents.get(tabId)?.origin ?? null,
      openWalletWindow: async (url) => {
        const id = 100 + windows.length;
        windows.push({ id, url, open: true });
        return id;
      },
      closeWindow: async (windowId) => {
        const w = windows.find((x) => x.id === windowId);
        if (w) w.open = false;
      },
    },
  };
  const sites: ErpSiteContext = {
    db,
    policy: { allowLoopback: true },
    pwaOrigin: PWA_ORIGIN,
    now: () => clock.now,
    tabOrigin: ctx.platform.tabOrigin,
    permissions: {
      contains: async ({ origins }) => origins.every((o) => granted.has(o)),
      remove: async ({ origins }) => {
        for (const o of origins) granted.delete(o);
        return true;
      },
    },
    scripting: {
      getRegisteredContentScripts: async () => registrations.map((r) => ({ ...r })),
      registerContentScripts: async (scripts) => {
        for (const s of scripts) registrations.push({ id: s.id, matches: [...s.matches] });
      },
      unregisterContentScripts: async (filter) => {
        for (let i = registrations.length - 1; i >= 0; i--)
          if (!filter?.ids || filter.ids.includes(registrations[i]!.id)) registrations.splice(i, 1);
      },
      executeScript: async (injection) => {
        executed.push({ tabId: injection.target.tabId, files: injection.files });
        return [];
      },
    },
  };
  const handlers = createHandoffHandlers(ctx, sites);

  let messageCounter = 0;
  async function send<K extends MessageKind>(
    kind: K,
    payload: Payloads[K],
    from: SenderClass,
  ): Promise<Reply<K>> {
    const id = `msg-${String(++messageCounter).padStart(8, '0')}`;
    return (await route(makeEnvelope(kind, payload, id), from, handlers)) as Reply<K>;
  }

  const contentScript = (tabId: number): SenderClass => {
    const doc = documents.get(tabId)!;
    return { kind: 'content-script', origin: doc.origin, tabId, frameId: 0, documentId: doc.documentId };
  };
  const pwa = (tabId = 50): SenderClass => ({ kind: 'pwa', origin: PWA_ORIGIN, tabId });
  const popup: SenderClass = {
    kind: 'extension-page',
    url: 'chrome-extension://ebdilphlfnmmofiipegbncigggfpnjbc/popup.html',
  };

  /** A wallet window with a Port, unlocked for `forMs`. */
  function connectWallet(tabId = 50, forMs = 15 * MINUTE) {
    wallets.attachPort(
      tabId,
      { postMessage: (message) => pushes.push({ tabId, message }), disconnect: () => {} },
      clock.now,
    );
    wallets.setState(tabId, { locked: false, unlockedUntil: clock.now + forMs }, clock.now);
  }

  async function enableSite(origin = ERP) {
    await db.erpSites.put({ origin, enabledAt: clock.now });
  }

  function openDocument(tabId: number, origin = ERP, documentId = `DOC-${tabId}-${++idCounter}`) {
    documents.set(tabId, { origin, documentId, ready: true });
    return documentId;
  }

  return {
    clock,
    db,
    ctx,
    sites,
    send,
    sent,
    windows,
    pushes,
    lockSummaries,
    registrations,
    executed,
    granted,
    documents,
    contentScript,
    pwa,
    popup,
    connectWallet,
    enableSite,
    openDocument,
    /** Everything the extension stored, as one string: to prove no token is in it. */
    async dump(): Promise<string> {
      const tables = await Promise.all(db.tables.map(async (t) => [t.name, await t.toArray()]));
      return JSON.stringify(Object.fromEntries(tables));
    },
  };
}

/** A JWT-shaped access token with a `per` claim as KSeF's tokens carry it (REFERENCE.md §2.1). */
export function accessToken(permissions: string[] = ['InvoiceRead'], marker = 'x'): string {
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ per: JSON.stringify(permissions), typ: 'ContextToken', m: marker })}.c2lnbmF0dXJl`;
}

export function sessionFor(nip: string, now: number, extra: Partial<HandedSession> = {}): HandedSession {
  return {
    environment: 'TEST' as const,
    nip,
    referenceNumber: `20260514-AU-${String(++idCounter).padStart(10, '0')}-3AC6D5877F-D4`,
    accessToken: accessToken(),
    accessTokenValidUntil: new Date(now + 15 * MINUTE).toISOString(),
    permissions: ['InvoiceRead'],
    ...extra,
  };
}

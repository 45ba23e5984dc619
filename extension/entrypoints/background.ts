import { browser } from 'wxt/browser';
import { defineBackground } from 'wxt/utils/define-background';
import { createFetchTransport } from '../../shared/ksef/fetch-transport.ts';
import { WALLET_PORT_NAME } from '../../shared/protocol/wallet-push.ts';
import { BUILD } from '../config/build-config.ts';
import { syncContentScript } from '../erp-sites/content-script-registry.ts';
import { dropSitesWithoutPermission } from '../erp-sites/disable-erp-site.ts';
import type { ErpSiteContext } from '../erp-sites/erp-site-context.ts';
import { expireHandoffs } from '../handoff/expire-handoffs.ts';
import type { HandoffContext, HandoffPlatform } from '../handoff/handoff-context.ts';
import { createHandoffHandlers, createSerialQueue } from '../handoff/handoff-handlers.ts';
import { createWalletConnections } from '../handoff/wallet-connections.ts';
import { osLocked, tabRemoved, walletGone, windowClosed } from '../handoff/wallet-events.ts';
import { classifySender } from '../router/classify-sender.ts';
import { createHandlers } from '../router/handlers.ts';
import { route } from '../router/route.ts';
import { extensionDb } from '../storage/extension-db.ts';
import { createSessionState } from '../storage/session-state.ts';
import { createEnvironmentRegistry } from '../transport/environment-registry.ts';

export default defineBackground({
  type: 'module',
  main() {
    const db = extensionDb();
    const environments = createEnvironmentRegistry(
      {
        list: () => db.environments.toArray(),
        put: async (row) => {
          await db.environments.put(row);
        },
        remove: (id) => db.environments.delete(id),
      },
      BUILD.devSandboxUrl,
    );
    const transport = createFetchTransport({
      fetch: (input, init) => fetch(input, init),
      resolveBaseUrl: (env) => environments.resolveBaseUrl(env),
    });
    const self = { extensionId: browser.runtime.id, pwaOrigin: BUILD.pwaOrigin };

    // Lock state and its expiry are the only vault facts the extension keeps (SECURITY.md T2);
    // storage.session is memory-only and closed to content scripts.
    void browser.storage.session.setAccessLevel({ accessLevel: 'TRUSTED_CONTEXTS' }).catch(() => {});
    const sessionState = createSessionState(browser.storage.session);
    const wallets = createWalletConnections((summary) => {
      void sessionState.write('walletLock', { ...summary, updatedAt: Date.now() }).catch(() => {});
    });
    // A (re)started worker knows no wallet window yet (their Ports closed with the old one):
    // locked until a window reports otherwise.
    void sessionState
      .write('walletLock', { locked: true, unlockedUntil: null, updatedAt: Date.now() })
      .catch(() => {});

    const platform: HandoffPlatform = {
      now: () => Date.now(),
      randomId,
      // documentId: a navigation between the click and the delivery delivers nothing (T5).
      sendToDocument: (tabId, documentId, message) =>
        browser.tabs.sendMessage(tabId, message, { documentId }).catch(() => undefined),
      sendToTopFrame: (tabId, message) =>
        browser.tabs.sendMessage(tabId, message, { frameId: 0 }).catch(() => undefined),
      tabOrigin: async (tabId) => {
        try {
          const url = (await browser.tabs.get(tabId)).url;
          const origin = url ? new URL(url).origin : 'null';
          return origin === 'null' ? null : origin;
        } catch {
          return null;
        }
      },
      openWalletWindow: async (url) => {
        try {
          const w = await browser.windows.create({
            url,
            type: 'popup',
            width: 520,
            height: 720,
            focused: true,
          });
          return w?.id ?? null;
        } catch {
          return null;
        }
      },
      closeWindow: async (windowId, afterMs = 0) => {
        const close = () => browser.windows.remove(windowId).catch(() => {});
        if (afterMs > 0) setTimeout(() => void close(), afterMs);
        else await close();
      },
    };
    const ctx: HandoffContext = { db, platform, wallets, pwaOrigin: BUILD.pwaOrigin, intents: new Map() };
    const sites: ErpSiteContext = {
      db,
      scripting: browser.scripting,
      permissions: browser.permissions,
      policy: { allowLoopback: BUILD.flavour === 'development' },
      pwaOrigin: BUILD.pwaOrigin,
      now: () => Date.now(),
      tabOrigin: platform.tabOrigin,
    };
    const serial = createSerialQueue();
    const handlers = {
      ...createHandlers({ extensionVersion: browser.runtime.getManifest().version, transport, environments }),
      ...createHandoffHandlers(ctx, sites, serial),
    };

    // Listeners return true and answer asynchronously; every path answers exactly once.
    browser.runtime.onMessageExternal.addListener((message, sender, sendResponse) => {
      void route(message, classifySender('external', sender, self), handlers).then(sendResponse);
      return true;
    });
    browser.runtime.onMessage.addListener((message, sender, sendResponse) => {
      void route(message, classifySender('internal', sender, self), handlers).then(sendResponse);
      return true;
    });

    // A wallet window keeps a Port open so that the background can push "mint a session" to it.
    browser.runtime.onConnectExternal.addListener((port) => {
      const from = classifySender('external', port.sender ?? {}, self);
      if (from.kind !== 'pwa' || from.tabId === undefined || port.name !== WALLET_PORT_NAME) {
        port.disconnect();
        return;
      }
      const walletTabId = from.tabId;
      wallets.attachPort(walletTabId, port, Date.now());
      port.onMessage.addListener((message) => {
        void route(message, from, handlers).then((reply) => {
          try {
            port.postMessage(reply);
          } catch {
            // The Port closed meanwhile; onDisconnect cleans up.
          }
        });
      });
      port.onDisconnect.addListener(() => {
        wallets.detachPort(port, Date.now());
        void serial(() => walletGone(ctx, walletTabId));
      });
    });

    // The OS screen lock locks the vault (SECURITY.md §3.8).
    browser.idle.onStateChanged.addListener((state) => {
      if (state === 'locked') osLocked(ctx);
    });
    browser.windows.onRemoved.addListener((windowId) => void serial(() => windowClosed(ctx, windowId)));
    browser.tabs.onRemoved.addListener((tabId) => void serial(() => tabRemoved(ctx, tabId)));
    browser.permissions.onRemoved.addListener(() => void serial(() => dropSitesWithoutPermission(sites)));

    // The registration persists across sessions; make it match the enabled sites after an update.
    void serial(async () =>
      syncContentScript(
        browser.scripting,
        (await db.erpSites.toArray()).map((s) => s.origin),
      ),
    ).catch(() => {});
    // Expiry also runs at the start of every hand-off use case: a stopped worker runs no timers.
    setInterval(() => void serial(() => expireHandoffs(ctx)).catch(() => {}), 15_000);
  },
});

function randomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

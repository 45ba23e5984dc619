/**
 * Opens the wallet from a PWA page: the shared key worker (the vault and the KSeF flows beside the
 * keys), with the extension link as the worker's way to KSeF (the page relays the worker's requests,
 * flows/relay-transport.ts). On `locked` — from this page, another tab, the idle timer or the
 * OS-lock push — every PWA page reloads: JS cannot zero memory, a reload is the wipe. Real user
 * input restarts the idle timer.
 */
import { isLockReason, type LockReason } from '../../shared/domain/lock-policy.ts';
import type { FlowClient } from '../flows/flow-client.ts';
import type { ExtensionLink } from '../platform/extension-link.ts';
import { connectVault, trackUserActivity } from '../vault/connect-vault.ts';
import type { VaultEvent } from '../vault/vault-api.ts';
import type { VaultClient } from '../vault/vault-client.ts';

export type WalletConnection = {
  readonly vault: VaultClient;
  /** The key worker's KSeF flows. */
  readonly flows: FlowClient;
  /** Called on every change the vault announces (any tab). */
  subscribe(onChange: () => void): () => void;
  /**
   * Every vault event by type — `locked` too, just before the page reloads (the hand-off tells the
   * extension and the ERP pages at that moment: pwa/features/handoff/handoff-bridge.ts).
   */
  onVaultEvent(listener: (e: VaultEvent) => void): () => void;
};

/**
 * Why the vault locked, carried over the reload (the new key worker starts without it): not a
 * secret, kept for this tab only, read once.
 */
const LAST_LOCK_KEY = 'ksef-wallet.last-lock';

export function takeLastLockReason(): LockReason | undefined {
  try {
    const reason = sessionStorage.getItem(LAST_LOCK_KEY);
    sessionStorage.removeItem(LAST_LOCK_KEY);
    return isLockReason(reason) ? reason : undefined;
  } catch {
    return undefined;
  }
}

function reloadAfterLock(reason: LockReason): void {
  try {
    sessionStorage.setItem(LAST_LOCK_KEY, reason);
  } catch {
    // Storage refused: the locked screen just does not say why.
  }
  location.reload();
}

export function openWallet(
  link: ExtensionLink,
  reload: (reason: LockReason) => void = reloadAfterLock,
): WalletConnection {
  const listeners = new Set<() => void>();
  const eventListeners = new Set<(e: VaultEvent) => void>();
  const emit = (e: VaultEvent) => {
    for (const l of eventListeners) {
      try {
        l(e);
      } catch {
        // A listener's failure must not keep the page from reloading after a lock.
      }
    }
  };
  const vault = connectVault({
    startWhenNeeded: true,
    transport: link.transport,
    onLocked: (reason) => {
      emit({ type: 'locked', reason });
      reload(reason);
    },
    onEvent: (e) => {
      if (e.type === 'locked') return;
      emit(e);
      for (const l of listeners) l();
    },
  });
  trackUserActivity(vault, window);
  return {
    vault,
    flows: vault.flows,
    subscribe: (onChange) => {
      listeners.add(onChange);
      return () => listeners.delete(onChange);
    },
    onVaultEvent: (listener) => {
      eventListeners.add(listener);
      return () => eventListeners.delete(listener);
    },
  };
}

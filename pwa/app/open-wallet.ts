/**
 * Opens the wallet from a PWA page: the shared key worker (the vault and the KSeF flows beside the
 * keys), with the extension link as the worker's way to KSeF (the page relays the worker's requests,
 * flows/relay-transport.ts). On `locked` — from this page, another tab, the idle timer or the
 * OS-lock push — every PWA page reloads: JS cannot zero memory, a reload is the wipe. Real user
 * input restarts the idle timer.
 */
import type { FlowClient } from '../flows/flow-client.ts';
import type { ExtensionLink } from '../platform/extension-link.ts';
import { connectVault, trackUserActivity } from '../vault/connect-vault.ts';
import type { VaultClient } from '../vault/vault-client.ts';

export type WalletConnection = {
  readonly vault: VaultClient;
  /** The key worker's KSeF flows (null if this build's worker has none). */
  readonly flows: FlowClient | null;
  /** Called on every change the vault announces (any tab). */
  subscribe(onChange: () => void): () => void;
};

export function openWallet(
  link: ExtensionLink,
  reload: () => void = () => location.reload(),
): WalletConnection {
  const listeners = new Set<() => void>();
  void link;
  const vault = connectVault({
    onLocked: () => reload(),
    onEvent: (e) => {
      if (e.type === 'locked') return;
      for (const l of listeners) l();
    },
  });
  trackUserActivity(vault, window);
  return {
    vault,
    flows: (vault as VaultClient & { flows?: FlowClient }).flows ?? null,
    subscribe: (onChange) => {
      listeners.add(onChange);
      return () => listeners.delete(onChange);
    },
  };
}

/**
 * Every wallet window runs the hand-off bridge (handoff-bridge.ts) once: the Port with its state
 * heartbeat, the pushes, the status snapshot, the sweep and — in one window at a time — refreshes
 * for ERP pages. Started on mount, stopped on unmount; the vault's events reach it from the app's
 * wallet connection (`locked` included, just before the page reloads).
 */
import { useEffect, useMemo } from 'preact/hooks';
import type { ExtensionLink } from '../../platform/extension-link.ts';
import { createWalletPort } from '../../platform/wallet-port.ts';
import type { VaultEvent } from '../../vault/vault-api.ts';
import type { VaultClient } from '../../vault/vault-client.ts';
import { browserEndedSessions } from './ended-sessions.ts';
import { createHandoffBridge, type HandoffBridge, webLockRole } from './handoff-bridge.ts';
import { createHandoffVault, type HandoffVault } from './handoff-vault.ts';

export type HandoffWiring = {
  readonly vault: HandoffVault;
  readonly bridge: HandoffBridge;
  /** For Settings: something about approvals or handed sessions changed. */
  subscribe(onChange: () => void): () => void;
};

const randomId = () =>
  Array.from(globalThis.crypto.getRandomValues(new Uint8Array(16)), (b) =>
    b.toString(16).padStart(2, '0'),
  ).join('');

export function useHandoffBridge(
  connection: {
    readonly vault: VaultClient;
    onVaultEvent(listener: (e: VaultEvent) => void): () => void;
  },
  link: ExtensionLink,
): HandoffWiring {
  const wiring = useMemo(() => {
    const vault = createHandoffVault(connection.vault, (method, params) =>
      connection.vault.invokeFlow(method, params),
    );
    const listeners = new Set<() => void>();
    const bridge = createHandoffBridge({
      vault,
      call: link.call,
      createPort: (options) => createWalletPort(options),
      ended: browserEndedSessions(),
      now: () => Date.now(),
      randomId,
      timers: {
        setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
        clearTimeout: (h) => globalThis.clearTimeout(h as ReturnType<typeof setTimeout>),
      },
      lockVault: (reason) => void connection.vault.lock(reason).catch(() => {}),
      ...(webLockRole() ? { holdRole: webLockRole()! } : {}),
      onChange: () => {
        for (const l of listeners) l();
      },
    });
    return {
      vault,
      bridge,
      subscribe: (onChange: () => void) => {
        listeners.add(onChange);
        return () => listeners.delete(onChange);
      },
    };
  }, [connection, link]);

  useEffect(() => {
    const off = connection.onVaultEvent((e) => wiring.bridge.vaultEvent(e));
    wiring.bridge.start();
    return () => {
      off();
      wiring.bridge.stop();
    };
  }, [wiring, connection]);

  return wiring;
}

/**
 * Opens the shared key worker from a PWA page. Under the wallet's CSP
 * (`require-trusted-types-for 'script'`) a worker URL is a script sink, so one Trusted Types policy
 * allows exactly the key worker's own URL and nothing else. The worker is a SharedWorker: one per
 * origin, so all tabs and windows of the PWA share one vault, one lock state and one key holder.
 * A `locked` broadcast (from whichever context locked) reaches every page, which then reloads.
 */
import type { LockReason } from '../../shared/domain/lock-policy.ts';
import { isLockReason, LOCK_POLICY } from '../../shared/domain/lock-policy.ts';
import keyWorkerUrl from './key-worker.ts?worker&url';
import { closingLockName, RPC } from './rpc-contract.ts';
import type { RpcPort } from './rpc-server.ts';
import type { VaultStatus } from './vault-api.ts';
import { createVaultClient, type VaultClient, type VaultClientOptions } from './vault-client.ts';
import { VAULT_SCHEMA_VERSION, vaultDatabaseName } from './vault-database.ts';

type TrustedTypePolicyFactory = {
  createPolicy(
    name: string,
    rules: { createScriptURL(input: string): string },
  ): { createScriptURL(input: string): string };
};

/** The policy's name; a CSP `trusted-types` directive, if ever added, must list it. */
export const KEY_WORKER_POLICY_NAME = 'ksef-wallet-key-worker';
/** SharedWorker name: the production vault; tests open isolated vaults under `ksef-wallet-vault:test-…`. */
export const KEY_WORKER_NAME = 'ksef-wallet-vault';

let policy: { createScriptURL(input: string): string } | undefined;
function trustedKeyWorkerUrl(): string {
  const factory = (globalThis as { trustedTypes?: TrustedTypePolicyFactory }).trustedTypes;
  if (!factory) return keyWorkerUrl;
  policy ??= factory.createPolicy(KEY_WORKER_POLICY_NAME, {
    createScriptURL: (input: string) => {
      if (input !== keyWorkerUrl) throw new TypeError('only the wallet key worker may be started');
      return input;
    },
  });
  return policy.createScriptURL(keyWorkerUrl);
}

/** Resolves once no key worker of this name is closing (see key-worker.ts `holdClosingLock`). */
function noWorkerClosing(name: string): Promise<void> {
  const locks = (globalThis.navigator as Navigator & { locks?: LockManager }).locks;
  if (!locks) return Promise.resolve();
  return locks.request(closingLockName(name), () => undefined).then(() => undefined);
}

/**
 * A port that queues messages until the real one exists, so callers can use the client at once
 * while the connection waits for a closing worker to be gone.
 */
function deferredPort(real: Promise<MessagePort>, onFirstMessage: () => void): RpcPort & { close(): void } {
  let port: MessagePort | undefined;
  let closed = false;
  const queue: unknown[] = [];
  const listeners: ((e: { data: unknown }) => void)[] = [];
  void real.then((p) => {
    if (closed) return p.close();
    port = p;
    for (const l of listeners) p.addEventListener('message', l);
    p.start();
    for (const m of queue.splice(0)) p.postMessage(m);
  });
  return {
    postMessage: (m) => {
      if (port) return port.postMessage(m);
      queue.push(m);
      onFirstMessage();
    },
    addEventListener: (_type, l) => {
      listeners.push(l);
      port?.addEventListener('message', l);
    },
    start: () => port?.start(),
    close: () => {
      closed = true;
      port?.close();
    },
  };
}

/**
 * Connects this page to the shared key worker. After a `locked` event the page must reload (the
 * PWA does): a document that saw its worker close cannot start the same worker again in Chromium,
 * and a reload is the wipe anyway.
 */
export function connectVault(
  options: VaultClientOptions & {
    readonly name?: string;
    /**
     * Start the key worker only when the page needs it: while no vault database exists, `status()`
     * answers "absent" here and `touch()` does nothing, so a first visit loads no Dexie, no keyring
     * code and no worker at all (issue 10: first-load JS). Anything else starts the worker.
     */
    readonly startWhenNeeded?: boolean;
  } = {},
): VaultClient {
  const name = options.name ?? KEY_WORKER_NAME;
  let started = false;
  let start!: () => void;
  const wanted = new Promise<void>((resolve) => {
    start = () => {
      started = true;
      resolve();
    };
  });
  if (!options.startWhenNeeded) start();
  const port = deferredPort(
    wanted
      .then(() => noWorkerClosing(name))
      .then(() => new SharedWorker(trustedKeyWorkerUrl(), { type: 'module', name }).port),
    () => start(),
  );
  let announced = false;
  const onLocked = (reason: LockReason) => {
    if (announced) return;
    announced = true;
    options.onLocked?.(reason);
  };
  const client = createVaultClient(port, { ...options, onLocked });
  const channel = new BroadcastChannel(RPC.BROADCAST_CHANNEL);
  channel.addEventListener('message', (e: MessageEvent) => {
    const data = e.data as { type?: unknown; reason?: unknown; name?: unknown };
    if (data?.type === 'locked' && isLockReason(data.reason) && data.name === name) {
      onLocked(data.reason);
    }
  });
  if (!options.startWhenNeeded) return client;
  const database = vaultDatabaseName(name);
  // The facade's status and touch are plain methods (vault-client.ts): replaced here by the lazy ones.
  const { status, touch } = client;
  Object.defineProperties(client, {
    status: {
      value: async (): Promise<VaultStatus> =>
        started || (await vaultDatabaseExists(database)) ? status() : absentStatus(),
    },
    touch: { value: async () => (started ? touch() : undefined) },
  });
  return client;
}

/** What the key worker answers for a database that does not exist (vault-service.ts `status`). */
function absentStatus(): VaultStatus {
  return {
    state: 'absent',
    schemaVersion: VAULT_SCHEMA_VERSION,
    idleMinutes: LOCK_POLICY.DEFAULT_IDLE_MINUTES,
  };
}

/** Whether the browser has the vault's database; when it cannot say, the worker is asked. */
async function vaultDatabaseExists(database: string): Promise<boolean> {
  try {
    return (await indexedDB.databases()).some((d) => d.name === database);
  } catch {
    return true;
  }
}

/**
 * Restarts the idle timer on real user input, at most every 30 s (a flood of `touch` calls would
 * only load the worker). Only trusted events count: a script cannot keep the vault open forever.
 */
export function trackUserActivity(
  client: Pick<VaultClient, 'touch'>,
  target: EventTarget,
  intervalMs = 30_000,
): () => void {
  let last = 0;
  const onInput = (e: Event) => {
    if (!e.isTrusted) return;
    const now = Date.now();
    if (now - last < intervalMs) return;
    last = now;
    void client.touch();
  };
  for (const type of ['pointerdown', 'keydown', 'wheel', 'touchstart'])
    target.addEventListener(type, onInput, { passive: true });
  return () => {
    for (const type of ['pointerdown', 'keydown', 'wheel', 'touchstart'])
      target.removeEventListener(type, onInput);
  };
}

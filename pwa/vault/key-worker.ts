/// <reference lib="webworker" />
/**
 * The key worker (ARCHITECTURE.md "Components and trust boundaries", SECURITY.md T1): a
 * SharedWorker of the PWA origin that owns the vault — Dexie and the data key — and answers the
 * pages' RPC. The data key exists only here, as non-extractable `CryptoKey`s; every unwrap happens
 * here; pages get data, never keys.
 *
 * Locking drops the keys, tells every connected page and every other context of the origin
 * (BroadcastChannel), then closes this worker: a closed worker's memory goes with it, which is the
 * only wipe JS has. The next page to connect starts a new, locked worker. When the last page
 * closes, the browser ends the worker too, so a browser restart always starts locked.
 *
 * The KSeF flows (pwa/flows) run here too, next to the keys (SECURITY.md T1, T10): they sign and
 * encrypt only for challenges they fetched themselves, reach KSeF through the page that called them
 * (which forwards each request to the extension), and keep access tokens in this worker's memory.
 */

import type { LockReason } from '../../shared/domain/lock-policy.ts';
import { systemClock } from '../../shared/platform.ts';
import type { FlowMethod } from '../flows/flow-api.ts';
import { isHandoffFlowMethod } from '../flows/handoff-flow-contract.ts';
import { closingLockName, RPC } from './rpc-contract.ts';
import { type FlowRunner, serveVault } from './rpc-server.ts';
import type { Vault } from './vault-api.ts';
import { vaultDatabaseName } from './vault-database.ts';
import { VaultService } from './vault-service.ts';

declare const self: SharedWorkerGlobalScope;

/**
 * Held from the moment this worker starts to lock until it is gone (the browser releases a dead
 * context's locks). `connectVault` waits for it, so a page that reloads on `locked` never connects
 * to this closing worker and hangs.
 */
function holdClosingLock(): Promise<void> {
  const locks = (self.navigator as Navigator & { locks?: LockManager }).locks;
  if (!locks) return Promise.resolve();
  return new Promise((granted) => {
    void locks.request(closingLockName(self.name), () => {
      granted();
      return new Promise<void>(() => {});
    });
  });
}

const service = new VaultService({
  platform: {
    subtle: self.crypto.subtle,
    random: (n) => self.crypto.getRandomValues(new Uint8Array(n)),
    clock: systemClock,
    timers: {
      setTimeout: (fn, ms) => self.setTimeout(fn, ms),
      clearTimeout: (h) => self.clearTimeout(h as number),
    },
  },
  database: { name: vaultDatabaseName(self.name) },
});

/**
 * The KSeF flows (the client, XAdES, CSR, certificates — pkijs and asn1js with them) load on the
 * first flow call, not when the worker starts: every wallet window starts this worker at once for
 * the vault's status, and most starts need no KSeF at all (issue 10: first-load JS).
 */
let loadingFlows: Promise<FlowRunner> | undefined;
function loadFlows(): Promise<FlowRunner> {
  loadingFlows ??= Promise.all([
    import('../flows/flow-service.ts'),
    import('../flows/handoff-flows.ts'),
  ]).then(([{ createFlowService }, { createHandoffFlowRunner }]) => {
    const flowService = createFlowService({ vault: service, subtle: self.crypto.subtle, clock: systemClock });
    // The hand-off's methods (mint, revoke, refresh for ERP pages, approvals) run beside the others.
    const handoffFlows = createHandoffFlowRunner(flowService);
    return {
      run: (method, params, link) =>
        isHandoffFlowMethod(method)
          ? handoffFlows.run(method, params, link)
          : flowService.run(method as FlowMethod, params as never, link),
    };
  });
  return loadingFlows;
}
const flows: FlowRunner = {
  run: async (method, params, link) => (await loadFlows()).run(method, params, link),
};

const connections: { notify(e: Parameters<Parameters<typeof service.onEvent>[0]>[0]): void }[] = [];
const channel = new BroadcastChannel(RPC.BROADCAST_CHANNEL);

let closing: Promise<void> | undefined;
let closingHeld = false;
const startClosing = () => {
  closing ??= holdClosingLock().then(() => {
    closingHeld = true;
  });
  return closing;
};

service.onEvent((event) => {
  if (event.type !== 'locked') {
    for (const c of connections) c.notify(event);
    return;
  }
  const finish = () => {
    for (const c of connections) c.notify(event);
    channel.postMessage({ type: 'locked', reason: event.reason, name: self.name });
    // Let the messages leave, then end this context and everything it held.
    self.setTimeout(() => {
      service.close();
      channel.close();
      self.close();
    }, 50);
  };
  if (closingHeld) finish();
  else void startClosing().then(finish);
});

/**
 * What the pages call: the service, except that an explicit lock first takes the closing lock, so
 * that the `locked` event reaches the page before the reply to `lock` does, and a page that
 * reloads on it waits for this worker to be gone.
 */
const vault: Vault = new Proxy(service, {
  get(target, prop, receiver) {
    if (prop === 'lock') {
      return async (reason: LockReason) => {
        if ((await target.status()).state === 'unlocked') await startClosing();
        return target.lock(reason);
      };
    }
    const value = Reflect.get(target, prop, receiver);
    return typeof value === 'function' ? value.bind(target) : value;
  },
});

self.addEventListener('connect', (e: MessageEvent) => {
  const port = e.ports[0];
  if (!port) return;
  connections.push(serveVault(port, vault, flows));
});

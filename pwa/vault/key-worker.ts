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
 */
import { systemClock } from '../../shared/platform.ts';
import { RPC } from './rpc-contract.ts';
import { serveVault } from './rpc-server.ts';
import { VAULT_DB_NAME } from './schema.ts';
import { VaultService } from './vault-service.ts';

declare const self: SharedWorkerGlobalScope;

/** The worker's name picks the database: the production vault, or an isolated test vault. */
function databaseName(workerName: string): string {
  if (workerName === 'ksef-wallet-vault') return VAULT_DB_NAME;
  if (/^ksef-wallet-vault:test-[a-z0-9-]{1,40}$/.test(workerName)) return workerName;
  return VAULT_DB_NAME;
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
  database: { name: databaseName(self.name) },
});

const connections: { notify(e: Parameters<Parameters<typeof service.onEvent>[0]>[0]): void }[] = [];
const channel = new BroadcastChannel(RPC.BROADCAST_CHANNEL);

service.onEvent((event) => {
  for (const c of connections) c.notify(event);
  if (event.type === 'locked') {
    channel.postMessage({ type: 'locked', reason: event.reason, name: self.name });
    // Let the messages leave, then end this context and everything it held.
    self.setTimeout(() => {
      service.close();
      channel.close();
      self.close();
    }, 50);
  }
});

self.addEventListener('connect', (e: MessageEvent) => {
  const port = e.ports[0];
  if (!port) return;
  connections.push(serveVault(port, service));
});

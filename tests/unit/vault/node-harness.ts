/**
 * Node harness for the shared vault suite: a fresh fake-indexeddb factory per case, the real
 * `crypto.subtle`, the real clock and timers. A "restart" closes the service (dropping every key in
 * memory) and opens a new one on the same database — as a browser restart would.
 */
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import type { Vault } from '../../../pwa/vault/vault-api.ts';
import type { VaultPlatform } from '../../../pwa/vault/vault-context.ts';
import { VaultService } from '../../../pwa/vault/vault-service.ts';
import { rawStore, type VaultHarness } from '../../browser/vault/vault-suite.ts';

export const realPlatform = (): VaultPlatform => ({
  subtle: globalThis.crypto.subtle,
  random: (n) => globalThis.crypto.getRandomValues(new Uint8Array(n)),
  clock: { now: () => Date.now() },
  timers: {
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
  },
});

export type NodeHarness = VaultHarness & { readonly services: VaultService[]; close(): void };

export function nodeHarness(
  wrap: (s: VaultService) => Vault = (s) => s,
  platform: VaultPlatform = realPlatform(),
): NodeHarness {
  const factory = new IDBFactory();
  const name = 'ksef-wallet-vault';
  const services: VaultService[] = [];
  const open = () => {
    const s = new VaultService({ platform, database: { indexedDB: factory, IDBKeyRange, name } });
    services.push(s);
    return s;
  };
  const first = open();
  return {
    vault: wrap(first),
    services,
    async restart() {
      for (const s of services) s.close();
      return wrap(open());
    },
    raw: rawStore(factory, name),
    subtle: globalThis.crypto.subtle,
    close() {
      for (const s of services) s.close();
    },
  };
}

import { MessageChannel } from 'node:worker_threads';
import { describe, it } from 'vitest';
import { serveVault } from '../../../pwa/vault/rpc-server.ts';
import { createVaultClient } from '../../../pwa/vault/vault-client.ts';
import type { VaultService } from '../../../pwa/vault/vault-service.ts';
import { VAULT_CASES } from '../../browser/vault/vault-suite.ts';
import { nodeHarness } from './node-harness.ts';

/** The page's facade talking to the worker's server over a real MessagePort (structured clone). */
function overRpc(service: VaultService) {
  const { port1, port2 } = new MessageChannel();
  const server = serveVault(port2 as never, service);
  service.onEvent((e) => server.notify(e));
  const client = createVaultClient(port1 as never);
  const close = service.close.bind(service);
  service.close = () => {
    client.close();
    port2.close();
    close();
  };
  return client;
}

// The same cases run in Chromium on real IndexedDB through the shared key worker
// (tests/e2e/vault-behaviour.test.ts).
for (const [title, wrap] of [
  ['vault on fake-indexeddb (VaultService directly)', undefined],
  ['vault on fake-indexeddb through the key-worker RPC (MessagePort, structured clone)', overRpc],
] as const) {
  describe(title, () => {
    for (const c of VAULT_CASES) {
      it(c.name, async () => {
        const h = nodeHarness(wrap);
        try {
          await c.run(h);
        } finally {
          h.close();
        }
      });
    }
  });
}

/**
 * The wallet as its screens use it, for fault tests: the real VaultService on fake-indexeddb and
 * the real key-worker flow service, over HTTP to a sandbox — like tests/unit/pwa/wallet-harness.ts,
 * but the flows wait on an injected clock that returns at once (support/clock.ts), so 429 storms
 * and back-off cost no wall time. `restart()` is the worker going away: keys and access tokens in
 * memory are gone, what the vault wrote stays.
 */
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { createLocalFlowClient } from '../../../pwa/flows/flow-client.ts';
import { createFlowService, type FlowService } from '../../../pwa/flows/flow-service.ts';
import type { CompanyView } from '../../../pwa/vault/vault-api.ts';
import { VaultService } from '../../../pwa/vault/vault-service.ts';
import type { Transport } from '../../../shared/platform.ts';
import { ENV, openSandbox } from '../../integration/client/sandbox-fixture.ts';
import { instantWaits } from './clock.ts';
import { FAST_KDF, PASSPHRASE, platformWith } from './vault.ts';

export { PASSPHRASE };

export async function openFaultWallet() {
  const sandbox = await openSandbox();
  const factory = new IDBFactory();
  const name = 'ksef-wallet-vault';
  const vaults: VaultService[] = [];
  const build = () => {
    const vault = new VaultService({
      platform: platformWith(),
      database: { indexedDB: factory, IDBKeyRange, name },
    });
    vaults.push(vault);
    const service: FlowService = createFlowService({
      vault,
      subtle: globalThis.crypto.subtle,
      clock: instantWaits(),
    });
    return { vault, service };
  };
  let current = build();
  return {
    sandbox,
    get vault() {
      return current.vault;
    },
    /** A flow client over `transport` (default: straight to the sandbox). */
    flows(transport: Transport = sandbox.transport) {
      return createLocalFlowClient(current.service, transport);
    },
    async restart() {
      current.vault.close();
      current = build();
    },
    async company(nip: string): Promise<CompanyView> {
      if ((await current.vault.status()).state === 'absent') {
        const created = await current.vault.create({ passphrase: PASSPHRASE, kdf: FAST_KDF });
        if (!created.ok) throw new Error(`create: ${created.error.reason}`);
      }
      const added = await current.vault.addCompany({ name: `Firma ${nip}`, nip, environment: ENV });
      if (!added.ok) throw new Error(`addCompany: ${added.error.reason}`);
      return added.value;
    },
    async close() {
      for (const v of vaults) v.close();
      await sandbox.close();
    },
  };
}

/**
 * The wallet as the PWA's screens use it — the real VaultService (on fake-indexeddb) and the real
 * KSeF flows of the key worker — in one Node process, talking over real HTTP to a real sandbox
 * started for the test file. Only the worker boundary is left out: the flow client calls the flow
 * service in process (the RPC is covered by the e2e tests in Chromium).
 *
 * `restart()` closes the vault (every key and access token in memory is gone, as when the last tab
 * closes) and opens a new one on the same database, with a new flow service: what survives is what
 * the vault wrote.
 */
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import type { Wallet } from '../../../pwa/app/wallet.ts';
import { createLocalFlowClient } from '../../../pwa/flows/flow-client.ts';
import { createFlowService, type FlowService } from '../../../pwa/flows/flow-service.ts';
import type { CompanyView } from '../../../pwa/vault/vault-api.ts';
import { VaultService } from '../../../pwa/vault/vault-service.ts';
import type { KdfParams } from '../../../shared/crypto/kdf.ts';
import { systemClock } from '../../../shared/platform.ts';
import { ENV, openSandbox } from '../../integration/client/sandbox-fixture.ts';
import { realPlatform } from '../vault/node-harness.ts';

/** The smallest stored parameters the vault accepts: keeps the suite fast (production: 64 MiB/t3/p4). */
export const FAST_KDF: KdfParams = Object.freeze({
  alg: 'argon2id',
  version: 0x13,
  memoryKiB: 19 * 1024,
  iterations: 2,
  parallelism: 1,
});
export const PASSPHRASE = 'zielona żaba skacze przez wysoki płot';

/** Polling fast enough for a test, on the real clock (the sandbox answers at once by default). */
const POLLING = {
  auth: { initialDelayMs: 20, maxDelayMs: 100 },
  tokenActivation: { initialDelayMs: 20, maxDelayMs: 100, budgetMs: 20_000 },
  enrollment: { initialDelayMs: 20, maxDelayMs: 100, budgetMs: 20_000 },
};

export type WalletHarness = {
  readonly sandbox: Awaited<ReturnType<typeof openSandbox>>;
  wallet: Wallet & { readonly vault: VaultService };
  service: FlowService;
  restart(): Promise<void>;
  /** A fresh vault (created and unlocked) with one company on the sandbox. */
  company(nip: string, name?: string): Promise<CompanyView>;
  close(): Promise<void>;
};

export async function openWalletHarness(
  sandboxOptions: Parameters<typeof openSandbox>[0] = {},
): Promise<WalletHarness> {
  const sandbox = await openSandbox(sandboxOptions);
  const factory = new IDBFactory();
  const name = `ksef-wallet-vault-${Math.random().toString(36).slice(2)}`;
  const services: VaultService[] = [];
  const build = () => {
    const vault = new VaultService({
      platform: realPlatform(),
      database: { indexedDB: factory, IDBKeyRange, name },
    });
    services.push(vault);
    const service = createFlowService({
      vault,
      subtle: globalThis.crypto.subtle,
      clock: systemClock,
      polling: POLLING,
    });
    return { vault, service, flows: createLocalFlowClient(service, sandbox.transport) };
  };
  let current = build();
  const h: WalletHarness = {
    sandbox,
    wallet: { vault: current.vault, flows: current.flows },
    service: current.service,
    async restart() {
      current.vault.close();
      current = build();
      h.wallet = { vault: current.vault, flows: current.flows };
      h.service = current.service;
    },
    async company(nip, companyName = `Firma ${nip}`) {
      const status = await h.wallet.vault.status();
      if (status.state === 'absent') {
        const created = await h.wallet.vault.create({ passphrase: PASSPHRASE, kdf: FAST_KDF });
        if (!created.ok) throw new Error(`create: ${created.error.reason}`);
      }
      const added = await h.wallet.vault.addCompany({ name: companyName, nip, environment: ENV });
      if (!added.ok) throw new Error(`addCompany: ${added.error.reason}`);
      return added.value;
    },
    async close() {
      for (const s of services) s.close();
      await sandbox.close();
    },
  };
  return h;
}

/** Unwraps a Result in a test, failing with its error (codes and reasons only, never a secret). */
export function must<T>(r: { ok: true; value: T } | { ok: false; error: unknown }, what: string): T {
  if (!r.ok) throw new Error(`${what} failed: ${JSON.stringify(r.error)}`);
  return r.value;
}

/**
 * The page side of the Chromium benchmarks (bench/browser/vault-bench.ts drives it with
 * puppeteer-core): the PWA's real `connectVault` — Trusted Types worker URL, shared key worker,
 * RPC facade — under the PWA's real CSP, and the crypto core on the page's own Web Crypto. Every
 * timing is taken here with performance.now(), so CDP round trips are not in the figures.
 *
 * A bench vault lives under its own test name (`ksef-wallet-vault:test-bench`) in a fresh profile.
 */

import { connectVault } from '../../pwa/vault/connect-vault.ts';
import type { VaultStatus } from '../../pwa/vault/vault-api.ts';
import type { VaultClient } from '../../pwa/vault/vault-client.ts';
import { createBackupKey, RECOMMENDED_KDF } from '../../shared/crypto/index.ts';
import { runCryptoBench } from '../crypto/crypto-ops.ts';
import { type AccountingOfficeSpec, buildAccountingOfficeBackup } from './accounting-office-backup.ts';

const VAULT_NAME = 'ksef-wallet-vault:test-bench';

let client: VaultClient | undefined;
let backup: Uint8Array | undefined;

const deps = {
  subtle: crypto.subtle,
  random: (n: number) => crypto.getRandomValues(new Uint8Array(n)),
};

function connect(): VaultClient {
  client?.close();
  client = connectVault({ name: VAULT_NAME, timeoutMs: 300_000 });
  return client;
}

function value<T>(
  what: string,
  r: { ok: true; value: T } | { ok: false; error: { code: string; reason?: string } },
): T {
  if (!r.ok) throw new Error(`${what}: ${r.error.code}${r.error.reason ? ` ${r.error.reason}` : ''}`);
  return r.value;
}

type Lists = { companies: number; tokens: number; certificates: number };

async function listAll(c: VaultClient): Promise<Lists> {
  const [companies, tokens, certificates] = await Promise.all([
    c.listCompanies(),
    c.listTokens(),
    c.listCertificates(),
  ]);
  return { companies: companies.length, tokens: tokens.length, certificates: certificates.length };
}

const api = {
  crypto: (runs: number, warmups: number) =>
    runCryptoBench({ subtle: crypto.subtle, now: () => performance.now(), runs, warmups }),

  /**
   * Argon2id (+ its HKDF step) on the page thread, through the crypto core: at the product's
   * parameters, or with another iteration count (the headroom SECURITY.md §4 asks about).
   */
  async kdf(runs: number, iterations: number = RECOMMENDED_KDF.iterations): Promise<number[]> {
    const out: number[] = [];
    const kdf = { ...RECOMMENDED_KDF, iterations };
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      value('kdf', await createBackupKey(deps, 'correct horse battery staple zażółć', kdf));
      out.push(performance.now() - t0);
    }
    return out;
  },

  /** A new vault with the product's default KDF (no `kdf` given, as the UI creates it). */
  async create(passphrase: string): Promise<VaultStatus> {
    const c = connect();
    if ((await c.status()).state !== 'absent') throw new Error('the bench vault already exists');
    return value('create', await c.create({ passphrase }));
  },

  async buildBackup(spec: AccountingOfficeSpec): Promise<{ ms: number; bytes: number } & Lists> {
    const t0 = performance.now();
    const built = await buildAccountingOfficeBackup(deps, spec);
    backup = built.file;
    return { ms: performance.now() - t0, bytes: built.file.byteLength, ...built.counts };
  },

  async importBackup(backupPassphrase: string): Promise<{ ms: number; added: number }> {
    if (!backup) throw new Error('no backup built');
    const c = client ?? connect();
    const t0 = performance.now();
    const report = value('import', await c.importBackup({ file: backup, backupPassphrase }));
    return { ms: performance.now() - t0, added: report.added };
  },

  /** After a reload: connect, wait until the worker answers, then time the unlock alone. */
  async unlock(passphrase: string): Promise<{ ms: number; status: VaultStatus }> {
    const c = connect();
    const before = await c.status();
    if (before.state !== 'locked') throw new Error(`expected a locked vault, found ${before.state}`);
    const t0 = performance.now();
    const status = value('unlock', await c.unlock(passphrase));
    return { ms: performance.now() - t0, status };
  },

  async lock(): Promise<void> {
    await client?.lock('user');
  },

  /**
   * What the wallet does when it opens (after a reload, no key worker running): start the key
   * worker, read the status, list companies, tokens and certificates. Works while locked.
   */
  async openAndList(): Promise<{ ms: number; statusMs: number; state: string } & Lists> {
    const t0 = performance.now();
    const c = connect();
    const status = await c.status();
    const statusMs = performance.now() - t0;
    const lists = await listAll(c);
    return { ms: performance.now() - t0, statusMs, state: status.state, ...lists };
  },

  /** The same lists from a key worker that already runs (a second tab, a refresh of the view). */
  async listAgain(): Promise<{ ms: number } & Lists> {
    const c = client ?? connect();
    const t0 = performance.now();
    const lists = await listAll(c);
    return { ms: performance.now() - t0, ...lists };
  },
};

declare global {
  interface Window {
    benchPage: typeof api;
  }
}
window.benchPage = api;

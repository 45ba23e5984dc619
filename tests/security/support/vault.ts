/**
 * A real vault for the security suite: `VaultService` on a fake-indexeddb factory of its own, the
 * real `crypto.subtle`, and a byte-exact dump of every object store (what "the vault is unchanged"
 * means: the same keys and the same values, every Uint8Array byte included), read with raw
 * IndexedDB — no Dexie, no schema — as a profile thief would.
 */
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import type { VaultPlatform } from '../../../pwa/vault/vault-context.ts';
import { VaultService } from '../../../pwa/vault/vault-service.ts';
import {
  BACKUP_PASSPHRASE,
  ENROLLMENT_DATA,
  FAST_KDF,
  NIP,
  PASSPHRASE,
  REF,
  rawStore,
} from '../../browser/vault/vault-suite.ts';
import { markerKsefToken } from './secrets.ts';

export { BACKUP_PASSPHRASE, FAST_KDF, NIP, PASSPHRASE };

export type Clock = { now: number };

export function platformWith(clock?: Clock): VaultPlatform {
  return {
    subtle: globalThis.crypto.subtle,
    random: (n) => globalThis.crypto.getRandomValues(new Uint8Array(n)),
    clock: { now: () => clock?.now ?? Date.now() },
    timers: {
      setTimeout: (fn, ms) => setTimeout(fn, ms),
      clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
    },
  };
}

/** Every object store, every key and value, as one canonical string (bytes spelled out). */
export async function dumpDatabase(factory: IDBFactory, name: string): Promise<string> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const req = factory.open(name);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  try {
    const stores = [...db.objectStoreNames].sort();
    const out: Record<string, unknown> = {};
    for (const store of stores) {
      out[store] = await new Promise((resolve, reject) => {
        const tx = db.transaction(store, 'readonly');
        const s = tx.objectStore(store);
        const keys = s.getAllKeys();
        const values = s.getAll();
        tx.oncomplete = () => resolve({ keys: keys.result, values: values.result });
        tx.onerror = () => reject(tx.error);
      });
    }
    return JSON.stringify({ version: db.version, stores: out }, bytesReplacer);
  } finally {
    db.close();
  }
}

function bytesReplacer(_k: string, v: unknown): unknown {
  if (v instanceof Uint8Array) return `bytes:${Buffer.from(v).toString('hex')}`;
  if (v instanceof ArrayBuffer) return `buffer:${Buffer.from(v).toString('hex')}`;
  return v;
}

export type SecurityVault = Awaited<ReturnType<typeof openSecurityVault>>;

/** A fresh database with one VaultService on it; `restart()` is a browser restart (keys gone). */
export function openSecurityVault(clock?: Clock) {
  const factory = new IDBFactory();
  const name = 'ksef-wallet-vault';
  const services: VaultService[] = [];
  const open = () => {
    const s = new VaultService({
      platform: platformWith(clock),
      database: { indexedDB: factory, IDBKeyRange, name },
    });
    services.push(s);
    return s;
  };
  let vault = open();
  return {
    get vault() {
      return vault;
    },
    factory,
    name,
    raw: rawStore(factory, name),
    dump: () => dumpDatabase(factory, name),
    restart() {
      for (const s of services) s.close();
      vault = open();
      return vault;
    },
    close() {
      for (const s of services) s.close();
    },
  };
}

function must<T>(r: { ok: true; value: T } | { ok: false; error: unknown }, what: string): T {
  if (!r.ok) throw new Error(`${what}: ${JSON.stringify(r.error)}`);
  return r.value;
}

/**
 * A vault with something of everything: a company, an active KSeF token (marker secret), an
 * enrolled key with its CSR, a session with a sealed refresh token, an approval, and the activity
 * entries all of that wrote. Returns the ids and the secrets a leak check must look for.
 */
export async function filledVault(
  v: VaultService,
  options: { environment?: 'TEST' | 'DEMO' | 'PRD' | `custom:${string}` } = {},
) {
  must(await v.create({ passphrase: PASSPHRASE, kdf: FAST_KDF }), 'create');
  const company = must(
    await v.addCompany({ name: 'Zażółć Sp. z o.o.', nip: NIP, environment: options.environment ?? 'TEST' }),
    'company',
  );
  const begun = must(
    await v.beginTokenGeneration({
      companyId: company.id,
      description: 'Token ERP',
      permissions: ['InvoiceRead', 'InvoiceWrite'],
    }),
    'begin token',
  );
  const tokenSecret = markerKsefToken(NIP);
  const token = must(
    await v.recordTokenGenerated({
      pendingId: begun.pendingId,
      referenceNumber: REF(1),
      secret: tokenSecret,
    }),
    'token generated',
  );
  must(await v.completeTokenActivation({ pendingId: begun.pendingId, status: 'Active' }), 'token active');
  const enrollment = must(
    await v.prepareEnrollment({
      companyId: company.id,
      certificateName: 'Certyfikat logowania',
      certificateType: 'Authentication',
      algorithm: 'ECDSA-P256',
      enrollmentData: ENROLLMENT_DATA,
    }),
    'prepare enrollment',
  );
  const refreshToken = `eyJhbGciOiJIUzI1NiJ9.${Buffer.from(`refresh-${tokenSecret}`).toString('base64url')}.c2ln`;
  const session = must(
    await v.recordSession({
      companyId: company.id,
      referenceNumber: REF(2, 'AU'),
      method: 'ksef-token',
      credentialId: token.id,
      accessValidUntil: new Date(Date.now() + 900_000).toISOString(),
      refreshValidUntil: new Date(Date.now() + 7 * 86_400_000).toISOString(),
      refreshToken,
    }),
    'session',
  );
  must(
    await v.grantApproval({
      origin: 'https://erp.example',
      companyId: company.id,
      allowRefresh: false,
      passphrase: PASSPHRASE,
    }),
    'approval',
  );
  return { company, token, enrollment, session, secrets: [tokenSecret, refreshToken] };
}

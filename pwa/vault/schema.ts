/**
 * The vault's IndexedDB schema, with every version it ever had (Dexie upgrades a database step by
 * step from the version it finds). A version, once shipped, is never edited: changes are a new
 * version with an upgrade function, tested on a database written by the version before
 * (tests/unit/vault/migration.test.ts, tests/e2e/vault-migration.test.ts, fixtures in
 * tests/fixtures/vault/).
 *
 *   1  first release: one company per NIP; `isDefault` as a boolean (not indexable).
 *   2  a NIP once per environment (a firm tries TEST before PRD); `isDefault` as 0/1 with a
 *      [companyId+isDefault] index; certificates get `excludeFromBackup` (SECURITY.md T3: a
 *      "device-bound" key is really a wrapped key that is kept out of backups).
 *
 * Writes that must survive a crash (write-ahead of token secrets and enrollments) use Chromium's
 * strict durability: the transaction completes only after the data reached the disk.
 */
import { Dexie, type EntityTable } from 'dexie';
import type {
  ActivityRow,
  ApprovalRow,
  CertificateRow,
  CompanyRow,
  MetaRow,
  PendingRow,
  SessionRow,
  TokenRow,
} from './records.ts';
import { VAULT_DB_NAME } from './vault-database.ts';

export { VAULT_DB_NAME, VAULT_SCHEMA_VERSION } from './vault-database.ts';

export const VAULT_TABLES = [
  'meta',
  'companies',
  'certificates',
  'tokens',
  'sessions',
  'approvals',
  'pending',
  'activity',
] as const;
export type VaultTableName = (typeof VAULT_TABLES)[number];

/** Version 1's stores, kept verbatim: Dexie needs them to upgrade a version-1 database. */
export const SCHEMA_V1 = Object.freeze({
  meta: 'key',
  companies: 'id, &nip, name',
  certificates: 'id, companyId, serialNumber, fingerprint',
  tokens: 'id, companyId, &referenceNumber',
  sessions: 'id, companyId, referenceNumber',
  approvals: 'id, &[origin+companyId], companyId',
  pending: 'id, companyId, kind',
  activity: 'id, &seq',
});

export const SCHEMA_V2 = Object.freeze({
  ...SCHEMA_V1,
  companies: 'id, &[nip+environment], nip, name',
  certificates: 'id, companyId, serialNumber, fingerprint, [companyId+isDefault]',
  tokens: 'id, companyId, &referenceNumber, [companyId+isDefault]',
});

export type VaultDatabase = Dexie & {
  meta: EntityTable<MetaRow, 'key'>;
  companies: EntityTable<CompanyRow, 'id'>;
  certificates: EntityTable<CertificateRow, 'id'>;
  tokens: EntityTable<TokenRow, 'id'>;
  sessions: EntityTable<SessionRow, 'id'>;
  approvals: EntityTable<ApprovalRow, 'id'>;
  pending: EntityTable<PendingRow, 'id'>;
  activity: EntityTable<ActivityRow, 'id'>;
};

export type IndexedDbPlatform = {
  /** Defaults to the global `indexedDB` (page, worker); Node tests pass fake-indexeddb's. */
  readonly indexedDB?: IDBFactory;
  readonly IDBKeyRange?: typeof IDBKeyRange;
  readonly name?: string;
};

const flag = (v: unknown): 0 | 1 => (v === true || v === 1 ? 1 : 0);

export function openVaultDatabase(platform: IndexedDbPlatform = {}): VaultDatabase {
  const db = new Dexie(platform.name ?? VAULT_DB_NAME, {
    ...(platform.indexedDB ? { indexedDB: platform.indexedDB } : {}),
    ...(platform.IDBKeyRange ? { IDBKeyRange: platform.IDBKeyRange } : {}),
    // A write-ahead record that a crash loses is a lost token secret: wait for the disk.
    chromeTransactionDurability: 'strict',
    // Reads go to IndexedDB every time: several contexts may share the database.
    cache: 'disabled',
  }) as VaultDatabase;
  db.version(1).stores(SCHEMA_V1);
  db.version(2)
    .stores(SCHEMA_V2)
    .upgrade(async (tx) => {
      await tx
        .table('certificates')
        .toCollection()
        .modify((c: Record<string, unknown>) => {
          c.isDefault = flag(c.isDefault);
          c.excludeFromBackup = flag(c.excludeFromBackup);
        });
      await tx
        .table('tokens')
        .toCollection()
        .modify((t: Record<string, unknown>) => {
          t.isDefault = flag(t.isDefault);
        });
    });
  return db;
}

/** A database with only version 1 declared: what the first release wrote (fixtures, migration tests). */
export function openVersion1Database(platform: IndexedDbPlatform = {}): Dexie {
  const db = new Dexie(platform.name ?? VAULT_DB_NAME, {
    ...(platform.indexedDB ? { indexedDB: platform.indexedDB } : {}),
    ...(platform.IDBKeyRange ? { IDBKeyRange: platform.IDBKeyRange } : {}),
  });
  db.version(1).stores(SCHEMA_V1);
  return db;
}

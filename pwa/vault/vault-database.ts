/**
 * The vault database's name and schema version, apart from the Dexie schema (schema.ts) so that a
 * page can name its database without loading Dexie: the page only asks the browser whether the
 * database exists (connect-vault.ts starts no key worker for a visitor who has no vault yet).
 */
export const VAULT_DB_NAME = 'ksef-wallet-vault';
export const VAULT_SCHEMA_VERSION = 2;

/**
 * The worker's name picks the database: the production vault, or an isolated test vault
 * (`ksef-wallet-vault:test-<id>`, optionally `~<n>` for a new worker on the same test database).
 */
export function vaultDatabaseName(workerName: string): string {
  const test = /^(ksef-wallet-vault:test-[a-z0-9-]{1,40})(?:~\d{1,6})?$/.exec(workerName);
  return test ? test[1]! : VAULT_DB_NAME;
}

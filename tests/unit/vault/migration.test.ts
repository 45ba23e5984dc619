/**
 * Schema migration on a database written by the previous schema (tests/fixtures/vault/v1-database.json,
 * rows as version 1 stored them, with real ciphertexts): the current code opens it, upgrades it to
 * version 2 and everything still opens — token secret, refresh token, signing key, activity chain.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { openVersion1Database, VAULT_SCHEMA_VERSION } from '../../../pwa/vault/schema.ts';
import { VaultService } from '../../../pwa/vault/vault-service.ts';
import { FAST_KDF, rawStore } from '../../browser/vault/vault-suite.ts';
import { decodeRows, type VersionOneFixture } from '../../fixtures/vault/fixture-codec.ts';
import { realPlatform } from './node-harness.ts';

const fixture = JSON.parse(
  readFileSync(resolve(import.meta.dirname, '../../fixtures/vault/v1-database.json'), 'utf8'),
) as VersionOneFixture;
const tables = decodeRows(fixture.tables) as Record<string, Record<string, unknown>[]>;

async function writtenByVersion1() {
  const factory = new IDBFactory();
  const v1 = openVersion1Database({ indexedDB: factory, IDBKeyRange, name: 'old' });
  await v1.open();
  await v1.transaction('rw', v1.tables, async () => {
    for (const [t, rows] of Object.entries(tables)) await v1.table(t).bulkPut(rows);
  });
  expect(v1.verno).toBe(1);
  v1.close();
  return factory;
}

describe('migration from schema version 1', () => {
  it('opens a version-1 database, upgrades it, and every secret still opens', async () => {
    const factory = await writtenByVersion1();
    const vault = new VaultService({
      platform: realPlatform(),
      database: { indexedDB: factory, IDBKeyRange, name: 'old' },
    });
    try {
      const status = await vault.status();
      expect([status.state, status.schemaVersion]).toEqual(['locked', VAULT_SCHEMA_VERSION]);
      const [token] = await vault.listTokens();
      expect(token?.isDefault).toBe(1);
      const [cert] = await vault.listCertificates();
      expect([cert?.isDefault, cert?.excludeFromBackup, cert?.state]).toEqual([1, 0, 'active']);
      expect((await vault.unlock(fixture.passphrase)).ok).toBe(true);
      const secret = await vault.revealTokenSecret({ tokenId: token!.id, passphrase: fixture.passphrase });
      expect(secret).toEqual({ ok: true, value: fixture.tokenSecret });
      const [session] = await vault.listSessions();
      expect(await vault.flows.refreshToken(session!.id)).toEqual({ ok: true, value: fixture.refreshToken });
      const key = await vault.flows.signingKey(cert!.id);
      expect(key.ok).toBe(true);
      if (!key.ok) return;
      const subtle = globalThis.crypto.subtle;
      const data = new TextEncoder().encode('podpis');
      const sig = await subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key.value.privateKey, data);
      const pub = await subtle.importKey(
        'spki',
        new Uint8Array(cert!.publicKeySpki),
        { name: 'ECDSA', namedCurve: 'P-256' },
        false,
        ['verify'],
      );
      expect(await subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, pub, sig, data)).toBe(true);
      expect(key.value.privateKey.extractable).toBe(false);
      const log = await vault.verifyActivity();
      expect(log.ok && log.value).toMatchObject({ state: 'intact', entries: tables.activity!.length + 1 });
      // Version 2's change: the same NIP may now be added for another environment.
      const prd = await vault.addCompany({
        name: 'Stara Baza (PRD)',
        nip: (await vault.listCompanies())[0]!.nip,
        environment: 'PRD',
      });
      expect(prd.ok).toBe(true);
      const rows = await rawStore(factory, 'old').all('tokens');
      expect(rows[0]?.isDefault).toBe(1);
    } finally {
      vault.close();
    }
  });

  it('a database that lost its keyring row is not silently replaced by a new vault', async () => {
    const factory = await writtenByVersion1();
    await rawStore(factory, 'old').delete('meta', 'keyring');
    const vault = new VaultService({
      platform: realPlatform(),
      database: { indexedDB: factory, IDBKeyRange, name: 'old' },
    });
    try {
      expect((await vault.status()).state).toBe('absent');
      expect((await vault.listCompanies()).length).toBe(1);
      const r = await vault.unlock(fixture.passphrase);
      expect(!r.ok && r.error.reason).toBe('VAULT_ABSENT');
      // Creating a new vault over sealed records would orphan them silently: refused.
      const c = await vault.create({ passphrase: 'zupełnie nowa fraza na nowy sejf', kdf: FAST_KDF });
      expect(!c.ok && c.error.reason).toBe('TAMPERED');
    } finally {
      vault.close();
    }
  });
});

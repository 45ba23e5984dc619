import { describe, expect, it } from 'vitest';
import { VAULT_ERROR_CODES } from '../../../pwa/vault/errors.ts';
import { MESSAGE_REASONS, vaultMessage } from '../../../pwa/vault/vault-messages.ts';
import { DOMAIN_ERROR_CODES } from '../../../shared/domain/errors.ts';

describe('vault messages', () => {
  it('has a Polish and an English text for every vault and domain reason and the envelope reasons', () => {
    const envelope = [
      'WRONG_PASSPHRASE',
      'KDF_PARAMS_REFUSED',
      'BACKUP_FOREIGN',
      'BACKUP_NEWER_VERSION',
      'BACKUP_TRUNCATED',
      'BACKUP_CORRUPTED',
      'BACKUP_TOO_LARGE',
      'SEALED_FIELD_DAMAGED',
    ];
    for (const reason of [...VAULT_ERROR_CODES, ...DOMAIN_ERROR_CODES, ...envelope]) {
      expect(MESSAGE_REASONS).toContain(reason);
      const pl = vaultMessage(reason, 'pl');
      const en = vaultMessage(reason, 'en');
      expect(pl.length, reason).toBeGreaterThan(10);
      expect(en.length, reason).toBeGreaterThan(10);
      expect(pl).not.toBe(en);
    }
  });

  it('defaults to Polish and falls back to a general text, never to a raw code', () => {
    expect(vaultMessage('WRONG_PASSPHRASE')).toMatch(/hasło/);
    expect(vaultMessage('SOMETHING_NEW', 'en')).toMatch(/Nothing was changed/);
  });
});

import { describe, expect, it } from 'vitest';
import * as api from '../../../shared/crypto/index.ts';

describe('crypto core API surface (SECURITY.md T10: no signing oracle)', () => {
  it('offers signing and encryption only as the KSeF-specific use cases', () => {
    expect(Object.keys(api).sort()).toEqual(
      [
        'CHALLENGE_LIFETIME_MS',
        'CRYPTO_ERROR_CODES',
        'buildCsr',
        'buildSignedAuthTokenRequest',
        'buildUnsignedAuthTokenRequest',
        'certificateIdOf',
        'createSelfSignedTestCertificate',
        'csrMatchesEnrollmentData',
        'readCsr',
        'encryptKsefToken',
        'fromBase64',
        'generateSigningKey',
        'parseSignedAuthTokenRequest',
        'publicKeyIdOf',
        'readCertificate',
        'selectEncryptionCertificate',
        'toBase64',
        'toHexUpper',
        'unwrapSigningKey',
        'validateAuthTokenRequestInput',
        // the vault envelope (FORMAT.md): key derivation, keyring, record fields, backup file
        'ARGON2ID',
        'BACKUP_FORMAT',
        'KEYRING_FORMAT',
        'RECOMMENDED_KDF',
        'SEALED_FIELD',
        'UUID_PATTERN',
        'checkKdfParams',
        'checkKeyring',
        'createBackupKey',
        'createKeyring',
        'openBackup',
        'openField',
        'openText',
        'readBackupHeader',
        'recordAad',
        'rewrapKeyring',
        'rewrapSigningKey',
        'sealBackup',
        'sealField',
        'sealText',
        'unlockBackup',
        'unlockKeyring',
      ].sort(),
    );
    expect(Object.keys(api).filter((k) => /^(sign|encrypt|decrypt)$/i.test(k))).toEqual([]);
  });

  it('maps every crypto reason to a general error code that shared/result.ts knows', async () => {
    const { ERROR_CODES } = await import('../../../shared/result.ts');
    const { cryptoError } = await import('../../../shared/crypto/errors.ts');
    for (const reason of api.CRYPTO_ERROR_CODES) {
      expect(ERROR_CODES).toContain(cryptoError(reason).code);
    }
  });
});

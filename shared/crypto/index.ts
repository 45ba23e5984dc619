/**
 * The crypto core's public surface. Deliberately missing: any generic "sign these bytes" or "encrypt
 * this" function (SECURITY.md T10) — signing exists only as "build and sign the AuthTokenRequest for
 * this fetched challenge", CSR and test-certificate building, and encryption only as "encrypt this
 * KSeF token for this challenge". Platform-free: Web Crypto `SubtleCrypto` and a clock come in as
 * arguments; no globals are touched (pkijs is used only to parse, so it needs no crypto engine).
 *
 * The vault envelope (FORMAT.md) adds passphrase key derivation, the keyring that wraps the data key,
 * sealing of one field of one vault record (never arbitrary additional data: the binding names the
 * record), moving a wrapped signing key between wrapping keys, and the backup container.
 */
export type {
  AuthorizationPolicy,
  AuthTokenRequestInput,
  ContextIdentifier,
  ContextType,
  SubjectIdentifierType,
} from './auth-token-request.ts';
export {
  buildUnsignedAuthTokenRequest,
  CHALLENGE_LIFETIME_MS,
  validateAuthTokenRequestInput,
} from './auth-token-request.ts';
export type { BackupHeader, BackupKey } from './backup-container.ts';
export {
  BACKUP_FORMAT,
  createBackupKey,
  openBackup,
  readBackupHeader,
  sealBackup,
  unlockBackup,
} from './backup-container.ts';
export type { EnrollmentData } from './csr.ts';
export { buildCsr } from './csr.ts';
export type { CsrAttribute, CsrInfo } from './csr-reader.ts';
export { csrMatchesEnrollmentData, readCsr } from './csr-reader.ts';
export { fromBase64, toBase64, toHexUpper } from './encoding.ts';
export type { CryptoError, CryptoErrorCode, CryptoResult } from './errors.ts';
export { CRYPTO_ERROR_CODES } from './errors.ts';
export type { CheckedKdfParams, KdfParams } from './kdf.ts';
export { ARGON2ID, checkKdfParams, RECOMMENDED_KDF } from './kdf.ts';
export type { GeneratedSigningKey, SigningAlgorithm, WrappedSigningKey } from './keys.ts';
export { generateSigningKey, unwrapSigningKey } from './keys.ts';
export type { PublicKeyCertificate, PublicKeyCertificateUsage } from './public-key-id.ts';
export { certificateIdOf, publicKeyIdOf, selectEncryptionCertificate } from './public-key-id.ts';
export type { RecordBinding, SealedTable } from './sealed-field.ts';
export {
  openField,
  openText,
  recordAad,
  SEALED_FIELD,
  sealField,
  sealText,
  UUID_PATTERN,
} from './sealed-field.ts';
export type { KeyPlace } from './signing-key-rewrap.ts';
export { rewrapSigningKey } from './signing-key-rewrap.ts';
export type { TestCertificateSubject } from './test-certificate.ts';
export { createSelfSignedTestCertificate } from './test-certificate.ts';
export { encryptKsefToken } from './token-encryption.ts';
export type { EnvelopeDeps, VaultKeyring, VaultKeys } from './vault-keyring.ts';
export {
  checkKeyring,
  createKeyring,
  KEYRING_FORMAT,
  rewrapKeyring,
  unlockKeyring,
} from './vault-keyring.ts';
export type {
  CertificateAttribute,
  CertificateInfo,
  CertificateKey,
  KsefCertificateType,
} from './x509-reader.ts';
export { readCertificate } from './x509-reader.ts';
export type { SignerInput } from './xades-sign.ts';
export { buildSignedAuthTokenRequest } from './xades-sign.ts';
export type { AuthRequestExpectations, VerifiedAuthTokenRequest } from './xades-verify.ts';
export { parseSignedAuthTokenRequest } from './xades-verify.ts';

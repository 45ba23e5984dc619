/**
 * The crypto core's public surface. Deliberately missing: any generic "sign these bytes" or "encrypt
 * this" function (SECURITY.md T10) — signing exists only as "build and sign the AuthTokenRequest for
 * this fetched challenge", CSR and test-certificate building, and encryption only as "encrypt this
 * KSeF token for this challenge". Platform-free: Web Crypto `SubtleCrypto` and a clock come in as
 * arguments; no globals are touched (pkijs is used only to parse, so it needs no crypto engine).
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
export type { EnrollmentData } from './csr.ts';
export { buildCsr } from './csr.ts';
export type { CsrAttribute, CsrInfo } from './csr-reader.ts';
export { csrMatchesEnrollmentData, readCsr } from './csr-reader.ts';
export { fromBase64, toBase64, toHexUpper } from './encoding.ts';
export type { CryptoError, CryptoErrorCode, CryptoResult } from './errors.ts';
export { CRYPTO_ERROR_CODES } from './errors.ts';
export type { GeneratedSigningKey, SigningAlgorithm, WrappedSigningKey } from './keys.ts';
export { generateSigningKey, unwrapSigningKey } from './keys.ts';
export type { PublicKeyCertificate, PublicKeyCertificateUsage } from './public-key-id.ts';
export { certificateIdOf, publicKeyIdOf, selectEncryptionCertificate } from './public-key-id.ts';
export type { TestCertificateSubject } from './test-certificate.ts';
export { createSelfSignedTestCertificate } from './test-certificate.ts';
export { encryptKsefToken } from './token-encryption.ts';
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

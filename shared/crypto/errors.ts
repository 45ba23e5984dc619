/**
 * Crypto-specific failure reasons. They ride on a `WalletError` (so any caller that only knows
 * shared/result.ts still gets a stable `code`), with `reason` naming exactly what broke — the UI uses
 * it to tell a user *before submission* why a signed file would be refused ("challenge expired",
 * "signature broken at SignedProperties"). Add, never rename or reuse.
 */
import { type ErrorCode, err, type WalletError } from '../result.ts';

export const CRYPTO_ERROR_CODES = [
  'INPUT_TOO_LARGE',
  'BAD_BASE64',
  'BAD_DER',
  'NOT_A_CERTIFICATE',
  'UNSUPPORTED_KEY',
  'KEY_WRAP_FAILED',
  'KEY_UNWRAP_FAILED',
  'XML_MALFORMED',
  'XML_DOCTYPE_FORBIDDEN',
  'XML_WRONG_NAMESPACE',
  'AUTH_REQUEST_SCHEMA',
  'AUTH_REQUEST_NOT_SIGNED',
  'AUTH_REQUEST_MULTIPLE_SIGNATURES',
  'AUTH_REQUEST_CHALLENGE_EXPIRED',
  'AUTH_REQUEST_WRONG_CHALLENGE',
  'AUTH_REQUEST_WRONG_CONTEXT',
  'SIGNATURE_MALFORMED',
  'SIGNATURE_UNSUPPORTED_ALGORITHM',
  'SIGNATURE_REFERENCE_NOT_FOUND',
  'SIGNATURE_DIGEST_MISMATCH',
  'SIGNATURE_INVALID',
  'SIGNATURE_NOT_XADES',
  'SIGNATURE_CERTIFICATE_MISMATCH',
  'SIGNATURE_KEY_TOO_WEAK',
  'CSR_BAD_ENROLLMENT_DATA',
  'SIGNING_FAILED',
  'TOKEN_BAD_INPUT',
  'ENCRYPTION_FAILED',
  'NO_ENCRYPTION_CERTIFICATE',
  'CERTIFICATE_NOT_RSA',
  'AUTH_REQUEST_NO_SUBJECT_IN_CERTIFICATE',
  'SIGNATURE_CERTIFICATE_NOT_VALID_NOW',
] as const;
export type CryptoErrorCode = (typeof CRYPTO_ERROR_CODES)[number];

export type CryptoError = WalletError & {
  readonly reason: CryptoErrorCode;
  /** For signature problems: the XML element whose digest or structure is wrong. */
  readonly element?: string;
};

/** Which general code each reason maps to, so callers that know only `ErrorCode` still branch right. */
const GENERAL: Readonly<Record<CryptoErrorCode, ErrorCode>> = Object.freeze({
  INPUT_TOO_LARGE: 'REQUEST_TOO_LARGE',
  BAD_BASE64: 'INVALID_INPUT',
  BAD_DER: 'INVALID_INPUT',
  NOT_A_CERTIFICATE: 'INVALID_INPUT',
  UNSUPPORTED_KEY: 'UNSUPPORTED_FORMAT',
  KEY_WRAP_FAILED: 'INTERNAL',
  KEY_UNWRAP_FAILED: 'CORRUPTED',
  XML_MALFORMED: 'INVALID_INPUT',
  XML_DOCTYPE_FORBIDDEN: 'INVALID_INPUT',
  XML_WRONG_NAMESPACE: 'INVALID_INPUT',
  AUTH_REQUEST_SCHEMA: 'INVALID_INPUT',
  AUTH_REQUEST_NOT_SIGNED: 'INVALID_INPUT',
  AUTH_REQUEST_MULTIPLE_SIGNATURES: 'INVALID_INPUT',
  AUTH_REQUEST_CHALLENGE_EXPIRED: 'INVALID_INPUT',
  AUTH_REQUEST_WRONG_CHALLENGE: 'INVALID_INPUT',
  AUTH_REQUEST_WRONG_CONTEXT: 'INVALID_INPUT',
  SIGNATURE_MALFORMED: 'INVALID_INPUT',
  SIGNATURE_UNSUPPORTED_ALGORITHM: 'UNSUPPORTED_FORMAT',
  SIGNATURE_REFERENCE_NOT_FOUND: 'INVALID_INPUT',
  SIGNATURE_DIGEST_MISMATCH: 'CORRUPTED',
  SIGNATURE_INVALID: 'CORRUPTED',
  SIGNATURE_NOT_XADES: 'INVALID_INPUT',
  SIGNATURE_CERTIFICATE_MISMATCH: 'CORRUPTED',
  SIGNATURE_KEY_TOO_WEAK: 'UNSUPPORTED_FORMAT',
  CSR_BAD_ENROLLMENT_DATA: 'INVALID_INPUT',
  SIGNING_FAILED: 'INTERNAL',
  TOKEN_BAD_INPUT: 'INVALID_INPUT',
  ENCRYPTION_FAILED: 'INTERNAL',
  NO_ENCRYPTION_CERTIFICATE: 'INVALID_INPUT',
  CERTIFICATE_NOT_RSA: 'UNSUPPORTED_FORMAT',
  AUTH_REQUEST_NO_SUBJECT_IN_CERTIFICATE: 'INVALID_INPUT',
  SIGNATURE_CERTIFICATE_NOT_VALID_NOW: 'INVALID_INPUT',
});

export type CryptoResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: CryptoError };

export const cryptoError = (reason: CryptoErrorCode, detail?: string, element?: string): CryptoError => ({
  code: GENERAL[reason],
  reason,
  ...(detail === undefined ? {} : { detail }),
  ...(element === undefined ? {} : { element }),
});

export const cfail = (reason: CryptoErrorCode, detail?: string, element?: string) =>
  err(cryptoError(reason, detail, element));

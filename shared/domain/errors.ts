/**
 * Reasons a domain value is refused (a NIP, a PESEL, a company, a passphrase, an auto-lock setting).
 * Like crypto/errors.ts they ride on a `WalletError`, so callers that only know shared/result.ts
 * still branch on a stable `code`; `reason` names exactly what is wrong, and the UI turns it into
 * Polish or English text. Add, never rename or reuse.
 */
import { type ErrorCode, err, type WalletError } from '../result.ts';

export const DOMAIN_ERROR_CODES = [
  'NIP_INVALID',
  'NIP_CHECKSUM',
  'PESEL_INVALID',
  'PESEL_CHECKSUM',
  'COMPANY_NAME_INVALID',
  'ENVIRONMENT_INVALID',
  'PASSPHRASE_TOO_WEAK',
  'PASSPHRASE_TOO_LONG',
  'AUTO_LOCK_OUT_OF_RANGE',
] as const;
export type DomainErrorCode = (typeof DOMAIN_ERROR_CODES)[number];

export type DomainError = WalletError & { readonly reason: DomainErrorCode };

const GENERAL: Readonly<Record<DomainErrorCode, ErrorCode>> = Object.freeze({
  NIP_INVALID: 'INVALID_INPUT',
  NIP_CHECKSUM: 'INVALID_INPUT',
  PESEL_INVALID: 'INVALID_INPUT',
  PESEL_CHECKSUM: 'INVALID_INPUT',
  COMPANY_NAME_INVALID: 'INVALID_INPUT',
  ENVIRONMENT_INVALID: 'INVALID_INPUT',
  PASSPHRASE_TOO_WEAK: 'INVALID_INPUT',
  PASSPHRASE_TOO_LONG: 'INVALID_INPUT',
  AUTO_LOCK_OUT_OF_RANGE: 'INVALID_INPUT',
});

export const domainError = (reason: DomainErrorCode, detail?: string): DomainError => ({
  code: GENERAL[reason],
  reason,
  ...(detail === undefined ? {} : { detail }),
});

export const domainFail = (reason: DomainErrorCode, detail?: string) => err(domainError(reason, detail));

/**
 * Why a vault operation did not happen. Every failure is a value (STYLE.md §3): a general `code`
 * from shared/result.ts and a precise `reason`. Reasons from the crypto envelope and the domain
 * checks pass through unchanged, so the UI has one table of messages (vault-messages.ts). No
 * error ever carries a secret: details are codes, counts and record ids.
 */
import type { CryptoErrorCode } from '../../shared/crypto/errors.ts';
import type { DomainErrorCode } from '../../shared/domain/errors.ts';
import { type ErrorCode, err, type WalletError } from '../../shared/result.ts';

export const VAULT_ERROR_CODES = [
  'VAULT_ABSENT',
  'VAULT_EXISTS',
  'VAULT_LOCKED',
  'NOT_FOUND',
  'DUPLICATE',
  'WRONG_STAGE',
  'BAD_REQUEST',
  'CERTIFICATE_MISMATCH',
  'TAMPERED',
  'STORAGE_FAILED',
  'BACKUP_EMPTY',
  'BACKUP_BAD_CONTENT',
  'CONFLICT',
] as const;
export type VaultErrorCode = (typeof VAULT_ERROR_CODES)[number];

export type VaultReason = VaultErrorCode | CryptoErrorCode | DomainErrorCode;
export type VaultError = WalletError & { readonly reason: VaultReason };
export type VaultResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: VaultError };

const GENERAL: Readonly<Record<VaultErrorCode, ErrorCode>> = Object.freeze({
  VAULT_ABSENT: 'VAULT_LOCKED',
  VAULT_EXISTS: 'INVALID_INPUT',
  VAULT_LOCKED: 'VAULT_LOCKED',
  NOT_FOUND: 'INVALID_INPUT',
  DUPLICATE: 'INVALID_INPUT',
  WRONG_STAGE: 'INVALID_INPUT',
  BAD_REQUEST: 'BAD_MESSAGE',
  CERTIFICATE_MISMATCH: 'INVALID_INPUT',
  TAMPERED: 'CORRUPTED',
  STORAGE_FAILED: 'INTERNAL',
  BACKUP_EMPTY: 'INVALID_INPUT',
  BACKUP_BAD_CONTENT: 'CORRUPTED',
  CONFLICT: 'INVALID_INPUT',
});

export const vaultError = (reason: VaultErrorCode, detail?: string): VaultError => ({
  code: GENERAL[reason],
  reason,
  ...(detail === undefined ? {} : { detail }),
});

export const vfail = (reason: VaultErrorCode, detail?: string) => err(vaultError(reason, detail));

/** Crypto and domain errors are already `{code, reason}`; only the fields we know are kept. */
export const asVaultError = (e: { code: ErrorCode; reason: string; detail?: string }): VaultError => ({
  code: e.code,
  reason: e.reason as VaultReason,
  ...(e.detail === undefined ? {} : { detail: e.detail }),
});

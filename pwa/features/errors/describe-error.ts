/**
 * One error → the sentence the user reads (Polish or English), saying what went wrong and what to do
 * next. In order: the flows' own reasons (no session, needs a signature session, …), the vault's and
 * the domain's reasons (wrong passphrase, duplicate company, weak passphrase, …), then the KSeF
 * client's table (`describeKsefError`: every KSeF code and status, HTTP reasons, transport codes).
 * KSeF's own description and details are untrusted text: they are returned separately, rendered as
 * text beside the message, never inside it.
 */
import type { Locale } from '../../../shared/i18n/translate.ts';
import { describeKsefError } from '../../../shared/ksef/ksef-messages.ts';
import type { WalletError } from '../../../shared/result.ts';
import type { AppStringKey, Translate } from '../../app/strings.ts';
import { FLOW_REASONS, type FlowReason } from '../../flows/flow-api.ts';

export type DescribedError = {
  readonly message: string;
  /** KSeF's description and details, verbatim (plain text). */
  readonly ksefText?: string;
};

const FLOW_TEXT: Readonly<Record<FlowReason, AppStringKey>> = Object.freeze({
  NO_SESSION: 'reasonNoSession',
  NEEDS_SIGNATURE_SESSION: 'reasonNeedsSignatureSession',
  NO_DEFAULT_CREDENTIAL: 'reasonNoDefaultCredential',
  NOT_TEST_ENVIRONMENT: 'reasonNotTestEnvironment',
  CERTIFICATE_NOT_FOR_LOGIN: 'reasonCertificateNotForLogin',
  UNKNOWN_REQUEST: 'reasonUnknownRequest',
  ALREADY_REDEEMED: 'reasonAlreadyRedeemed',
  ENROLLMENT_LIMIT: 'reasonEnrollmentLimit',
  ENROLLMENT_IN_PROGRESS: 'reasonEnrollmentInProgress',
  OPERATION_BUSY: 'reasonOperationBusy',
});

/** Reasons of the vault (pwa/vault/errors.ts) and of the domain checks it passes through. */
const VAULT_TEXT: Readonly<Record<string, AppStringKey>> = Object.freeze({
  VAULT_LOCKED: 'errorVAULT_LOCKED',
  VAULT_ABSENT: 'errorVaultAbsent',
  VAULT_EXISTS: 'errorVaultExists',
  WRONG_PASSPHRASE: 'errorWRONG_PASSPHRASE',
  DUPLICATE: 'errorDuplicate',
  NOT_FOUND: 'errorNotFound',
  WRONG_STAGE: 'errorWrongStage',
  CERTIFICATE_MISMATCH: 'errorCertificateMismatch',
  TAMPERED: 'errorTampered',
  STORAGE_FAILED: 'errorStorageFailed',
  CONFLICT: 'errorStorageFailed',
  BACKUP_EMPTY: 'errorBackupEmpty',
  BACKUP_BAD_CONTENT: 'errorBackupDamaged',
  BACKUP_CORRUPTED: 'errorBackupDamaged',
  BACKUP_TRUNCATED: 'errorBackupDamaged',
  BACKUP_TOO_LARGE: 'errorBackupTooLarge',
  BACKUP_FOREIGN: 'errorBackupForeign',
  BACKUP_NEWER_VERSION: 'errorBackupNewer',
  BACKUP_UNSUPPORTED: 'errorBackupForeign',
  KDF_PARAMS_REFUSED: 'errorKdfRefused',
  SEALED_FIELD_DAMAGED: 'errorTampered',
  KEY_UNWRAP_FAILED: 'errorTampered',
  NIP_INVALID: 'nipWrongLength',
  NIP_CHECKSUM: 'nipInvalid',
  COMPANY_NAME_INVALID: 'companyNameInvalid',
  ENVIRONMENT_INVALID: 'environmentInvalid',
  PASSPHRASE_TOO_WEAK: 'passphraseTooWeak',
  PASSPHRASE_TOO_LONG: 'passphraseTooLong',
  AUTO_LOCK_OUT_OF_RANGE: 'autoLockOutOfRange',
});

const isFlowReason = (r: unknown): r is FlowReason =>
  typeof r === 'string' && (FLOW_REASONS as readonly string[]).includes(r);

function ksefText(error: WalletError): string | undefined {
  const k = error.ksef;
  if (!k) return undefined;
  const parts = [k.description, ...(k.details ?? [])].filter(
    (x): x is string => typeof x === 'string' && x !== '',
  );
  return parts.length > 0 ? parts.join(' — ') : undefined;
}

export function describeError(
  error: WalletError & { readonly reason?: string; readonly element?: string },
  t: Translate,
  locale: Locale,
): DescribedError {
  const extra = ksefText(error);
  const withKsef = (message: string): DescribedError => (extra ? { message, ksefText: extra } : { message });
  if (isFlowReason(error.reason)) return withKsef(t(FLOW_TEXT[error.reason], { detail: error.detail ?? '' }));
  if (error.reason && VAULT_TEXT[error.reason]) return withKsef(t(VAULT_TEXT[error.reason]!));
  if (error.code === 'VAULT_LOCKED') return withKsef(t('errorVAULT_LOCKED'));
  return withKsef(describeKsefError(error, locale));
}

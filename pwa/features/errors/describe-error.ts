/**
 * One error → the sentence the user reads (Polish or English), saying what went wrong and what to do
 * next. In order: the flows' own reasons (no session, needs a signature session, …), the signed-file
 * and signing reasons of the login flows, the vault's, envelope's and domain's reasons (its
 * vault-messages.ts: wrong passphrase, duplicate company, weak passphrase, …), then the KSeF client's
 * table (`describeKsefError`: every KSeF code and status, HTTP reasons, transport codes).
 * KSeF's own description and details are untrusted text: they are returned separately, rendered as
 * text beside the message, never inside it.
 */
import type { Locale } from '../../../shared/i18n/translate.ts';
import { describeKsefError, messageKeyOf } from '../../../shared/ksef/ksef-messages.ts';
import type { WalletError } from '../../../shared/result.ts';
import type { AppStringKey, Translate } from '../../app/strings.ts';
import { FLOW_REASONS, type FlowReason } from '../../flows/flow-api.ts';
import { MESSAGE_REASONS, vaultMessage } from '../../vault/vault-messages.ts';

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
  // The login flows' crypto reasons (a signed file's problem, signing) have KSeF-client texts.
  if (error.reason && messageKeyOf(error) === `crypto.${error.reason}`)
    return withKsef(describeKsefError(error, locale));
  if (error.reason && (MESSAGE_REASONS as readonly string[]).includes(error.reason))
    return withKsef(vaultMessage(error.reason, locale));
  return withKsef(describeKsefError(error, locale));
}
